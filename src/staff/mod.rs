//! What every staff page shares, whichever capability it belongs to: the one permission
//! check, the page shell with the navigation built from registrations, the one 待办
//! interface, audit helpers and the session cookie.

pub mod shell;
