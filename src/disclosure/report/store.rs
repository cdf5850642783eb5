//! Reading and writing reports (`tables::GK_REPORTS`, "{unit}/{year}" → JSON).

use redb::{ReadTransaction, ReadableTable, WriteTransaction};

use super::model::{AnnualReport, key};
use crate::auth::model::UnitCode;
use crate::error::Result;
use crate::store::tables::GK_REPORTS;
use crate::store::{get_json, put_json};

/// The id counter's name in META (the search document's id).
pub const COUNTER: &str = "gk_report";

pub fn get(txn: &ReadTransaction, unit: &UnitCode, year: i32) -> Result<Option<AnnualReport>> {
    get_json(&txn.open_table(GK_REPORTS)?, &key(unit, year))
}

pub fn get_w(txn: &WriteTransaction, unit: &UnitCode, year: i32) -> Result<Option<AnnualReport>> {
    get_json(&txn.open_table(GK_REPORTS)?, &key(unit, year))
}

pub fn put(txn: &WriteTransaction, r: &AnnualReport) -> Result<()> {
    put_json(txn, GK_REPORTS, &r.key(), r)
}

/// Every report.
pub fn all(txn: &ReadTransaction) -> Result<Vec<AnnualReport>> {
    let t = txn.open_table(GK_REPORTS)?;
    let mut out = Vec::new();
    for row in t.iter()? {
        let (_, v) = row?;
        out.push(serde_json::from_slice(v.value())?);
    }
    Ok(out)
}

/// Every report of one year.
pub fn of_year(txn: &ReadTransaction, year: i32) -> Result<Vec<AnnualReport>> {
    Ok(all(txn)?.into_iter().filter(|r| r.year == year).collect())
}
