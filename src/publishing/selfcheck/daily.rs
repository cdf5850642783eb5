//! The once-a-day self-check (`ops.selfcheck_daily`, at `ops.selfcheck_hour` Beijing time):
//! the whole-site scan runs, and each site with rows at risk or failing tells its unit admins
//! (for the portal, the office's) with one notice that leads to the self-check page. The day
//! is marked in the same write transaction, so two runs never tell twice.

use super::{Verdict, facts, rules, scan};
use crate::auth::model::{Role, User};
use crate::auth::units::Units;
use crate::error::Result;
use crate::http::Shared;
use crate::notify::store::{self as notify, NewNotice, NoticeKind};
use crate::store::{get_json, put_json, tables};

const DONE_KEY: &str = "selfcheck_day";

/// Runs the day's self-check if it is due; whether it ran.
pub async fn if_due(st: &Shared) -> Result<bool> {
    let cfg = st.cfg();
    if !cfg.ops.selfcheck_daily {
        return Ok(false);
    }
    let now = st.clock.now().to_offset(crate::clock::CST);
    if u64::from(now.hour()) < cfg.ops.selfcheck_hour {
        return Ok(false);
    }
    let day = crate::calendar::iso(now.date());
    let d2 = day.clone();
    let done: Option<String> = st
        .store
        .read(move |txn| get_json(&txn.open_table(tables::META)?, DONE_KEY))
        .await?;
    if done.as_deref() == Some(d2.as_str()) {
        return Ok(false);
    }
    run(st, &day).await
}

/// Scans, evaluates every site and tells the responsible unit admins; `day` marks it done.
pub async fn run(st: &Shared, day: &str) -> Result<bool> {
    let snap = st.portal().snapshot();
    let chrome = st.site();
    let hosts = scan::own_hosts(&st.cfg(), &snap);
    let now = st.now_ms();
    let (result, all, users, units) = st
        .store
        .read(move |txn| {
            let result = scan::run(txn, &snap, &hosts, now)?;
            let all = facts::gather(txn, &snap, &chrome)?;
            Ok((
                result,
                all,
                crate::auth::store::list_users(txn)?,
                Units::new(crate::auth::store::list_units(txn)?),
            ))
        })
        .await?;
    let reports: Vec<_> = all
        .iter()
        .map(|f| (f.is_main, rules::evaluate(f, Some(&result), now)))
        .collect();
    let day = day.to_owned();
    st.store
        .write(move |txn| {
            let done: Option<String> = get_json(&txn.open_table(tables::META)?, DONE_KEY)?;
            if done.as_deref() == Some(day.as_str()) {
                return Ok(false);
            }
            scan::keep(txn, &result)?;
            for (is_main, r) in &reports {
                let (fail, risk) = (r.count(Verdict::Fail), r.count(Verdict::Risk));
                if fail + risk == 0 {
                    continue;
                }
                let first: Vec<String> = r
                    .rows
                    .iter()
                    .filter(|x| x.verdict != Verdict::Pass)
                    .take(3)
                    .map(|x| format!("{}（{}）：{}", x.check, x.subject, x.verdict.label()))
                    .collect();
                let n = NewNotice {
                    kind: NoticeKind::Other,
                    title: format!("网站自查：{}有{fail}项不合格、{risk}项有风险", r.name),
                    text: first.join("；"),
                    url: format!("/admin/selfcheck#site-{}", r.unit),
                    due_ms: None,
                };
                for u in responsible(&users, &units, &r.unit, *is_main) {
                    notify::push(txn, u.id, n.clone(), now)?;
                }
            }
            put_json(txn, tables::META, DONE_KEY, &day)?;
            Ok(true)
        })
        .await
}

/// The enabled unit admins of the site's unit; for the portal, those of the office too.
fn responsible<'a>(
    users: &'a [User],
    units: &Units,
    site: &crate::auth::model::UnitCode,
    is_main: bool,
) -> Vec<&'a User> {
    let office = units.office_path();
    users
        .iter()
        .filter(|u| !u.disabled)
        .filter(|u| {
            u.grants.iter().any(|g| {
                g.role == Role::UnitAdmin
                    && (&g.unit == site || (is_main && office.contains(&g.unit)))
            })
        })
        .collect()
}
