//! 文件传输: large files uploaded over the tus 1.0.0 resumable protocol (`tus`, its wire
//! format in `tus_proto`, bodies streamed to disk by `append`), or by a plain form without
//! script (`form_upload`); finished uploads become files in the blob store (`finish`),
//! counted against personal and unit quotas (`quota`), downloadable by their owner with
//! ranges (`owner`, `download`), reclaimed by the sweeper when their time is up (`sweep`).
//! The page is `page`; what is kept in memory (running hashes, busy uploads, running
//! downloads) is `state`.

pub mod append;
pub mod download;
pub mod finish;
pub mod form_upload;
pub mod model;
pub mod owner;
pub mod page;
pub mod quota;
pub mod state;
pub mod store;
pub mod sweep;
pub mod todo;
pub mod tus;
pub mod tus_proto;

pub use state::Transfers;

/// Where the plain form (no script) posts a file (`form_upload`).
pub const FORM_PATH: &str = "/oa/transfer/upload";

/// The largest file the plain form takes; larger ones need the resumable uploader.
pub const MAX_FORM_FILE: u64 = 64 * 1024 * 1024;
