//! 收发文件: files sent to me (or my unit) and files I sent, newest first.

use axum::extract::{Query, State};
use axum::response::Response;
use maud::html;

use super::model::FileSend;
use crate::auth::model::User;
use crate::clock::show;
use crate::error::Result;
use crate::http::Shared;
use crate::http::extract::Staff;
use crate::http::respond::{html, html_invalid};
use crate::intranet::boxes::{self, BoxKind};
use crate::intranet::documents::list::{Filter, bounds};
use crate::intranet::files::quota::size_text;
use crate::intranet::home;
use crate::views::form::{self, Field, FormState};

/// Whether a send matches the search: a file's name or the message, the sender (person or
/// unit), the date range.
fn matches(s: &FileSend, f: &Filter, from: Option<i64>, to: Option<i64>) -> bool {
    let q = f.q.trim().to_lowercase();
    let sender = f.sender.trim().to_lowercase();
    (q.is_empty()
        || s.message.to_lowercase().contains(&q)
        || s.files.iter().any(|x| x.name.to_lowercase().contains(&q)))
        && (sender.is_empty()
            || s.sender_name.to_lowercase().contains(&sender)
            || s.sender_unit_name.to_lowercase().contains(&sender))
        && from.is_none_or(|t| s.sent_ms >= t)
        && to.is_none_or(|t| s.sent_ms < t)
}

/// My received or sent sends still kept, newest first.
pub fn of(txn: &redb::ReadTransaction, u: &User, sent: bool, now: i64) -> Result<Vec<FileSend>> {
    let entries = if sent {
        boxes::outbox(txn, u.id, Some(BoxKind::FileSend))?
    } else {
        boxes::inbox(txn, u, Some(BoxKind::FileSend))?
    };
    let mut out = Vec::new();
    for e in entries {
        if let Some(s) = super::store::get(txn, e.id)?
            && s.expires_ms > now
        {
            out.push(s);
        }
    }
    Ok(out)
}

/// GET /oa/sends
pub async fn page(
    State(st): State<Shared>,
    staff: Staff,
    Query(q): Query<Filter>,
) -> Result<Response> {
    let sent = q.which == "sent";
    let mut fs = FormState {
        values: vec![
            ("q".into(), q.q.clone()),
            ("sender".into(), q.sender.clone()),
            ("from".into(), q.from.clone()),
            ("to".into(), q.to.clone()),
        ],
        ..Default::default()
    };
    let (from, to) = bounds(&q, &mut fs);
    let searching =
        !(q.q.is_empty() && q.sender.is_empty() && q.from.is_empty() && q.to.is_empty());
    let (u, now) = (staff.user.clone(), st.now_ms());
    let sends: Vec<FileSend> = st
        .store
        .read(move |txn| of(txn, &u, sent, now))
        .await?
        .into_iter()
        .filter(|s| matches(s, &q, from, to))
        .collect();
    let u = &staff.user;
    let body = html! {
        p { a.button href="/oa/sends/new" { "发送文件" } " " a href="/oa/transfer" { "上传文件" } }
        nav.tabs aria-label="收到与发出的文件" {
            a href="/oa/sends" aria-current=[(!sent).then_some("page")] { "收到的文件" }
            a href="/oa/sends?box=sent" aria-current=[sent.then_some("page")] { "发出的文件" }
        }
        form.filter method="get" action="/oa/sends" role="search" aria-label="查找文件" {
            @if sent { input type="hidden" name="box" value="sent"; }
            (form::field(&Field::new("q", "文件名或附言").optional(), &fs))
            (form::field(&Field::new("sender", "发件单位或发件人").optional(), &fs))
            (form::field(&Field::new("from", "发送日期自").optional().kind("date"), &fs))
            (form::field(&Field::new("to", "发送日期至").optional().kind("date"), &fs))
            button type="submit" { "查找" }
            @if searching { " " a href=(if sent { "/oa/sends?box=sent" } else { "/oa/sends" }) { "清除条件" } }
        }
        @if sends.is_empty() {
            p.empty { @if searching { "没有符合条件的文件。" } @else if sent { "还没有发出文件。" } @else { "还没有收到文件。" } }
        } @else {
            table.data.cards {
                caption { @if sent { "发出的文件" } @else { "收到的文件" } "（" (sends.len()) " 次）" }
                thead { tr {
                    th scope="col" { "文件" } th scope="col" { "大小" }
                    th scope="col" { @if sent { "收件方" } @else { "发件人" } }
                    th scope="col" { "发送时间" } th scope="col" { "状态" }
                } }
                tbody {
                    @for s in &sends {
                        tr {
                            td data-label="文件" { a href=(super::url(s.id)) { (s.title()) } }
                            td data-label="大小" { (size_text(s.total_size())) }
                            @if sent {
                                td data-label="收件方" { (s.receipts.len()) " 个" }
                                td data-label="发送时间" { (show(s.sent_ms)) }
                                td data-label="状态" {
                                    "已签收 " (s.receipts.iter().filter(|r| r.is_signed()).count()) "/" (s.receipts.len())
                                    "，已下载 " (s.receipts.iter().filter(|r| !r.downloads.is_empty()).count())
                                }
                            } @else {
                                td data-label="发件人" { (s.sender_name) "（" (s.sender_unit_name) "）" }
                                td data-label="发送时间" { (show(s.sent_ms)) }
                                td data-label="状态" {
                                    @if s.receipts_of(u).all(|(_, r)| r.is_signed()) { "已签收" } @else { "待签收" }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    let m = home::render(&st, &staff, "收发文件", "/oa/transfer", body);
    Ok(if fs.errors.is_empty() {
        html(m)
    } else {
        html_invalid(m)
    })
}
