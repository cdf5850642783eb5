//! Reading and writing requests (`tables::GK_REQUESTS`, id → JSON; `GK_TRACKING`, 查询码 →
//! id).

use redb::{ReadTransaction, ReadableTable, WriteTransaction};

use super::model::DisclosureRequest;
use crate::error::Result;
use crate::store::tables::{GK_REQUESTS, GK_TRACKING};
use crate::store::{get_json_u64, put_json_u64};

/// The id counter's name in META.
pub const COUNTER: &str = "gk_request";

pub fn get(txn: &ReadTransaction, id: u64) -> Result<Option<DisclosureRequest>> {
    get_json_u64(&txn.open_table(GK_REQUESTS)?, id)
}

pub fn get_w(txn: &WriteTransaction, id: u64) -> Result<Option<DisclosureRequest>> {
    get_json_u64(&txn.open_table(GK_REQUESTS)?, id)
}

/// Writes a request and its 查询码 index.
pub fn put(txn: &WriteTransaction, r: &DisclosureRequest) -> Result<()> {
    txn.open_table(GK_TRACKING)?
        .insert(r.tracking_code.as_str(), r.id)?;
    put_json_u64(txn, GK_REQUESTS, r.id, r)
}

/// The request with this 查询码 (as the requester typed it: case and dashes do not matter).
pub fn by_tracking(txn: &ReadTransaction, code: &str) -> Result<Option<DisclosureRequest>> {
    let code = normalize_code(code);
    let id = txn
        .open_table(GK_TRACKING)?
        .get(code.as_str())?
        .map(|v| v.value());
    match id {
        Some(id) => get(txn, id),
        None => Ok(None),
    }
}

/// Whether a 查询码 is taken (a new one is drawn again, which at 60 bits never happens in
/// practice).
pub fn tracking_taken(txn: &WriteTransaction, code: &str) -> Result<bool> {
    Ok(txn.open_table(GK_TRACKING)?.get(code)?.is_some())
}

/// A 查询码 as stored: upper case, no spaces or dashes.
pub fn normalize_code(code: &str) -> String {
    crate::portal::public_guard::normalize_code(code)
}

/// Every request, oldest first.
pub fn all(txn: &ReadTransaction) -> Result<Vec<DisclosureRequest>> {
    let t = txn.open_table(GK_REQUESTS)?;
    let mut out = Vec::new();
    for row in t.iter()? {
        let (_, v) = row?;
        out.push(serde_json::from_slice(v.value())?);
    }
    Ok(out)
}
