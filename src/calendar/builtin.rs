//! The national holiday schedules compiled into this build.
//!
//! Each year's dates come from that year's 国务院办公厅关于某年部分节假日安排的通知. They were
//! checked against copies of the Xinhua release of each notice (2025: 国办发明电〔2024〕12号,
//! 2024-11-12; 2026: released 2025-11-04), not against the gov.cn original: check them against
//! the State Council notice before relying on them. Admins can correct any year and must enter
//! every later year (the notice normally appears in November of the year before) through the
//! calendar editor; a year without entries is counted as plain Mon–Fri and explanations warn
//! about it.
//!
//! Holidays are entered as whole ranges, weekend days included, so that explanations can name
//! the holiday a skipped weekend belongs to.

use super::{CalendarEdit, WorkCalendar};

/// The built-in schedules in the admin text format.
pub const BUILTIN_TEXT: &str = "\
# 2025年：国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号）
2025-01-01 休 元旦
2025-01-26 班 春节调休
2025-01-28~2025-02-04 休 春节
2025-02-08 班 春节调休
2025-04-04~2025-04-06 休 清明节
2025-04-27 班 劳动节调休
2025-05-01~2025-05-05 休 劳动节
2025-05-31~2025-06-02 休 端午节
2025-09-28 班 国庆节、中秋节调休
2025-10-01~2025-10-08 休 国庆节、中秋节
2025-10-11 班 国庆节、中秋节调休

# 2026年：国务院办公厅关于2026年部分节假日安排的通知（2025年11月4日）
2026-01-01~2026-01-03 休 元旦
2026-01-04 班 元旦调休
2026-02-14 班 春节调休
2026-02-15~2026-02-23 休 春节
2026-02-28 班 春节调休
2026-04-04~2026-04-06 休 清明节
2026-05-01~2026-05-05 休 劳动节
2026-05-09 班 劳动节调休
2026-06-19~2026-06-21 休 端午节
2026-09-20 班 国庆节调休
2026-09-25~2026-09-27 休 中秋节
2026-10-01~2026-10-07 休 国庆节
2026-10-10 班 国庆节调休
";

pub(super) fn calendar() -> WorkCalendar {
    match CalendarEdit::parse(BUILTIN_TEXT) {
        Ok(edit) => WorkCalendar::from_edit(&edit),
        // A unit test parses BUILTIN_TEXT, so this cannot happen in a tested build.
        Err(errors) => panic!("built-in calendar text is invalid: {errors:?}"),
    }
}
