//! Reading and writing letters (`tables::MB_LETTERS`, id → JSON; `MB_TRACKING`, 查询码 → id;
//! `MB_PUBLIC`, the public copy of each published letter), and the letters' generation (a
//! META counter moved by every write, so caches of figures know when they are stale).

use redb::{ReadTransaction, ReadableTable, WriteTransaction};

use serde::{Deserialize, Serialize};
use time::Date;

use super::model::{Letter, Subject, mask_name};
use crate::auth::model::UnitCode;
use crate::error::Result;
use crate::store::tables::{MB_LETTERS, MB_PUBLIC, MB_TRACKING, META};
use crate::store::{get_json_u64, put_json_u64};

/// The generation counter's name in META.
const GENERATION: &str = "mb_generation";

/// What the public sees of a published letter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicRow {
    pub id: u64,
    pub number: String,
    pub subject: Subject,
    /// The writer's name masked (张*).
    pub writer: String,
    pub title: String,
    pub content: String,
    pub answer: String,
    pub unit: Option<UnitCode>,
    pub submitted_ms: i64,
    pub answered_on: Option<Date>,
    pub published_on: Date,
}

impl PublicRow {
    fn of(l: &Letter) -> Option<PublicRow> {
        let p = l.publication.as_ref().filter(|_| l.publish_agreed)?;
        Some(PublicRow {
            id: l.id,
            number: l.number.clone(),
            subject: l.subject,
            writer: mask_name(&l.writer.name),
            title: p.title.clone(),
            content: p.content.clone(),
            answer: p.answer.clone(),
            unit: l.answer.as_ref().map(|a| a.unit.clone()),
            submitted_ms: l.submitted_ms,
            answered_on: l.answered_on(),
            published_on: p.on,
        })
    }
}

/// Every published letter's public copy.
pub fn published(txn: &ReadTransaction) -> Result<Vec<PublicRow>> {
    let t = txn.open_table(MB_PUBLIC)?;
    let mut out = Vec::new();
    for row in t.iter()? {
        let (_, v) = row?;
        out.push(serde_json::from_slice(v.value())?);
    }
    Ok(out)
}

/// One published letter's public copy.
pub fn published_one(txn: &ReadTransaction, id: u64) -> Result<Option<PublicRow>> {
    get_json_u64(&txn.open_table(MB_PUBLIC)?, id)
}

/// The letters' generation: moves with every write.
pub fn generation(txn: &ReadTransaction) -> Result<u64> {
    let t = txn.open_table(META)?;
    let key = format!("counter:{GENERATION}");
    Ok(match t.get(key.as_str())? {
        Some(v) => serde_json::from_slice(v.value())?,
        None => 0,
    })
}

/// The id counter's name in META.
pub const COUNTER: &str = "mb_letter";

pub fn get(txn: &ReadTransaction, id: u64) -> Result<Option<Letter>> {
    get_json_u64(&txn.open_table(MB_LETTERS)?, id)
}

pub fn get_w(txn: &WriteTransaction, id: u64) -> Result<Option<Letter>> {
    get_json_u64(&txn.open_table(MB_LETTERS)?, id)
}

/// Writes a letter, its 查询码 index and its public copy (or its absence), and moves the
/// generation.
pub fn put(txn: &WriteTransaction, l: &Letter) -> Result<()> {
    txn.open_table(MB_TRACKING)?
        .insert(l.tracking_code.as_str(), l.id)?;
    match PublicRow::of(l) {
        Some(p) => put_json_u64(txn, MB_PUBLIC, l.id, &p)?,
        None => {
            txn.open_table(MB_PUBLIC)?.remove(l.id)?;
        }
    }
    crate::store::next_id(txn, GENERATION)?;
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
