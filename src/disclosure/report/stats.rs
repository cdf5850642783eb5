//! Disclosure figures per unit for a year, for 统计分析 (`/admin/stats`): requests received,
//! closed (办结: replied, or closed for want of 补正), closed on time, overdue, and the
//! state of the unit's annual report for that year.

use redb::ReadTransaction;
use time::{Date, Month};

use super::{flow, store};
use crate::auth::model::UnitCode;
use crate::auth::units::Units;
use crate::calendar::WorkCalendar;
use crate::disclosure::units as gk_units;
use crate::error::Result;

/// One unit's row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitFigures {
    pub unit: UnitCode,
    pub name: String,
    /// 本年新收: received in the year.
    pub received: u32,
    /// 办结: closed in the year.
    pub replied: u32,
    /// Closed in the year by the deadline (with its pauses and extension).
    pub on_time: u32,
    /// Closed in the year after the deadline, or still open past it at the year's end (or
    /// today, for the current year).
    pub overdue: u32,
    /// The annual report of that year: 未生成, 草稿, 已定稿 or 已发布 (for the root unit:
    /// the district's roll-up).
    pub report: &'static str,
}

pub const HEADERS: [&str; 7] = [
    "单位",
    "收到申请",
    "办结",
    "按期办结",
    "逾期",
    "年度报告",
    "单位代码",
];

/// Every obligated unit's figures for `year`, in tree order.
pub fn figures(
    txn: &ReadTransaction,
    units: &Units,
    year: i32,
    today: Date,
    cal: &WorkCalendar,
) -> Result<Vec<UnitFigures>> {
    let (Ok(first), Ok(last)) = (
        Date::from_calendar_date(year, Month::January, 1),
        Date::from_calendar_date(year, Month::December, 31),
    ) else {
        return Ok(Vec::new());
    };
    let as_of = today.min(last);
    let requests = crate::disclosure::requests::store::all(txn)?;
    let reports = store::of_year(txn, year)?;
    let mut out = Vec::new();
    for u in gk_units::obligated(units) {
        let mut f = UnitFigures {
            unit: u.code.clone(),
            name: u.name.clone(),
            received: 0,
            replied: 0,
            on_time: 0,
            overdue: 0,
            report: flow::label(reports.iter().find(|r| r.unit == u.code).map(|r| r.state())),
        };
        for r in requests
            .iter()
            .filter(|r| r.unit == u.code && r.is_received())
        {
            let due = r.clock.as_ref().and_then(|c| c.deadline(cal).date());
            if r.received_on.is_some_and(|d| (first..=last).contains(&d)) {
                f.received += 1;
            }
            match r.closed_on {
                Some(c) if (first..=last).contains(&c) => {
                    f.replied += 1;
                    match due {
                        Some(d) if c <= d => f.on_time += 1,
                        Some(_) => f.overdue += 1,
                        None => {}
                    }
                }
                _ => {
                    if r.open_on(as_of) && due.is_some_and(|d| d < as_of) {
                        f.overdue += 1;
                    }
                }
            }
        }
        out.push(f);
    }
    Ok(out)
}
