//! 公开年报 on the public side: `{area}reports` (a unit's published reports; on `/gk/` the
//! district's, then each unit's), `{area}reports/{year}` (the whole report, printable; with
//! `?print=1` a bare page for printing) and `{area}reports/{year}.xlsx`.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;

use super::model::{AnnualReport, title};
use super::{store, view, xlsx};
use crate::auth::units::Units;
use crate::disclosure::page::{self, Area, AreaPath, Column};
use crate::disclosure::units as gk_units;
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::Ctx;
use crate::http::respond::html as page_html;

fn published_date(r: &AnnualReport) -> String {
    r.published_ms
        .map(|ms| crate::clock::show(ms).chars().take(10).collect())
        .unwrap_or_default()
}

fn list_of(a: &Area, reports: &[&AnnualReport], name: &str) -> Markup {
    html! {
        @if reports.is_empty() {
            p { "暂无已公开的年度报告。" }
        } @else {
            ul.gk-reports {
                @for r in reports {
                    li {
                        a href=(a.link(&format!("reports/{}", r.year))) { (title(name, r.year)) }
                        " "
                        span.gk-meta { "发布日期：" (published_date(r)) }
                    }
                }
            }
        }
    }
}

async fn list_in(st: Shared, ctx: Ctx, p: AreaPath) -> Result<Response> {
    let units = page::load_units(&st).await?;
    let a = page::area(&units, &p)?;
    let mut all: Vec<AnnualReport> = st
        .store
        .read(store::all)
        .await?
        .into_iter()
        .filter(AnnualReport::is_published)
        .collect();
    all.sort_by_key(|r| std::cmp::Reverse(r.year));
    let own: Vec<&AnnualReport> = all.iter().filter(|r| r.unit == a.unit.code).collect();
    let body = html! {
        p { "按照《中华人民共和国政府信息公开条例》第四十九、五十条，各部门、街道于每年1月31日前、区人民政府于每年3月31日前公布上一年度政府信息公开工作年度报告。" }
        (list_of(&a, &own, &a.unit.name))
        @if a.is_root {
            h2 { "各单位年度报告" }
            table.data.cards {
                caption { "各单位已公开的年度报告" }
                thead { tr { th scope="col" { "单位" } th scope="col" { "年度报告" } } }
                tbody {
                    @for u in gk_units::obligated(&units).into_iter().filter(|u| u.parent.is_some()) {
                        @let href = gk_units::area_href(&units, &u.code);
                        @let theirs: Vec<&AnnualReport> = all.iter().filter(|r| r.unit == u.code).collect();
                        tr {
                            td.card-title { a href=(format!("{href}reports")) { (u.name) "公开年报" } }
                            td data-label="年度报告" {
                                @if theirs.is_empty() { "暂无" }
                                @for r in &theirs {
                                    a href=(format!("{href}reports/{}", r.year)) { (title(&u.name, r.year)) } " "
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(page_html(page::render(
        &st,
        &ctx,
        &a,
        Column::Reports,
        Column::Reports.label(),
        body,
    )))
}

/// GET /gk/reports
pub async fn main_list(State(st): State<Shared>, ctx: Ctx) -> Result<Response> {
    list_in(st, ctx, AreaPath { code: None }).await
}

/// GET /u/{code}/gk/reports
pub async fn sub_list(
    State(st): State<Shared>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> Result<Response> {
    list_in(st, ctx, AreaPath { code: Some(code) }).await
}

#[derive(Debug, Deserialize)]
pub struct PrintQuery {
    #[serde(default)]
    pub print: Option<String>,
}

/// The published report an address names, with its area and the unit tree.
async fn published(st: &Shared, p: &AreaPath, year: &str) -> Result<(Units, Area, AnnualReport)> {
    let units = page::load_units(st).await?;
    let a = page::area(&units, p)?;
    let year: i32 = year
        .parse()
        .ok()
        .filter(|_| year.len() == 4)
        .ok_or(Error::NotFound)?;
    let code = a.unit.code.clone();
    let r = st
        .store
        .read(move |txn| store::get(txn, &code, year))
        .await?
        .filter(AnnualReport::is_published)
        .ok_or(Error::NotFound)?;
    Ok((units, a, r))
}

async fn report_in(
    st: Shared,
    ctx: Ctx,
    p: AreaPath,
    file: String,
    q: PrintQuery,
) -> Result<Response> {
    if let Some(year) = file.strip_suffix(".xlsx") {
        let (_, a, r) = published(&st, &p, year).await?;
        let t = r.frozen.clone().unwrap_or_default();
        let name = title(&a.unit.name, r.year);
        let body = xlsx::xlsx(&name, &r.texts, &t)?;
        return Ok(attachment(
            body,
            &format!("gk-report-{}-{}.xlsx", a.unit.code, r.year),
            &format!("{name}.xlsx"),
        ));
    }
    let (_, a, r) = published(&st, &p, &file).await?;
    let t = r.frozen.clone().unwrap_or_default();
    let name = title(&a.unit.name, r.year);
    let report = view::full(&r.texts, &t, "无。");
    if q.print.is_some() {
        let m = crate::views::PageMeta {
            title: name.clone(),
            column: "政府信息公开".into(),
            care: ctx.care,
            ..Default::default()
        };
        let body = html! {
            (view::stylesheet(&st))
            p.gk-report-tools { a href=(a.link(&format!("reports/{}", r.year))) { "返回年度报告页面" } }
            h1 { (name) }
            p.gk-meta { "发布日期：" (published_date(&r)) }
            (report)
        };
        return Ok(page_html(crate::views::public_page(&st.site(), &m, body)));
    }
    let body = html! {
        (view::stylesheet(&st))
        p.gk-meta { "发布日期：" (published_date(&r)) }
        ul.gk-report-tools {
            li { a href=(a.link(&format!("reports/{}?print=1", r.year))) { "打印版" } }
            li { a href=(a.link(&format!("reports/{}.xlsx", r.year))) { "下载表格（xlsx）" } }
            li { a href=(a.column(Column::Reports)) { "返回公开年报" } }
        }
        (report)
    };
    Ok(page_html(page::render(
        &st,
        &ctx,
        &a,
        Column::Reports,
        &name,
        body,
    )))
}

/// A download: `attachment` with an ASCII name and the Chinese one (RFC 6266).
fn attachment(body: Vec<u8>, ascii: &str, zh: &str) -> Response {
    let disposition = format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        percent_encoding::utf8_percent_encode(zh, crate::ids::URL_COMPONENT)
    );
    let mut r = body.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(xlsx::MIME));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

/// GET /gk/reports/{file}: "2025" or "2025.xlsx".
pub async fn main_report(
    State(st): State<Shared>,
    ctx: Ctx,
    Path(file): Path<String>,
    Query(q): Query<PrintQuery>,
) -> Result<Response> {
    report_in(st, ctx, AreaPath { code: None }, file, q).await
}

/// GET /u/{code}/gk/reports/{file}
pub async fn sub_report(
    State(st): State<Shared>,
    ctx: Ctx,
    Path((code, file)): Path<(String, String)>,
    Query(q): Query<PrintQuery>,
) -> Result<Response> {
    report_in(st, ctx, AreaPath { code: Some(code) }, file, q).await
}
