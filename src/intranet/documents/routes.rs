//! The document pages' routes.

use crate::http::routes::Routes;

pub fn router() -> Routes {
    Routes::new()
}
