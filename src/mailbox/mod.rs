//! 区长信箱: residents write to the district head; the mailbox office (the government office)
//! accepts, assigns (转办) with a working-day limit, merges duplicates or says why a letter is
//! not accepted; the answering unit answers or sends it back; the office may review the
//! answer; the writer reads it with the 查询码 and rates it; letters whose writers agreed
//! are published with personal data masked. States on the one flow engine (`flow`), dates
//! from the working-day calendar (`due`), reminders and the 60-day alarm from the scheduler
//! (`act::sweep`), figures per month and unit (`stats`).

pub mod access;
pub mod act;
pub mod checks;
pub mod demo;
pub mod due;
pub mod fields;
pub mod flow;
pub mod inbox;
pub mod letter_view;
pub mod lookup;
pub mod model;
pub mod page;
pub mod pow;
pub mod projects;
pub mod public;
pub mod search;
pub mod settings;
pub mod settings_page;
pub mod stats;
pub mod steps;
pub mod store;
pub mod submit;
pub mod todo;
pub mod write;

use crate::auth::permission::Action;
use crate::http::routes::Routes;
use crate::staff::registry::{NavEntry, Shows};

/// Its place in the staff navigation and on the workbench.
pub const NAV: &[NavEntry] = &[NavEntry::new(
    "/admin/mailbox/",
    "区长信箱",
    Shows::AnyUnit(Action::AnswerLetters),
)
.tile("来信受理、转办、答复、审核与公开")];

/// The largest letter form (its files and text).
pub const MAX_UPLOAD: usize = 64 * 1024 * 1024;

pub fn router() -> Routes {
    Routes::new()
        .get("/mailbox/", write::page_write)
        .get(lookup::PATH, lookup::page_lookup)
        .post(lookup::PATH, lookup::post_lookup)
        .post("/mailbox/lookup/close", lookup::post_close)
        .post("/mailbox/lookup/rate", lookup::post_rate)
        .get("/mailbox/letters", public::page_letters)
        .get("/mailbox/letters/{id}", public::page_letter)
        .get("/mailbox/stats", stats::page_public)
        .get("/admin/mailbox/", inbox::page_inbox)
        .get("/admin/mailbox/stats", stats::page_staff)
        .get("/admin/mailbox/stats.xlsx", stats::xlsx)
        .get(settings_page::PATH, settings_page::page_settings)
        .post(settings_page::PATH, settings_page::post_settings)
        .get("/admin/mailbox/{id}", letter_view::page_letter)
        .get("/admin/mailbox/{id}/files/{n}", letter_view::file)
        .post("/admin/mailbox/{id}/act", steps::post_act)
}

/// The letter form, under its own limit (`MAX_UPLOAD`).
pub fn upload_router() -> Routes {
    Routes::new().post("/mailbox/", write::post_write)
}
