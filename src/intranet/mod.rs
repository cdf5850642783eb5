//! 内网办公: the staff-only intranet office at `/oa/`. Official documents (公文) sent to units
//! and people, signed for (签收) and passed on down the unit tree; meeting notices (会议通知)
//! with replies (回执); large files moved between units over the tus resumable upload
//! protocol, sent to people or shared by link. Reachable only from the networks in
//! `intranet.networks` (and only on `intranet.listen` when set), only by logged-in staff;
//! to anyone else every `/oa/` address is a plain 404 (`reach`).
//!
//! What is shared by its parts: who things are sent to (`model::Addressee`, `recipients`),
//! the in- and out-boxes (`boxes`), a recipient's receipt and its flow (`receipt`), the
//! 待办 source (`todo`) and the landing page (`home`).

pub mod boxes;
pub mod demo;
pub mod documents;
pub mod files;
pub mod home;
pub mod landing;
pub mod meetings;
pub mod model;
pub mod reach;
pub mod receipt;
pub mod receipts_table;
pub mod recipients;
pub mod routes;
pub mod sends;
pub mod shares;
pub mod stats;
pub mod todo;

use crate::auth::permission::Action;
use crate::staff::registry::{NavEntry, Shows};

/// Where the intranet's pages start.
pub const HOME: &str = "/oa/";

/// Its place in the staff navigation and on the workbench, shown only to requests from
/// inside (`NavEntry::intranet`).
pub const NAV: &[NavEntry] = &[
    NavEntry::new(HOME, "内网办公", Shows::System(Action::UseIntranet))
        .tile("公文签收、会议通知与回执、大文件传输与分享")
        .intranet(),
];
