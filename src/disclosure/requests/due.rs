//! A request's reply deadline, counted with the calendar in effect (never stored, so a
//! corrected calendar moves open deadlines), and said plainly when it cannot be known.

use time::Date;

use super::flow::{is_open, state};
use super::model::DisclosureRequest;
use crate::calendar::{Deadline, WorkCalendar, format_date_zh};

/// The reply limit in working days (第三十三条).
pub const REPLY_WORKDAYS: u32 = 20;
/// 补正 must be asked for within this many working days of receipt (第三十条).
pub const CORRECTION_WINDOW: u32 = 7;
/// A third party or another agency has this many working days to answer (第三十二条).
pub const CONSULT_WORKDAYS: u32 = 15;
/// One extension of at most this many working days (第三十三条).
pub const MAX_EXTENSION: u32 = 20;

/// Where a request's reply deadline stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Due {
    /// Not running: not yet received, waiting for 补正, or closed.
    None,
    /// Due by the end of this day.
    On(Date),
    /// A consultation is running: the date follows once it ends.
    Paused { counted: u32, remaining: u32 },
    /// The count crosses a year the calendar has no schedule for: no date is given.
    Unknown { years: Vec<i32> },
}

impl Due {
    pub fn date(&self) -> Option<Date> {
        match self {
            Due::On(d) => Some(*d),
            _ => None,
        }
    }
    /// The short text for lists.
    pub fn label(&self) -> String {
        match self {
            Due::None => "—".into(),
            Due::On(d) => format_date_zh(*d),
            Due::Paused { remaining, .. } => format!("暂停计时（尚余{remaining}个工作日）"),
            Due::Unknown { years } => format!(
                "待定（日历尚未录入{}年节假日）",
                years
                    .iter()
                    .map(i32::to_string)
                    .collect::<Vec<_>>()
                    .join("、")
            ),
        }
    }
}

/// The reply deadline of an open request.
pub fn due(r: &DisclosureRequest, cal: &WorkCalendar) -> Due {
    let waiting = matches!(r.flow.state.as_str(), state::PROCESSING | state::CONSULTING);
    let Some(clock) = r.clock.as_ref().filter(|_| waiting) else {
        return Due::None;
    };
    match clock.deadline(cal) {
        Deadline::Due(d) => {
            let years = cal.missing_years(clock.started, d);
            if years.is_empty() {
                Due::On(d)
            } else {
                Due::Unknown { years }
            }
        }
        Deadline::Paused {
            counted, remaining, ..
        } => Due::Paused { counted, remaining },
    }
}

/// How the deadline was counted, one sentence per line (for staff and the requester).
pub fn explain(r: &DisclosureRequest, cal: &WorkCalendar) -> Vec<String> {
    let Some(clock) = &r.clock else {
        return Vec::new();
    };
    let mut lines = Vec::new();
    if let Some(c) = &r.correction
        && let Some(s) = c.supplemented_on
    {
        lines.push(format!(
            "申请人于{}提交补正材料，答复期限自该日重新计算。",
            format_date_zh(s)
        ));
    }
    lines.extend(clock.explain(cal));
    if let Due::Unknown { years } = due(r, cal) {
        lines.push(format!(
            "因此暂不给出截止日期：请系统管理员在“工作日历”中录入{}年的节假日安排。",
            years
                .iter()
                .map(i32::to_string)
                .collect::<Vec<_>>()
                .join("、")
        ));
    }
    lines
}

/// The last day staff may send the one 补正 notice.
pub fn correction_window_end(r: &DisclosureRequest, cal: &WorkCalendar) -> Option<Date> {
    r.received_on
        .map(|d| cal.add_workdays(d, CORRECTION_WINDOW))
}

/// Open and past its due date on `today`.
pub fn overdue(r: &DisclosureRequest, cal: &WorkCalendar, today: Date) -> bool {
    is_open(&r.flow.state) && due(r, cal).date().is_some_and(|d| d < today)
}

/// Open and due within `n` working days of `today` (not yet overdue).
pub fn due_within(r: &DisclosureRequest, cal: &WorkCalendar, today: Date, n: u32) -> bool {
    is_open(&r.flow.state)
        && due(r, cal)
            .date()
            .is_some_and(|d| d >= today && d <= cal.add_workdays(today, n))
}

/// Today in Beijing.
pub fn today(now_ms: i64) -> Date {
    crate::clock::beijing_date(now_ms)
}
