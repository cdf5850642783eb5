//! A send's page: the files with their download links, my receipt (签收), and for the sender
//! every recipient's receipt with a reminder button.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use maud::html;
use serde::Deserialize;

use super::model::FileSend;
use crate::auth::model::User;
use crate::auth::units::Units;
use crate::clock::show;
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::Staff;
use crate::http::respond::html;
use crate::intranet::files::quota::size_text;
use crate::intranet::home;
use crate::intranet::receipts_table::receipts_table;
use crate::views::form;

#[derive(Deserialize, Default)]
pub struct Done {
    #[serde(default)]
    done: String,
}

/// The send if `u` may open it (its sender or a recipient); 404 otherwise.
pub async fn load(st: &Shared, id: &str, u: &User) -> Result<(FileSend, Units, Vec<User>)> {
    let id: u64 = id.parse().map_err(|_| Error::NotFound)?;
    let (u, now) = (u.clone(), st.now_ms());
    st.store
        .read(move |txn| {
            let s = super::store::get(txn, id)?.ok_or(Error::NotFound)?;
            if !s.may_view(&u) || s.expires_ms <= now {
                return Err(Error::NotFound);
            }
            Ok((
                s,
                Units::new(crate::auth::store::list_units(txn)?),
                crate::auth::store::list_users(txn)?,
            ))
        })
        .await
}

/// GET /oa/sends/{id}
pub async fn page(
    State(st): State<Shared>,
    mut staff: Staff,
    Path(id): Path<String>,
    Query(q): Query<Done>,
) -> Result<Response> {
    let (mut s, units, users) = load(&st, &id, &staff.user).await?;
    let now = st.now_ms();
    if s.receipts_of(&staff.user).any(|(_, r)| r.opened.is_none()) {
        let (sid, u) = (s.id, staff.user.clone());
        s = st
            .store
            .write(move |txn| {
                let mut s = super::store::get_w(txn, sid)?.ok_or(Error::NotFound)?;
                let mine: Vec<usize> = s.receipts_of(&u).map(|(i, _)| i).collect();
                for i in mine {
                    crate::intranet::documents::model::mark_opened(&mut s.receipts[i], &u, now);
                }
                super::store::put(txn, &s)?;
                Ok(s)
            })
            .await?;
    }
    crate::notify::opened(&st, &mut staff, &super::url(s.id)).await?;
    let u = &staff.user;
    let is_sender = u.id == s.sender;
    let mine: Vec<_> = s.receipts_of(u).map(|(_, r)| r.clone()).collect();
    let unsigned = mine.iter().any(|r| !r.is_signed());
    let total = s.receipts.len();
    let signed = s.receipts.iter().filter(|r| r.is_signed()).count();
    let downloaded = s
        .receipts
        .iter()
        .filter(|r| !r.downloads.is_empty())
        .count();
    let done = match q.done.as_str() {
        "sent" => Some("文件已发送。"),
        "signed" => Some("已签收。"),
        "reminded" => Some("已提醒未签收的收件方。"),
        _ => None,
    };
    let body = html! {
        @if let Some(t) = done { div.notice.ok role="status" { (t) } }
        dl.kv {
            dt { "发件人" } dd { (s.sender_name) "（" (s.sender_unit_name) "）" }
            dt { "发送时间" } dd { (show(s.sent_ms)) }
            dt { "保留至" } dd { (show(s.expires_ms)) }
            @if !s.message.is_empty() { dt { "附言" } dd { (s.message) } }
        }
        h2 { "文件" }
        ul.attachments {
            @for (n, f) in s.files.iter().enumerate() {
                li {
                    a href=(format!("/oa/sends/{}/files/{}", s.id, n)) download { "下载 " (f.name) }
                    " " span.meta { (size_text(f.size)) }
                }
            }
        }
        @if !mine.is_empty() {
            section aria-labelledby="h-receipt" {
                h2 #h-receipt { "我的签收" }
                @if unsigned {
                    form method="post" action=(format!("/oa/sends/{}/sign", s.id)) {
                        (form::csrf(&staff.csrf))
                        button type="submit" { "签收文件" }
                    }
                } @else {
                    @for r in &mine {
                        @if let Some(step) = r.signed() {
                            p { (r.to.label(&units, &users)) "：已于 " (show(step.at_ms)) " 由 " (step.by_name) " 签收" }
                        }
                    }
                }
            }
        }
        @if is_sender {
            section aria-labelledby="h-sent" {
                h2 #h-sent { "接收情况" }
                p { "共 " (total) " 个收件方：已签收 " (signed) "，已下载 " (downloaded) "。" }
                (receipts_table(&s.receipts, &units, &users, now, "各收件方签收与下载情况"))
                @if signed < total {
                    form method="post" action=(format!("/oa/sends/{}/remind", s.id)) {
                        (form::csrf(&staff.csrf))
                        button type="submit" { "提醒未签收的 " (total - signed) " 个收件方" }
                    }
                }
            }
        }
        p { a href="/oa/sends" { "返回收发文件列表" } }
    };
    Ok(html(home::render(
        &st,
        &staff,
        &s.title(),
        "/oa/transfer",
        body,
    )))
}
