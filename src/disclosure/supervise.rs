//! The staff side's front page (`/admin/gk/`) and the office's supervision of every unit
//! with disclosure duties (`/admin/gk/supervise`): per unit its responsible person, items
//! disclosed this year, requests open, due within 5 working days and overdue, and when its
//! guide was last updated.

use std::collections::HashMap;

use axum::extract::State;
use axum::response::Response;
use maud::html;

use super::guide;
use super::requests::due::{self, today};
use super::requests::flow::{is_open, state};
use super::requests::{access, store};
use super::units;
use crate::auth::permission::{Action, Object, SystemFacts, can};
use crate::auth::units::Units;
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::Staff;
use crate::http::respond::html as page;
use crate::http::routes::Routes;
use crate::staff::shell;

pub fn router() -> Routes {
    Routes::new()
        .get("/admin/gk/", page_home)
        .get("/admin/gk", redirect_home)
        .get("/admin/gk/supervise", page_supervise)
}

async fn redirect_home() -> Response {
    crate::http::respond::see_other("/admin/gk/")
}

/// One unit's figures for a year.
#[derive(Debug, Default, Clone)]
pub struct UnitFigures {
    pub disclosed: u64,
    pub open: u64,
    pub due_soon: u64,
    pub overdue: u64,
    pub received: u64,
    pub replied: u64,
}

/// Every obligated unit's figures for the year of `now`.
pub async fn figures(st: &Shared, units: &Units) -> Result<HashMap<String, UnitFigures>> {
    let now = st.now_ms();
    let day = today(now);
    let year = day.year();
    let cal = st.calendar();
    let (requests, articles) = st
        .store
        .read(|txn| Ok((store::all(txn)?, crate::portal::store::all_articles(txn)?)))
        .await?;
    let mut out: HashMap<String, UnitFigures> = HashMap::new();
    for u in units::obligated(units) {
        out.insert(u.code.to_string(), UnitFigures::default());
    }
    for a in &articles {
        let owner = a.unit.as_ref().unwrap_or(&a.site);
        let this_year = a.publish_ms.is_some_and(|ms| today(ms).year() == year);
        if a.is_public()
            && this_year
            && !a.meta.index_no.is_empty()
            && let Some(f) = out.get_mut(owner.as_str())
        {
            f.disclosed += 1;
        }
    }
    for r in &requests {
        let Some(f) = out.get_mut(r.unit.as_str()) else {
            continue;
        };
        if is_open(&r.flow.state) && r.flow.state != state::VOID {
            f.open += 1;
        }
        if due::overdue(r, &cal, day) {
            f.overdue += 1;
        } else if due::due_within(r, &cal, day, 5) {
            f.due_soon += 1;
        }
        if r.received_on.is_some_and(|d| d.year() == year) {
            f.received += 1;
        }
        if r.closed_on.is_some_and(|d| d.year() == year) {
            f.replied += 1;
        }
    }
    Ok(out)
}

fn facts() -> SystemFacts {
    SystemFacts {
        secadmin_exists: true,
    }
}

/// GET /admin/gk/
async fn page_home(State(st): State<Shared>, s: Staff) -> Result<Response> {
    let all = super::page::load_units(&st).await?;
    let mine: Vec<_> = units::obligated(&all)
        .into_iter()
        .filter(|u| {
            can(
                &s.user,
                Action::HandleDisclosure,
                Object::Unit(&units::handling_path(&all, &u.code)),
                facts(),
            )
        })
        .cloned()
        .collect();
    let supervises = access::supervises(&s.user, &all);
    if mine.is_empty() && !supervises {
        return Err(Error::Forbidden("您没有政务公开工作的权限。".into()));
    }
    let figs = figures(&st, &all).await?;
    let body = html! {
        p.lead { "依申请公开办理、公开指南和年度报告。" }
        p {
            a.button href="/admin/gk/requests?state=open" { "办理公开申请" } " "
            a href="/admin/gk/requests/new" { "登记书面申请" } " "
            a href="/admin/gk/reports" { "年度报告" }
            @if supervises {
                " " a href="/admin/gk/supervise" { "全区公开工作监督" }
                " " a href="/admin/gk/codes" { "主题和体裁分类表" }
            }
        }
        table.data {
            caption { "我负责的单位" }
            thead { tr {
                th scope="col" { "单位" } th scope="col" { "未办结申请" } th scope="col" { "5个工作日内到期" }
                th scope="col" { "已超期" } th scope="col" { "公开指南" } th scope="col" { "公开专区" }
            } }
            tbody { @for u in &mine {
                @let f = figs.get(u.code.as_str()).cloned().unwrap_or_default();
                tr {
                    th scope="row" { (u.name) }
                    td { a href=(format!("/admin/gk/requests?state=open&unit={}", u.code)) aria-label=(format!("{}未办结申请{}件", u.name, f.open)) { (f.open) } }
                    td { (f.due_soon) }
                    td.overdue[f.overdue > 0] { (f.overdue) }
                    td { a href=(format!("/admin/gk/guide/{}", u.code)) { "编辑" (u.name) "公开指南" } }
                    td { a href=(units::area_href(&all, &u.code)) { "查看" (u.name) "公开专区" } }
                }
            } }
        }
    };
    Ok(page(shell::render(&st, &s, "政务公开", body)))
}

/// GET /admin/gk/supervise
async fn page_supervise(State(st): State<Shared>, s: Staff) -> Result<Response> {
    let all = super::page::load_units(&st).await?;
    if !access::supervises(&s.user, &all) {
        return Err(Error::Forbidden(
            "只有区政府办公室（政务公开主管部门）可以查看全区监督情况。".into(),
        ));
    }
    let figs = figures(&st, &all).await?;
    let guides: HashMap<String, guide::Guide> =
        st.store.read(guide::all).await?.into_iter().collect();
    let day = today(st.now_ms());
    let year = day.year();
    let obligated = units::obligated(&all);
    let late = crate::publishing::catalog::late::late_items(&st, None, year).await?;
    let cal = st.calendar();
    let all2 = super::page::load_units(&st).await?;
    // Last year's report is the one due now (units by 31 January, the district by 31 March).
    let reports: HashMap<String, &'static str> = st
        .store
        .read(move |txn| super::report::stats::figures(txn, &all2, year - 1, day, &cal))
        .await?
        .into_iter()
        .map(|f| (f.unit.to_string(), f.report))
        .collect();
    let total = |f: fn(&UnitFigures) -> u64| figs.values().map(f).sum::<u64>();
    let body = html! {
        p { a href="/admin/gk/" { "返回政务公开" } }
        p { "有政务公开职责的单位共 " (obligated.len()) " 个。统计年度：" (year) " 年。" }
        p.hint { "超期公开：形成或变更之日起超过 20 个工作日才公开的信息（条例第二十六条）。年度报告：各部门应于 1 月 31 日前、区政府应于 3 月 31 日前公布上一年度报告。" }
        ul.counts {
            li { "本年主动公开 " strong { (total(|f| f.disclosed)) } " 条" }
            li { "未办结申请 " strong { (total(|f| f.open)) } " 件" }
            li { "5个工作日内到期 " strong { (total(|f| f.due_soon)) } " 件" }
            li { "已超期 " strong.overdue[total(|f| f.overdue) > 0] { (total(|f| f.overdue)) } " 件" }
        }
        div.table-scroll role="region" aria-label="各单位公开工作情况" tabindex="0" {
            table.data {
                caption { "各单位公开工作情况" }
                thead { tr {
                    th scope="col" { "单位" } th scope="col" { "工作负责人" } th scope="col" { "本年主动公开" }
                    th scope="col" { "本年收到申请" } th scope="col" { "未办结" } th scope="col" { "5个工作日内到期" }
                    th scope="col" { "已超期" } th scope="col" { "超期公开的信息" }
                    th scope="col" { (year - 1) "年度报告" } th scope="col" { "指南更新日期" }
                } }
                tbody { @for u in &obligated {
                    @let f = figs.get(u.code.as_str()).cloned().unwrap_or_default();
                    @let g = guides.get(u.code.as_str());
                    tr {
                        th scope="row" { a href=(units::area_href(&all, &u.code)) { (u.name) } }
                        td { @match g.filter(|g| !g.head.is_empty()) { Some(g) => (g.head), None => span.muted { "未填写" } } }
                        td { (f.disclosed) }
                        td { (f.received) }
                        td { a href=(format!("/admin/gk/requests?state=open&unit={}", u.code)) aria-label=(format!("{}未办结申请{}件", u.name, f.open)) { (f.open) } }
                        td { (f.due_soon) }
                        td.overdue[f.overdue > 0] { a href=(format!("/admin/gk/requests?state=overdue&unit={}", u.code)) aria-label=(format!("{}超期申请{}件", u.name, f.overdue)) { (f.overdue) } }
                        @let n_late = late.iter().filter(|l| l.unit == u.code).count();
                        td.overdue[n_late > 0] { (n_late) }
                        td { (reports.get(u.code.as_str()).copied().unwrap_or("—")) }
                        td { @match g { Some(g) => (crate::portal::pages::date(g.updated_ms)), None => span.overdue { "尚未编制" } } }
                    }
                } }
            }
        }
        section aria-labelledby="late-h" {
            h2 #late-h { (year) "年超过 20 个工作日才公开的信息" }
            @if late.is_empty() { p.empty { "没有。" } } @else {
                table.data {
                    caption.visually-hidden { "超期公开的信息" }
                    thead { tr { th scope="col" { "信息" } th scope="col" { "单位" } th scope="col" { "形成或变更日期" } th scope="col" { "发布日期" } th scope="col" { "相隔工作日" } } }
                    tbody { @for l in &late {
                        tr { td { a href=(l.url) { (l.title) } } td { (l.unit_name) } td { (l.formed) } td { (l.published) } td { (l.workdays) } }
                    } }
                }
            }
        }
    };
    Ok(page(shell::render(&st, &s, "全区政务公开工作监督", body)))
}
