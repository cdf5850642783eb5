//! Backup and restore. A backup is one tar file: `manifest.json` (checksums of every
//! other entry), `gongkai.redb` (a consistent copy made from one read snapshot, so the
//! server can keep running) and the blobs that snapshot references.
//! Restore checks the manifest before it writes anything into the target folder.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use redb::{Database, ReadableDatabase, ReadableTable, TableHandle};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{DB_FILE, Store, tables, version};
use crate::error::{Error, Result};

pub const FORMAT: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Manifest {
    pub format: u32,
    pub app_version: String,
    pub schema_version: u64,
    pub created_ms: i64,
    pub files: Vec<FileEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FileEntry {
    pub path: String,
    pub sha256: String,
    pub size: u64,
}

/// Opens a table for reading, or `None` if this (older) store never had it.
macro_rules! open_or_skip {
    ($txn:expr, $def:expr) => {
        match $txn.open_table($def) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => continue,
            Err(e) => return Err(e.into()),
        }
    };
}

/// Copies every table from one snapshot into a fresh database file.
fn copy_snapshot(store: &Store, dest: &Path) -> Result<Vec<String>> {
    let src = store.db().begin_read()?;
    let dst_db = Database::create(dest)?;
    let dst = dst_db.begin_write()?;
    let mut blobs = Vec::new();
    for def in tables::STR_BYTES {
        let from = open_or_skip!(src, def);
        let mut to = dst.open_table(def)?;
        for row in from.iter()? {
            let (k, v) = row?;
            to.insert(k.value(), v.value())?;
        }
    }
    for def in tables::U64_BYTES {
        let from = open_or_skip!(src, def);
        let mut to = dst.open_table(def)?;
        for row in from.iter()? {
            let (k, v) = row?;
            to.insert(k.value(), v.value())?;
        }
    }
    for def in tables::STR_U64 {
        let from = open_or_skip!(src, def);
        let mut to = dst.open_table(def)?;
        for row in from.iter()? {
            let (k, v) = row?;
            to.insert(k.value(), v.value())?;
            if def.name() == tables::BLOB_REFS.name() && v.value() > 0 {
                blobs.push(k.value().to_owned());
            }
        }
    }
    dst.commit()?;
    drop(dst_db);
    Ok(blobs)
}

fn sha256_file(path: &Path) -> std::io::Result<(String, u64)> {
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut n = 0u64;
    loop {
        let k = f.read(&mut buf)?;
        if k == 0 {
            break;
        }
        h.update(&buf[..k]);
        n += k as u64;
    }
    Ok((data_encoding::HEXLOWER.encode(&h.finalize()), n))
}

/// Writes a backup of `store` to `out` (atomically: a `.part` file renamed at the end).
pub fn backup_to(store: &Store, out: &Path, now_ms: i64) -> Result<Manifest> {
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)?;
    let work = parent.join(format!(".gongkai-backup-{}", crate::ids::short_id()));
    std::fs::create_dir_all(&work)?;
    let result = (|| {
        let snap = work.join(DB_FILE);
        let blob_ids = copy_snapshot(store, &snap)?;
        let mut files = Vec::new();
        let (sha, size) = sha256_file(&snap)?;
        files.push(FileEntry {
            path: DB_FILE.into(),
            sha256: sha,
            size,
        });
        let mut blob_paths = Vec::new();
        for id in &blob_ids {
            let p = store
                .blobs()
                .path(id)
                .ok_or_else(|| Error::Internal(format!("bad blob id {id}")))?;
            let (sha, size) = sha256_file(&p)
                .map_err(|e| Error::Internal(format!("附件 {id} 缺失或不可读：{e}")))?;
            if &sha != id {
                return Err(Error::Internal(format!("附件 {id} 内容与其校验值不符")));
            }
            let rel = format!("blobs/{}/{}", &id[..2], &id[2..]);
            files.push(FileEntry {
                path: rel.clone(),
                sha256: sha,
                size,
            });
            blob_paths.push((rel, p));
        }
        let manifest = Manifest {
            format: FORMAT,
            app_version: env!("CARGO_PKG_VERSION").into(),
            schema_version: version::CURRENT,
            created_ms: now_ms,
            files,
        };
        let part = PathBuf::from(format!("{}.part", out.display()));
        let f = std::fs::File::create(&part)?;
        let mut tar = tar::Builder::new(std::io::BufWriter::new(f));
        // Plain entries only: GNU sparse entries confuse tools without GNU extensions.
        tar.sparse(false);
        let mbytes = serde_json::to_vec_pretty(&manifest)?;
        let mut hdr = tar::Header::new_gnu();
        hdr.set_size(mbytes.len() as u64);
        hdr.set_mode(0o600);
        hdr.set_mtime(u64::try_from(now_ms / 1000).unwrap_or(0));
        hdr.set_cksum();
        tar.append_data(&mut hdr, "manifest.json", mbytes.as_slice())?;
        tar.append_path_with_name(&snap, DB_FILE)?;
        for (rel, p) in &blob_paths {
            tar.append_path_with_name(p, rel)?;
        }
        let mut w = tar.into_inner()?;
        w.flush()?;
        let f = w.into_inner().map_err(|e| Error::Internal(e.to_string()))?;
        f.sync_all()?;
        std::fs::rename(&part, out)?;
        std::fs::File::open(parent)?.sync_all()?;
        Ok(manifest)
    })();
    let _ = std::fs::remove_dir_all(&work);
    result
}

/// Restores `file` into `target`, which must be missing or empty. Nothing is written
/// into `target` until every checksum in the manifest has matched.
pub fn restore(file: &Path, target: &Path) -> std::result::Result<Manifest, String> {
    if target.exists() {
        let mut it = std::fs::read_dir(target)
            .map_err(|e| format!("无法读取目标目录 {}：{e}", target.display()))?;
        if it.next().is_some() {
            return Err(format!(
                "目标目录 {} 不是空的；恢复只写入空目录",
                target.display()
            ));
        }
    }
    std::fs::create_dir_all(target)
        .map_err(|e| format!("无法创建目标目录 {}：{e}", target.display()))?;
    let work = target.join(".restore-tmp");
    let r = unpack_and_check(file, &work);
    let manifest = match r {
        Ok(m) => m,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&work);
            return Err(e);
        }
    };
    let moved = (|| -> std::io::Result<()> {
        std::fs::rename(work.join(DB_FILE), target.join(DB_FILE))?;
        if work.join("blobs").exists() {
            std::fs::rename(work.join("blobs"), target.join("blobs"))?;
        }
        std::fs::remove_dir_all(&work)?;
        std::fs::File::open(target)?.sync_all()
    })();
    moved.map_err(|e| format!("恢复写入 {} 失败：{e}", target.display()))?;
    Ok(manifest)
}

fn unpack_and_check(file: &Path, work: &Path) -> std::result::Result<Manifest, String> {
    let f = std::fs::File::open(file)
        .map_err(|e| format!("无法打开备份文件 {}：{e}", file.display()))?;
    std::fs::create_dir_all(work).map_err(|e| format!("无法创建临时目录：{e}"))?;
    let mut ar = tar::Archive::new(std::io::BufReader::new(f));
    let entries = ar
        .entries()
        .map_err(|e| format!("备份文件损坏（不是有效的归档）：{e}"))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| format!("备份文件损坏：{e}"))?;
        let ok = entry
            .unpack_in(work)
            .map_err(|e| format!("备份文件损坏：{e}"))?;
        if !ok {
            return Err("备份文件含有越界路径，已拒绝".into());
        }
    }
    let mtext = std::fs::read(work.join("manifest.json"))
        .map_err(|_| "备份文件缺少 manifest.json".to_string())?;
    let manifest: Manifest = serde_json::from_slice(&mtext)
        .map_err(|e| format!("备份清单 manifest.json 无法解析：{e}"))?;
    if manifest.format != FORMAT {
        return Err(format!("不支持的备份格式版本 {}", manifest.format));
    }
    if manifest.schema_version > version::CURRENT {
        return Err(format!(
            "备份来自更新版本（数据结构版本 {}），请使用新版本 gongkai 恢复",
            manifest.schema_version
        ));
    }
    if !manifest.files.iter().any(|f| f.path == DB_FILE) {
        return Err("备份清单中没有数据库文件".into());
    }
    for fe in &manifest.files {
        if fe.path.contains("..") || fe.path.starts_with('/') {
            return Err(format!("备份清单含有非法路径 {}", fe.path));
        }
        let (sha, size) =
            sha256_file(&work.join(&fe.path)).map_err(|_| format!("备份中缺少文件 {}", fe.path))?;
        if sha != fe.sha256 || size != fe.size {
            return Err(format!("备份文件 {} 校验不符，备份已损坏", fe.path));
        }
    }
    let mut listed: Vec<&str> = manifest.files.iter().map(|f| f.path.as_str()).collect();
    listed.push("manifest.json");
    check_only_listed(work, work, &listed)?;
    std::fs::remove_file(work.join("manifest.json")).map_err(|e| e.to_string())?;
    Ok(manifest)
}

/// Refuses anything unpacked that the manifest does not vouch for: unlisted files,
/// symlinks and other special files would otherwise be restored unchecked.
fn check_only_listed(root: &Path, dir: &Path, listed: &[&str]) -> std::result::Result<(), String> {
    let rd = std::fs::read_dir(dir).map_err(|e| format!("无法读取临时目录：{e}"))?;
    for entry in rd {
        let path = entry.map_err(|e| format!("无法读取临时目录：{e}"))?.path();
        let rel = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .to_string_lossy()
            .into_owned();
        let meta = std::fs::symlink_metadata(&path).map_err(|e| format!("无法读取 {rel}：{e}"))?;
        if meta.is_dir() {
            check_only_listed(root, &path, listed)?;
        } else if !meta.is_file() || !listed.contains(&rel.as_str()) {
            return Err(format!("备份中的 {rel} 不在清单内，备份已被改动，已拒绝"));
        }
    }
    Ok(())
}

/// Every row of every table, for comparing two stores item by item.
pub fn dump_all(store: &Store) -> Result<Vec<(String, String, Vec<u8>)>> {
    let txn = store.db().begin_read()?;
    let mut out = Vec::new();
    for def in tables::STR_BYTES {
        for row in txn.open_table(def)?.iter()? {
            let (k, v) = row?;
            out.push((
                def.name().to_owned(),
                k.value().to_owned(),
                v.value().to_vec(),
            ));
        }
    }
    for def in tables::U64_BYTES {
        for row in txn.open_table(def)?.iter()? {
            let (k, v) = row?;
            out.push((
                def.name().to_owned(),
                k.value().to_string(),
                v.value().to_vec(),
            ));
        }
    }
    for def in tables::STR_U64 {
        for row in txn.open_table(def)?.iter()? {
            let (k, v) = row?;
            out.push((
                def.name().to_owned(),
                k.value().to_owned(),
                v.value().to_le_bytes().to_vec(),
            ));
        }
    }
    Ok(out)
}

/// Deletes all but the newest `keep` files named `gongkai-*.tar` in `dir`.
pub fn rotate(dir: &Path, keep: usize) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("gongkai-") && n.ends_with(".tar"))
        })
        .collect();
    files.sort();
    let mut removed = Vec::new();
    while files.len() > keep {
        let p = files.remove(0);
        std::fs::remove_file(&p)?;
        removed.push(p);
    }
    Ok(removed)
}
