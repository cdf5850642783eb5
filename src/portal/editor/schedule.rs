//! 定时发布 in the editor: reading the requested schedule from the form and recording
//! it (with its audit record) in the save's transaction. The scheduler in `jobs`
//! publishes what falls due.

use redb::WriteTransaction;

use crate::auth::audit::{self, Event};
use crate::error::Result;
use crate::http::extract::Posted;
use crate::portal::store;
use crate::views::form::FormState;

/// What the editor asked for about the schedule.
pub enum Schedule {
    Keep,
    At(i64),
    Cancel,
}

/// `2026-11-26T15:30` (a datetime-local value, Beijing time) as UTC ms.
fn parse_local(s: &str) -> Option<i64> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
    let fmt_s = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    let t = time::PrimitiveDateTime::parse(s.trim(), &fmt)
        .or_else(|_| time::PrimitiveDateTime::parse(s.trim(), &fmt_s))
        .ok()?;
    Some(crate::clock::to_ms(t.assume_offset(crate::clock::CST)))
}

/// The schedule the form asks for; problems go next to the `publish_at` field.
pub fn requested(p: &Posted, now: i64, is_public: bool, fs: &mut FormState) -> Schedule {
    match p.get("action") {
        "schedule" if is_public => {
            fs.add_error("publish_at", "已发布的信息不能再定时发布");
            Schedule::Keep
        }
        "schedule" => match parse_local(p.get("publish_at")) {
            Some(at) if at > now + 60_000 => Schedule::At(at),
            Some(_) => {
                fs.add_error("publish_at", "定时发布时间须晚于当前时间至少一分钟");
                Schedule::Keep
            }
            None => {
                fs.add_error("publish_at", "请填写定时发布的日期和时间");
                Schedule::Keep
            }
        },
        "unschedule" => Schedule::Cancel,
        _ => Schedule::Keep,
    }
}

/// Records the schedule change for `id` in the caller's transaction, with its audit
/// record made by `event(action, detail)`.
pub fn record(
    txn: &WriteTransaction,
    schedule: &Schedule,
    id: u64,
    event: impl Fn(&'static str, String) -> Event,
    now: i64,
) -> Result<()> {
    match schedule {
        Schedule::At(at) => {
            store::schedule(txn, id, *at)?;
            audit::append(txn, event("article_schedule", crate::clock::show(*at)), now)?;
        }
        Schedule::Cancel => {
            store::unschedule(txn, id)?;
            audit::append(txn, event("article_unschedule", String::new()), now)?;
        }
        Schedule::Keep => {}
    }
    Ok(())
}
