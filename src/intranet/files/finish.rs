//! Turning received bytes into a file: typed by its first bytes, moved into the blob store
//! by its SHA-256 (identical bytes are stored once; the reference is counted in
//! `blob_refs`), recorded as an `OaFile` kept `intranet.file_keep_days`, with its audit
//! record (`oa_file_upload`: SHA-256 and size) in the same write transaction. Used by the
//! tus server and by the plain form.

use std::path::{Path, PathBuf};

use super::model::{OaFile, Upload};
use super::{quota, store};
use crate::auth::audit::{self, Event};
use crate::auth::model::User;
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::store::blobs::{Kind, SNIFF_BYTES};

const DAY_MS: i64 = 86_400_000;

/// Who finished the upload, for the record and the audit log.
pub struct By {
    pub user: User,
    pub ip: String,
}

/// Reads the first bytes of a file.
fn head_of(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    std::fs::File::open(path)?
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut head)?;
    Ok(head)
}

/// Moves a complete, fsynced file into the blob store under `sha` (blocking). When the blob
/// is there already, the file is removed instead.
fn place(st: &Shared, file: &Path, sha: &str) -> Result<()> {
    let dest = st
        .store
        .blobs()
        .path(sha)
        .ok_or_else(|| Error::internal("bad digest"))?;
    if dest.exists() {
        std::fs::remove_file(file)?;
        return Ok(());
    }
    if let Some(dir) = dest.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::rename(file, &dest)?;
    if let Some(dir) = dest.parent() {
        std::fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}

fn kind_label(head: &[u8]) -> String {
    Kind::sniff(head).label().to_owned()
}

fn audit_event(by: &By, f: &OaFile) -> Event {
    Event {
        user: by.user.username.clone(),
        unit: by.user.unit.to_string(),
        action: "oa_file_upload",
        object: format!("oa_file:{}", f.id),
        ip: by.ip.clone(),
        outcome: audit::Outcome::Success,
        detail: format!(
            "{}（{}，{} 字节，SHA-256 {}）",
            f.name, f.kind, f.size, f.sha
        ),
    }
}

/// When a file made at `now` is reclaimed.
fn expires(now: i64, keep_days: u64) -> i64 {
    now.saturating_add(
        i64::try_from(keep_days)
            .unwrap_or(30)
            .saturating_mul(DAY_MS),
    )
}

/// Finishes a tus upload whose part file (`part`, `size` bytes, hashing to `sha`) is
/// complete: the blob, the file record, the upload record gone, the audit record.
pub async fn upload(st: &Shared, by: By, up: Upload, part: PathBuf, sha: String) -> Result<OaFile> {
    let p2 = part.clone();
    let head = tokio::task::spawn_blocking(move || head_of(&p2)).await??;
    let size = up.length.unwrap_or(up.counted);
    let now = st.now_ms();
    let f = OaFile {
        id: 0,
        owner: up.owner,
        owner_unit: up.owner_unit.clone(),
        name: up.name.clone(),
        size,
        sha: sha.clone(),
        kind: kind_label(&head),
        created_ms: now,
        expires_ms: expires(now, st.cfg().intranet.file_keep_days),
    };
    let id = up.id.clone();
    let _placing = st.transfers().blob_lock().await;
    let (st2, sha2) = (st.clone(), sha.clone());
    tokio::task::spawn_blocking(move || place(&st2, &part, &sha2)).await??;
    let f = st
        .store
        .write(move |txn| {
            store::remove_upload(txn, &up.id)?;
            // The upload held `counted` bytes against the quotas; the file holds its size.
            if up.counted != size {
                quota::release(txn, up.owner, up.owner_unit.as_str(), up.counted)?;
                quota::add(txn, up.owner, up.owner_unit.as_str(), size)?;
            }
            let f = store::insert_file(txn, f)?;
            store::ref_blob(txn, &f.sha)?;
            audit::append(txn, audit_event(&by, &f), now)?;
            Ok(f)
        })
        .await?;
    st.transfers().forget(&id);
    Ok(f)
}

/// Finishes a file received by the plain form (already staged in the blob store's temp
/// folder and finished): charged to the quotas now (refused with the quota named).
pub async fn staged(
    st: &Shared,
    by: By,
    staged: crate::store::blobs::Staged,
    name: String,
) -> Result<Result<OaFile, quota::Over>> {
    let sha = staged
        .sha()
        .map(str::to_owned)
        .ok_or_else(|| Error::internal("staged file not finished"))?;
    let now = st.now_ms();
    let f = OaFile {
        id: 0,
        owner: by.user.id,
        owner_unit: by.user.unit.clone(),
        name,
        size: staged.size(),
        sha: sha.clone(),
        kind: kind_label(staged.head()),
        created_ms: now,
        expires_ms: expires(now, st.cfg().intranet.file_keep_days),
    };
    let limits = quota::Limits::of(&st.cfg());
    let placing = st.transfers().blob_lock().await;
    let blobs = st.store.blobs().clone();
    tokio::task::spawn_blocking(move || blobs.commit(staged)).await??;
    let done = st
        .store
        .write(move |txn| {
            if let Some(over) = quota::charge(txn, f.owner, f.owner_unit.as_str(), f.size, &limits)?
            {
                return Ok(Err(over));
            }
            let f = store::insert_file(txn, f)?;
            store::ref_blob(txn, &f.sha)?;
            audit::append(txn, audit_event(&by, &f), now)?;
            Ok(Ok(f))
        })
        .await?;
    drop(placing);
    if done.is_err() {
        // Refused: the bytes just placed go again unless something else uses them.
        super::sweep::remove_blob_if_unused(st, &sha).await?;
    }
    Ok(done)
}
