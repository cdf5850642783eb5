//! Publishing (信息报送·采集·审核·发布): everything staff do to put an item on the portal.
//!
//! - `flow`: the editorial flow definition (states, transitions, who takes each).
//! - `review`: driving items through it — levels, taking a step, notices, the work-list index,
//!   我的工作, preview, revisions after approval.
//! - `editor`: the staff forms for sites, channels and items, uploads, history.
//! - `checks`: the content checks run before approval and publishing, and their rules page.
//! - `store`: every write of an article (the public side only reads them).
//! - `diff`: the word-level comparison of two revisions.
//! - `demo`: the demo district's sites, channels and items.
//!
//! The public site (`portal`) never imports this folder.

pub mod checks;
pub mod demo;
pub mod diff;
pub mod editor;
pub mod flow;
pub mod review;
pub mod store;
