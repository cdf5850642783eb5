//! Time. Everything is stored in UTC and shown in Asia/Shanghai (UTC+8, no DST).
//! Tests swap in a `ManualClock` so lockouts, token expiry and schedules are tested without sleeping.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use time::{OffsetDateTime, UtcOffset};

/// Beijing time, the only zone shown to users.
pub const CST: UtcOffset = match UtcOffset::from_hms(8, 0, 0) {
    Ok(o) => o,
    Err(_) => UtcOffset::UTC,
};

pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> OffsetDateTime;
}

#[derive(Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// A clock that starts at a given instant and moves only when told to.
#[derive(Debug)]
pub struct ManualClock {
    unix_ms: AtomicI64,
}

impl ManualClock {
    pub fn new(start: OffsetDateTime) -> Arc<Self> {
        Arc::new(ManualClock {
            unix_ms: AtomicI64::new((start.unix_timestamp_nanos() / 1_000_000) as i64),
        })
    }
    pub fn advance(&self, d: time::Duration) {
        self.unix_ms
            .fetch_add(d.whole_milliseconds() as i64, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> OffsetDateTime {
        let ms = self.unix_ms.load(Ordering::SeqCst);
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }
}

pub type SharedClock = Arc<dyn Clock>;

/// Where tests' clocks start: a fixed instant, so no test depends on the day it runs.
pub const TEST_START: OffsetDateTime = time::macros::datetime!(2026-11-26 09:00 UTC);

/// Milliseconds since the Unix epoch: the form times take in the store.
pub fn to_ms(t: OffsetDateTime) -> i64 {
    (t.unix_timestamp_nanos() / 1_000_000) as i64
}

pub fn from_ms(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// The Beijing date at `ms`.
pub fn beijing_date(ms: i64) -> time::Date {
    from_ms(ms).to_offset(CST).date()
}

/// `20261126-203506` in Beijing time: for file and folder names.
pub fn file_stamp(ms: i64) -> String {
    show(ms).replace(['-', ':'], "").replace(' ', "-")
}

/// `2026-11-26 20:35:06` in Beijing time.
pub fn show(ms: i64) -> String {
    let t = from_ms(ms).to_offset(CST);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn file_stamp_is_the_beijing_time_without_separators() {
        // 2026-11-26 09:00 UTC is 17:00 in Beijing.
        let ms = super::to_ms(super::TEST_START);
        assert_eq!(super::show(ms), "2026-11-26 17:00:00");
        assert_eq!(super::file_stamp(ms), "20261126-170000");
    }
}
