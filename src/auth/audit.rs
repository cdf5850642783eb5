//! The audit log: one record per security-relevant event, appended in the same write
//! transaction as the change it records, each record holding the SHA-256 of the one
//! before, so any edit or deletion breaks the chain at that point. Records are never
//! deleted by gongkai; `audit.retention_days` (≥ 180) is the guaranteed minimum.

use redb::{ReadableDatabase, ReadableTable, WriteTransaction};
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::store::{Store, get_json, put_json, tables};

pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Success,
    Failure,
}

impl Outcome {
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Success => "成功",
            Outcome::Failure => "失败",
        }
    }
}

/// What happened, as given by the caller.
#[derive(Debug, Clone)]
pub struct Event {
    pub user: String,
    pub unit: String,
    pub action: &'static str,
    pub object: String,
    pub ip: String,
    pub outcome: Outcome,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    pub seq: u64,
    pub at_ms: i64,
    pub user: String,
    pub unit: String,
    pub action: String,
    pub object: String,
    pub ip: String,
    pub outcome: Outcome,
    pub detail: String,
    pub prev: String,
    pub hash: String,
}

impl AuditRecord {
    /// The hash covers every field but `hash` itself, in a fixed order.
    pub fn compute_hash(&self) -> String {
        let body = serde_json::json!([
            self.seq,
            self.at_ms,
            self.user,
            self.unit,
            self.action,
            self.object,
            self.ip,
            self.outcome,
            self.detail,
            self.prev
        ]);
        crate::ids::sha256_hex(body.to_string().as_bytes())
    }
}

/// Appends one record inside the caller's write transaction.
pub fn append(txn: &WriteTransaction, ev: Event, now_ms: i64) -> Result<u64> {
    let mut t = txn.open_table(tables::AUDIT)?;
    let (seq, prev) = match t.last()? {
        Some((k, v)) => {
            let r: AuditRecord = serde_json::from_slice(v.value())?;
            (k.value() + 1, r.hash)
        }
        None => (1, GENESIS.to_owned()),
    };
    let mut rec = AuditRecord {
        seq,
        at_ms: now_ms,
        user: ev.user,
        unit: ev.unit,
        action: ev.action.to_owned(),
        object: ev.object,
        ip: ev.ip,
        outcome: ev.outcome,
        detail: ev.detail,
        prev,
        hash: String::new(),
    };
    rec.hash = rec.compute_hash();
    let bytes = serde_json::to_vec(&rec)?;
    t.insert(seq, bytes.as_slice())?;
    put_json(
        txn,
        tables::META,
        HEAD_KEY,
        &Head {
            seq,
            hash: rec.hash,
        },
    )?;
    Ok(seq)
}

/// The newest record's sequence number and hash, kept beside the chain so that cutting
/// records off the end is detected too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Head {
    pub seq: u64,
    pub hash: String,
}

pub const HEAD_KEY: &str = "audit_head";

/// Migration to schema 2: records the chain head for stores written before it existed.
pub fn write_head_from_last(txn: &WriteTransaction) -> Result<()> {
    let last = {
        let t = txn.open_table(tables::AUDIT)?;
        match t.last()? {
            Some((_, v)) => Some(serde_json::from_slice::<AuditRecord>(v.value())?),
            None => None,
        }
    };
    if let Some(r) = last {
        put_json(
            txn,
            tables::META,
            HEAD_KEY,
            &Head {
                seq: r.seq,
                hash: r.hash,
            },
        )?;
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub count: u64,
    /// The first record that does not fit the chain, with why.
    pub broken: Option<(u64, String)>,
}

pub fn verify(store: &Store) -> Result<Verified> {
    let txn = store.db().begin_read()?;
    let t = txn.open_table(tables::AUDIT)?;
    let mut prev = GENESIS.to_owned();
    let mut count = 0;
    for (expect_seq, row) in (1u64..).zip(t.iter()?) {
        let (k, v) = row?;
        let seq = k.value();
        let rec: AuditRecord = match serde_json::from_slice(v.value()) {
            Ok(r) => r,
            Err(_) => return Ok(broken(count, seq, "记录无法解析")),
        };
        if seq != expect_seq {
            return Ok(broken(
                count,
                expect_seq,
                &format!("缺少记录（下一条为 {seq}）"),
            ));
        }
        if rec.seq != seq {
            return Ok(broken(count, seq, "记录序号与键不符"));
        }
        if rec.prev != prev {
            return Ok(broken(count, seq, "与上一条记录的哈希不衔接"));
        }
        if rec.compute_hash() != rec.hash {
            return Ok(broken(count, seq, "记录内容与其哈希不符（已被修改）"));
        }
        prev = rec.hash;
        count += 1;
    }
    let head: Option<Head> = get_json(&txn.open_table(tables::META)?, HEAD_KEY)?;
    match head {
        Some(h) if h.seq == count && h.hash == prev => {}
        None if count == 0 => {}
        Some(h) if h.seq > count => {
            return Ok(broken(
                count,
                count + 1,
                &format!("及之后的记录缺失（链头为第 {} 条，日志被截断）", h.seq),
            ));
        }
        _ => {
            return Ok(broken(
                count,
                count.max(1),
                "与链头记录不符（日志末尾被改动）",
            ));
        }
    }
    Ok(Verified {
        count,
        broken: None,
    })
}

fn broken(count: u64, seq: u64, why: &str) -> Verified {
    Verified {
        count,
        broken: Some((seq, why.to_owned())),
    }
}

/// Newest first, `limit` records before `before` (exclusive), for the auditor's pages.
pub fn page(
    txn: &redb::ReadTransaction,
    before: Option<u64>,
    limit: usize,
) -> Result<Vec<AuditRecord>> {
    let t = txn.open_table(tables::AUDIT)?;
    let range = match before {
        Some(b) => t.range(..b)?,
        None => t.range(0..)?,
    };
    let mut out = Vec::new();
    for row in range.rev().take(limit) {
        let (_, v) = row?;
        out.push(serde_json::from_slice(v.value())?);
    }
    Ok(out)
}

/// What the auditor looks for: every given part must match (text parts as substrings).
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub user: String,
    pub unit: String,
    pub action: String,
    pub object: String,
    /// From this instant (ms), inclusive.
    pub from_ms: Option<i64>,
    /// Before this instant (ms).
    pub until_ms: Option<i64>,
}

impl Filter {
    pub fn matches(&self, r: &AuditRecord) -> bool {
        let has = |field: &str, want: &str| want.is_empty() || field.contains(want);
        has(&r.user, &self.user)
            && has(&r.unit, &self.unit)
            && (self.action.is_empty() || r.action == self.action)
            && has(&r.object, &self.object)
            && self.from_ms.is_none_or(|f| r.at_ms >= f)
            && self.until_ms.is_none_or(|u| r.at_ms < u)
    }
}

/// A page of matching records, newest first, looking at no more than `scan` records: the
/// records found and, when more may lie further back, the sequence number to continue
/// before (so a rare match in a long log is found page by page, never by one endless scan).
pub fn search(
    txn: &redb::ReadTransaction,
    filter: &Filter,
    before: Option<u64>,
    limit: usize,
    scan: usize,
) -> Result<(Vec<AuditRecord>, Option<u64>)> {
    let t = txn.open_table(tables::AUDIT)?;
    let range = match before {
        Some(b) => t.range(..b)?,
        None => t.range(0..)?,
    };
    let mut out = Vec::new();
    let mut last = None;
    for (looked, row) in range.rev().enumerate() {
        let (k, v) = row?;
        let seq = k.value();
        if looked >= scan || out.len() == limit {
            return Ok((out, last));
        }
        last = Some(seq);
        let r: AuditRecord = serde_json::from_slice(v.value())?;
        // Records before the period cannot match later ones: the log is in time order.
        if filter.from_ms.is_some_and(|f| r.at_ms < f) {
            return Ok((out, None));
        }
        if filter.matches(&r) {
            out.push(r);
        }
    }
    Ok((out, None))
}
