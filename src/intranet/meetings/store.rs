//! Reading and writing meetings (`tables::OA_MEETINGS`, id → JSON).

use redb::{ReadTransaction, ReadableTable, WriteTransaction};

use super::model::Meeting;
use crate::error::Result;
use crate::store::tables::OA_MEETINGS;
use crate::store::{get_json_u64, put_json_u64};

/// The id counter's name in META.
pub const COUNTER: &str = "oa_meeting";

pub fn get(txn: &ReadTransaction, id: u64) -> Result<Option<Meeting>> {
    get_json_u64(&txn.open_table(OA_MEETINGS)?, id)
}

pub fn get_w(txn: &WriteTransaction, id: u64) -> Result<Option<Meeting>> {
    get_json_u64(&txn.open_table(OA_MEETINGS)?, id)
}

pub fn put(txn: &WriteTransaction, m: &Meeting) -> Result<()> {
    put_json_u64(txn, OA_MEETINGS, m.id, m)
}

/// Every meeting, oldest first (for the year's figures).
pub fn all(txn: &ReadTransaction) -> Result<Vec<Meeting>> {
    let t = txn.open_table(OA_MEETINGS)?;
    let mut out = Vec::new();
    for row in t.iter()? {
        let (_, v) = row?;
        out.push(serde_json::from_slice(v.value())?);
    }
    Ok(out)
}

/// For `/admin/stats`: (meetings sent, invitations, replies in by the deadline) of the
/// meetings sent in `[year_start_ms, year_end_ms)`.
pub fn figures(
    txn: &ReadTransaction,
    year_start_ms: i64,
    year_end_ms: i64,
) -> Result<(u64, u64, u64)> {
    let (mut meetings, mut invitations, mut on_time) = (0u64, 0u64, 0u64);
    for m in all(txn)? {
        if m.sent_ms < year_start_ms || m.sent_ms >= year_end_ms {
            continue;
        }
        meetings += 1;
        for r in &m.replies {
            invitations += 1;
            if r.first_reply_ms()
                .is_some_and(|t| t <= m.details.deadline_ms)
            {
                on_time += 1;
            }
        }
    }
    Ok((meetings, invitations, on_time))
}
