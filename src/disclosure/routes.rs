//! The disclosure routes: the public area (`/gk/…`, `/u/{code}/gk/…`) and the staff side
//! (`/admin/gk/…`), each part listing its own.

use crate::http::routes::Routes;

/// Pages and forms under the global body limit.
pub fn router() -> Routes {
    Routes::new()
        .merge(super::area::router())
        .merge(super::guide::router())
        .merge(super::catalog::router())
        .merge(super::requests::router())
        .merge(super::report::router())
        .merge(super::supervise::router())
}

/// Forms that carry files (a request's identity proof, a reply document), under the upload
/// limits.
pub fn upload_router() -> Routes {
    super::requests::upload_router()
}

/// The upload forms' own body limit (a few files of proof or a reply document), instead of
/// the global one.
pub fn upload_limits(r: axum::Router<crate::http::Shared>) -> axum::Router<crate::http::Shared> {
    r.layer(axum::extract::DefaultBodyLimit::max(
        super::requests::MAX_UPLOAD_REQUEST,
    ))
}
