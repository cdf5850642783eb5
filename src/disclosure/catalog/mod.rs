//! 公开目录: the catalog of published items of obligated units with their catalog fields,
//! browsed by subject, genre, unit and year, searched, and exported (.xlsx, CSV).

use crate::http::routes::Routes;

pub fn router() -> Routes {
    Routes::new()
}
