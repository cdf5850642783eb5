//! Signing for a send (签收) and reminding those who have not: each one write transaction
//! with its audit record and notices.

use axum::extract::{Path, State};
use axum::response::Response;

use crate::auth::audit;
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::Posted;
use crate::http::respond::see_other;
use crate::intranet::receipt;
use crate::intranet::recipients;
use crate::notify::store::{NewNotice, NoticeKind};
use crate::staff::shell::event;

fn send_id(id: &str) -> Result<u64> {
    id.parse().map_err(|_| Error::NotFound)
}

/// POST /oa/sends/{id}/sign
pub async fn sign(State(st): State<Shared>, Path(id): Path<String>, p: Posted) -> Result<Response> {
    let staff = p.staff(&st)?;
    let n = send_id(&id)?;
    let (u, now) = (staff.user.clone(), st.now_ms());
    let ev = event(
        &u,
        &p.ctx,
        "oa_send_sign",
        format!("oa_send:{n}"),
        true,
        String::new(),
    );
    let signed = st
        .store
        .write(move |txn| {
            let mut s = super::store::get_w(txn, n)?.ok_or(Error::NotFound)?;
            if !s.may_view(&u) || s.expires_ms <= now {
                return Err(Error::NotFound);
            }
            let done = receipt::sign_mine(&mut s.receipts, &u, s.sender, now)?;
            if done.is_empty() {
                return Ok(false);
            }
            super::store::put(txn, &s)?;
            receipt::settle_signed(txn, &super::url(n), &done)?;
            let ev = audit::Event {
                detail: format!("签收文件：{}", s.title()),
                ..ev
            };
            audit::append(txn, ev, now)?;
            Ok(true)
        })
        .await?;
    if !signed {
        return Err(Error::BadRequest("您已签收过这些文件".into()));
    }
    Ok(see_other(&format!("{}?done=signed", super::url(n))))
}

/// POST /oa/sends/{id}/remind
pub async fn remind(
    State(st): State<Shared>,
    Path(id): Path<String>,
    p: Posted,
) -> Result<Response> {
    let staff = p.staff(&st)?;
    let n = send_id(&id)?;
    let (u, now) = (staff.user.clone(), st.now_ms());
    let ev = event(
        &u,
        &p.ctx,
        "oa_send_remind",
        format!("oa_send:{n}"),
        true,
        String::new(),
    );
    st.store
        .write(move |txn| {
            let mut s = super::store::get_w(txn, n)?.ok_or(Error::NotFound)?;
            if s.sender != u.id || s.expires_ms <= now {
                return Err(Error::NotFound);
            }
            let reminded = receipt::remind_unsigned(&mut s.receipts, &u, s.sender, now)?;
            if reminded.is_empty() {
                return Err(Error::BadRequest("所有收件方都已签收，无需提醒".into()));
            }
            super::store::put(txn, &s)?;
            recipients::tell(
                txn,
                &reminded,
                None,
                &NewNotice {
                    kind: NoticeKind::Other,
                    title: format!("催办：请接收文件 {}", s.title()),
                    text: format!(
                        "{}（{}）提醒您签收并下载",
                        s.sender_name, s.sender_unit_name
                    ),
                    url: super::url(n),
                    due_ms: None,
                },
                now,
            )?;
            let ev = audit::Event {
                detail: format!("{}：提醒 {} 个收件方", s.title(), reminded.len()),
                ..ev
            };
            audit::append(txn, ev, now).map(|_| ())
        })
        .await?;
    Ok(see_other(&format!("{}?done=reminded", super::url(n))))
}
