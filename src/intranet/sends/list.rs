//! 收发文件: files sent to me (or my unit) and files I sent, newest first.

use axum::extract::{Query, State};
use axum::response::Response;
use maud::html;
use serde::Deserialize;

use super::model::FileSend;
use crate::auth::model::User;
use crate::clock::show;
use crate::error::Result;
use crate::http::Shared;
use crate::http::extract::Staff;
use crate::http::respond::html;
use crate::intranet::boxes::{self, BoxKind};
use crate::intranet::files::quota::size_text;
use crate::intranet::home;

#[derive(Deserialize, Default)]
pub struct Which {
    #[serde(default, rename = "box")]
    which: String,
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
    Query(q): Query<Which>,
) -> Result<Response> {
    let sent = q.which == "sent";
    let (u, now) = (staff.user.clone(), st.now_ms());
    let sends = st.store.read(move |txn| of(txn, &u, sent, now)).await?;
    let u = &staff.user;
    let body = html! {
        p { a.button href="/oa/sends/new" { "发送文件" } " " a href="/oa/transfer" { "上传文件" } }
        nav.tabs aria-label="收到与发出的文件" {
            a href="/oa/sends" aria-current=[(!sent).then_some("page")] { "收到的文件" }
            a href="/oa/sends?box=sent" aria-current=[sent.then_some("page")] { "发出的文件" }
        }
        @if sends.is_empty() {
            p.empty { @if sent { "还没有发出文件。" } @else { "还没有收到文件。" } }
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
    Ok(html(home::render(
        &st,
        &staff,
        "收发文件",
        "/oa/transfer",
        body,
    )))
}
