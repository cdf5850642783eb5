//! The sweeper (called by the scheduler, `app::jobs`): unfinished uploads past their time go
//! (part file, record, quota), and so do files past `intranet.file_keep_days` (record,
//! quota, blob reference; the blob file itself once nothing refers to it). A blob being
//! downloaded right now is left for a later round, and so is an upload a PATCH is writing
//! to. Time is the injected clock's.

use super::model::{OaFile, Upload};
use super::{quota, store};
use crate::auth::audit::{self, Event, Outcome};
use crate::error::Result;
use crate::http::Shared;

/// What one round removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    pub uploads: usize,
    pub files: usize,
    /// Expired files left for later because their blob was being downloaded.
    pub deferred: usize,
}

fn system_event(action: &'static str, object: String, detail: String) -> Event {
    Event {
        user: "系统".into(),
        unit: String::new(),
        action,
        object,
        ip: String::new(),
        outcome: Outcome::Success,
        detail,
    }
}

/// One round.
pub async fn run(st: &Shared) -> Result<Swept> {
    let now = st.now_ms();
    let mut out = Swept::default();
    let (uploads, files) = st
        .store
        .read(move |txn| {
            let ups: Vec<Upload> = store::all_uploads(txn)?
                .into_iter()
                .filter(|u| u.expires_ms <= now)
                .collect();
            Ok((ups, store::expired_files(txn, now)?))
        })
        .await?;
    let data = st.store.dir().to_path_buf();
    for u in uploads {
        let Some(_busy) = st.transfers().try_busy(&u.id) else {
            continue;
        };
        let id = u.id.clone();
        let gone = st
            .store
            .write(move |txn| {
                // Finished or removed since the read: nothing to do.
                let Some(u) = store::get_upload_w(txn, &u.id)? else {
                    return Ok(false);
                };
                store::remove_upload(txn, &u.id)?;
                quota::release(txn, u.owner, u.owner_unit.as_str(), u.counted)?;
                let ev = system_event(
                    "oa_upload_expire",
                    format!("oa_upload:{}", u.id),
                    format!("未完成的上传已过期清除：{}", u.name),
                );
                audit::append(txn, ev, now)?;
                Ok(true)
            })
            .await?;
        if gone {
            remove_part(&data, &id).await;
            st.transfers().forget(&id);
            out.uploads += 1;
        }
    }
    for f in files {
        if st.transfers().is_downloading(&f.sha) {
            out.deferred += 1;
            continue;
        }
        if remove_file(st, &f, None).await? {
            out.files += 1;
        }
    }
    remove_orphan_parts(st).await?;
    Ok(out)
}

/// Removes a file's record (by its owner: `by` names them and the address; else the
/// system), gives back its quota and its blob reference, and the blob file when nothing
/// refers to it any more. False when the file was gone already.
pub async fn remove_file(
    st: &Shared,
    f: &OaFile,
    by: Option<(String, String, String)>,
) -> Result<bool> {
    let now = st.now_ms();
    let id = f.id;
    let sha = f.sha.clone();
    let gone = st
        .store
        .write(move |txn| {
            let Some(f) = store::get_file_w(txn, id)? else {
                return Ok(false);
            };
            store::remove_file(txn, &f)?;
            quota::release(txn, f.owner, f.owner_unit.as_str(), f.size)?;
            store::unref_blob(txn, &f.sha)?;
            let ev = match by {
                Some((user, unit, ip)) => Event {
                    user,
                    unit,
                    action: "oa_file_delete",
                    object: format!("oa_file:{}", f.id),
                    ip,
                    outcome: Outcome::Success,
                    detail: format!("{}（{} 字节，SHA-256 {}）", f.name, f.size, f.sha),
                },
                None => system_event(
                    "oa_file_expire",
                    format!("oa_file:{}", f.id),
                    format!("传输文件保留期满清除：{}（SHA-256 {}）", f.name, f.sha),
                ),
            };
            audit::append(txn, ev, now)?;
            Ok(true)
        })
        .await?;
    if gone {
        remove_blob_if_unused(st, &sha).await?;
    }
    Ok(gone)
}

/// Removes a blob file when no record refers to it and nobody is downloading it (a later
/// sweep of the same bytes cannot find it then; it is simply left, unreferenced, and backups
/// skip it).
pub async fn remove_blob_if_unused(st: &Shared, sha: &str) -> Result<()> {
    let _placing = st.transfers().blob_lock().await;
    if st.transfers().is_downloading(sha) {
        return Ok(());
    }
    let s2 = sha.to_owned();
    let used = st.store.read(move |txn| store::blob_used(txn, &s2)).await?;
    if used {
        return Ok(());
    }
    if let Some(p) = st.store.blobs().path(sha) {
        match tokio::fs::remove_file(&p).await {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

async fn remove_part(data: &std::path::Path, id: &str) {
    let p = store::part_path(data, id);
    if let Err(e) = tokio::fs::remove_file(&p).await
        && e.kind() != std::io::ErrorKind::NotFound
    {
        tracing::warn!("could not remove {}: {e}", p.display());
    }
}

/// Part files whose upload record is gone (a termination or a sweep that stopped half-way):
/// removed. Uploads write their record before their part file, so a part file without a
/// record is never one being created.
async fn remove_orphan_parts(st: &Shared) -> Result<()> {
    let dir = store::uploads_dir(st.store.dir());
    let names: Vec<String> = match std::fs::read_dir(&dir) {
        Ok(rd) => rd
            .flatten()
            .filter_map(|e| e.file_name().to_str().map(str::to_owned))
            .filter_map(|n| n.strip_suffix(".part").map(str::to_owned))
            .filter(|id| store::is_upload_id(id))
            .collect(),
        Err(_) => return Ok(()),
    };
    if names.is_empty() {
        return Ok(());
    }
    let orphans = st
        .store
        .read(move |txn| {
            let mut out = Vec::new();
            for id in names {
                if store::get_upload(txn, &id)?.is_none() {
                    out.push(id);
                }
            }
            Ok(out)
        })
        .await?;
    let data = st.store.dir().to_path_buf();
    for id in orphans {
        if !st.transfers().is_busy(&id) {
            remove_part(&data, &id).await;
        }
    }
    Ok(())
}
