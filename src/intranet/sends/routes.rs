//! The sends' routes.

use crate::http::routes::Routes;

pub fn router() -> Routes {
    Routes::new()
        .get("/oa/sends", super::list::page)
        .get("/oa/sends/new", super::new::form)
        .post("/oa/sends/new", super::new::send)
        .get("/oa/sends/{id}", super::view::page)
        .post("/oa/sends/{id}/sign", super::act::sign)
        .post("/oa/sends/{id}/remind", super::act::remind)
        .get("/oa/sends/{id}/files/{n}", super::file::download)
}
