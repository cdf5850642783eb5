//! The share links' routes: the maker's pages and forms and the link's pages (`router`, under
//! the global body limit), and the collect upload (`transfer_router`, in the intranet's
//! transfer group with the plain form's body limit).

use crate::http::routes::Routes;

/// Pages and forms.
pub fn router() -> Routes {
    Routes::new()
        .get(super::LIST_PATH, super::list::page_list)
        .get("/oa/shares/new", super::new::page_new)
        .post(super::LIST_PATH, super::new::create)
        .post("/oa/shares/{id}/revoke", super::list::revoke)
        .post("/oa/shares/{id}/edit", super::list::edit)
        .get("/oa/s/{token}", super::link::page_link)
        .post("/oa/s/{token}", super::link::unlock)
        .get("/oa/s/{token}/file", super::link::download_file)
}

/// The collect upload.
pub fn transfer_router() -> Routes {
    Routes::new().post(UPLOAD_PATH, super::collect::upload)
}

/// Where a collect link's form posts.
pub const UPLOAD_PATH: &str = "/oa/s/{token}/upload";
