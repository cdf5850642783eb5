//! The tables generated from the system's own data, pure: requests (table 三 and 四) and
//! published items (table 二's 规章 and 行政规范性文件). Hand adjustments and the totals are
//! added by `finish`.

use time::{Date, Month};

use super::model::Adjustment;
use super::tables::{CARRIED, FORWARD, NCOLS, NEW, ROWS, TOTAL, TOTAL_COL, Table3, Table4};
use crate::auth::model::UnitCode;
use crate::clock::{CST, from_ms};
use crate::disclosure::requests::model::{ApplicantKind, DisclosureRequest};
use crate::portal::model::Article;

fn first_day(year: i32) -> Option<Date> {
    Date::from_calendar_date(year, Month::January, 1).ok()
}

fn last_day(year: i32) -> Option<Date> {
    Date::from_calendar_date(year, Month::December, 31).ok()
}

fn col_of(k: ApplicantKind) -> usize {
    ApplicantKind::ALL.iter().position(|a| *a == k).unwrap_or(0)
}

/// Table 三's generated cells for `year` from `requests` (already limited to the report's
/// units): the six applicant columns of 一, 二, the result leaves and 四. Only requests that
/// were received count (a voided one never was). Totals are left to `finish`.
///
/// 一 = received in the year; 二 = received before it and still open on 31 December of the
/// year before; 三 = closed in the year, by outcome; 四 = open on 31 December of the year.
pub fn base_table3<'a>(
    requests: impl IntoIterator<Item = &'a DisclosureRequest>,
    year: i32,
) -> Table3 {
    let mut t = Table3::default();
    let (Some(first), Some(last)) = (first_day(year), last_day(year)) else {
        return t;
    };
    let eve = first.previous_day().unwrap_or(first);
    for r in requests {
        let Some(received) = r.received_on else {
            continue;
        };
        let c = col_of(r.applicant.kind);
        if (first..=last).contains(&received) {
            t.add(NEW, c, 1);
        }
        if received < first && r.open_on(eve) {
            t.add(CARRIED, c, 1);
        }
        if let (Some(closed), Some(o)) = (r.closed_on, r.outcome)
            && (first..=last).contains(&closed)
        {
            t.add(o.code(), c, 1);
        }
        if r.open_on(last) {
            t.add(FORWARD, c, 1);
        }
    }
    t
}

/// Adds the hand adjustments and the totals: （七） is the sum of the result rows and 总计
/// the sum of the six columns, each plus whatever was entered on the total cell itself (so a
/// total adjusted alone fails its check instead of being silently recomputed).
pub fn finish<'a>(base: &Table3, adjustments: impl IntoIterator<Item = &'a Adjustment>) -> Table3 {
    let mut t = Table3::default();
    let mut on_totals = Table3::default();
    for row in ROWS.iter() {
        for c in 0..TOTAL_COL {
            t.add(row.id, c, base.get(row.id, c));
        }
    }
    for a in adjustments {
        let Some(c) = super::tables::col_index(&a.col) else {
            continue;
        };
        if a.row == TOTAL || c == TOTAL_COL {
            on_totals.add(&a.row, c, a.amount);
        } else {
            t.add(&a.row, c, a.amount);
        }
    }
    for c in 0..TOTAL_COL {
        let sum: u64 = ROWS
            .iter()
            .filter(|r| r.group.is_some())
            .map(|r| t.get(r.id, c))
            .sum();
        t.add(TOTAL, c, sum + on_totals.get(TOTAL, c));
    }
    for row in ROWS.iter() {
        let sum: u64 = (0..TOTAL_COL).map(|c| t.get(row.id, c)).sum();
        t.add(row.id, TOTAL_COL, sum + on_totals.get(row.id, TOTAL_COL));
    }
    debug_assert_eq!(NCOLS, TOTAL_COL + 1);
    t
}

/// Table 四: the 复议 and 诉讼 cases brought in the year over `requests`, by kind and result.
pub fn table4<'a>(requests: impl IntoIterator<Item = &'a DisclosureRequest>, year: i32) -> Table4 {
    let mut t = Table4::default();
    for r in requests {
        for c in r.cases.iter().filter(|c| c.filed_on.year() == year) {
            t.count(c.kind, c.result);
        }
    }
    t
}

/// 规章 and 行政规范性文件 counts of table 二 for `year`, over the public items whose owner
/// (报送单位, else the site's unit) `owns` accepts: [本年制发, 本年废止, 现行有效] each.
///
/// 本年制发 = published in the year (Beijing date); 本年废止 = 废止 or 失效 with its date in
/// the year; 现行有效 = published by the year's end and not 废止/失效 by then. An item marked
/// 废止/失效 without a readable date is not counted as in force, nor as repealed this year.
pub fn normative_counts(
    articles: &[Article],
    year: i32,
    owns: impl Fn(&UnitCode) -> bool,
) -> ([u64; 3], [u64; 3]) {
    let mut rules = [0u64; 3];
    let mut docs = [0u64; 3];
    let Some(last) = last_day(year) else {
        return (rules, docs);
    };
    for a in articles {
        let target = match a.meta.normative.as_str() {
            "规章" => &mut rules,
            "行政规范性文件" => &mut docs,
            _ => continue,
        };
        let Some(ms) = a.publish_ms.filter(|_| a.is_public()) else {
            continue;
        };
        if !owns(a.owner()) {
            continue;
        }
        let published = from_ms(ms).to_offset(CST).date();
        let repealed = matches!(a.meta.validity.as_str(), "废止" | "失效" | "已废止");
        let repealed_on = if repealed {
            Some(parse_day(&a.meta.validity_date))
        } else {
            None
        };
        if published.year() == year {
            target[0] += 1;
        }
        if let Some(Some(d)) = repealed_on
            && d.year() == year
        {
            target[1] += 1;
        }
        let in_force = match repealed_on {
            None => true,
            Some(Some(d)) => d > last,
            Some(None) => false,
        };
        if published <= last && in_force {
            target[2] += 1;
        }
    }
    (rules, docs)
}

/// "YYYY-MM-DD" as a date.
pub fn parse_day(s: &str) -> Option<Date> {
    let mut it = s.trim().splitn(3, '-');
    let y: i32 = it.next()?.parse().ok()?;
    let m: u8 = it.next()?.parse().ok()?;
    let d: u8 = it.next()?.parse().ok()?;
    Date::from_calendar_date(y, Month::try_from(m).ok()?, d).ok()
}
