//! The transfer's records: a finished file (`OaFile`) and an upload still arriving (`Upload`).

use serde::{Deserialize, Serialize};

use crate::auth::model::UnitCode;

/// A finished upload, owned by one person: its bytes are the blob `sha` (stored once however
/// many files share it, counted in `blob_refs`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OaFile {
    pub id: u64,
    pub owner: u64,
    /// The owner's unit when uploaded (the unit quota counts it there).
    pub owner_unit: UnitCode,
    /// The name as given (shown, and sent in `Content-Disposition`).
    pub name: String,
    pub size: u64,
    /// SHA-256, hex.
    pub sha: String,
    /// What the bytes are (`store::blobs::Kind::label`), sniffed after the upload finished.
    pub kind: String,
    pub created_ms: i64,
    /// Reclaimed by the sweeper after this (`intranet.file_keep_days`).
    pub expires_ms: i64,
}

/// A tus upload not yet finished: its bytes so far are `uploads/{id}.part` in the data
/// folder; its offset is that file's length.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Upload {
    /// Random, URL-safe: the tus resource's name (`/oa/files/{id}`).
    pub id: String,
    pub owner: u64,
    pub owner_unit: UnitCode,
    /// `None` until known (creation-defer-length).
    pub length: Option<u64>,
    /// From `Upload-Metadata`: `filename`, `filetype`.
    pub name: String,
    pub filetype: String,
    pub created_ms: i64,
    /// Swept after this unless finished (`intranet.upload_expire_hours`).
    pub expires_ms: i64,
    /// Bytes this upload holds against its owner's and unit's quotas (`quota`): its length
    /// once known, else the bytes received so far.
    #[serde(default)]
    pub counted: u64,
}
