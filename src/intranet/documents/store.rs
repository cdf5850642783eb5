//! Documents in redb (`tables::OA_DOCS`), and the forwarding chain around one.

use redb::{ReadTransaction, ReadableTable, WriteTransaction};

use super::model::Document;
use crate::auth::model::User;
use crate::error::Result;
use crate::store::tables::OA_DOCS;

/// How far up or down a chain is followed (a district, subdistricts, communities: three).
const MAX_DEPTH: usize = 8;

fn load(t: &impl ReadableTable<u64, &'static [u8]>, id: u64) -> Result<Option<Document>> {
    match t.get(id)? {
        Some(v) => Ok(Some(serde_json::from_slice(v.value())?)),
        None => Ok(None),
    }
}

pub fn get(txn: &ReadTransaction, id: u64) -> Result<Option<Document>> {
    load(&txn.open_table(OA_DOCS)?, id)
}

pub fn get_w(txn: &WriteTransaction, id: u64) -> Result<Option<Document>> {
    load(&txn.open_table(OA_DOCS)?, id)
}

pub fn put(txn: &WriteTransaction, d: &Document) -> Result<()> {
    let bytes = serde_json::to_vec(d)?;
    txn.open_table(OA_DOCS)?.insert(d.id, bytes.as_slice())?;
    Ok(())
}

/// The documents this one was passed on from, nearest first.
pub fn ancestors(txn: &ReadTransaction, d: &Document) -> Result<Vec<Document>> {
    let t = txn.open_table(OA_DOCS)?;
    let mut out: Vec<Document> = Vec::new();
    let mut next = d.forwarded_from;
    while let Some(id) = next {
        if out.len() >= MAX_DEPTH {
            break;
        }
        let Some(p) = load(&t, id)? else { break };
        next = p.forwarded_from;
        out.push(p);
    }
    Ok(out)
}

/// The copies passed on from this one and from those, with their depth (1 = direct).
pub fn descendants(txn: &ReadTransaction, d: &Document) -> Result<Vec<(usize, Document)>> {
    let t = txn.open_table(OA_DOCS)?;
    let mut out = Vec::new();
    let mut stack: Vec<(usize, u64)> = d.forwards.iter().rev().map(|id| (1, *id)).collect();
    while let Some((depth, id)) = stack.pop() {
        if depth > MAX_DEPTH {
            continue;
        }
        let Some(c) = load(&t, id)? else { continue };
        stack.extend(c.forwards.iter().rev().map(|id| (depth + 1, *id)));
        out.push((depth, c));
    }
    Ok(out)
}

/// Whether `u` may open the document: its sender, a recipient, or the sender of a document
/// it was passed on from (who follows how far their document went).
pub fn may_view(txn: &ReadTransaction, d: &Document, u: &User) -> Result<bool> {
    if u.id == d.sender || d.is_recipient(u) {
        return Ok(true);
    }
    Ok(ancestors(txn, d)?.iter().any(|a| a.sender == u.id))
}
