//! Feeds and machine-readable pages (Atom, sitemap.xml, robots.txt, OpenSearch).

use axum::Router;

use crate::http::Shared;

pub fn router() -> Router<Shared> {
    Router::new()
}
