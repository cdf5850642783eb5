//! The anonymous CSRF token (before login): a signed double-submit cookie. The tokens are
//! made and checked by `auth::csrf`.

pub use crate::auth::csrf::{mint, valid};

/// The visitor's anonymous CSRF token: the cookie's, or one made on first use (only
/// pages that render a form before login use it).
#[derive(Debug, Clone)]
pub struct AnonCsrf {
    pub cell: std::sync::Arc<std::sync::OnceLock<String>>,
}
