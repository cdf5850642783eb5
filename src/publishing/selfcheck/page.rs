//! `/admin/selfcheck` (网站自查): a summary line per site, then each site's rows, the worst
//! first, with the page that fixes each. Unit admins see their own sites; the office (its
//! unit admins and its reviewers and publishers) and the 系统管理员 see every site.
//! `POST /admin/selfcheck/scan` runs the whole-site scan now.

use axum::extract::{Query, State};
use axum::response::Response;
use maud::{Markup, html};

use super::{SiteReport, Verdict, facts, rules, scan};
use crate::auth::audit;
use crate::auth::model::UnitCode;
use crate::auth::permission::{Action, Object};
use crate::auth::units::Units;
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::{Posted, Staff};
use crate::http::respond::{html as page, see_other};
use crate::portal::access::{can_unit, is_office_staff};
use crate::staff::shell::{event, render, require};
use crate::views::form;

const HOME: &str = "/admin/selfcheck";

/// The sites this person's self-check covers: `None` for all of them.
pub async fn scope(st: &Shared, s: &Staff) -> Result<Option<Vec<UnitCode>>> {
    if require(st, s, Action::RunSystem, Object::System)
        .await
        .is_ok()
    {
        return Ok(None);
    }
    let units = Units::new(st.store.read(crate::auth::store::list_units).await?);
    let office = units.office_path();
    if is_office_staff(&s.user, &units)
        || (!office.is_empty() && can_unit(&s.user, Action::ManageSite, &office))
    {
        return Ok(None);
    }
    let mine: Vec<UnitCode> = st
        .portal()
        .snapshot()
        .sites
        .iter()
        .filter(|x| can_unit(&s.user, Action::ManageSite, &units.path(&x.unit)))
        .map(|x| x.unit.clone())
        .collect();
    // A unit admin whose unit has no site yet sees an empty page, not a refusal.
    let admin_somewhere = s
        .user
        .grants
        .iter()
        .any(|g| can_unit(&s.user, Action::ManageSite, &units.path(&g.unit)));
    if mine.is_empty() && !admin_somewhere {
        return Err(Error::Forbidden("您没有权限访问此页面。".into()));
    }
    Ok(Some(mine))
}

/// Every covered site's report and the last scan.
pub async fn reports(
    st: &Shared,
    only: Option<&[UnitCode]>,
) -> Result<(Vec<SiteReport>, Option<scan::Scan>)> {
    let snap = st.portal().snapshot();
    let chrome = st.site();
    let now = st.now_ms();
    let (all, last) = st
        .store
        .read(move |txn| Ok((facts::gather(txn, &snap, &chrome)?, scan::last(txn)?)))
        .await?;
    let mut covered: Vec<&facts::SiteFacts> = all
        .iter()
        .filter(|f| only.is_none_or(|o| o.contains(&f.unit)))
        .collect();
    // The portal first, then the sub-sites by name.
    covered.sort_by(|a, b| b.is_main.cmp(&a.is_main).then(a.name.cmp(&b.name)));
    let main = covered.iter().find(|f| f.is_main).map(|f| f.unit.clone());
    let mut reports: Vec<SiteReport> = covered
        .into_iter()
        .map(|f| rules::evaluate(f, last.as_ref(), now))
        .collect();
    // Rows other capabilities add (政务公开): under the unit's own site, else the portal's.
    for check in &st.staff_registry().site_checks {
        for row in check(st).await? {
            let at = if reports.iter().any(|r| r.unit == row.unit) {
                Some(row.unit.clone())
            } else {
                main.clone()
            };
            if let Some(r) = reports.iter_mut().find(|r| Some(&r.unit) == at.as_ref()) {
                r.rows.push(super::Row::from_check(row));
            }
        }
    }
    for r in &mut reports {
        r.rows.sort_by_key(|x| std::cmp::Reverse(x.verdict));
    }
    Ok((reports, last))
}

fn badge(v: Verdict) -> Markup {
    html! { span class=(format!("verdict verdict-{}", v.class())) { (v.label()) } }
}

fn site_section(r: &SiteReport) -> Markup {
    let (open, passed): (Vec<_>, Vec<_>) = r.rows.iter().partition(|x| x.verdict != Verdict::Pass);
    let table = |rows: &[&super::Row], caption: &str| {
        html! {
            table.data {
                caption { (caption) }
                thead { tr { th scope="col" { "检查项" } th scope="col" { "对象" } th scope="col" { "情况" } th scope="col" { "结论" } th scope="col" { "处理" } } }
                tbody {
                    @for x in rows {
                        tr {
                            td { (x.check) }
                            td { (x.subject) }
                            td { (x.finding) }
                            td { (badge(x.verdict)) }
                            td { @if let Some((href, words)) = &x.fix { a href=(href) { (words) } } }
                        }
                    }
                }
            }
        }
    };
    html! {
        section.card id=(format!("site-{}", r.unit)) aria-labelledby=(format!("site-{}-h", r.unit)) {
            h2 id=(format!("site-{}-h", r.unit)) { (r.name) " " (badge(r.worst())) }
            @if open.is_empty() {
                p { "全部检查项合格。" }
            } @else {
                (table(&open, &format!("{}：不合格与有风险的项目", r.name)))
            }
            @if !passed.is_empty() {
                details {
                    summary { (r.name) "：合格的项目（" (passed.len()) "项）" }
                    (table(&passed, &format!("{}：合格的项目", r.name)))
                }
            }
        }
    }
}

fn view(
    st: &Shared,
    s: &Staff,
    reports: &[SiteReport],
    last: Option<&scan::Scan>,
    scanned: bool,
) -> Markup {
    let body = html! {
        @if scanned { div.notice.ok role="status" { "全站检查已完成，结果见下。" } }
        p { "按全国政府网站检查指标逐站检查：首页和栏目更新、空白栏目、站内链接、发布日期、页脚标识。“有风险”表示离不合格的界线已经不远（如首页7天无新信息，14天即不合格），请及早处理。" }
        section.card aria-labelledby="sc-sum-h" {
            h2 #sc-sum-h { "各站点结论" }
            table.data {
                thead { tr { th scope="col" { "站点" } th scope="col" { "结论" } th scope="col" { "不合格" } th scope="col" { "有风险" } } }
                tbody {
                    @for r in reports {
                        tr {
                            th scope="row" { a href=(format!("#site-{}", r.unit)) { (r.name) } }
                            td { (badge(r.worst())) }
                            td { (r.count(Verdict::Fail)) }
                            td { (r.count(Verdict::Risk)) }
                        }
                    }
                }
            }
            p {
                @match last {
                    Some(x) => {
                        "全站检查（站内链接、发布日期）于 " (crate::clock::show(x.at_ms)) " 完成：检查站内链接 " (x.links_checked) " 个，发现不可用 " (x.broken.len()) " 个"
                        @if x.external > 0 { "；外部链接 " (x.external) " 个未检查（服务器不访问外网）" }
                        "。"
                    }
                    None => { "尚未进行全站检查（站内链接、发布日期）。每天自动检查一次，也可以立即检查。" }
                }
            }
            form method="post" action=(format!("{HOME}/scan")) {
                (form::csrf(&s.csrf))
                button type="submit" { "立即全站检查" }
            }
        }
        @for r in reports { (site_section(r)) }
    };
    render(st, s, "网站自查", body)
}

#[derive(serde::Deserialize, Default)]
pub struct SelfcheckQuery {
    #[serde(default)]
    done: String,
}

pub async fn show(
    State(st): State<Shared>,
    s: Staff,
    Query(q): Query<SelfcheckQuery>,
) -> Result<Response> {
    let only = scope(&st, &s).await?;
    let (reports, last) = reports(&st, only.as_deref()).await?;
    Ok(page(view(
        &st,
        &s,
        &reports,
        last.as_ref(),
        q.done == "scan",
    )))
}

/// Runs the whole-site scan now and keeps its result.
pub async fn scan_now(State(st): State<Shared>, p: Posted) -> Result<Response> {
    let s = p.staff(&st)?;
    scope(&st, &s).await?;
    let snap = st.portal().snapshot();
    let hosts = scan::own_hosts(&st.cfg(), &snap);
    let now = st.now_ms();
    let result = st
        .store
        .read(move |txn| scan::run(txn, &snap, &hosts, now))
        .await?;
    let ev = event(
        &s.user,
        &p.ctx,
        "selfcheck_scan",
        "selfcheck".to_owned(),
        true,
        format!(
            "站内链接{}个，不可用{}个，无发布日期{}条",
            result.links_checked,
            result.broken.len(),
            result.undated.len()
        ),
    );
    st.store
        .write(move |txn| {
            scan::keep(txn, &result)?;
            audit::append(txn, ev, now).map(|_| ())
        })
        .await?;
    Ok(see_other(&format!("{HOME}?done=scan")))
}
