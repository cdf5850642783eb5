//! Share links in redb. `OA_SHARES` holds each link under its token's SHA-256 (64 hex
//! characters) and two indexes beside it whose keys cannot be hex: "i/{id:016x}" → the hash
//! (the maker's forms name a link by its short id) and "o/{owner:016x}/{newest first}" → the
//! hash (a person's links, newest first).

use redb::{ReadTransaction, ReadableTable, WriteTransaction};

use super::model::Share;
use crate::error::Result;
use crate::store::{get_json, put_json, tables};

fn id_key(id: u64) -> String {
    format!("i/{id:016x}")
}

fn owner_key(owner: u64, id: u64) -> String {
    format!("o/{owner:016x}/{:016x}", u64::MAX - id)
}

/// Whether `hash` can be a token's SHA-256 as stored.
fn is_hash(hash: &str) -> bool {
    hash.len() == 64 && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn get_in(
    t: &impl ReadableTable<&'static str, &'static [u8]>,
    hash: &str,
) -> Result<Option<Share>> {
    if !is_hash(hash) {
        return Ok(None);
    }
    get_json(t, hash)
}

fn by_id_in(
    t: &impl ReadableTable<&'static str, &'static [u8]>,
    id: u64,
) -> Result<Option<(String, Share)>> {
    let Some(hash) = get_json::<String>(t, &id_key(id))? else {
        return Ok(None);
    };
    Ok(get_in(t, &hash)?.map(|s| (hash, s)))
}

/// The link whose token hashes to `hash`.
pub fn get(txn: &ReadTransaction, hash: &str) -> Result<Option<Share>> {
    get_in(&txn.open_table(tables::OA_SHARES)?, hash)
}

pub fn get_w(txn: &WriteTransaction, hash: &str) -> Result<Option<Share>> {
    get_in(&txn.open_table(tables::OA_SHARES)?, hash)
}

/// A link by its short id, with its hash.
pub fn by_id(txn: &ReadTransaction, id: u64) -> Result<Option<(String, Share)>> {
    by_id_in(&txn.open_table(tables::OA_SHARES)?, id)
}

pub fn by_id_w(txn: &WriteTransaction, id: u64) -> Result<Option<(String, Share)>> {
    by_id_in(&txn.open_table(tables::OA_SHARES)?, id)
}

/// Stores a new link under the next id (the id in `s` is replaced); returns it.
pub fn insert(txn: &WriteTransaction, hash: &str, mut s: Share) -> Result<Share> {
    s.id = crate::store::next_id(txn, "oa_share")?;
    put(txn, hash, &s)?;
    put_json(txn, tables::OA_SHARES, &id_key(s.id), &hash.to_owned())?;
    put_json(
        txn,
        tables::OA_SHARES,
        &owner_key(s.owner, s.id),
        &hash.to_owned(),
    )?;
    Ok(s)
}

/// Saves a changed link.
pub fn put(txn: &WriteTransaction, hash: &str, s: &Share) -> Result<()> {
    put_json(txn, tables::OA_SHARES, hash, s)
}

/// A person's links, newest first.
pub fn of_owner(txn: &ReadTransaction, owner: u64) -> Result<Vec<Share>> {
    let t = txn.open_table(tables::OA_SHARES)?;
    let (from, to) = (format!("o/{owner:016x}/"), format!("o/{owner:016x}0"));
    let mut out = Vec::new();
    for row in t.range(from.as_str()..to.as_str())? {
        let (_, v) = row?;
        let hash: String = serde_json::from_slice(v.value())?;
        if let Some(s) = get_in(&t, &hash)? {
            out.push(s);
        }
    }
    Ok(out)
}

/// Every link, newest first (for the system administrator's list).
pub fn all(txn: &ReadTransaction) -> Result<Vec<Share>> {
    let t = txn.open_table(tables::OA_SHARES)?;
    let mut out = Vec::new();
    for row in t.range("i/".."i0")? {
        let (_, v) = row?;
        let hash: String = serde_json::from_slice(v.value())?;
        if let Some(s) = get_in(&t, &hash)? {
            out.push(s);
        }
    }
    out.reverse();
    Ok(out)
}
