//! Deadlines in working days, with pauses and extensions, and their Chinese explanation.
//!
//! Counting rules (依申请公开 as the model; the same rules serve any 工作日 deadline):
//!
//! * `started` is the day of receipt. It does not count; counting starts on the next working day.
//! * The limit is `workdays` plus every extension (延长, e.g. +20 个工作日 with approval).
//! * A [`Pause`] stops the clock (time spent consulting a third party or another agency is not
//!   counted). Every day from `from` to `until`, both inclusive, is not counted: the day the
//!   consultation starts is not counted, and the day the answer arrives is treated like a day of
//!   receipt, so counting resumes on the next working day. Overlapping pauses are fine.
//! * A pause with `until: None` is still running: the deadline is unknown until it ends, and
//!   [`Clock::deadline`] returns [`Deadline::Paused`] with the days counted so far.
//! * 补正 (the applicant must supplement an unclear request) restarts the clock: make a new
//!   `Clock` whose `started` is the day the supplemented request arrived.
//!
//! The result depends on the calendar, which admins can change while a case is open: recompute
//! open cases with the current calendar rather than storing the date as final.

use serde::{Deserialize, Serialize};
use time::Date;

use super::{DayKind, WorkCalendar, format_date_zh, format_range_zh, is_weekend};

/// A period during which the clock does not run (both ends inclusive).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pause {
    pub from: Date,
    /// `None` while the pause is still running.
    pub until: Option<Date>,
    /// Why, in Chinese, e.g. "征求第三方意见".
    pub reason: String,
}

/// Extra working days granted on top of the limit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    pub workdays: u32,
    /// Why, in Chinese, e.g. "经工作机构负责人同意延长答复期限".
    pub reason: String,
}

/// Everything needed to compute a working-day deadline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clock {
    /// The day of receipt (Beijing date); not counted.
    pub started: Date,
    /// The limit in working days before extensions, e.g. 20. Zero means "due the same day".
    pub workdays: u32,
    #[serde(default)]
    pub pauses: Vec<Pause>,
    #[serde(default)]
    pub extensions: Vec<Extension>,
}

/// The outcome of [`Clock::deadline`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Deadline {
    /// Due by the end of this date.
    Due(Date),
    /// A pause is still running, so no date can be given yet.
    Paused {
        /// When the running pause started.
        since: Date,
        /// Working days counted before it.
        counted: u32,
        /// Working days still to run once it ends.
        remaining: u32,
    },
}

impl Deadline {
    /// The due date, if known.
    pub fn date(self) -> Option<Date> {
        match self {
            Deadline::Due(d) => Some(d),
            Deadline::Paused { .. } => None,
        }
    }
}

/// What happened on the way to the deadline, for [`Clock::explain`].
struct Walk {
    outcome: Deadline,
    /// Non-working days passed while the clock ran, with the calendar note when listed.
    off_days: Vec<(Date, Option<String>)>,
    /// Make-up working days that counted: date, note, which working day it was.
    makeup: Vec<(Date, String, u32)>,
    /// Per pause (same index as `Clock::pauses`): working days it kept from counting.
    paused_workdays: Vec<u32>,
    /// The last date looked at.
    last: Date,
}

impl Clock {
    /// A clock with no pauses or extensions.
    pub fn new(started: Date, workdays: u32) -> Clock {
        Clock {
            started,
            workdays,
            pauses: Vec::new(),
            extensions: Vec::new(),
        }
    }

    /// The limit plus every extension.
    pub fn total_workdays(&self) -> u32 {
        self.extensions
            .iter()
            .fold(self.workdays, |t, e| t.saturating_add(e.workdays))
    }

    /// The deadline under `calendar`, or [`Deadline::Paused`] while a pause is running.
    pub fn deadline(&self, calendar: &WorkCalendar) -> Deadline {
        self.walk(calendar).outcome
    }

    /// Which pause covers `d`, if any (the first one listed).
    fn pause_at(&self, d: Date) -> Option<usize> {
        self.pauses
            .iter()
            .position(|p| p.from <= d && p.until.is_none_or(|u| d <= u))
    }

    fn walk(&self, cal: &WorkCalendar) -> Walk {
        let total = self.total_workdays();
        let mut w = Walk {
            outcome: Deadline::Due(self.started),
            off_days: Vec::new(),
            makeup: Vec::new(),
            paused_workdays: vec![0; self.pauses.len()],
            last: self.started,
        };
        let mut counted = 0u32;
        let mut d = self.started;
        while counted < total {
            let Some(next) = d.next_day() else { break };
            d = next;
            w.last = d;
            if let Some(i) = self.pause_at(d) {
                let p = &self.pauses[i];
                if p.until.is_none() {
                    w.outcome = Deadline::Paused {
                        since: p.from,
                        counted,
                        remaining: total - counted,
                    };
                    return w;
                }
                if cal.is_workday(d) {
                    w.paused_workdays[i] += 1;
                }
                continue;
            }
            if cal.is_workday(d) {
                counted += 1;
                if let Some(s) = cal.special(d).filter(|s| s.kind == DayKind::Work) {
                    w.makeup.push((d, s.note.clone(), counted));
                }
            } else {
                let note = cal.special(d).map(|s| s.note.clone());
                w.off_days.push((d, note));
            }
        }
        w.outcome = Deadline::Due(d);
        w
    }

    /// How the deadline was computed, in Chinese, one sentence per line: the day of receipt, the
    /// limit and extensions, the holidays skipped, the make-up days counted, the pauses, the
    /// result, and a warning for any year the calendar has no schedule for.
    pub fn explain(&self, cal: &WorkCalendar) -> Vec<String> {
        let w = self.walk(cal);
        let mut out = Vec::new();
        out.push(format!(
            "收到日期：{}。当日不计入，自下一个工作日起算。",
            format_date_zh(self.started)
        ));
        out.push(format!("办理期限：{}个工作日。", self.workdays));
        for e in &self.extensions {
            out.push(format!("延长{}个工作日{}。", e.workdays, paren(&e.reason)));
        }
        if !self.extensions.is_empty() {
            out.push(format!("合计：{}个工作日。", self.total_workdays()));
        }

        // Dated events, told in date order.
        let mut events: Vec<(Date, String)> = Vec::new();
        let mut weekend_only = 0u32;
        for run in runs(&w.off_days) {
            let (first, last) = (run[0].0, run[run.len() - 1].0);
            let mut names: Vec<&str> = Vec::new();
            for (_, note) in run {
                if let Some(n) = note.as_deref().filter(|n| !n.is_empty())
                    && !names.contains(&n)
                {
                    names.push(n);
                }
            }
            let listed = run.iter().any(|(_, n)| n.is_some());
            if !listed {
                weekend_only += run.len() as u32;
                continue;
            }
            let weekdays = run.iter().filter(|(d, _)| !is_weekend(*d)).count();
            let name = if names.is_empty() {
                "节假日".to_string()
            } else {
                format!("{}假期", names.join("、"))
            };
            let mut s = format!(
                "{}为{}，共{}天，不计入",
                format_range_zh(first, last),
                name,
                run.len()
            );
            if weekdays > 0 {
                s.push_str(&format!("（其中{weekdays}天原本是周一至周五）"));
            }
            s.push('。');
            events.push((first, s));
        }
        for (d, note, nth) in &w.makeup {
            events.push((
                *d,
                format!(
                    "{}是调休上班日{}，计为第{}个工作日。",
                    format_date_zh(*d),
                    paren(note),
                    nth
                ),
            ));
        }
        for (i, p) in self.pauses.iter().enumerate() {
            let s = match p.until {
                _ if p.from > w.last && w.outcome.date().is_none() => format!(
                    "{}起的暂停计时{}在当前暂停之后，届时一并计算。",
                    format_date_zh(p.from),
                    paren(&p.reason)
                ),
                _ if p.from > w.last => format!(
                    "{}起的暂停计时{}在截止日期之后，不影响期限。",
                    format_date_zh(p.from),
                    paren(&p.reason)
                ),
                Some(u) if w.paused_workdays[i] > 0 => format!(
                    "{}暂停计时{}，其间{}个工作日不计入；恢复后自下一个工作日继续计算。",
                    format_range_zh(p.from, u),
                    paren(&p.reason),
                    w.paused_workdays[i]
                ),
                Some(u) => format!(
                    "{}暂停计时{}，其间没有需要扣除的工作日。",
                    format_range_zh(p.from, u),
                    paren(&p.reason)
                ),
                None => format!(
                    "自{}起暂停计时{}，尚未恢复。",
                    format_date_zh(p.from),
                    paren(&p.reason)
                ),
            };
            events.push((p.from, s));
        }
        events.sort_by_key(|(d, _)| *d);
        out.extend(events.into_iter().map(|(_, s)| s));
        if weekend_only > 0 {
            out.push(format!("期间周六、周日休息日共{weekend_only}天，不计入。"));
        }

        match w.outcome {
            Deadline::Due(d) if self.total_workdays() == 0 => {
                out.push(format!("应当场办理，截止日期：{}。", format_date_zh(d)));
            }
            Deadline::Due(d) => out.push(format!("截止日期：{}。", format_date_zh(d))),
            Deadline::Paused {
                counted, remaining, ..
            } => out.push(format!(
                "目前暂停计时：已计{counted}个工作日，尚余{remaining}个工作日，恢复计时后才能确定截止日期。"
            )),
        }

        for year in self.started.year()..=w.last.year() {
            if !cal.covers_year(year) {
                out.push(format!(
                    "注意：日历中尚未录入{year}年的节假日安排，该年暂按周一至周五为工作日计算；录入后截止日期会重新计算。"
                ));
            }
        }
        out
    }
}

/// `（reason）`, or nothing for an empty reason.
fn paren(s: &str) -> String {
    if s.is_empty() {
        String::new()
    } else {
        format!("（{s}）")
    }
}

/// Splits days into runs of consecutive dates.
fn runs(days: &[(Date, Option<String>)]) -> Vec<&[(Date, Option<String>)]> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=days.len() {
        let breaks = i == days.len() || days[i - 1].0.next_day() != Some(days[i].0);
        if breaks {
            out.push(&days[start..i]);
            start = i;
        }
    }
    out.retain(|r| !r.is_empty());
    out
}
