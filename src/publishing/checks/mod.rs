//! The publishing workflow (issue 4): pure pieces shared by the editor and the review pages.

pub mod content;
pub mod demo;
pub mod panel;
pub mod rules_admin;
pub mod rules_store;
pub mod run;
