//! 年度报告 list for staff (`/admin/gk/reports?year=`): every report the viewer may edit for
//! one year — the district's roll-up first, then each unit — with its statutory deadline,
//! its state, and 已逾期 once the deadline passed unpublished.

use axum::extract::{Query, State};
use axum::response::Response;
use maud::html;
use serde::Deserialize;

use super::access::{self, deadline, deadline_label, may, staff_href, today};
use super::{flow, model, store};
use crate::disclosure::units as gk_units;
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::Staff;
use crate::http::respond::html as page;

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub year: Option<String>,
}

/// GET /admin/gk/reports
pub async fn list(
    State(st): State<Shared>,
    s: Staff,
    Query(q): Query<ListQuery>,
) -> Result<Response> {
    let units = crate::disclosure::page::load_units(&st).await?;
    let today = today(&st);
    // The year just ended is the one being reported on.
    let year = q
        .year
        .as_deref()
        .and_then(|y| access::parse_year(y, today))
        .unwrap_or(today.year() - 1);
    let mut mine: Vec<&crate::auth::model::Unit> = Vec::new();
    if let Some(root) = gk_units::root(&units).filter(|r| may(&s.user, &units, r)) {
        mine.push(root);
    }
    mine.extend(
        gk_units::obligated(&units)
            .into_iter()
            .filter(|u| u.parent.is_some() && may(&s.user, &units, u)),
    );
    if mine.is_empty() {
        return Err(Error::Forbidden("您没有权限访问此页面。".into()));
    }
    let reports = st.store.read(move |txn| store::of_year(txn, year)).await?;
    let years: Vec<i32> = ((today.year() - 4).max(2000)..=today.year())
        .rev()
        .collect();
    let body = html! {
        (super::view::stylesheet(&st))
        p { "各部门、街道的年度报告于次年1月31日前公布，区人民政府的年度报告于次年3月31日前公布（条例第四十九、五十条）。区人民政府的报告汇总各单位数据。" }
        nav aria-label="报告年度" {
            ul.gk-report-tools {
                @for y in &years {
                    li { a href=(format!("{}?year={y}", super::STAFF_LIST)) aria-current=[(*y == year).then_some("page")] { (y) "年度" } }
                }
            }
        }
        table.data.cards {
            caption { (year) "年度政府信息公开工作年度报告" }
            thead { tr { th scope="col" { "单位" } th scope="col" { "截止日期" } th scope="col" { "状态" } th scope="col" { "操作" } } }
            tbody {
                @for u in &mine {
                    @let r = reports.iter().find(|r| r.unit == u.code);
                    @let state = flow::label(r.map(|r| r.state()));
                    @let late = deadline(u, year).is_some_and(|d| today > d) && !r.is_some_and(|r| r.is_published());
                    tr {
                        td.card-title { (u.name) @if u.parent.is_none() { "（汇总）" } }
                        td data-label="截止日期" { (deadline_label(u, year)) }
                        td data-label="状态" {
                            (state)
                            @if late { " " span.gk-late { "已逾期" } }
                        }
                        td data-label="操作" {
                            a href=(staff_href(&u.code, year)) { "打开" (model::title(&u.name, year)) }
                        }
                    }
                }
            }
        }
    };
    Ok(page(crate::staff::shell::render(&st, &s, "年度报告", body)))
}
