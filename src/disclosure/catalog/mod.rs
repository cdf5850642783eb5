//! 公开目录: the catalog of published items of obligated units with their catalog fields,
//! browsed by subject, genre, unit and year, searched, and exported (.xlsx, CSV); and the
//! two columns built from it, 公开制度 and 法定主动公开内容. Every page is on the district's
//! `/gk/…` (all obligated units) and on each unit's `/u/{code}/gk/…`.

pub mod columns;
pub mod export;
pub mod page;
pub mod query;

use crate::http::routes::Routes;

pub fn router() -> Routes {
    Routes::new()
        .get("/gk/catalog", page::catalog)
        .get("/u/{code}/gk/catalog", page::catalog)
        .get("/gk/catalog.xlsx", export::xlsx)
        .get("/u/{code}/gk/catalog.xlsx", export::xlsx)
        .get("/gk/catalog.csv", export::csv)
        .get("/u/{code}/gk/catalog.csv", export::csv)
        .get("/gk/rules", columns::rules)
        .get("/u/{code}/gk/rules", columns::rules)
        .get("/gk/statutory", columns::statutory)
        .get("/u/{code}/gk/statutory", columns::statutory)
}
