//! 年度报告: a unit's (or the district's) yearly report on its disclosure work in the 2021
//! statutory format, generated from the system's own data.

use crate::http::routes::Routes;

pub fn router() -> Routes {
    Routes::new()
}
