//! 信件选登 (`/mailbox/letters`): letters whose writers agreed and whose answers the office
//! chose to publish — the office's redacted copy, the writer's name masked (张*), never a
//! contact detail — filterable by subject, answering unit and year, and searchable; and one
//! letter's page (`/mailbox/letters/{id}`).

use axum::extract::{Path, Query, State};
use axum::response::Response;
use maud::html;
use serde::Deserialize;

use super::model::Subject;
use super::page::{self, Column};
use super::store::{self, PublicRow};
use crate::calendar::format_date_zh;
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::Ctx;
use crate::http::respond::html as page_resp;

/// Letters per page.
const PAGE: usize = 20;

#[derive(Deserialize, Default)]
pub struct LettersQuery {
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub page: Option<usize>,
}

/// Published letters, newest publication first.
pub async fn published(st: &Shared) -> Result<Vec<PublicRow>> {
    let mut v = st.store.read(store::published).await?;
    v.sort_by_key(|l| std::cmp::Reverse((l.published_on, l.id)));
    Ok(v)
}

/// GET /mailbox/letters
pub async fn page_letters(
    State(st): State<Shared>,
    ctx: Ctx,
    Query(q): Query<LettersQuery>,
) -> Result<Response> {
    let units = crate::disclosure::page::load_units(&st).await?;
    let all = published(&st).await?;
    let subject = Subject::parse(&q.subject);
    let year: Option<i32> = q.year.trim().parse().ok();
    let needle = q.q.trim();
    let mut years: Vec<i32> = all.iter().map(|l| l.published_on.year()).collect();
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    let mut unit_codes: Vec<String> = all
        .iter()
        .filter_map(|l| l.unit.as_ref().map(ToString::to_string))
        .collect();
    unit_codes.sort();
    unit_codes.dedup();
    let rows: Vec<&PublicRow> = all
        .iter()
        .filter(|l| subject.is_none_or(|s| l.subject == s))
        .filter(|l| q.unit.is_empty() || l.unit.as_ref().is_some_and(|u| u.as_str() == q.unit))
        .filter(|l| year.is_none_or(|y| l.published_on.year() == y))
        .filter(|l| {
            needle.is_empty()
                || l.title.contains(needle)
                || l.content.contains(needle)
                || l.answer.contains(needle)
        })
        .collect();
    let pages = rows.len().div_ceil(PAGE).max(1);
    let cur = q.page.unwrap_or(1).clamp(1, pages);
    let link = |p: usize| {
        let mut s = format!("/mailbox/letters?page={p}");
        for (k, v) in [
            ("subject", &q.subject),
            ("unit", &q.unit),
            ("year", &q.year),
            ("q", &q.q),
        ] {
            if !v.is_empty() {
                s.push_str(&format!(
                    "&{k}={}",
                    percent_encoding::utf8_percent_encode(v, crate::ids::URL_COMPONENT)
                ));
            }
        }
        s
    };
    let body = html! {
        form.filters method="get" action="/mailbox/letters" {
            div.field {
                label for="f-subject" { "信件类型" }
                select #f-subject name="subject" {
                    option value="" { "全部类型" }
                    @for k in Subject::ALL { option value=(k.id()) selected[subject == Some(k)] { (k.label()) } }
                }
            }
            div.field {
                label for="f-unit" { "答复单位" }
                select #f-unit name="unit" {
                    option value="" { "全部单位" }
                    @for c in &unit_codes {
                        option value=(c) selected[*c == q.unit] { (units.units.iter().find(|u| u.code.as_str() == c).map_or(c.as_str(), |u| u.name.as_str())) }
                    }
                }
            }
            div.field {
                label for="f-year" { "年份" }
                select #f-year name="year" {
                    option value="" { "全部年份" }
                    @for y in &years { option value=(y) selected[year == Some(*y)] { (y) "年" } }
                }
            }
            div.field {
                label for="f-q" { "关键词" }
                input #f-q type="search" name="q" value=(needle);
            }
            button type="submit" { "查询" }
        }
        p.hint { "共 " (rows.len()) " 封。公开的信件已征得写信人同意，并隐去了个人信息。" }
        @if rows.is_empty() {
            p { "没有符合条件的信件。" }
        } @else {
            (super::page::scroll("信件选登列表", html! { table.data.mb-letters {
                thead { tr { th scope="col" { "标题" } th scope="col" { "类型" } th scope="col" { "来信日期" } th scope="col" { "答复单位" } th scope="col" { "答复日期" } } }
                tbody {
                    @for l in rows.iter().skip((cur - 1) * PAGE).take(PAGE) {
                        tr {
                            td { a href=(format!("/mailbox/letters/{}", l.id)) { (l.title) } }
                            td { (l.subject.label()) }
                            td { (crate::portal::pages::date(l.submitted_ms)) }
                            td { @if let Some(u) = &l.unit { (units.name(u)) } }
                            td { @if let Some(d) = l.answered_on { (crate::calendar::iso(d)) } }
                        }
                    }
                }
            } }))
            @if pages > 1 {
                nav.pager aria-label="翻页" {
                    @if cur > 1 { a href=(link(cur - 1)) rel="prev" { "上一页" } " " }
                    span { "第 " (cur) " / " (pages) " 页" }
                    @if cur < pages { " " a href=(link(cur + 1)) rel="next" { "下一页" } }
                }
            }
        }
    };
    Ok(page_resp(page::render(
        &st,
        &ctx,
        Column::Letters,
        Column::Letters.label(),
        None,
        body,
    )))
}

/// GET /mailbox/letters/{id}
pub async fn page_letter(
    State(st): State<Shared>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response> {
    let id: u64 = id.parse().map_err(|_| Error::NotFound)?;
    let units = crate::disclosure::page::load_units(&st).await?;
    let p = st
        .store
        .read(move |txn| store::published_one(txn, id))
        .await?
        .ok_or(Error::NotFound)?;
    let body = html! {
        dl.kv.mb-meta {
            dt { "信件编号" } dd { (p.number) }
            dt { "信件类型" } dd { (p.subject.label()) }
            dt { "写信人" } dd { (p.writer) }
            dt { "来信日期" } dd { (format_date_zh(crate::clock::beijing_date(p.submitted_ms))) }
            @if let Some(u) = &p.unit { dt { "答复单位" } dd { (units.name(u)) } }
            @if let Some(d) = p.answered_on { dt { "答复日期" } dd { (format_date_zh(d)) } }
            dt { "公开日期" } dd { (format_date_zh(p.published_on)) }
        }
        section aria-labelledby="h-content" {
            h2 #h-content { "来信内容" }
            div.pre { (p.content) }
        }
        section aria-labelledby="h-answer" {
            h2 #h-answer { "答复内容" }
            div.pre { (p.answer) }
        }
        p { a href="/mailbox/letters" { "返回信件选登" } }
    };
    Ok(page_resp(page::render(
        &st,
        &ctx,
        Column::Letters,
        &p.title,
        None,
        body,
    )))
}
