//! The store: one redb file for records, content-addressed files for big bytes.
//! Every write is one write transaction; a closure that returns an error aborts it,
//! so nothing is ever half-saved.

pub mod backup;
pub mod blobs;
pub mod schema;
pub mod tables;
pub mod version;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use redb::{
    Database, ReadTransaction, ReadableDatabase, ReadableTable, TableDefinition, WriteTransaction,
};
use serde::{Serialize, de::DeserializeOwned};

use crate::clock::Clock;

/// redb's page cache when the config says nothing (`memory.store_cache_mib`).
pub const DEFAULT_CACHE_BYTES: usize = 8 * 1024 * 1024;
use crate::error::{Error, Result};
pub use blobs::BlobStore;

pub const DB_FILE: &str = "gongkai.redb";

#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    db: Database,
    dir: PathBuf,
    blobs: BlobStore,
}

/// Why a data folder could not be opened; shown as one line by the CLI.
#[derive(Debug)]
pub struct OpenError(pub String);

impl std::fmt::Display for OpenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Store {
    /// Opens (creating if needed) the data folder and runs `steps`, the migrations the
    /// composition root registers (`app::migrations`, which also gives `Store::open`).
    pub fn open_migrating(
        dir: &Path,
        clock: &dyn Clock,
        cache_bytes: usize,
        steps: &[schema::Step],
    ) -> std::result::Result<Store, OpenError> {
        std::fs::create_dir_all(dir)
            .map_err(|e| OpenError(format!("数据目录 {} 无法创建：{e}", dir.display())))?;
        check_writable(dir)?;
        let blobs = BlobStore::open(&dir.join("blobs"))
            .map_err(|e| OpenError(format!("数据目录 {} 不可写：{e}", dir.display())))?;
        let path = dir.join(DB_FILE);
        // A bounded page cache keeps memory flat on a small box however big the store grows;
        // the kernel's file cache behind it is memory the kernel can take back.
        let db = Database::builder()
            .set_cache_size(cache_bytes)
            .create(&path)
            .map_err(|e| match e {
                redb::DatabaseError::DatabaseAlreadyOpen => OpenError(format!(
                    "数据目录 {} 正被另一个 gongkai 进程使用",
                    dir.display()
                )),
                e => OpenError(format!("数据库 {} 无法打开：{e}", path.display())),
            })?;
        let store = Store {
            inner: Arc::new(Inner {
                db,
                dir: dir.to_path_buf(),
                blobs,
            }),
        };
        schema::migrate(&store, crate::clock::to_ms(clock.now()), steps)
            .map_err(|e| OpenError(format!("数据库 {}：{e}", path.display())))?;
        Ok(store)
    }

    /// Bytes in redb's page cache (bounded by `set_cache_size`).
    pub fn cache_bytes(&self) -> usize {
        self.inner.db.cache_stats().used_bytes()
    }

    pub fn dir(&self) -> &Path {
        &self.inner.dir
    }

    pub fn blobs(&self) -> &BlobStore {
        &self.inner.blobs
    }

    pub fn db(&self) -> &Database {
        &self.inner.db
    }

    /// Runs `f` in one write transaction on a blocking thread and commits if it returns Ok.
    pub async fn write<T, F>(&self, f: F) -> Result<T>
    where
        F: FnOnce(&WriteTransaction) -> Result<T> + Send + 'static,
        T: Send + 'static,
    {
        let s = self.clone();
        tokio::task::spawn_blocking(move || s.write_blocking(f)).await?
    }

    pub fn write_blocking<T>(&self, f: impl FnOnce(&WriteTransaction) -> Result<T>) -> Result<T> {
        let mut txn = self.inner.db.begin_write()?;
        // Records allocator state at commit, so reopening after a crash needs no full repair.
        txn.set_quick_repair(true);
        let out = f(&txn)?;
        txn.commit()?;
        Ok(out)
    }

    /// Runs `f` on a consistent snapshot on a blocking thread.
    pub async fn read<T, F>(&self, f: F) -> Result<T>
    where
        F: FnOnce(&ReadTransaction) -> Result<T> + Send + 'static,
        T: Send + 'static,
    {
        let s = self.clone();
        tokio::task::spawn_blocking(move || s.read_blocking(f)).await?
    }

    pub fn read_blocking<T>(&self, f: impl FnOnce(&ReadTransaction) -> Result<T>) -> Result<T> {
        let txn = self.inner.db.begin_read()?;
        f(&txn)
    }
}

fn check_writable(dir: &Path) -> std::result::Result<(), OpenError> {
    let probe = dir.join(".write-probe");
    std::fs::write(&probe, b"ok")
        .and_then(|_| std::fs::remove_file(&probe))
        .map_err(|e| OpenError(format!("数据目录 {} 不可写：{e}", dir.display())))
}

/// Reads a JSON value from a string-keyed table.
pub fn get_json<T: DeserializeOwned>(
    table: &impl ReadableTable<&'static str, &'static [u8]>,
    key: &str,
) -> Result<Option<T>> {
    match table.get(key)? {
        Some(v) => Ok(Some(serde_json::from_slice(v.value())?)),
        None => Ok(None),
    }
}

pub fn get_json_u64<T: DeserializeOwned>(
    table: &impl ReadableTable<u64, &'static [u8]>,
    key: u64,
) -> Result<Option<T>> {
    match table.get(key)? {
        Some(v) => Ok(Some(serde_json::from_slice(v.value())?)),
        None => Ok(None),
    }
}

pub fn put_json<T: Serialize>(
    txn: &WriteTransaction,
    def: TableDefinition<&str, &[u8]>,
    key: &str,
    value: &T,
) -> Result<()> {
    let bytes = serde_json::to_vec(value)?;
    txn.open_table(def)?.insert(key, bytes.as_slice())?;
    Ok(())
}

pub fn put_json_u64<T: Serialize>(
    txn: &WriteTransaction,
    def: TableDefinition<u64, &[u8]>,
    key: u64,
    value: &T,
) -> Result<()> {
    let bytes = serde_json::to_vec(value)?;
    txn.open_table(def)?.insert(key, bytes.as_slice())?;
    Ok(())
}

/// Next value of a named counter kept in META (ids are internal and may be sequential).
pub fn next_id(txn: &WriteTransaction, name: &str) -> Result<u64> {
    let key = format!("counter:{name}");
    let mut t = txn.open_table(tables::META)?;
    let cur = match t.get(key.as_str())? {
        Some(v) => serde_json::from_slice::<u64>(v.value())?,
        None => 0,
    };
    let next = cur + 1;
    let bytes = serde_json::to_vec(&next)?;
    t.insert(key.as_str(), bytes.as_slice())?;
    Ok(next)
}

impl From<OpenError> for Error {
    fn from(e: OpenError) -> Self {
        Error::Internal(e.0)
    }
}
