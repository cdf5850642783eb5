//! (being built)

use crate::http::routes::Routes;

pub fn router() -> Routes {
    Routes::new()
}
