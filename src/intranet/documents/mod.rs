//! 公文: official documents sent to units and people, signed for (签收), remarked on
//! (批阅), reminded (催办) and passed on down the unit tree (转发), each step timestamped.
//!
//! A document carries one receipt per addressee (`intranet::receipt`): delivered, first
//! opened, signed (a transition of the flow engine), downloads, reminders. Passing a
//! document on makes a copy of its own for the forwarding unit's sub-units, linked to the
//! original both ways, so the chain is kept and its first sender can follow it down.

pub mod act;
pub mod file;
pub mod list;
pub mod model;
pub mod routes;
pub mod send;
pub mod store;
pub mod todo;
pub mod view;

/// A document's page.
pub fn url(id: u64) -> String {
    format!("/oa/docs/{id}")
}
