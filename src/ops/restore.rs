//! Restore from a backup uploaded in the panel, in two steps so the running server never
//! has its data pulled from under it:
//!
//! 1. **Stage** (while running): the uploaded file is checked entry by entry exactly as the
//!    CLI's `gongkai restore` does (`store::backup::restore`, into an empty folder) and the
//!    result kept in `<data>/restore-staged/` with a `READY.json` saying what it holds.
//! 2. **Swap** (at the next start, before the store opens): the current database, files and
//!    search index move into `<data>/pre-restore-<time>/` — kept as the previous data — and
//!    the staged ones take their place. The search index is rebuilt from the restored store.
//!
//! Cancelling before a restart removes the staged copy.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::store::DB_FILE;

const STAGED: &str = "restore-staged";
const READY: &str = "READY.json";
/// The upload is written here before it is checked.
pub const UPLOAD: &str = "restore-upload.part";

/// What a staged restore holds, shown on the system page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Staged {
    /// When the backup was made (ms).
    pub backup_ms: i64,
    pub app_version: String,
    pub schema_version: u64,
    pub files: usize,
    pub staged_ms: i64,
    pub staged_by: String,
    pub file_name: String,
}

fn staged_dir(data: &Path) -> PathBuf {
    data.join(STAGED)
}

/// The restore waiting for a restart, if any.
pub fn staged(data: &Path) -> Option<Staged> {
    let text = std::fs::read(staged_dir(data).join(READY)).ok()?;
    serde_json::from_slice(&text).ok()
}

/// Checks `upload` and stages it; replaces a restore staged before. The upload is removed
/// either way.
pub fn stage(
    upload: &Path,
    data: &Path,
    file_name: &str,
    by: &str,
    now_ms: i64,
) -> Result<Staged, String> {
    let dir = staged_dir(data);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).map_err(|e| format!("无法清除上次准备的恢复：{e}"))?;
    }
    let r = crate::store::backup::restore(upload, &dir);
    let _ = std::fs::remove_file(upload);
    let manifest = match r {
        Ok(m) => m,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&dir);
            return Err(e);
        }
    };
    let s = Staged {
        backup_ms: manifest.created_ms,
        app_version: manifest.app_version,
        schema_version: manifest.schema_version,
        files: manifest.files.len(),
        staged_ms: now_ms,
        staged_by: by.to_owned(),
        file_name: file_name.to_owned(),
    };
    let bytes = serde_json::to_vec(&s).map_err(|e| e.to_string())?;
    std::fs::write(dir.join(READY), bytes).map_err(|e| format!("无法写入恢复标记：{e}"))?;
    Ok(s)
}

/// Removes a staged restore.
pub fn cancel(data: &Path) -> std::io::Result<()> {
    let dir = staged_dir(data);
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    Ok(())
}

/// At start, before the store opens: swaps a staged restore in. Returns the folder now
/// holding the previous data, or `None` when nothing was staged.
pub fn swap_in_if_staged(data: &Path, stamp: &str) -> Result<Option<PathBuf>, String> {
    let dir = staged_dir(data);
    if staged(data).is_none() {
        return Ok(None);
    }
    let keep = data.join(format!("pre-restore-{stamp}"));
    std::fs::create_dir_all(&keep).map_err(|e| format!("无法创建 {}：{e}", keep.display()))?;
    // The previous data first, whole; then the staged copy into its place.
    for name in [DB_FILE, "blobs", "search"] {
        let from = data.join(name);
        if from.exists() {
            std::fs::rename(&from, keep.join(name))
                .map_err(|e| format!("无法移走原有的 {name}：{e}"))?;
        }
    }
    for name in [DB_FILE, "blobs"] {
        let from = dir.join(name);
        if from.exists()
            && let Err(e) = std::fs::rename(&from, data.join(name))
        {
            // Half swapped is worse than not at all: put the previous data back.
            for back in [DB_FILE, "blobs", "search"] {
                if keep.join(back).exists() {
                    let _ = std::fs::remove_dir_all(data.join(back));
                    let _ = std::fs::remove_file(data.join(back));
                    let _ = std::fs::rename(keep.join(back), data.join(back));
                }
            }
            return Err(format!("无法换入恢复的 {name}（原有数据已放回）：{e}"));
        }
    }
    std::fs::remove_dir_all(&dir).map_err(|e| format!("无法清除恢复暂存目录：{e}"))?;
    Ok(Some(keep))
}
