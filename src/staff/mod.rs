//! What every staff page shares, whichever capability it belongs to: the one permission
//! check and the page shell (`shell`), the navigation and workbench tiles built from
//! registrations (`registry`), the one 待办 interface (`todo`) and 我的工作 built on it (`work`),
//! and the rows capabilities add to the self-check (`site_checks`).

pub mod registry;
pub mod shell;
pub mod shows;
pub mod site_checks;
pub mod todo;
pub mod work;
