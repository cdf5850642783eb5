//! The composition root: the router that merges every capability's routes, the registrations
//! (navigation, 待办 sources, search sources, migrations) and the scheduler's jobs. It may import
//! anything; nothing imports it but `lib.rs`, `main.rs` and the demo.

pub mod jobs;
pub mod migrations;
pub mod registry;
pub mod router;
