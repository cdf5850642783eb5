//! The intranet's figures for 统计分析 (`admin::stats`): per sending unit, documents sent and
//! passed on and meeting notices sent; per receiving unit, documents received, signed and
//! signed by their deadline, meetings it was invited to and answered by the reply deadline.
//! Counted over one Beijing calendar year by when the item was sent, in one snapshot.

use std::collections::HashMap;

use redb::{ReadTransaction, ReadableTable};

use super::documents::model::Document;
use super::model::Addressee;
use crate::auth::model::{UnitCode, User};
use crate::error::Result;
use crate::store::tables::OA_DOCS;

/// One unit's intranet figures in the year.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OfficeCounts {
    /// Documents the unit sent (its own, not passed on).
    pub docs_sent: u32,
    /// Copies it passed on to the units below.
    pub docs_forwarded: u32,
    /// Receipts addressed to the unit (or to its people).
    pub received: u32,
    pub signed: u32,
    /// Signed by the deadline its urgency set.
    pub signed_on_time: u32,
    /// Meeting notices the unit sent.
    pub meetings_sent: u32,
    /// Meeting notices it was invited by, and answered by their reply deadline.
    pub invited: u32,
    pub replied_on_time: u32,
    /// Files the unit sent (文件传输), and their bytes times their recipients.
    pub files_sent: u32,
    pub bytes_sent: u64,
    /// Downloads of files sent to the unit (or its people).
    pub file_downloads: u32,
}

impl OfficeCounts {
    pub fn add(&mut self, o: &OfficeCounts) {
        self.docs_sent += o.docs_sent;
        self.docs_forwarded += o.docs_forwarded;
        self.received += o.received;
        self.signed += o.signed;
        self.signed_on_time += o.signed_on_time;
        self.meetings_sent += o.meetings_sent;
        self.invited += o.invited;
        self.replied_on_time += o.replied_on_time;
        self.files_sent += o.files_sent;
        self.bytes_sent = self.bytes_sent.saturating_add(o.bytes_sent);
        self.file_downloads += o.file_downloads;
    }

    /// Signed on time, in percent of those received (one decimal), `None` with none received.
    pub fn on_time_percent(&self) -> Option<f64> {
        (self.received > 0).then(|| {
            (f64::from(self.signed_on_time) * 1000.0 / f64::from(self.received)).round() / 10.0
        })
    }
}

/// Every unit's figures for documents sent in `[from_ms, to_ms)`.
pub fn tally(
    txn: &ReadTransaction,
    from_ms: i64,
    to_ms: i64,
) -> Result<HashMap<UnitCode, OfficeCounts>> {
    let users: HashMap<u64, UnitCode> = crate::auth::store::list_users(txn)?
        .into_iter()
        .map(|u: User| (u.id, u.unit))
        .collect();
    let mut out: HashMap<UnitCode, OfficeCounts> = HashMap::new();
    let t = txn.open_table(OA_DOCS)?;
    for row in t.iter()? {
        let (_, v) = row?;
        let d: Document = serde_json::from_slice(v.value())?;
        if d.sent_ms < from_ms || d.sent_ms >= to_ms {
            continue;
        }
        let sender = out.entry(d.sender_unit.clone()).or_default();
        if d.forwarded_from.is_some() {
            sender.docs_forwarded += 1;
        } else {
            sender.docs_sent += 1;
        }
        for r in &d.receipts {
            let unit = match &r.to {
                Addressee::Unit(c) => Some(c.clone()),
                Addressee::Person(id) => users.get(id).cloned(),
            };
            let Some(unit) = unit else { continue };
            let c = out.entry(unit).or_default();
            c.received += 1;
            if r.is_signed() {
                c.signed += 1;
            }
            if r.signed_on_time() {
                c.signed_on_time += 1;
            }
        }
    }
    for s in super::sends::store::all(txn)? {
        if s.sent_ms < from_ms || s.sent_ms >= to_ms {
            continue;
        }
        let c = out.entry(s.sender_unit.clone()).or_default();
        c.files_sent += u32::try_from(s.files.len()).unwrap_or(u32::MAX);
        let fan = u64::try_from(s.receipts.len()).unwrap_or(0);
        c.bytes_sent = c
            .bytes_sent
            .saturating_add(s.total_size().saturating_mul(fan));
        for r in &s.receipts {
            let unit = match &r.to {
                Addressee::Unit(c) => Some(c.clone()),
                Addressee::Person(id) => users.get(id).cloned(),
            };
            if let Some(unit) = unit {
                out.entry(unit).or_default().file_downloads +=
                    u32::try_from(r.downloads.len()).unwrap_or(u32::MAX);
            }
        }
    }
    for m in super::meetings::store::all(txn)? {
        if m.sent_ms < from_ms || m.sent_ms >= to_ms {
            continue;
        }
        out.entry(m.sender_unit.clone()).or_default().meetings_sent += 1;
        for r in &m.replies {
            let c = out.entry(r.unit.clone()).or_default();
            c.invited += 1;
            if r.first_reply_ms()
                .is_some_and(|t| t <= m.details.deadline_ms)
            {
                c.replied_on_time += 1;
            }
        }
    }
    Ok(out)
}
