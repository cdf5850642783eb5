//! The transfer's records in redb: unfinished uploads (`OA_UPLOADS`), finished files
//! (`OA_FILES`) with each owner's list (`OA_FILE_OWNERS`, newest first), and where an
//! upload's bytes wait on disk (`<data>/uploads/{id}.part`).

use std::path::{Path, PathBuf};

use redb::{ReadTransaction, ReadableTable, WriteTransaction};

use super::model::{OaFile, Upload};
use crate::error::Result;
use crate::store::{get_json, get_json_u64, put_json, put_json_u64, tables};

/// The folder unfinished uploads are written to.
pub fn uploads_dir(data: &Path) -> PathBuf {
    data.join("uploads")
}

/// Where an upload's bytes so far are. `id` is always one we made (hex), never a path.
pub fn part_path(data: &Path, id: &str) -> PathBuf {
    uploads_dir(data).join(format!("{id}.part"))
}

/// Whether a string can be an upload id we made (64 hex characters).
pub fn is_upload_id(id: &str) -> bool {
    id.len() == 64 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

pub fn get_upload(txn: &ReadTransaction, id: &str) -> Result<Option<Upload>> {
    get_json(&txn.open_table(tables::OA_UPLOADS)?, id)
}

pub fn get_upload_w(txn: &WriteTransaction, id: &str) -> Result<Option<Upload>> {
    get_json(&txn.open_table(tables::OA_UPLOADS)?, id)
}

pub fn put_upload(txn: &WriteTransaction, u: &Upload) -> Result<()> {
    put_json(txn, tables::OA_UPLOADS, &u.id, u)
}

pub fn remove_upload(txn: &WriteTransaction, id: &str) -> Result<()> {
    txn.open_table(tables::OA_UPLOADS)?.remove(id)?;
    Ok(())
}

/// Every unfinished upload (for the sweeper).
pub fn all_uploads(txn: &ReadTransaction) -> Result<Vec<Upload>> {
    let t = txn.open_table(tables::OA_UPLOADS)?;
    let mut out = Vec::new();
    for row in t.iter()? {
        let (_, v) = row?;
        out.push(serde_json::from_slice(v.value())?);
    }
    Ok(out)
}

fn owner_key(owner: u64, id: u64) -> String {
    format!("{owner:016x}/{:016x}", u64::MAX - id)
}

pub fn get_file(txn: &ReadTransaction, id: u64) -> Result<Option<OaFile>> {
    get_json_u64(&txn.open_table(tables::OA_FILES)?, id)
}

pub fn get_file_w(txn: &WriteTransaction, id: u64) -> Result<Option<OaFile>> {
    get_json_u64(&txn.open_table(tables::OA_FILES)?, id)
}

/// Stores a new file under the next id (the id in `f` is replaced); returns it.
pub fn insert_file(txn: &WriteTransaction, mut f: OaFile) -> Result<OaFile> {
    f.id = crate::store::next_id(txn, "oa_file")?;
    put_json_u64(txn, tables::OA_FILES, f.id, &f)?;
    txn.open_table(tables::OA_FILE_OWNERS)?
        .insert(owner_key(f.owner, f.id).as_str(), f.id)?;
    Ok(f)
}

pub fn remove_file(txn: &WriteTransaction, f: &OaFile) -> Result<()> {
    txn.open_table(tables::OA_FILES)?.remove(f.id)?;
    txn.open_table(tables::OA_FILE_OWNERS)?
        .remove(owner_key(f.owner, f.id).as_str())?;
    Ok(())
}

/// A person's files, newest first.
pub fn files_of(txn: &ReadTransaction, owner: u64) -> Result<Vec<OaFile>> {
    let idx = txn.open_table(tables::OA_FILE_OWNERS)?;
    let files = txn.open_table(tables::OA_FILES)?;
    let (from, to) = (format!("{owner:016x}/"), format!("{owner:016x}0"));
    let mut out = Vec::new();
    for row in idx.range(from.as_str()..to.as_str())? {
        let (_, id) = row?;
        if let Some(f) = get_json_u64::<OaFile>(&files, id.value())? {
            out.push(f);
        }
    }
    Ok(out)
}

/// Files kept past their time (for the sweeper).
pub fn expired_files(txn: &ReadTransaction, now_ms: i64) -> Result<Vec<OaFile>> {
    let t = txn.open_table(tables::OA_FILES)?;
    let mut out = Vec::new();
    for row in t.iter()? {
        let (_, v) = row?;
        let f: OaFile = serde_json::from_slice(v.value())?;
        if f.expires_ms <= now_ms {
            out.push(f);
        }
    }
    Ok(out)
}

/// Adds one reference to a blob.
pub fn ref_blob(txn: &WriteTransaction, sha: &str) -> Result<()> {
    let mut t = txn.open_table(tables::BLOB_REFS)?;
    let n = t.get(sha)?.map(|v| v.value()).unwrap_or(0);
    t.insert(sha, n + 1)?;
    Ok(())
}

/// Drops one reference to a blob; true when none is left (the file may go).
pub fn unref_blob(txn: &WriteTransaction, sha: &str) -> Result<bool> {
    let mut t = txn.open_table(tables::BLOB_REFS)?;
    let n = t.get(sha)?.map(|v| v.value()).unwrap_or(0);
    if n <= 1 {
        t.remove(sha)?;
        Ok(true)
    } else {
        t.insert(sha, n - 1)?;
        Ok(false)
    }
}

/// Whether any record still refers to a blob.
pub fn blob_used(txn: &ReadTransaction, sha: &str) -> Result<bool> {
    Ok(txn
        .open_table(tables::BLOB_REFS)?
        .get(sha)?
        .is_some_and(|v| v.value() > 0))
}
