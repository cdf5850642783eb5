//! 依申请公开: requests for government information on the statutory clock (条例 第二十七至
//! 四十五条). The public form (`apply`) and the requester's lookup (`lookup`); staff
//! registering paper requests (`register`), the list (`list`), one request with its steps
//! (`staff_view`, `act`, `reply`). A request's states are the one flow engine's (`flow`); its
//! reply deadline is counted in working days with the calendar in effect (`due`), paused for
//! consultations, restarted by 补正, extended once. The outcome of a reply is a leaf of the
//! annual report's table 三 (`outcome`), so the report counts what was done.

pub mod access;
pub mod act;
pub mod apply;
pub mod due;
pub mod duplicates;
pub mod flow;
pub mod form;
pub mod guard;
pub mod list;
pub mod lookup;
pub mod model;
pub mod outcome;
pub mod register;
pub mod reply;
pub mod staff_view;
pub mod store;
pub mod submit;

use crate::http::routes::Routes;

/// The largest form with files a request page accepts (the proof, a reply document).
pub const MAX_UPLOAD_REQUEST: usize = 24 * 1024 * 1024;

pub fn router() -> Routes {
    Routes::new()
        .get("/gk/apply", apply::form_page_main)
        .get("/u/{code}/gk/apply", apply::form_page)
        .get(lookup::PATH, lookup::page_lookup)
        .post(lookup::PATH, lookup::post_lookup)
        .post("/gk/lookup/close", lookup::post_close)
        .get("/gk/lookup/reply", lookup::reply_file)
        .post("/gk/lookup/supplement", lookup::post_supplement)
        .get("/admin/gk/requests", list::page_list)
        .get("/admin/gk/requests/new", register::page_new)
        .post("/admin/gk/requests/new", register::post_new)
        .get("/admin/gk/requests/{id}", staff_view::page_request)
        .get("/admin/gk/requests/{id}/files/{n}", staff_view::proof_file)
        .get("/admin/gk/requests/{id}/reply-file", staff_view::reply_file)
        .post("/admin/gk/requests/{id}/act", act::post_act)
        .get("/admin/gk/requests/{id}/reply", redirect_to_request)
}

/// Forms with files, under their own limit (`MAX_UPLOAD_REQUEST`).
pub fn upload_router() -> Routes {
    Routes::new()
        .post("/gk/apply", apply::submit_main)
        .post("/u/{code}/gk/apply", apply::submit_sub)
        .post("/admin/gk/requests/{id}/reply", reply::post_reply)
}

/// GET on the reply form's address (a reload after a refused post): back to the request.
async fn redirect_to_request(
    axum::extract::Path(id): axum::extract::Path<String>,
) -> axum::response::Response {
    crate::http::respond::see_other(&format!(
        "/admin/gk/requests/{}",
        id.parse::<u64>().unwrap_or(0)
    ))
}
