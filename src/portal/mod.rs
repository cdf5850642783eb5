//! The public portal. For now: the home page with the organisation, the site map,
//! the contact page and the 适老化 switch; channels and articles come next.

pub mod routes;
