//! The document pages' routes: pages and small forms (`router`), and the sending form,
//! which carries attachments (`upload_router`, under the editor's upload limits).

use crate::http::routes::Routes;

pub fn router() -> Routes {
    Routes::new()
        .get("/oa/docs", super::list::page)
        .get("/oa/docs/new", super::send::form)
        .get("/oa/docs/{id}", super::view::page)
        .post("/oa/docs/{id}/sign", super::act::sign)
        .post("/oa/docs/{id}/remark", super::act::remark)
        .post("/oa/docs/{id}/remind", super::act::remind)
        .post("/oa/docs/{id}/forward", super::act::forward)
        .get("/oa/docs/{id}/files/{n}", super::file::download)
}

/// Forms with files.
pub fn upload_router() -> Routes {
    Routes::new().post("/oa/docs/new", super::send::send)
}
