//! The notices page (消息通知) and its two actions. Everyone sees only their own notices:
//! every read and write is keyed by the signed-in user's id, so another user's notice id
//! is simply not found (404). Marking read is not audited: it changes nothing but the
//! reader's own list.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use super::store::{self, Notice};
use crate::auth::permission::{Action, Object};
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::{Posted, Staff};
use crate::http::respond::{html as page, see_other};
use crate::http::routes::Routes;
use crate::staff::shell::{render, require};
use crate::views::form::csrf;

pub const TITLE: &str = "消息通知";
const HOME: &str = "/admin/notifications";
const PAGE: usize = 30;

pub fn router() -> Routes {
    Routes::new()
        .get(HOME, list)
        .post("/admin/notifications/read-all", read_all)
        .post("/admin/notifications/{id}/read", read_one)
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    before: Option<u64>,
}

pub async fn list(
    State(st): State<Shared>,
    s: Staff,
    Query(q): Query<ListQuery>,
) -> Result<Response> {
    require(&st, &s, Action::StaffHome, Object::System).await?;
    let uid = s.user.id;
    // One more than a page tells whether there is an older page, without counting.
    let mut rows = st
        .store
        .read(move |txn| store::list(txn, uid, q.before, PAGE + 1))
        .await?;
    let more = rows.len() > PAGE;
    rows.truncate(PAGE);
    let older = more.then(|| rows.last().map(|n| n.id)).flatten();
    let now = st.now_ms();
    let body = html! {
        div.notify-tools {
            p {
                @if s.unread > 0 { "未读 " strong { (s.unread) } " 条。" }
                @else { "没有未读通知。" }
            }
            @if s.unread > 0 {
                form.inline method="post" action="/admin/notifications/read-all" {
                    (csrf(&s.csrf))
                    button type="submit" { "全部标为已读" }
                }
            }
        }
        @if rows.is_empty() {
            p.muted { @if q.before.is_some() { "没有更早的通知。" } @else { "暂无消息通知。" } }
        } @else {
            ul.notify-list {
                @for n in &rows { (item(n, &s.csrf, now)) }
            }
        }
        @if let Some(id) = older {
            p { a href=(format!("{HOME}?before={id}")) { "更早的通知" } }
        }
    };
    Ok(page(render(&st, &s, TITLE, body)))
}

/// One notice. The title is a button in a small form, so opening the item also marks
/// the notice read (a state change, hence POST with the CSRF token).
fn item(n: &Notice, token: &str, now: i64) -> Markup {
    let overdue = !n.read && n.due_ms.is_some_and(|d| d < now);
    html! {
        li.notify-item.unread[!n.read] {
            div.notify-head {
                span.notify-kind { (n.label()) }
                @if !n.read { " " span.unread-tag { "未读" } }
            }
            form.inline method="post" action=(format!("/admin/notifications/{}/read", n.id)) {
                (csrf(token))
                button.link.notify-title type="submit" { (n.title) }
            }
            @if !n.text.is_empty() { p.notify-text { (n.text) } }
            p.notify-meta {
                time { (crate::clock::show(n.created_ms)) }
                @if let Some(d) = n.due_ms {
                    " · 办理期限：" (crate::clock::show(d))
                    @if overdue { " " strong.notify-overdue { "已超期" } }
                }
            }
        }
    }
}

/// Where a notice may send the browser: a path on this site only, never another host.
fn local_target(url: &str) -> &str {
    let local = url.starts_with('/') && !url.starts_with("//") && !url.contains('\\');
    if local { url } else { HOME }
}

pub async fn read_one(
    State(st): State<Shared>,
    Path(id): Path<String>,
    p: Posted,
) -> Result<Response> {
    let s = p.staff(&st)?;
    require(&st, &s, Action::StaffHome, Object::System).await?;
    let id: u64 = id.parse().map_err(|_| Error::NotFound)?;
    let uid = s.user.id;
    let url = st
        .store
        .write(move |txn| {
            let n = store::get_w(txn, uid, id)?.ok_or(Error::NotFound)?;
            store::mark_read(txn, uid, id)?;
            Ok(n.url)
        })
        .await?;
    Ok(see_other(local_target(&url)))
}

pub async fn read_all(State(st): State<Shared>, p: Posted) -> Result<Response> {
    let s = p.staff(&st)?;
    require(&st, &s, Action::StaffHome, Object::System).await?;
    let uid = s.user.id;
    st.store
        .write(move |txn| store::mark_all_read(txn, uid))
        .await?;
    Ok(see_other(HOME))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(local_target("/admin/articles/3"), "/admin/articles/3");
        assert_eq!(local_target("//evil.example/x"), HOME);
        assert_eq!(local_target("https://evil.example/"), HOME);
        assert_eq!(local_target("/\\evil.example"), HOME);
        assert_eq!(local_target(""), HOME);
    }
}
