//! The staff editor for sites, channels and articles.

use axum::Router;

use crate::http::Shared;

pub fn router() -> Router<Shared> {
    Router::new()
}
