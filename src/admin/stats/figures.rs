//! The numbers of 统计分析, counted in one read snapshot: every item is looked at once
//! (`tally`), so the four tables always agree with each other.
//!
//! - Published: items public now whose `publish_ms` falls in the year (Beijing time), by
//!   their 报送单位 (`Article::owner`) and month; withdrawn or replaced items are not counted.
//! - Channels: the same items, once in every channel they are listed in.
//! - Turnaround: those of them that went public by 发布 or 定时发布 after at least one 审核通过,
//!   in working days (the calendar in effect) from the first 报送 to going public.
//!   紧急发布 and items without review (0 levels, or from before the workflow) are left out.
//! - Waiting: items that wait now (in unit review, office review, approved or scheduled),
//!   whatever the year.

use std::collections::HashMap;

use redb::{ReadTransaction, ReadableTable};

use crate::auth::model::UnitCode;
use crate::calendar::WorkCalendar;
use crate::error::Result;
use crate::intranet::stats::OfficeCounts;
use crate::portal::Snapshot;
use crate::portal::model::{Article, ChannelKind};
use crate::publishing::flow::{action, state};
use crate::publishing::review::instance_of;
use crate::store::tables;

/// Items waiting now, by where they wait.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Waiting {
    pub unit_review: u32,
    pub office_review: u32,
    pub approved: u32,
    pub scheduled: u32,
}

impl Waiting {
    pub fn total(&self) -> u32 {
        self.unit_review + self.office_review + self.approved + self.scheduled
    }
    fn add(&mut self, o: &Waiting) {
        self.unit_review += o.unit_review;
        self.office_review += o.office_review;
        self.approved += o.approved;
        self.scheduled += o.scheduled;
    }
    /// The four counts in column order (待本单位审核, 待办公室审核, 待发布, 定时发布).
    pub fn columns(&self) -> [u32; 4] {
        [
            self.unit_review,
            self.office_review,
            self.approved,
            self.scheduled,
        ]
    }
}

/// One unit's figures.
#[derive(Debug, Clone)]
pub struct UnitRow {
    pub code: UnitCode,
    pub name: String,
    /// Items published in each month (January first).
    pub months: [u32; 12],
    /// Working days from first 报送 to going public, one per reviewed item published in the year.
    pub turnaround: Vec<u32>,
    pub waiting: Waiting,
    /// 内网办公: documents sent, passed on, received and signed (`intranet::stats`).
    pub office: OfficeCounts,
}

impl UnitRow {
    fn new(code: UnitCode, name: String) -> UnitRow {
        UnitRow {
            code,
            name,
            months: [0; 12],
            turnaround: Vec::new(),
            waiting: Waiting::default(),
            office: OfficeCounts::default(),
        }
    }
    pub fn total(&self) -> u32 {
        self.months.iter().sum()
    }
}

/// Items published in the year in one channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelRow {
    pub site: String,
    pub channel: String,
    pub count: u32,
}

/// Everything the page and the downloads show.
#[derive(Debug, Clone)]
pub struct Figures {
    pub year: i32,
    /// 全区, or the chosen unit's name.
    pub scope_name: String,
    /// The units in scope, in the unit tree's order.
    pub units: Vec<UnitRow>,
    pub channels: Vec<ChannelRow>,
    /// 政务公开: requests and the annual report of each obligated unit in scope
    /// (`disclosure::report::stats`), filled by the caller.
    pub disclosure: Vec<crate::disclosure::report::stats::UnitFigures>,
    /// 区长信箱: letters of the year accepted and answered by each unit in scope
    /// (`mailbox::stats`), filled by the caller.
    pub mailbox: Vec<(String, UnitCode, crate::mailbox::stats::Row)>,
    /// 百件实事: each responsible unit in scope's projects of the year per status
    /// (`projects::stats`), filled by the caller.
    pub projects: Vec<crate::projects::stats::UnitFigures>,
}

impl Figures {
    pub fn months_total(&self) -> [u32; 12] {
        let mut m = [0; 12];
        for u in &self.units {
            for (t, n) in m.iter_mut().zip(u.months) {
                *t += n;
            }
        }
        m
    }
    pub fn total(&self) -> u32 {
        self.units.iter().map(UnitRow::total).sum()
    }
    pub fn turnaround_all(&self) -> Vec<u32> {
        self.units
            .iter()
            .flat_map(|u| u.turnaround.iter().copied())
            .collect()
    }
    /// 内网办公 over every unit in scope.
    pub fn office_total(&self) -> OfficeCounts {
        let mut o = OfficeCounts::default();
        for u in &self.units {
            o.add(&u.office);
        }
        o
    }
    pub fn waiting_total(&self) -> Waiting {
        let mut w = Waiting::default();
        for u in &self.units {
            w.add(&u.waiting);
        }
        w
    }
}

/// The middle value (the mean of the two middle ones for an even count).
pub fn median(v: &[u32]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    let mut s = v.to_vec();
    s.sort_unstable();
    let mid = s.len() / 2;
    Some(if s.len().is_multiple_of(2) {
        (f64::from(s[mid - 1]) + f64::from(s[mid])) / 2.0
    } else {
        f64::from(s[mid])
    })
}

pub fn mean(v: &[u32]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    let sum: f64 = v.iter().map(|d| f64::from(*d)).sum();
    Some(sum / v.len() as f64)
}

/// Rounded to one decimal, as shown and exported.
pub fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// One decimal, or "—" when there is nothing to average.
pub fn days(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_owned(), |d| format!("{:.1}", round1(d)))
}

/// What is counted: the units whose rows are shown, and whether items of units missing from
/// the unit table count too (the whole district only).
pub struct Scope {
    pub name: String,
    /// (code, name) in display order.
    pub units: Vec<(UnitCode, String)>,
    pub open: bool,
}

/// The first moment of `year` and of the next one, Beijing time, as UTC ms.
fn year_bounds(year: i32) -> (i64, i64) {
    let start = |y: i32| {
        time::Date::from_calendar_date(y, time::Month::January, 1)
            .map(|d| crate::clock::to_ms(d.midnight().assume_offset(crate::clock::CST)))
            .unwrap_or(0)
    };
    (start(year), start(year + 1))
}

/// The Beijing date of a stored time.
fn date_of(ms: i64) -> time::Date {
    crate::clock::from_ms(ms)
        .to_offset(crate::clock::CST)
        .date()
}

/// Working days from the first 报送 to going public, for an item that went public by 发布 or
/// 定时发布 after at least one 审核通过; `None` for any other item.
pub fn turnaround(a: &Article, cal: &WorkCalendar) -> Option<u32> {
    let flow = instance_of(a);
    let live = flow.history.iter().position(|s| s.to == state::PUBLISHED)?;
    let went = &flow.history[live];
    if went.transition != action::PUBLISH && went.transition != action::PUBLISH_DUE {
        return None;
    }
    let before = &flow.history[..live];
    let submitted = before.iter().find(|s| s.transition == action::SUBMIT)?;
    let reviewed = before
        .iter()
        .any(|s| s.transition == action::APPROVE_UNIT || s.transition == action::APPROVE_OFFICE);
    reviewed.then(|| cal.workdays_between(date_of(submitted.at_ms), date_of(went.at_ms)))
}

/// The running count while the items are read.
pub struct Tally<'a> {
    year: i32,
    scope: &'a Scope,
    cal: &'a WorkCalendar,
    rows: Vec<UnitRow>,
    index: HashMap<UnitCode, usize>,
    channels: HashMap<u64, u32>,
}

impl<'a> Tally<'a> {
    pub fn new(year: i32, scope: &'a Scope, cal: &'a WorkCalendar) -> Tally<'a> {
        let rows: Vec<UnitRow> = scope
            .units
            .iter()
            .map(|(c, n)| UnitRow::new(c.clone(), n.clone()))
            .collect();
        let index = rows
            .iter()
            .enumerate()
            .map(|(i, r)| (r.code.clone(), i))
            .collect();
        Tally {
            year,
            scope,
            cal,
            rows,
            index,
            channels: HashMap::new(),
        }
    }

    /// The row of the item's unit, when it is in scope.
    fn row(&mut self, owner: &UnitCode) -> Option<&mut UnitRow> {
        let i = match self.index.get(owner) {
            Some(i) => *i,
            None if self.scope.open => {
                self.rows
                    .push(UnitRow::new(owner.clone(), owner.as_str().to_owned()));
                self.index.insert(owner.clone(), self.rows.len() - 1);
                self.rows.len() - 1
            }
            None => return None,
        };
        self.rows.get_mut(i)
    }

    /// Counts one item.
    pub fn add(&mut self, a: &Article) {
        let (year, cal) = (self.year, self.cal);
        if a.is_public() {
            let Some(ms) = a.publish_ms else { return };
            let t = crate::clock::from_ms(ms).to_offset(crate::clock::CST);
            if t.year() != year {
                return;
            }
            let Some(row) = self.row(a.owner()) else {
                return;
            };
            row.months[usize::from(u8::from(t.month())) - 1] += 1;
            if let Some(d) = turnaround(a, cal) {
                row.turnaround.push(d);
            }
            for c in a.all_channels() {
                *self.channels.entry(c).or_default() += 1;
            }
            return;
        }
        let flow = instance_of(a);
        let st = flow.state.as_str();
        if ![
            state::UNIT_REVIEW,
            state::OFFICE_REVIEW,
            state::APPROVED,
            state::SCHEDULED,
        ]
        .contains(&st)
        {
            return;
        }
        let Some(row) = self.row(a.owner()) else {
            return;
        };
        let w = &mut row.waiting;
        match st {
            state::UNIT_REVIEW => w.unit_review += 1,
            state::OFFICE_REVIEW => w.office_review += 1,
            state::APPROVED => w.approved += 1,
            _ => w.scheduled += 1,
        }
    }

    /// The figures, with channel names from `snap`: every channel something was published
    /// in, and the list channels of the sites in scope that had nothing (a channel left
    /// without updates is what an inspection of government sites looks for).
    pub fn finish(self, snap: &Snapshot) -> Figures {
        let in_scope =
            |site: &UnitCode| self.scope.open || self.scope.units.iter().any(|(c, _)| c == site);
        let site_name = |code: &UnitCode| {
            snap.site(code.as_str())
                .map_or_else(|| code.to_string(), |s| s.name.clone())
        };
        let mut channels: Vec<ChannelRow> = Vec::new();
        for site in &snap.sites {
            for ch in snap.channels_of(&site.unit) {
                let count = self.channels.get(&ch.id).copied().unwrap_or(0);
                let listed = ch.kind == ChannelKind::List && !ch.archived && in_scope(&site.unit);
                if count > 0 || listed {
                    channels.push(ChannelRow {
                        site: site.name.clone(),
                        channel: ch.name.clone(),
                        count,
                    });
                }
            }
        }
        // Channels gone from the snapshot (or of a site not listed) still count.
        let mut unknown: Vec<(&u64, &u32)> = self
            .channels
            .iter()
            .filter(|(id, _)| {
                snap.channel(**id)
                    .is_none_or(|c| !snap.sites.iter().any(|s| s.unit == c.site))
            })
            .collect();
        unknown.sort();
        for (id, n) in unknown {
            let (site, channel) = match snap.channel(*id) {
                Some(c) => (site_name(&c.site), c.name.clone()),
                None => ("—".to_owned(), format!("栏目{id}")),
            };
            channels.push(ChannelRow {
                site,
                channel,
                count: *n,
            });
        }
        Figures {
            year: self.year,
            scope_name: self.scope.name.clone(),
            units: self.rows,
            channels,
            disclosure: Vec::new(),
            mailbox: Vec::new(),
            projects: Vec::new(),
        }
    }
}

/// Reads every item once, in one snapshot.
pub fn compute(
    txn: &ReadTransaction,
    year: i32,
    scope: &Scope,
    snap: &Snapshot,
    cal: &WorkCalendar,
) -> Result<Figures> {
    let mut tally = Tally::new(year, scope, cal);
    let t = txn.open_table(tables::ARTICLES)?;
    for row in t.iter()? {
        let (_, v) = row?;
        let a: Article = serde_json::from_slice(v.value())?;
        tally.add(&a);
    }
    let mut f = tally.finish(snap);
    let (from, to) = year_bounds(year);
    let office = crate::intranet::stats::tally(txn, from, to)?;
    for u in &mut f.units {
        if let Some(c) = office.get(&u.code) {
            u.office = *c;
        }
    }
    Ok(f)
}
