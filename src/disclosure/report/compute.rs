//! A report as a page shows it: the stored record (or a new draft), its tables (frozen when
//! finalised, else generated now) and the checks' results, all from one read transaction.

use redb::ReadTransaction;

use super::checks::{LastYear, failures};
use super::generate::{base_table3, finish, normative_counts, table4};
use super::model::{AnnualReport, HandCounts};
use super::store;
use super::tables::{Table2, Tables};
use crate::auth::model::{Unit, UnitCode};
use crate::auth::units::Units;
use crate::disclosure::requests::model::DisclosureRequest;
use crate::disclosure::units as gk_units;
use crate::error::Result;
use crate::portal::model::Article;

/// One report, ready to show.
pub struct Built {
    pub unit: Unit,
    /// The district government's roll-up (the root unit's report).
    pub is_district: bool,
    pub year: i32,
    /// As stored, or a new draft (not yet saved: `stored` is false).
    pub report: AnnualReport,
    pub stored: bool,
    pub tables: Tables,
    /// Failed checks (blocking).
    pub failures: Vec<String>,
    /// Things to know that do not block.
    pub warnings: Vec<String>,
}

/// What the live tables are made of, read once.
pub struct Data {
    pub requests: Vec<DisclosureRequest>,
    pub articles: Vec<Article>,
    pub reports: Vec<AnnualReport>,
}

impl Data {
    pub fn read(txn: &ReadTransaction) -> Result<Data> {
        Ok(Data {
            requests: crate::disclosure::requests::store::all(txn)?,
            articles: crate::portal::store::all_articles(txn)?,
            reports: store::all(txn)?,
        })
    }
    fn report(&self, unit: &UnitCode, year: i32) -> Option<&AnnualReport> {
        self.reports
            .iter()
            .find(|r| &r.unit == unit && r.year == year)
    }
}

/// One unit's own part, generated now: its requests and items, and its report's hand
/// entries and adjustments (for the root unit, the district report's own).
fn own(data: &Data, unit: &UnitCode, year: i32) -> Tables {
    let requests: Vec<&DisclosureRequest> =
        data.requests.iter().filter(|r| &r.unit == unit).collect();
    let report = data.report(unit, year);
    let (rules, normative) = normative_counts(&data.articles, year, |u| u == unit);
    let h = report.map(|r| r.hand.clone()).unwrap_or_default();
    let t3 = finish(
        &base_table3(requests.iter().copied(), year),
        report.iter().flat_map(|r| r.adjustments.iter()),
    );
    Tables {
        t2: Table2 {
            rules,
            normative,
            permits: h.permits.unwrap_or(0),
            penalties: h.penalties.unwrap_or(0),
            enforcement: h.enforcement.unwrap_or(0),
            fees: h.fees.unwrap_or_default(),
        },
        t3,
        t4: table4(requests.iter().copied(), year),
    }
}

/// Adds `o` to `t`, cell by cell.
pub fn plus(t: &mut Tables, o: &Tables) {
    for (a, b) in t.t2.rules.iter_mut().zip(o.t2.rules) {
        *a += b;
    }
    for (a, b) in t.t2.normative.iter_mut().zip(o.t2.normative) {
        *a += b;
    }
    t.t2.permits += o.t2.permits;
    t.t2.penalties += o.t2.penalties;
    t.t2.enforcement += o.t2.enforcement;
    t.t2.fees = t.t2.fees.plus(o.t2.fees);
    t.t3.plus(&o.t3);
    t.t4.plus(&o.t4);
}

/// The tables of `unit`'s report of `year` as they stand: a finalised unit report's frozen
/// ones, else generated now. The district's is the sum of every obligated unit's report
/// (each as it stands) and its own part (the root unit's requests and items, the district
/// report's own entries), so the roll-up always equals the sum of the units.
pub fn live(data: &Data, units: &Units, unit: &Unit, year: i32) -> Tables {
    if unit.parent.is_some() {
        return own(data, &unit.code, year);
    }
    let mut t = own(data, &unit.code, year);
    for u in gk_units::obligated(units)
        .into_iter()
        .filter(|u| u.parent.is_some())
    {
        let part = match data.report(&u.code, year).and_then(|r| r.frozen.as_ref()) {
            Some(f) => f.clone(),
            None => own(data, &u.code, year),
        };
        plus(&mut t, &part);
    }
    t
}

fn blanks(h: &HandCounts) -> Vec<&'static str> {
    let mut v = Vec::new();
    if h.permits.is_none() {
        v.push("行政许可");
    }
    if h.penalties.is_none() {
        v.push("行政处罚");
    }
    if h.enforcement.is_none() {
        v.push("行政强制");
    }
    if h.fees.is_none() {
        v.push("行政事业性收费");
    }
    v
}

/// `unit`'s report of `year` with its tables and checks.
pub fn build(data: &Data, units: &Units, unit: &Unit, year: i32, now_ms: i64) -> Built {
    let is_district = unit.parent.is_none();
    let stored = data.report(&unit.code, year).cloned();
    let is_stored = stored.is_some();
    let report = stored.unwrap_or_else(|| AnnualReport::new(0, unit.code.clone(), year, now_ms));
    let tables = match &report.frozen {
        Some(t) => t.clone(),
        None => live(data, units, unit, year),
    };
    let mut warnings = Vec::new();
    let last_tables = match data.report(&unit.code, year - 1) {
        Some(last) => {
            if !last.is_final() {
                warnings.push(format!(
                    "{}年度报告尚未定稿，上年结转按其当前数据核对。",
                    year - 1
                ));
            }
            Some(
                last.frozen
                    .as_ref()
                    .map_or_else(|| live(data, units, unit, year - 1).t3, |t| t.t3.clone()),
            )
        }
        None => {
            warnings.push(format!(
                "系统中没有{}年度报告，未核对上年结转（首年使用时，上年结转可按实际情况手工调整）。",
                year - 1
            ));
            None
        }
    };
    let failures = failures(
        &tables.t3,
        last_tables.as_ref().map(|t| LastYear {
            year: year - 1,
            table: t,
        }),
    );
    if report.frozen.is_none() {
        let b = blanks(&report.hand);
        if !b.is_empty() {
            warnings.push(format!("尚未填写：{}（按0计）。", b.join("、")));
        }
    }
    if is_district {
        let late: Vec<String> = gk_units::obligated(units)
            .into_iter()
            .filter(|u| u.parent.is_some())
            .filter(|u| data.report(&u.code, year).is_none_or(|r| !r.is_final()))
            .map(|u| u.name.clone())
            .collect();
        if !late.is_empty() {
            warnings.push(format!(
                "以下单位的{year}年度报告尚未定稿，汇总按其当前数据计算：{}。",
                late.join("、")
            ));
        }
    }
    Built {
        unit: unit.clone(),
        is_district,
        year,
        report,
        stored: is_stored,
        tables,
        failures,
        warnings,
    }
}
