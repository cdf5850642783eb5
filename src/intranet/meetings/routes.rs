//! The meeting notices' routes (all behind the intranet's gate).

use crate::http::routes::Routes;

pub fn router() -> Routes {
    Routes::new()
        .get("/oa/meetings", super::list::list)
        .get("/oa/meetings/new", super::compose::new_form)
        .post("/oa/meetings/new", super::compose::send)
        .get("/oa/meetings/{id}", super::page::show)
        .get("/oa/meetings/{id}/replies", super::page::fragment)
        .get(
            "/oa/meetings/{id}/replies.xlsx",
            super::export::replies_xlsx,
        )
        .get("/oa/meetings/{id}/meeting.ics", super::export::ics)
        .post("/oa/meetings/{id}/reply", super::page::reply)
        .post("/oa/meetings/{id}/remind", super::page::remind)
        .get("/oa/meetings/{id}/edit", super::compose::edit_form)
        .post("/oa/meetings/{id}/edit", super::compose::edit)
        .post("/oa/meetings/{id}/cancel", super::page::cancel)
}
