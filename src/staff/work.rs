//! 我的工作: every registered 待办 source's lists as tabs of one page, and the counts the
//! workbench shows. A capability plugs in by registering a `TodoSource`; nothing here
//! knows what an article (or a letter, or a request) is.

use axum::extract::{Query, State};
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use super::shell::render;
use super::todo::{self, SourceLists};
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::Staff;
use crate::http::respond::html as page;

#[derive(Deserialize, Default)]
pub struct WorkQuery {
    #[serde(default)]
    list: String,
}

/// GET /admin/work
pub async fn page_work(
    State(st): State<Shared>,
    staff: Staff,
    Query(q): Query<WorkQuery>,
) -> Result<Response> {
    let sources = todo::all(&st, &staff).await?;
    if sources.is_empty() {
        return Err(Error::Forbidden("您没有需要办理的工作。".into()));
    }
    let lists = || sources.iter().flat_map(|s| s.lists.iter());
    // The list asked for, else the first with something in it, else the home list.
    let current = lists()
        .find(|l| l.id == q.list)
        .or_else(|| lists().find(|l| !l.rows.is_empty()))
        .or_else(|| lists().find(|l| l.home))
        .or_else(|| lists().next())
        .ok_or(Error::NotFound)?;
    let now = st.now_ms();
    let body = html! {
        @let shortcuts: Vec<&(&str, &str)> = sources.iter().flat_map(|s| s.shortcuts.iter()).collect();
        @if !shortcuts.is_empty() {
            p {
                @for (i, (href, label)) in shortcuts.iter().enumerate() {
                    @if i > 0 { " " }
                    @if i == 0 { a.button href=(href) { (label) } } @else { a href=(href) { (label) } }
                }
            }
        }
        @for s in &sources {
            @if sources.len() > 1 { h2.work-kind { (s.kind) } }
            nav.tabs aria-label=(format!("{}工作清单", if sources.len() > 1 { s.kind } else { "" })) {
                @for l in &s.lists {
                    a href=(format!("/admin/work?list={}", l.id)) aria-current=[(l.id == current.id).then_some("page")] {
                        (l.label) " " span.count { (l.rows.len()) }
                    }
                }
            }
        }
        table.data.cards {
            caption { (current.label) "（" (current.rows.len()) " 条）" }
            thead { tr { th scope="col" { "标题" } th scope="col" { "所属" } th scope="col" { "状态" } th scope="col" { "来源单位" } th scope="col" { (current.date_label) } th scope="col" { "更新时间" } } }
            tbody {
                @for r in &current.rows {
                    tr {
                        td.card-title { a href=(r.link) { (r.title) } @if let Some(n) = &r.note { br; span.row-note { (n) } } }
                        td data-label="所属" { (r.place) }
                        td { span class=(format!("state state-{}", r.state_key)) { (r.state) }
                            @if let Some(b) = &r.badge { " " span.badge.flagged { (b) } } }
                        td data-label="来源单位" { (r.unit) }
                        td data-label=(current.date_label) {
                            @match r.date_ms {
                                Some(d) if current.deadline && r.overdue(now) => { span.overdue { (crate::clock::show(d)) "（已超期）" } }
                                Some(d) => { (crate::clock::show(d)) }
                                None => { "—" }
                            }
                        }
                        td data-label="更新时间" { (crate::clock::show(r.updated_ms)) }
                    }
                }
                @if current.rows.is_empty() { tr { td colspan="6" { "暂无。" } } }
            }
        }
    };
    Ok(page(render(&st, &staff, "我的工作", body)))
}

/// The workbench's 我的工作 card: the count of every waiting list of every source that
/// applies to the user (`None` when none does).
pub async fn summary(st: &Shared, staff: &Staff) -> Result<Option<Markup>> {
    let sources: Vec<SourceLists> = todo::all(st, staff).await?;
    if sources.is_empty() {
        return Ok(None);
    }
    Ok(Some(html! {
        section.card.work-summary aria-labelledby="work-h" {
            h2 #work-h { "我的工作" }
            ul.work-counts {
                @for l in sources.iter().flat_map(|s| s.lists.iter()).filter(|l| l.waiting) {
                    li { a href=(format!("/admin/work?list={}", l.id)) { span.count { (l.rows.len()) } " " (l.label) } }
                }
            }
        }
    }))
}
