//! The report's flow steps (`POST /admin/gk/reports/{code}/{year}/flow`, field `action`):
//! 定稿 (refused before the year is over and while any check fails; freezes the tables),
//! 撤回定稿, 发布 (into the search index) and 撤销发布 (with a reason). Each is one write
//! transaction with the engine's step and its audit record.

use axum::extract::{Path, State};
use axum::response::Response;

use super::access::{actor, name_of, staff_href, target, today};
use super::edit::{built, values, view_page};
use super::flow::{self as rflow, action};
use super::model::AnnualReport;
use super::{search, store};
use crate::auth::audit;
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::Posted;
use crate::http::respond::{html_invalid, see_other};
use crate::staff::shell::event;

/// POST /admin/gk/reports/{code}/{year}/flow
pub async fn act(
    State(st): State<Shared>,
    Path((code, year)): Path<(String, String)>,
    p: Posted,
) -> Result<Response> {
    let s = p.staff(&st)?;
    let t = target(&st, &s, &code, &year).await?;
    let step = p.get("action").to_owned();
    let def = rflow::definition();
    let b = built(&st, &t).await?;
    // The year's data is complete only once it is over; and the checks must pass.
    let refusal = if step != action::FINALISE {
        None
    } else if today(&st).year() <= t.year {
        Some(format!("{}年尚未结束，不能定稿。", t.year))
    } else if !b.failures.is_empty() {
        Some(format!(
            "勾稽关系校验未通过，不能定稿：{}",
            b.failures.join("；")
        ))
    } else {
        None
    };
    if let Some(msg) = refusal {
        let mut fs = values(&b.report);
        fs.notice = Some(msg);
        return Ok(html_invalid(view_page(&st, &s, &t, &b, &fs, None)));
    }
    let who = actor(&s.user, &t.units, &t.unit);
    crate::flow::check(def, &b.report.flow, &step, &who)
        .map_err(|e| Error::Conflict(e.to_string()))?;
    let seen = (b.stored, b.report.updated_ms, b.report.flow.history.len());
    let tables = b.tables.clone();
    let reason = p.get("reason").to_owned();
    let (unit, y, now, user, ctx) = (
        t.unit.code.clone(),
        t.year,
        st.now_ms(),
        s.user.clone(),
        p.ctx.clone(),
    );
    let step2 = step.clone();
    let r = st
        .store
        .write(move |txn| {
            let stored = store::get_w(txn, &unit, y)?;
            let now_seen = stored.as_ref().map_or((false, seen.1, 0), |r| {
                (true, r.updated_ms, r.flow.history.len())
            });
            if now_seen != seen {
                return Err(Error::Conflict(
                    "报告刚刚被修改过，请刷新页面后重试。".into(),
                ));
            }
            let mut r = match stored {
                Some(r) => r,
                None => {
                    AnnualReport::new(crate::store::next_id(txn, store::COUNTER)?, unit, y, now)
                }
            };
            crate::flow::apply(def, &mut r.flow, &step2, &who, &reason, now)
                .map_err(|e| Error::Conflict(e.to_string()))?;
            match step2.as_str() {
                action::FINALISE => r.frozen = Some(tables),
                action::PUBLISH => r.published_ms = Some(now),
                _ => r.frozen = None,
            }
            r.updated_ms = now;
            r.updated_by = name_of(&user);
            store::put(txn, &r)?;
            let label = def.find_transition(&step2).map_or("", |x| x.label);
            let ev = event(
                &user,
                &ctx,
                "gk_report_flow",
                format!("gk_report:{}", r.key()),
                true,
                format!("{y}年度报告：{label}"),
            );
            audit::append(txn, ev, now)?;
            Ok(r)
        })
        .await?;
    search::index(&st, &t.units, &r);
    Ok(see_other(&format!(
        "{}?done={step}",
        staff_href(&t.unit.code, t.year)
    )))
}
