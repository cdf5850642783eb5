//! The requests this person handles or supervises (`/admin/gk/requests`), filtered by state
//! and unit and searched by 查询码, applicant or content; due dates counted with the calendar
//! in effect, overdue ones marked.

use axum::extract::{Query, State};
use axum::response::Response;
use maud::html;
use serde::Deserialize;

use super::due::{self, today};
use super::flow::{self as rflow, state};
use super::model::DisclosureRequest;
use super::{access, guard, store};
use crate::auth::units::Units;
use crate::calendar::format_date_zh;
use crate::error::Result;
use crate::http::Shared;
use crate::http::extract::Staff;
use crate::http::respond::html as page;
use crate::staff::shell;

#[derive(Deserialize, Default)]
pub struct Filter {
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub q: String,
}

/// The requests `s` may open, newest first.
pub async fn visible(st: &Shared, s: &Staff) -> Result<(Vec<DisclosureRequest>, Units)> {
    let units = crate::disclosure::page::load_units(st).await?;
    let all = st.store.read(store::all).await?;
    let mut v: Vec<DisclosureRequest> = all
        .into_iter()
        .filter(|r| access::may_view(&s.user, &units, r))
        .collect();
    v.reverse();
    Ok((v, units))
}

/// GET /admin/gk/requests
pub async fn page_list(
    State(st): State<Shared>,
    s: Staff,
    Query(f): Query<Filter>,
) -> Result<Response> {
    let (all, units) = visible(&st, &s).await?;
    if super::register::my_units(&s, &units).is_empty() && !access::supervises(&s.user, &units) {
        return Err(crate::error::Error::Forbidden(
            "您没有办理政府信息公开申请的权限。".into(),
        ));
    }
    let cal = st.calendar();
    let day = today(st.now_ms());
    let q = f.q.trim().to_owned();
    let qn = store::normalize_code(&q);
    let rows: Vec<&DisclosureRequest> = all
        .iter()
        .filter(|r| match f.state.as_str() {
            "" => true,
            "open" => rflow::is_open(&r.flow.state),
            "overdue" => due::overdue(r, &cal, day),
            s => r.flow.state == s,
        })
        .filter(|r| f.unit.is_empty() || r.unit.as_str() == f.unit)
        .filter(|r| {
            q.is_empty()
                || (!qn.is_empty() && r.tracking_code.contains(&qn))
                || r.applicant.name.contains(&q)
                || r.wanted.description.contains(&q)
                || r.wanted.name.contains(&q)
        })
        .collect();
    let def = rflow::definition();
    let states: Vec<(&str, &str)> = [
        ("", "全部"),
        ("open", "未办结"),
        ("overdue", "已超期"),
        (state::SUBMITTED, "待确认"),
        (state::PROCESSING, "办理中"),
        (state::CORRECTING, "待补正"),
        (state::CONSULTING, "征求意见中"),
        (state::REPLIED, "已答复"),
        (state::CLOSED, "已终止"),
        (state::VOID, "未登记"),
    ]
    .to_vec();
    let mut unit_codes: Vec<_> = all.iter().map(|r| r.unit.clone()).collect();
    unit_codes.sort();
    unit_codes.dedup();
    let body = html! {
        p { a href="/admin/gk/" { "返回政务公开" } " " a href="/admin/gk/requests/new" { "登记书面申请" } }
        form.filters method="get" action="/admin/gk/requests" {
            div.field {
                label for="f-state" { "状态" }
                select #f-state name="state" { @for (v, l) in &states { option value=(v) selected[*v == f.state] { (l) } } }
            }
            @if unit_codes.len() > 1 {
                div.field {
                    label for="f-unit" { "受理机关" }
                    select #f-unit name="unit" {
                        option value="" { "全部" }
                        @for c in &unit_codes { option value=(c) selected[c.as_str() == f.unit] { (units.name(c)) } }
                    }
                }
            }
            div.field { label for="f-q" { "查找" } input #f-q type="search" name="q" value=(q) placeholder="查询码、申请人或内容"; }
            button type="submit" { "筛选" }
        }
        p { "共 " (rows.len()) " 件" }
        @if rows.is_empty() { p.empty { "没有符合条件的申请。" } } @else {
            table.data {
                caption.visually-hidden { "政府信息公开申请" }
                thead { tr {
                    th scope="col" { "查询码" } th scope="col" { "所需信息" } th scope="col" { "受理机关" }
                    th scope="col" { "申请人" } th scope="col" { "收到日期" } th scope="col" { "状态" } th scope="col" { "答复期限" }
                } }
                tbody { @for r in &rows {
                    @let over = due::overdue(r, &cal, day);
                    tr.overdue[over] {
                        td { a href=(format!("/admin/gk/requests/{}", r.id)) { (guard::show_code(&r.tracking_code)) } }
                        td { (excerpt(&r.wanted.description, 30)) }
                        td { (units.name(&r.unit)) }
                        td { (r.applicant.name) }
                        td { @match r.received_on { Some(d) => (format_date_zh(d)), None => "—" } }
                        td { (def.state_label(&r.flow.state)) }
                        td { (due::due(r, &cal).label()) @if over { " " span.overdue { "已超期" } } }
                    }
                } }
            }
        }
    };
    Ok(page(shell::render(&st, &s, "依申请公开", body)))
}

fn excerpt(s: &str, n: usize) -> String {
    let mut out: String = s.chars().take(n).collect();
    if s.chars().count() > n {
        out.push('…');
    }
    out
}
