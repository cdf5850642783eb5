//! Working days (工作日): the holiday calendar and deadline counting.
//!
//! Pure library code: no I/O, no clock. Dates are calendar dates in Beijing time
//! (`crate::clock::CST`); callers convert an instant with `.to_offset(CST).date()`.
//!
//! * [`WorkCalendar`]: Mon–Fri are working days, Sat–Sun are not, except for the dates the
//!   calendar lists: holidays (休, days off) and make-up working days (调休上班, 班).
//!   [`WorkCalendar::builtin`] holds the State Council schedules this build knows; admins edit the
//!   calendar as text ([`CalendarEdit`]), so a newly published year can be entered without a release.
//! * [`WorkCalendar::add_workdays`]: the Nth working day *after* a date. The start day itself never
//!   counts (the day of receipt is not counted; counting starts on the next working day).
//! * [`Clock`]: a deadline with pauses (third-party consultation is not counted) and extensions,
//!   plus [`Clock::explain`], the Chinese "how this date was computed" text shown to the public.
//!
//! Deadlines are never stored as final facts: the calendar can change while a case is open
//! (a year's schedule is published or corrected), so open cases must be recomputed from their
//! `Clock` with the current calendar.

mod builtin;
mod deadline;
mod edit;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use time::{Date, Month, Weekday};

pub use builtin::BUILTIN_TEXT;
pub use deadline::{Clock, Deadline, Extension, Pause};
pub use edit::{CalendarEdit, EditEntry, LineError};

/// What the calendar says about one listed date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// 休: a day off (a holiday, or a weekday given off by 调休). Listing a weekend day that
    /// lies inside a holiday is allowed and lets explanations name the holiday.
    Off,
    /// 班: a make-up working day (调休上班). Only weekend days may be listed as this.
    Work,
}

impl DayKind {
    /// The one-character mark used in the text format: 休 or 班.
    pub fn mark(self) -> &'static str {
        match self {
            DayKind::Off => "休",
            DayKind::Work => "班",
        }
    }
}

/// One listed date: its kind and a note such as "国庆节" or "春节调休".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecialDay {
    pub kind: DayKind,
    pub note: String,
}

/// The working-day calendar: Mon–Fri work, Sat–Sun off, except the listed dates.
///
/// Invariant (kept by every constructor, including deserialization): a date listed as
/// [`DayKind::Work`] is a Saturday or Sunday.
///
/// Stored as JSON `{"days":[{"date":"2025-10-01","kind":"off","note":"国庆节"},…]}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "Repr", try_from = "Repr")]
pub struct WorkCalendar {
    days: BTreeMap<Date, SpecialDay>,
}

impl WorkCalendar {
    /// No listed dates: Mon–Fri are working days. Only for tests and as a starting point; a real
    /// deployment needs the yearly schedule (see [`WorkCalendar::builtin`]).
    pub fn empty() -> WorkCalendar {
        WorkCalendar::default()
    }

    /// The national schedules known to this build: 2025 and 2026.
    ///
    /// Each year's schedule comes from that year's 国务院办公厅关于某年部分节假日安排的通知 and
    /// must be checked against the notice; admins can correct it and must enter later years
    /// (see [`BUILTIN_TEXT`] for the source of each year).
    pub fn builtin() -> WorkCalendar {
        builtin::calendar()
    }

    /// Builds a calendar from a parsed admin edit (the whole calendar as text).
    pub fn from_edit(edit: &CalendarEdit) -> WorkCalendar {
        let mut cal = WorkCalendar::empty();
        for e in edit.entries() {
            cal.days.insert(
                e.date,
                SpecialDay {
                    kind: e.kind,
                    note: e.note.clone(),
                },
            );
        }
        cal
    }

    /// This calendar with every year mentioned in `edit` replaced by the edit's entries for that
    /// year; other years are kept. This is how an admin enters or corrects one year's schedule.
    pub fn with_years_replaced(&self, edit: &CalendarEdit) -> WorkCalendar {
        let years: BTreeSet<i32> = edit.entries().iter().map(|e| e.date.year()).collect();
        let mut cal = self.clone();
        cal.days.retain(|d, _| !years.contains(&d.year()));
        cal.days.extend(WorkCalendar::from_edit(edit).days);
        cal
    }

    /// The calendar in the admin text format, one line per run of consecutive dates with the
    /// same kind and note; [`CalendarEdit::parse`] reads it back to the same calendar.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let mut year = None;
        let mut iter = self.days.iter().peekable();
        while let Some((&first, day)) = iter.next() {
            let mut last = first;
            while let Some(&(&d, next)) = iter.peek() {
                if last.next_day() == Some(d) && next == day && d.year() == first.year() {
                    last = d;
                    iter.next();
                } else {
                    break;
                }
            }
            if year != Some(first.year()) {
                if year.is_some() {
                    out.push('\n');
                }
                out.push_str(&format!("# {}年\n", first.year()));
                year = Some(first.year());
            }
            out.push_str(&iso(first));
            if last != first {
                out.push('~');
                out.push_str(&iso(last));
            }
            out.push(' ');
            out.push_str(day.kind.mark());
            if !day.note.is_empty() {
                out.push(' ');
                out.push_str(&day.note);
            }
            out.push('\n');
        }
        out
    }

    /// The listed dates in order.
    pub fn special_days(&self) -> impl Iterator<Item = (Date, &SpecialDay)> {
        self.days.iter().map(|(d, s)| (*d, s))
    }

    /// The listing for one date, if any.
    pub fn special(&self, date: Date) -> Option<&SpecialDay> {
        self.days.get(&date)
    }

    /// Whether any date of `year` is listed. A year without entries is counted as plain Mon–Fri,
    /// which is almost certainly wrong for China; explanations warn about it.
    pub fn covers_year(&self, year: i32) -> bool {
        self.days.keys().any(|d| d.year() == year)
    }

    /// The years from `from` to `to` (both included) that have no entries: counting across
    /// them would be a guess, so callers say so instead of giving a date as certain.
    pub fn missing_years(&self, from: Date, to: Date) -> Vec<i32> {
        (from.year()..=to.year())
            .filter(|y| !self.covers_year(*y))
            .collect()
    }

    /// The entries of one year, as its own calendar (for editing that year alone).
    pub fn year(&self, year: i32) -> WorkCalendar {
        WorkCalendar {
            days: self
                .days
                .iter()
                .filter(|(d, _)| d.year() == year)
                .map(|(d, s)| (*d, s.clone()))
                .collect(),
        }
    }

    /// Every day after `start` up to the `n`th working day, each with whether it counted and
    /// why: what the calendar preview shows.
    pub fn walk(&self, start: Date, n: u32) -> Vec<DayCount> {
        let end = self.add_workdays(start, n);
        let mut out = Vec::new();
        let mut d = start;
        let mut nth = 0u32;
        while d < end {
            let Some(next) = d.next_day() else { break };
            d = next;
            let counted = self.is_workday(d);
            if counted {
                nth += 1;
            }
            let why = match self.days.get(&d) {
                Some(s) if s.kind == DayKind::Work => format!("调休上班{}", paren(&s.note)),
                Some(s) => format!("放假{}", paren(&s.note)),
                None if is_weekend(d) => "周末休息".to_owned(),
                None => "工作日".to_owned(),
            };
            out.push(DayCount {
                date: d,
                counted: counted.then_some(nth),
                why,
            });
        }
        out
    }

    /// The years that have entries.
    pub fn years(&self) -> BTreeSet<i32> {
        self.days.keys().map(|d| d.year()).collect()
    }

    /// Whether `date` is a working day: a listed date follows its listing, otherwise Mon–Fri.
    pub fn is_workday(&self, date: Date) -> bool {
        match self.days.get(&date) {
            Some(s) => s.kind == DayKind::Work,
            None => !is_weekend(date),
        }
    }

    /// The `n`th working day after `start`. The start day never counts, whether or not it is a
    /// working day (Chinese practice: the day of receipt is not counted). `n = 0` returns `start`
    /// itself, even on a holiday (an "on the spot" answer is due the same day).
    ///
    /// Example (2025 schedule): received Fri 2025-09-26, 1 working day → Sun 2025-09-28 (调休上班).
    pub fn add_workdays(&self, start: Date, n: u32) -> Date {
        let mut d = start;
        let mut left = n;
        while left > 0 {
            let Some(next) = d.next_day() else {
                return Date::MAX;
            };
            d = next;
            if self.is_workday(d) {
                left -= 1;
            }
        }
        d
    }

    /// The number of working days `d` with `a < d <= b` (the same counting as
    /// [`add_workdays`](Self::add_workdays): `workdays_between(a, add_workdays(a, n)) == n`).
    /// Zero when `b <= a`.
    pub fn workdays_between(&self, a: Date, b: Date) -> u32 {
        let mut n = 0u32;
        let mut d = a;
        while d < b {
            let Some(next) = d.next_day() else { break };
            d = next;
            if self.is_workday(d) {
                n = n.saturating_add(1);
            }
        }
        n
    }
}

/// One day of [`WorkCalendar::walk`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DayCount {
    pub date: Date,
    /// Which working day this is (1, 2, …), or `None` when it is not counted.
    pub counted: Option<u32>,
    /// 工作日, 周末休息, 放假（国庆节）, 调休上班（国庆节调休）.
    pub why: String,
}

fn paren(s: &str) -> String {
    if s.is_empty() {
        String::new()
    } else {
        format!("（{s}）")
    }
}

/// Saturday or Sunday.
pub fn is_weekend(date: Date) -> bool {
    matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// 周一 … 周日.
pub fn weekday_zh(date: Date) -> &'static str {
    match date.weekday() {
        Weekday::Monday => "周一",
        Weekday::Tuesday => "周二",
        Weekday::Wednesday => "周三",
        Weekday::Thursday => "周四",
        Weekday::Friday => "周五",
        Weekday::Saturday => "周六",
        Weekday::Sunday => "周日",
    }
}

/// `2025年10月1日（周三）`.
pub fn format_date_zh(date: Date) -> String {
    format!(
        "{}年{}月{}日（{}）",
        date.year(),
        u8::from(date.month()),
        date.day(),
        weekday_zh(date)
    )
}

/// `2025年10月1日至10月8日` (the year is repeated only when it changes).
pub fn format_range_zh(a: Date, b: Date) -> String {
    if a == b {
        return format!("{}年{}月{}日", a.year(), u8::from(a.month()), a.day());
    }
    let tail = if a.year() == b.year() {
        format!("{}月{}日", u8::from(b.month()), b.day())
    } else {
        format!("{}年{}月{}日", b.year(), u8::from(b.month()), b.day())
    };
    format!(
        "{}年{}月{}日至{}",
        a.year(),
        u8::from(a.month()),
        a.day(),
        tail
    )
}

/// `2025-10-01`.
pub fn iso(date: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// Parses `YYYY-MM-DD` (also `YYYY/M/D`): the year 2000–2100, a real calendar date.
pub(crate) fn parse_date(s: &str) -> Result<Date, String> {
    let parts: Vec<&str> = s.split(['-', '/']).collect();
    let bad = || format!("“{s}”不是日期，应写成 2026-01-01 的形式");
    let [y, m, d] = parts.as_slice() else {
        return Err(bad());
    };
    let digits = |t: &str, max_len: usize| {
        !t.is_empty() && t.len() <= max_len && t.bytes().all(|b| b.is_ascii_digit())
    };
    if y.len() != 4 || !digits(y, 4) || !digits(m, 2) || !digits(d, 2) {
        return Err(bad());
    }
    let (y, m, d): (i32, u8, u8) = match (y.parse(), m.parse(), d.parse()) {
        (Ok(y), Ok(m), Ok(d)) => (y, m, d),
        _ => return Err(bad()),
    };
    if !(2000..=2100).contains(&y) {
        return Err(format!("“{s}”的年份超出范围（2000—2100）"));
    }
    let month = Month::try_from(m).map_err(|_| format!("“{s}”的月份不存在"))?;
    Date::from_calendar_date(y, month, d)
        .map_err(|_| format!("“{s}”不是有效日期（{y}年{m}月没有{d}日）"))
}

/// The stored form: a list of dated entries.
#[derive(Serialize, Deserialize)]
struct Repr {
    days: Vec<ReprDay>,
}

#[derive(Serialize, Deserialize)]
struct ReprDay {
    date: String,
    kind: DayKind,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    note: String,
}

impl From<WorkCalendar> for Repr {
    fn from(cal: WorkCalendar) -> Repr {
        Repr {
            days: cal
                .days
                .into_iter()
                .map(|(d, s)| ReprDay {
                    date: iso(d),
                    kind: s.kind,
                    note: s.note,
                })
                .collect(),
        }
    }
}

impl TryFrom<Repr> for WorkCalendar {
    type Error = String;

    fn try_from(r: Repr) -> Result<WorkCalendar, String> {
        let mut days = BTreeMap::new();
        for day in r.days {
            let date = parse_date(&day.date)?;
            if day.kind == DayKind::Work && !is_weekend(date) {
                return Err(format!(
                    "{}是{}，不能标为调休上班日",
                    day.date,
                    weekday_zh(date)
                ));
            }
            let special = SpecialDay {
                kind: day.kind,
                note: day.note,
            };
            if days.insert(date, special).is_some() {
                return Err(format!("{}重复出现", day.date));
            }
        }
        Ok(WorkCalendar { days })
    }
}
