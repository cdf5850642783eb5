//! The in- and out-boxes: one index for every kind of intranet item (`tables::OA_BOXES`).
//! Sending lists the item under each addressee and under its sender, newest first, so a
//! person's inbox is a range read of their own key and their unit's, and their sent items
//! one range read of theirs.

use redb::{ReadTransaction, ReadableTable, WriteTransaction};

use super::model::{Addressee, keys_of};
use crate::auth::model::User;
use crate::error::Result;
use crate::store::tables::OA_BOXES;

/// What kind of item an index entry points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BoxKind {
    /// 公文
    Document,
    /// 会议通知
    Meeting,
    /// 文件 sent to people (`files::sends`)
    FileSend,
}

impl BoxKind {
    fn tag(self) -> &'static str {
        match self {
            BoxKind::Document => "doc",
            BoxKind::Meeting => "mtg",
            BoxKind::FileSend => "file",
        }
    }

    fn from_tag(t: &str) -> Option<BoxKind> {
        match t {
            "doc" => Some(BoxKind::Document),
            "mtg" => Some(BoxKind::Meeting),
            "file" => Some(BoxKind::FileSend),
            _ => None,
        }
    }
}

/// One entry of a box: which item, and when it was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub kind: BoxKind,
    pub id: u64,
    pub sent_ms: i64,
}

fn newest_first(ms: i64) -> u64 {
    u64::MAX - u64::try_from(ms.max(0)).unwrap_or(0)
}

fn entry_key(prefix: &str, e: Entry) -> String {
    format!(
        "{prefix}/{:016x}/{}/{:016x}",
        newest_first(e.sent_ms),
        e.kind.tag(),
        e.id
    )
}

/// Lists an item in its sender's out-box and in every addressee's in-box.
pub fn file(txn: &WriteTransaction, e: Entry, sender: u64, to: &[Addressee]) -> Result<()> {
    let mut t = txn.open_table(OA_BOXES)?;
    t.insert(entry_key(&format!("out/{sender:016x}"), e).as_str(), e.id)?;
    for a in to {
        t.insert(entry_key(&format!("in/{}", a.key()), e).as_str(), e.id)?;
    }
    Ok(())
}

/// Lists an item in more in-boxes (addressees added later, a forwarded copy).
pub fn add_to(txn: &WriteTransaction, e: Entry, to: &[Addressee]) -> Result<()> {
    let mut t = txn.open_table(OA_BOXES)?;
    for a in to {
        t.insert(entry_key(&format!("in/{}", a.key()), e).as_str(), e.id)?;
    }
    Ok(())
}

/// Takes an item out of every box it is listed in (`to` and `sender` as it was filed).
pub fn remove(txn: &WriteTransaction, e: Entry, sender: u64, to: &[Addressee]) -> Result<()> {
    let mut t = txn.open_table(OA_BOXES)?;
    t.remove(entry_key(&format!("out/{sender:016x}"), e).as_str())?;
    for a in to {
        t.remove(entry_key(&format!("in/{}", a.key()), e).as_str())?;
    }
    Ok(())
}

fn scan(
    t: &impl ReadableTable<&'static str, u64>,
    prefix: &str,
    kind: Option<BoxKind>,
    out: &mut Vec<Entry>,
) -> Result<()> {
    let start = format!("{prefix}/");
    let end = format!("{prefix}0"); // '0' sorts right after '/'
    for row in t.range(start.as_str()..end.as_str())? {
        let (k, v) = row?;
        let key = k.value();
        let mut parts = key[start.len()..].split('/');
        let (Some(rev), Some(tag)) = (parts.next(), parts.next()) else {
            continue;
        };
        let Some(k) = BoxKind::from_tag(tag) else {
            continue;
        };
        if kind.is_some_and(|want| want != k) {
            continue;
        }
        let rev = u64::from_str_radix(rev, 16).unwrap_or(u64::MAX);
        out.push(Entry {
            kind: k,
            id: v.value(),
            sent_ms: i64::try_from(u64::MAX - rev).unwrap_or(0),
        });
    }
    Ok(())
}

/// What reached `u` (sent to them or to their unit), newest first, optionally of one kind.
pub fn inbox(txn: &ReadTransaction, u: &User, kind: Option<BoxKind>) -> Result<Vec<Entry>> {
    let t = txn.open_table(OA_BOXES)?;
    let mut out = Vec::new();
    for key in keys_of(u) {
        scan(&t, &format!("in/{key}"), kind, &mut out)?;
    }
    out.sort_by(|a, b| {
        b.sent_ms
            .cmp(&a.sent_ms)
            .then(b.id.cmp(&a.id))
            .then(a.kind.tag().cmp(b.kind.tag()))
    });
    out.dedup_by(|a, b| a.kind == b.kind && a.id == b.id);
    Ok(out)
}

/// What `user` sent, newest first, optionally of one kind.
pub fn outbox(txn: &ReadTransaction, user: u64, kind: Option<BoxKind>) -> Result<Vec<Entry>> {
    let t = txn.open_table(OA_BOXES)?;
    let mut out = Vec::new();
    scan(&t, &format!("out/{user:016x}"), kind, &mut out)?;
    Ok(out)
}
