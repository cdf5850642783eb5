//! Schema version and migrations, run at start-up. A data folder written by a newer
//! gongkai is refused rather than guessed at.

use redb::ReadableTable;

use super::{Store, tables};
use crate::error::{Error, Result};

pub use super::version::CURRENT;

/// One migration step. Steps that need a capability's code are registered by the
/// composition root (`app::migrations::STEPS`): `steps[n]` takes a store from version n+1 to n+2.
pub type Step = fn(&redb::WriteTransaction) -> Result<()>;

/// `now_ms` names the pre-migration backup.
pub fn migrate(store: &Store, now_ms: i64, steps: &[Step]) -> Result<()> {
    let found = version(store).unwrap_or(0);
    if found > 0 && found < CURRENT {
        // An upgrade: keep a way back before touching anything.
        let now = now_ms;
        let out = store
            .dir()
            .join("backups")
            .join(format!("gongkai-pre-migration-v{found}-{now}.tar"));
        super::backup::backup_to(store, &out, now)?;
    }
    store.write_blocking(|txn| {
        // Opening every table creates the missing ones, so readers never meet "table does not exist".
        for d in tables::STR_BYTES {
            txn.open_table(d)?;
        }
        for d in tables::U64_BYTES {
            txn.open_table(d)?;
        }
        for d in tables::STR_U64 {
            txn.open_table(d)?;
        }
        let meta = txn.open_table(tables::META)?;
        let found = match meta.get("schema_version")? {
            Some(v) => serde_json::from_slice::<u64>(v.value())?,
            None => 0,
        };
        if found > CURRENT {
            return Err(Error::Internal(format!(
                "数据由更新版本的 gongkai 写入（数据结构版本 {found}，本程序支持 {CURRENT}），请使用新版本"
            )));
        }
        let mut v = if found == 0 { CURRENT } else { found };
        drop(meta);
        while v < CURRENT {
            let idx = usize::try_from(v - 1).map_err(Error::internal)?;
            let step = steps
                .get(idx)
                .ok_or_else(|| Error::Internal(format!("缺少从版本 {v} 升级的步骤")))?;
            step(txn)?;
            v += 1;
        }
        let bytes = serde_json::to_vec(&v)?;
        txn.open_table(tables::META)?
            .insert("schema_version", bytes.as_slice())?;
        Ok(())
    })
}

pub fn version(store: &Store) -> Result<u64> {
    store.read_blocking(|txn| {
        let meta = txn.open_table(tables::META)?;
        Ok(match meta.get("schema_version")? {
            Some(v) => serde_json::from_slice::<u64>(v.value())?,
            None => 0,
        })
    })
}
