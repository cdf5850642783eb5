//! 修订记录: every saved version of an item, and what changed between any two of them,
//! with insertions and deletions marked.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use maud::{PreEscaped, html};
use serde::Deserialize;

use super::articles::state_label;
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::Staff;
use crate::http::respond::html as page;
use crate::portal::store;
use crate::publishing::diff;
use crate::publishing::review::item::ItemCtx;
use crate::staff::shell::render;
use crate::views::form::{self, FormState};

/// The version a comparison starts from by default: the returned one for a resubmitted
/// item, else the newest before `to` that reads differently from it.
fn default_from(
    revs: &[crate::portal::model::Article],
    a: &crate::portal::model::Article,
    to: u64,
) -> u64 {
    use crate::publishing::review::revise;
    if let Some(r) = revise::returned_version(revs, a).filter(|r| r.revision < to) {
        return r.revision;
    }
    let Some(target) = revs.iter().find(|r| r.revision == to) else {
        return to.saturating_sub(1);
    };
    revs.iter()
        .rev()
        .filter(|r| r.revision < to)
        .find(|r| revise::content_changed(r, target))
        .map_or(to.saturating_sub(1), |r| r.revision)
}

#[derive(Deserialize, Default)]
pub struct HistoryQuery {
    from: Option<u64>,
    to: Option<u64>,
}

pub async fn history(
    State(st): State<Shared>,
    s: Staff,
    Path(id): Path<String>,
    Query(q): Query<HistoryQuery>,
) -> Result<Response> {
    let a = ItemCtx::load(&st, &s, &id).await?.article;
    let aid = a.id;
    let revs = st.store.read(move |txn| store::revisions(txn, aid)).await?;
    let latest = revs.last().map(|r| r.revision).unwrap_or(a.revision);
    let to = q.to.unwrap_or(latest);
    // By default: since the item was returned (a resubmitted item), else since the last
    // version that reads differently — never a state change with nothing changed.
    let from = q.from.unwrap_or_else(|| default_from(&revs, &a, to));
    let pick = |n: u64| revs.iter().find(|r| r.revision == n);
    let (old, new) = match (pick(from), pick(to)) {
        (Some(o), Some(n)) => (Some(o), Some(n)),
        (None, Some(n)) if q.from.is_none() => (None, Some(n)),
        _ => return Err(Error::NotFound),
    };
    let diffs = match (old, new) {
        (Some(o), Some(n)) => Some(diff::diff_with(
            &diff::Fields::from(o),
            &diff::Fields::from(n),
            &diff::Options {
                context: Some(2),
                ..Default::default()
            },
        )),
        _ => None,
    };
    let options: Vec<(String, String)> = revs
        .iter()
        .map(|r| {
            (
                r.revision.to_string(),
                format!(
                    "第 {} 版（{}，{}）",
                    r.revision,
                    crate::clock::show(r.updated_ms),
                    state_label(r)
                ),
            )
        })
        .collect();
    let picked = FormState {
        values: vec![
            ("from".into(), from.to_string()),
            ("to".into(), to.to_string()),
        ],
        ..Default::default()
    };
    let body = html! {
        p { a href=(format!("/admin/articles/{}", a.id)) { "← 返回编辑" } }
        @if revs.len() > 1 {
            form.filter.compare method="get" action=(format!("/admin/articles/{}/history", a.id)) {
                (form::select("from", "比较：较早的版本", &options, &picked))
                (form::select("to", "较新的版本", &options, &picked))
                button type="submit" { "比较这两个版本" }
            }
        }
        section.card {
            h2 { "修订记录" }
            table.data {
                caption { "共 " (revs.len()) " 个版本（最新在后）" }
                thead { tr { th scope="col" { "版本" } th scope="col" { "保存时间" } th scope="col" { "状态" } th scope="col" { "标题" } th scope="col" { "比较" } } }
                tbody {
                    @for r in &revs {
                        tr {
                            td { (r.revision) }
                            td { (crate::clock::show(r.updated_ms)) }
                            td { (state_label(r)) }
                            td { (r.title) }
                            td {
                                @if r.revision > 1 {
                                    a href=(format!("/admin/articles/{}/history?from={}&to={}", a.id, r.revision - 1, r.revision)) { "与上一版比较" }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if let (Some(d), Some(o), Some(n)) = (&diffs, old, new) {
            section.card.diff {
                h2 { "第 " (o.revision) " 版 → 第 " (n.revision) " 版：" (diff::summary(d)) }
                @for f in d.iter().filter(|f| f.changed) {
                    h3 { (f.field) }
                    div.diff-body { (PreEscaped(&f.html)) }
                }
            }
        } @else {
            p.muted { "这是第一个版本，没有可比较的早先版本。" }
        }
    };
    Ok(page(render(
        &st,
        &s,
        &format!("修订记录：{}", a.title),
        body,
    )))
}
