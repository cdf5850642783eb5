//! `/oa/meetings`: the meeting notices that reached my unit (收到的) and those I sent
//! (`?box=sent`, 我发出的), newest first, each with its state and my unit's reply, searchable
//! by title, sender and the meeting's date range.

use axum::extract::{Query, State};
use axum::response::Response;
use maud::html;
use serde::Deserialize;

use super::form::show_minutes;
use super::model::Meeting;
use super::store;
use crate::auth::permission::{Action, Object};
use crate::error::Result;
use crate::http::Shared;
use crate::http::extract::Staff;
use crate::http::respond::{html as page, html_invalid};
use crate::intranet::boxes::{self, BoxKind};
use crate::intranet::home;
use crate::staff::shell::require;
use crate::views::form::{self, Field, FormState};

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default, rename = "box")]
    pub box_: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub sender: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
}

/// A Beijing date ("2026-12-05") as the ms of its start.
fn day_start(s: &str) -> Option<i64> {
    super::form::parse_time(&format!("{} 00:00", s.trim()))
}

/// At most this many rows a page.
const MAX_ROWS: usize = 500;

/// GET /oa/meetings
pub async fn list(
    State(st): State<Shared>,
    s: Staff,
    Query(q): Query<ListQuery>,
) -> Result<Response> {
    require(&st, &s, Action::UseIntranet, Object::System).await?;
    let sent = q.box_ == "sent";
    let mut fs = FormState {
        values: vec![
            ("title".into(), q.title.clone()),
            ("sender".into(), q.sender.clone()),
            ("from".into(), q.from.clone()),
            ("to".into(), q.to.clone()),
        ],
        ..Default::default()
    };
    let from = if q.from.trim().is_empty() {
        None
    } else {
        let d = day_start(&q.from);
        if d.is_none() {
            fs.add_error("from", "日期格式应为 2026-12-05");
        }
        d
    };
    let to = if q.to.trim().is_empty() {
        None
    } else {
        let d = day_start(&q.to).map(|d| d + 86_400_000);
        if d.is_none() {
            fs.add_error("to", "日期格式应为 2026-12-05");
        }
        d
    };
    let user = s.user.clone();
    let meetings: Vec<Meeting> = st
        .store
        .read(move |txn| {
            let entries = if sent {
                boxes::outbox(txn, user.id, Some(BoxKind::Meeting))?
            } else {
                boxes::inbox(txn, &user, Some(BoxKind::Meeting))?
            };
            let mut out = Vec::new();
            for e in entries {
                if let Some(m) = store::get(txn, e.id)?
                    && m.visible_to(&user)
                {
                    out.push(m);
                }
            }
            Ok(out)
        })
        .await?;
    let (title, sender) = (q.title.trim(), q.sender.trim());
    let rows: Vec<&Meeting> = meetings
        .iter()
        .filter(|m| title.is_empty() || m.details.title.contains(title))
        .filter(|m| {
            sender.is_empty()
                || m.sender_name.contains(sender)
                || m.sender_unit_name.contains(sender)
        })
        .filter(|m| from.is_none_or(|f| m.details.start_ms >= f))
        .filter(|m| to.is_none_or(|t| m.details.start_ms < t))
        .take(MAX_ROWS)
        .collect();
    let now = st.now_ms();
    let searching = !(title.is_empty() && sender.is_empty() && from.is_none() && to.is_none());
    let body = html! {
        p.actions { a.button href="/oa/meetings/new" { "发会议通知" } }
        nav.tabs aria-label="会议通知分类" {
            a href="/oa/meetings" aria-current=[(!sent).then_some("page")] { "收到的会议通知" }
            a href="/oa/meetings?box=sent" aria-current=[sent.then_some("page")] { "我发出的会议通知" }
        }
        (form::notice(&fs))
        form.filter method="get" action="/oa/meetings" {
            @if sent { input type="hidden" name="box" value="sent"; }
            (form::field(&Field::new("title", "会议名称包含").optional(), &fs))
            (form::field(&Field::new("sender", "发起单位或发起人").optional(), &fs))
            (form::field(&Field::new("from", "会议日期从").kind("date").optional(), &fs))
            (form::field(&Field::new("to", "会议日期至").kind("date").optional(), &fs))
            button type="submit" { "查询" }
        }
        @if rows.is_empty() {
            p.empty { @if searching { "没有符合条件的会议通知。" } @else if sent { "您还没有发出会议通知。" } @else { "还没有收到会议通知。" } }
        } @else {
            table.data.cards #meetings {
                caption { @if sent { "我发出的会议通知（最新在前）" } @else { "收到的会议通知（最新在前）" } }
                thead { tr {
                    th scope="col" { "会议名称" } th scope="col" { "会议时间" } th scope="col" { "地点" }
                    th scope="col" { "发起" } th scope="col" { "状态" }
                    th scope="col" { @if sent { "回执" } @else { "本单位回执" } }
                    th scope="col" { "回执截止" }
                } }
                tbody {
                    @for m in &rows {
                        tr data-id=(m.id) {
                            td.card-title { a href=(m.url()) { (m.details.title) } }
                            td data-label="会议时间" { (show_minutes(m.details.start_ms)) }
                            td data-label="地点" { (m.details.place) }
                            td data-label="发起" { (m.sender_unit_name) " " (m.sender_name) }
                            td data-label="状态" { (m.state_label(now)) }
                            td data-label=(if sent { "回执" } else { "本单位回执" }) {
                                @if sent {
                                    @let c = m.counts();
                                    "已回执 " (c.replied) " / " (c.expected)
                                } @else if let Some(r) = m.reply_of(&s.user) {
                                    (r.label())
                                } @else { "—" }
                            }
                            td data-label="回执截止" { (show_minutes(m.details.deadline_ms)) }
                        }
                    }
                }
            }
        }
    };
    let title = if sent {
        "我发出的会议通知"
    } else {
        "会议通知"
    };
    let markup = home::render(&st, &s, title, "/oa/meetings", body);
    Ok(if fs.errors.is_empty() {
        page(markup)
    } else {
        html_invalid(markup)
    })
}
