//! The projects' routes: the public pages (`/projects/…`) and the staff side
//! (`/admin/projects…`), each part listing its own.

use crate::http::routes::Routes;

/// Pages and forms under the global body limit.
pub fn router() -> Routes {
    Routes::new()
        .merge(super::public::router())
        .merge(super::admin::router())
        .merge(super::update_form::router())
        .merge(super::review::router())
        .merge(super::update_edit::router())
}

/// The update forms, which carry photos, under their own body limit.
pub fn upload_router() -> Routes {
    super::update_form::upload_router().merge(super::update_edit::upload_router())
}

/// The update form's body limit (a few photos), instead of the global one.
pub fn upload_limits(r: axum::Router<crate::http::Shared>) -> axum::Router<crate::http::Shared> {
    r.layer(axum::extract::DefaultBodyLimit::max(
        super::update_form::MAX_REQUEST,
    ))
}
