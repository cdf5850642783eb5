//! 索引号: `{code}/{YYYY}-{NNNNN}`, given when an item of a unit with disclosure duty first
//! goes public. The code is the unit's 统一社会信用代码 when entered, else its unit code; the
//! year is the Beijing year of publication; the serial counts per (code, year) in META.
//!
//! Why it cannot repeat: it is given inside the publishing write transaction, and redb has
//! one writer, so two publications never read the same counter; the counter only grows; and
//! every number given stays in `GK_INDEX_NOS` (withdrawing keeps it), which is checked before
//! a number is handed out, so a counter reset by hand still never reuses one.

use redb::{ReadTransaction, ReadableTable, WriteTransaction};

use crate::auth::model::Unit;
use crate::clock::{CST, from_ms};
use crate::error::Result;
use crate::portal::model::Article;
use crate::store::{next_id, tables};

/// The code an index number starts with.
pub fn unit_code(unit: &Unit) -> String {
    match &unit.profile.credit_code {
        Some(c) => c.as_str().to_owned(),
        None => unit.code.to_string(),
    }
}

/// Gives `a` its index number if it should have one and has none, and names its 发文机关
/// when the writer left it empty. Called where `publish_ms` is first set.
pub fn assign(txn: &WriteTransaction, a: &mut Article, now: i64) -> Result<()> {
    let Some(unit) = crate::auth::store::get_unit_w(txn, a.owner())? else {
        return Ok(());
    };
    if !unit.discloses() {
        return Ok(());
    }
    if a.meta.issuer.is_empty() {
        a.meta.issuer = unit.name.clone();
    }
    let mut given = txn.open_table(tables::GK_INDEX_NOS)?;
    if !a.meta.index_no.is_empty() {
        // Seeded with a number (an import): keep it if it is this item's or nobody's.
        let holder = given.get(a.meta.index_no.as_str())?.map(|v| v.value());
        match holder {
            Some(id) if id == a.id => return Ok(()),
            None => {
                given.insert(a.meta.index_no.as_str(), a.id)?;
                return Ok(());
            }
            Some(_) => a.meta.index_no.clear(),
        }
    }
    let code = unit_code(&unit);
    let year = from_ms(now).to_offset(CST).year();
    let counter = format!("gk_index/{code}/{year}");
    loop {
        let n = next_id(txn, &counter)?;
        let no = format!("{code}/{year}-{n:05}");
        let taken = given.get(no.as_str())?.is_some();
        if !taken {
            given.insert(no.as_str(), a.id)?;
            a.meta.index_no = no;
            return Ok(());
        }
    }
}

/// The item an index number was given to.
pub fn item_of(txn: &ReadTransaction, index_no: &str) -> Result<Option<u64>> {
    Ok(txn
        .open_table(tables::GK_INDEX_NOS)?
        .get(index_no)?
        .map(|v| v.value()))
}

/// Every item that was ever given an index number and is public now.
pub fn published(txn: &ReadTransaction) -> Result<Vec<Article>> {
    let t = txn.open_table(tables::GK_INDEX_NOS)?;
    let mut out = Vec::new();
    for row in t.iter()? {
        let (no, id) = row?;
        // An item is listed under the number it carries, once.
        if let Some(a) = crate::portal::store::get_article(txn, id.value())?
            && a.is_public()
            && a.meta.index_no == no.value()
        {
            out.push(a);
        }
    }
    Ok(out)
}
