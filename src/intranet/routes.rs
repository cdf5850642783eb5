//! The intranet's routes. Every one sits behind `reach::gate` (added by the composition
//! root with `gated`): pages and forms under the global body limit (`router`), the file
//! transfer routes with their own limits (`transfer_router`).

use axum::Router;

use crate::http::Shared;
use crate::http::routes::Routes;

/// Pages and forms.
pub fn router() -> Routes {
    Routes::new()
        .get("/oa/", super::landing::page_home)
        .merge(super::documents::routes::router())
        .merge(super::meetings::routes::router())
        .merge(super::sends::routes::router())
        .merge(super::shares::routes::router())
}

/// Forms that carry files, under the editor's upload limits.
pub fn upload_router() -> Routes {
    Routes::new().merge(super::documents::routes::upload_router())
}

/// Uploads (tus and the plain form) and downloads: no global body limit, their own checks.
/// The 文件传输 page and its delete form live here too (forms read with their own limit).
pub fn transfer_router() -> Routes {
    use super::files::{form_upload, owner, page, tus};
    Routes::new()
        .options(tus::ENDPOINT, tus::options)
        .post(tus::ENDPOINT, tus::create)
        .head("/oa/files/{id}", tus::head)
        .patch("/oa/files/{id}", tus::patch)
        .delete("/oa/files/{id}", tus::terminate)
        .get(page::PATH, page::page_transfer)
        .post(form_upload::PATH, form_upload::upload)
        .get("/oa/transfer/{id}/download", owner::download)
        .post("/oa/transfer/{id}/delete", owner::delete)
        .merge(super::shares::routes::transfer_router())
}

/// A router of intranet routes behind the gate.
pub fn gated(r: Router<Shared>, st: &Shared) -> Router<Shared> {
    r.layer(axum::middleware::from_fn_with_state(
        st.clone(),
        super::reach::gate,
    ))
}

/// The transfer routes behind the gate, with their own body handling (no global limit: each
/// handler checks sizes and quotas before it reads a byte).
pub fn transfer_limits(r: Router<Shared>, st: &Shared) -> Router<Shared> {
    // Extractors (the plain form's multipart) may read up to the form's limit; tus bodies
    // are streamed by their handlers, which check sizes and quotas first.
    let form = usize::try_from(super::files::form_upload::MAX_FORM_REQUEST).unwrap_or(usize::MAX);
    gated(r.layer(axum::extract::DefaultBodyLimit::max(form)), st)
}

/// Requests that may run for long (a large upload's body): they get an hour, not the
/// ordinary request timeout.
pub fn is_long_transfer(method: &axum::http::Method, path: &str) -> bool {
    use axum::http::Method;
    (method == Method::PATCH || method == Method::POST) && path.starts_with("/oa/files/")
        || method == Method::POST && path == "/oa/transfer/upload"
        || method == Method::POST
            && path.starts_with(super::reach::SHARE_PREFIX)
            && path.ends_with("/upload")
}
