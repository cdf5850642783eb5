//! Sends in redb (`tables::OA_SENDS`).

use redb::{ReadTransaction, ReadableTable, WriteTransaction};

use super::model::FileSend;
use crate::error::Result;
use crate::store::tables::OA_SENDS;

fn load(t: &impl ReadableTable<u64, &'static [u8]>, id: u64) -> Result<Option<FileSend>> {
    match t.get(id)? {
        Some(v) => Ok(Some(serde_json::from_slice(v.value())?)),
        None => Ok(None),
    }
}

pub fn get(txn: &ReadTransaction, id: u64) -> Result<Option<FileSend>> {
    load(&txn.open_table(OA_SENDS)?, id)
}

pub fn get_w(txn: &WriteTransaction, id: u64) -> Result<Option<FileSend>> {
    load(&txn.open_table(OA_SENDS)?, id)
}

pub fn put(txn: &WriteTransaction, s: &FileSend) -> Result<()> {
    let bytes = serde_json::to_vec(s)?;
    txn.open_table(OA_SENDS)?.insert(s.id, bytes.as_slice())?;
    Ok(())
}

pub fn remove(txn: &WriteTransaction, id: u64) -> Result<()> {
    txn.open_table(OA_SENDS)?.remove(id)?;
    Ok(())
}

/// Every send past its time (for the sweeper).
pub fn expired(txn: &ReadTransaction, now_ms: i64) -> Result<Vec<FileSend>> {
    let t = txn.open_table(OA_SENDS)?;
    let mut out = Vec::new();
    for row in t.iter()? {
        let (_, v) = row?;
        let s: FileSend = serde_json::from_slice(v.value())?;
        if s.expires_ms <= now_ms {
            out.push(s);
        }
    }
    Ok(out)
}

/// Every send (for 统计分析).
pub fn all(txn: &ReadTransaction) -> Result<Vec<FileSend>> {
    let t = txn.open_table(OA_SENDS)?;
    let mut out = Vec::new();
    for row in t.iter()? {
        let (_, v) = row?;
        out.push(serde_json::from_slice(v.value())?);
    }
    Ok(out)
}
