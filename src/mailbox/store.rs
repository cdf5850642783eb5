//! Reading and writing letters (`tables::MB_LETTERS`, id → JSON; `MB_TRACKING`, 查询码 → id).

use redb::{ReadTransaction, ReadableTable, WriteTransaction};

use super::model::Letter;
use crate::error::Result;
use crate::store::tables::{MB_LETTERS, MB_TRACKING};
use crate::store::{get_json_u64, put_json_u64};

/// The id counter's name in META.
pub const COUNTER: &str = "mb_letter";

pub fn get(txn: &ReadTransaction, id: u64) -> Result<Option<Letter>> {
    get_json_u64(&txn.open_table(MB_LETTERS)?, id)
}

pub fn get_w(txn: &WriteTransaction, id: u64) -> Result<Option<Letter>> {
    get_json_u64(&txn.open_table(MB_LETTERS)?, id)
}

/// Writes a letter and its 查询码 index.
pub fn put(txn: &WriteTransaction, l: &Letter) -> Result<()> {
    txn.open_table(MB_TRACKING)?
        .insert(l.tracking_code.as_str(), l.id)?;
    put_json_u64(txn, MB_LETTERS, l.id, l)
}

/// The letter with this 查询码 (as typed: case and dashes do not matter).
pub fn by_tracking(txn: &ReadTransaction, code: &str) -> Result<Option<Letter>> {
    let code = crate::portal::public_guard::normalize_code(code);
    let id = txn
        .open_table(MB_TRACKING)?
        .get(code.as_str())?
        .map(|v| v.value());
    match id {
        Some(id) => get(txn, id),
        None => Ok(None),
    }
}

pub fn tracking_taken(txn: &WriteTransaction, code: &str) -> Result<bool> {
    Ok(txn.open_table(MB_TRACKING)?.get(code)?.is_some())
}

/// Every letter, oldest first.
pub fn all(txn: &ReadTransaction) -> Result<Vec<Letter>> {
    let t = txn.open_table(MB_LETTERS)?;
    let mut out = Vec::new();
    for row in t.iter()? {
        let (_, v) = row?;
        out.push(serde_json::from_slice(v.value())?);
    }
    Ok(out)
}

/// Every letter, in a write transaction (the scheduler's sweeps).
pub fn all_w(txn: &WriteTransaction) -> Result<Vec<Letter>> {
    let t = txn.open_table(MB_LETTERS)?;
    let mut out = Vec::new();
    for row in t.iter()? {
        let (_, v) = row?;
        out.push(serde_json::from_slice(v.value())?);
    }
    Ok(out)
}
