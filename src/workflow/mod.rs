//! The publishing workflow (issue 4): pure pieces shared by the editor and the review pages.

pub mod checks;
