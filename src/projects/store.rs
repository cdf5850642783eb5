//! The projects' tables (`PJ_*` in `store::tables`) and every write of a project or an
//! update, with the indexes kept in step in the same transaction: a year's list
//! (`PJ_YEARS`), a project's updates (`PJ_PROJECT_UPDATES`), the updates waiting in the flow
//! (`PJ_UPDATE_FLOW`), the photos' blob references, and the project's public progress.

use redb::{ReadTransaction, ReadableTable, WriteTransaction};

use super::model::{Project, Update, progress_of};
use crate::error::{Error, Result};
use crate::publishing::flow::state;
use crate::store::tables::{PJ_PROJECT_UPDATES, PJ_PROJECTS, PJ_UPDATE_FLOW, PJ_UPDATES, PJ_YEARS};
use crate::store::{get_json_u64, next_id, put_json_u64};

fn year_key(year: u16, id: u64) -> String {
    format!("{year:04}/{id:016x}")
}

fn updates_key(project: u64, id: u64) -> String {
    format!("{project:016x}/{id:016x}")
}

/// The states listed in `PJ_UPDATE_FLOW`: every state before publication.
fn waits(s: &str) -> bool {
    matches!(
        s,
        state::DRAFT
            | state::UNIT_REVIEW
            | state::OFFICE_REVIEW
            | state::APPROVED
            | state::RETURNED
    )
}

fn flow_key(s: &str, id: u64) -> String {
    format!("{s}/{id:016x}")
}

pub fn get(txn: &ReadTransaction, id: u64) -> Result<Option<Project>> {
    get_json_u64(&txn.open_table(PJ_PROJECTS)?, id)
}

fn get_w(txn: &WriteTransaction, id: u64) -> Result<Option<Project>> {
    get_json_u64(&txn.open_table(PJ_PROJECTS)?, id)
}

/// What the mailbox shows for a letter about a project (「我要留言」 on the project page
/// links `/mailbox/?project={id}`): its title and year, or `None` for no such project.
pub fn project_title(txn: &ReadTransaction, id: u64) -> Result<Option<(String, u16)>> {
    Ok(get(txn, id)?.map(|p| (p.title, p.year)))
}

/// A year's projects, by 序号.
pub fn of_year(txn: &ReadTransaction, year: u16) -> Result<Vec<Project>> {
    let ix = txn.open_table(PJ_YEARS)?;
    let t = txn.open_table(PJ_PROJECTS)?;
    let (lo, hi) = (year_key(year, 0), year_key(year, u64::MAX));
    let mut out = Vec::new();
    for row in ix.range(lo.as_str()..=hi.as_str())? {
        let (_, id) = row?;
        if let Some(p) = get_json_u64::<Project>(&t, id.value())? {
            out.push(p);
        }
    }
    out.sort_by_key(|p| (p.number, p.id));
    Ok(out)
}

/// The years that have a list, newest first.
pub fn years(txn: &ReadTransaction) -> Result<Vec<u16>> {
    let ix = txn.open_table(PJ_YEARS)?;
    let mut out: Vec<u16> = Vec::new();
    // One key per year is enough: jump past each year's keys.
    let mut from = String::new();
    loop {
        let next = ix.range(from.as_str()..)?.next().transpose()?;
        let Some((k, _)) = next else { break };
        let Some(y) = k.value().get(..4).and_then(|y| y.parse::<u16>().ok()) else {
            break;
        };
        out.push(y);
        from = format!("{:04}", u32::from(y) + 1);
    }
    out.reverse();
    Ok(out)
}

/// Every project of every year (the search rebuild, the self-check): a few hundred at most.
pub fn all(txn: &ReadTransaction) -> Result<Vec<Project>> {
    let t = txn.open_table(PJ_PROJECTS)?;
    let mut out = Vec::new();
    for row in t.iter()? {
        let (_, v) = row?;
        out.push(serde_json::from_slice(v.value())?);
    }
    Ok(out)
}

/// Saves a project (new when `p.id == 0`); its progress is the system's, never the form's.
pub fn save(txn: &WriteTransaction, mut p: Project, now: i64) -> Result<Project> {
    if p.id == 0 {
        p.id = next_id(txn, "project")?;
        p.created_ms = now;
        p.progress = Default::default();
    } else {
        let old = get_w(txn, p.id)?.ok_or(Error::NotFound)?;
        txn.open_table(PJ_YEARS)?
            .remove(year_key(old.year, old.id).as_str())?;
        p.created_ms = old.created_ms;
        p.created_by = old.created_by;
        p.progress = old.progress;
    }
    p.updated_ms = now;
    txn.open_table(PJ_YEARS)?
        .insert(year_key(p.year, p.id).as_str(), p.id)?;
    put_json_u64(txn, PJ_PROJECTS, p.id, &p)?;
    Ok(p)
}

/// The next free 序号 of a year's list.
pub fn next_number(txn: &ReadTransaction, year: u16) -> Result<u32> {
    Ok(of_year(txn, year)?
        .iter()
        .map(|p| p.number)
        .max()
        .unwrap_or(0)
        + 1)
}

pub fn get_update(txn: &ReadTransaction, id: u64) -> Result<Option<Update>> {
    get_json_u64(&txn.open_table(PJ_UPDATES)?, id)
}

pub fn get_update_w(txn: &WriteTransaction, id: u64) -> Result<Option<Update>> {
    get_json_u64(&txn.open_table(PJ_UPDATES)?, id)
}

fn updates_in<T: ReadableTable<&'static str, u64>, U: ReadableTable<u64, &'static [u8]>>(
    ix: &T,
    t: &U,
    project: u64,
) -> Result<Vec<Update>> {
    let (lo, hi) = (updates_key(project, 0), updates_key(project, u64::MAX));
    let mut out = Vec::new();
    for row in ix.range(lo.as_str()..=hi.as_str())? {
        let (_, id) = row?;
        if let Some(u) = get_json_u64::<Update>(t, id.value())? {
            out.push(u);
        }
    }
    Ok(out)
}

/// A project's updates, in every state, oldest first.
pub fn updates_of(txn: &ReadTransaction, project: u64) -> Result<Vec<Update>> {
    updates_in(
        &txn.open_table(PJ_PROJECT_UPDATES)?,
        &txn.open_table(PJ_UPDATES)?,
        project,
    )
}

/// The updates in one of the states before publication.
pub fn updates_in_state(txn: &ReadTransaction, s: &str) -> Result<Vec<Update>> {
    let ix = txn.open_table(PJ_UPDATE_FLOW)?;
    let t = txn.open_table(PJ_UPDATES)?;
    let (lo, hi) = (flow_key(s, 0), flow_key(s, u64::MAX));
    let mut out = Vec::new();
    for row in ix.range(lo.as_str()..=hi.as_str())? {
        let (_, id) = row?;
        if let Some(u) = get_json_u64::<Update>(&t, id.value())? {
            out.push(u);
        }
    }
    Ok(out)
}

/// Writes an update (new when `u.id == 0`) and keeps in step: the indexes, the photos'
/// blob references and the project's public progress. Returns the update and the project.
pub fn put_update(txn: &WriteTransaction, mut u: Update, now: i64) -> Result<(Update, Project)> {
    let before = if u.id == 0 {
        u.id = next_id(txn, "project_update")?;
        u.created_ms = now;
        None
    } else {
        get_update_w(txn, u.id)?
    };
    u.updated_ms = now;
    if u.is_public() && u.published_ms.is_none() {
        u.published_ms = Some(now);
    }
    let shas = |x: &Update| x.photos.iter().map(|a| a.sha.clone()).collect::<Vec<_>>();
    crate::portal::store::adjust_refs(
        txn,
        &before.as_ref().map(shas).unwrap_or_default(),
        &shas(&u),
    )?;
    {
        let mut ix = txn.open_table(PJ_UPDATE_FLOW)?;
        if let Some(b) = &before {
            ix.remove(flow_key(&b.flow.state, b.id).as_str())?;
        }
        if waits(&u.flow.state) {
            ix.insert(flow_key(&u.flow.state, u.id).as_str(), u.id)?;
        }
    }
    txn.open_table(PJ_PROJECT_UPDATES)?
        .insert(updates_key(u.project, u.id).as_str(), u.id)?;
    put_json_u64(txn, PJ_UPDATES, u.id, &u)?;
    let mut p = get_w(txn, u.project)?.ok_or(Error::NotFound)?;
    let all = updates_in(
        &txn.open_table(PJ_PROJECT_UPDATES)?,
        &txn.open_table(PJ_UPDATES)?,
        u.project,
    )?;
    let progress = progress_of(&all);
    if progress != p.progress {
        p.progress = progress;
        p.updated_ms = now;
        put_json_u64(txn, PJ_PROJECTS, p.id, &p)?;
    }
    Ok((u, p))
}
