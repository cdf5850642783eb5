//! What people do to a document: sign for it (签收), remark on it (批阅), remind those who
//! have not signed (催办), pass it on to the units below (转发). Each is one write
//! transaction with its audit record and its notices; a refused step re-shows the page.

use axum::extract::{Path, State};
use axum::response::Response;

use super::model::{Document, Remark};
use crate::auth::audit;
use crate::auth::model::User;
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::Posted;
use crate::http::respond::{html_invalid, see_other};
use crate::intranet::model::{Addressee, person_name};
use crate::intranet::receipt::{self, Receipt};
use crate::intranet::recipients;
use crate::notify::store::{NewNotice, NoticeKind, push};
use crate::staff::shell::event;
use crate::views::form::FormState;

const REMARK_MAX: usize = 2000;

fn doc_id(id: &str) -> Result<u64> {
    id.parse().map_err(|_| Error::NotFound)
}

/// The document for a write, if `u` may see it.
fn for_write(txn: &redb::WriteTransaction, id: u64, u: &User) -> Result<Document> {
    let d = super::store::get_w(txn, id)?.ok_or(Error::NotFound)?;
    if u.id != d.sender && !d.is_recipient(u) {
        return Err(Error::NotFound);
    }
    Ok(d)
}

/// Re-shows the page with `fs` (422).
async fn again(st: &Shared, p: &Posted, id: &str, fs: FormState) -> Result<Response> {
    let mut staff = p.staff(st)?;
    let m = super::view::page_at(st, &mut staff, id, "", &fs).await?;
    Ok(html_invalid(m))
}

/// POST /oa/docs/{id}/sign
pub async fn sign(State(st): State<Shared>, Path(id): Path<String>, p: Posted) -> Result<Response> {
    let staff = p.staff(&st)?;
    let n = doc_id(&id)?;
    let (u, now) = (staff.user.clone(), st.now_ms());
    let ev = event(
        &u,
        &p.ctx,
        "oa_doc_sign",
        format!("oa_doc:{n}"),
        true,
        String::new(),
    );
    let signed = st
        .store
        .write(move |txn| {
            let mut d = for_write(txn, n, &u)?;
            let done = receipt::sign_mine(&mut d.receipts, &u, d.sender, now)?;
            if done.is_empty() {
                return Ok(false);
            }
            super::store::put(txn, &d)?;
            receipt::settle_signed(txn, &super::url(n), &done)?;
            let names: Vec<String> = done.iter().map(Addressee::key).collect();
            let ev = audit::Event {
                detail: format!("《{}》签收：{}", d.title, names.join("、")),
                ..ev
            };
            audit::append(txn, ev, now)?;
            Ok(true)
        })
        .await?;
    if !signed {
        return Err(Error::BadRequest("您已签收过此公文".into()));
    }
    Ok(see_other(&format!("{}?done=signed", super::url(n))))
}

/// POST /oa/docs/{id}/remark
pub async fn remark(
    State(st): State<Shared>,
    Path(id): Path<String>,
    p: Posted,
) -> Result<Response> {
    let staff = p.staff(&st)?;
    let n = doc_id(&id)?;
    let text = p.get("text").trim().to_owned();
    let mut fs = FormState {
        values: p.kept(),
        ..Default::default()
    };
    if text.is_empty() {
        fs.add_error("text", "请填写意见");
    } else if text.chars().count() > REMARK_MAX {
        fs.add_error("text", format!("意见不能超过 {REMARK_MAX} 个字"));
    }
    if fs.has_errors() {
        return again(&st, &p, &id, fs).await;
    }
    let (u, now) = (staff.user.clone(), st.now_ms());
    let ev = event(
        &u,
        &p.ctx,
        "oa_doc_remark",
        format!("oa_doc:{n}"),
        true,
        String::new(),
    );
    st.store
        .write(move |txn| {
            let mut d = for_write(txn, n, &u)?;
            d.remarks.push(Remark {
                at_ms: now,
                by: u.id,
                by_name: person_name(&u),
                by_unit: u.unit.clone(),
                text: text.clone(),
            });
            super::store::put(txn, &d)?;
            if u.id != d.sender {
                push(
                    txn,
                    d.sender,
                    NewNotice {
                        kind: NoticeKind::Other,
                        title: format!("公文有新意见：{}", d.title),
                        text: format!(
                            "{}：{}",
                            person_name(&u),
                            text.chars().take(60).collect::<String>()
                        ),
                        url: super::url(n),
                        due_ms: None,
                    },
                    now,
                )?;
            }
            let ev = audit::Event {
                detail: format!("《{}》", d.title),
                ..ev
            };
            audit::append(txn, ev, now).map(|_| ())
        })
        .await?;
    Ok(see_other(&format!(
        "{}?done=remark#h-remarks",
        super::url(n)
    )))
}

/// POST /oa/docs/{id}/remind — the sender reminds every recipient not yet signed.
pub async fn remind(
    State(st): State<Shared>,
    Path(id): Path<String>,
    p: Posted,
) -> Result<Response> {
    let staff = p.staff(&st)?;
    let n = doc_id(&id)?;
    let (u, now) = (staff.user.clone(), st.now_ms());
    let ev = event(
        &u,
        &p.ctx,
        "oa_doc_remind",
        format!("oa_doc:{n}"),
        true,
        String::new(),
    );
    st.store
        .write(move |txn| {
            let mut d = for_write(txn, n, &u)?;
            if d.sender != u.id {
                return Err(Error::NotFound);
            }
            let reminded = receipt::remind_unsigned(&mut d.receipts, &u, d.sender, now)?;
            if reminded.is_empty() {
                return Err(Error::BadRequest("所有收文方都已签收，无需催办".into()));
            }
            super::store::put(txn, &d)?;
            recipients::tell(
                txn,
                &reminded,
                None,
                &NewNotice {
                    kind: NoticeKind::Other,
                    title: format!("催办：请尽快签收公文《{}》", d.title),
                    text: format!("{}（{}）提醒签收", d.sender_name, d.sender_unit_name),
                    url: super::url(n),
                    due_ms: d.receipts.iter().find_map(|r| r.due_ms),
                },
                now,
            )?;
            let ev = audit::Event {
                detail: format!("《{}》催办 {} 个收文方", d.title, reminded.len()),
                ..ev
            };
            audit::append(txn, ev, now).map(|_| ())
        })
        .await?;
    Ok(see_other(&format!("{}?done=reminded", super::url(n))))
}

/// POST /oa/docs/{id}/forward — a unit that signed passes the document on to units below it.
pub async fn forward(
    State(st): State<Shared>,
    Path(id): Path<String>,
    p: Posted,
) -> Result<Response> {
    let staff = p.staff(&st)?;
    let n = doc_id(&id)?;
    let (units, users) = super::send::people(&st).await?;
    let u = staff.user.clone();
    let note = p.get("note").trim().to_owned();
    let mut fs = FormState {
        values: p.kept(),
        ..Default::default()
    };
    let to = match recipients::parse(&p.fields, &units, &users, Some(&u.unit)) {
        Ok(to) => to,
        Err(errs) => {
            fs.errors.extend(errs);
            Vec::new()
        }
    };
    if note.chars().count() > REMARK_MAX {
        fs.add_error("note", format!("转发说明不能超过 {REMARK_MAX} 个字"));
    }
    if fs.has_errors() {
        return again(&st, &p, &id, fs).await;
    }
    let now = st.now_ms();
    let cal = st.calendar();
    let unit_name = units.name(&u.unit);
    let ev = event(
        &u,
        &p.ctx,
        "oa_doc_forward",
        format!("oa_doc:{n}"),
        true,
        String::new(),
    );
    let child = st
        .store
        .write(move |txn| {
            let mut parent = for_write(txn, n, &u)?;
            let mine = parent
                .receipts
                .iter()
                .find(|r| r.to == Addressee::Unit(u.unit.clone()))
                .ok_or_else(|| Error::Forbidden("只有收文单位可以转发此公文".into()))?;
            if !mine.is_signed() {
                return Err(Error::BadRequest("请先签收，再转发".into()));
            }
            let id = crate::store::next_id(txn, "oa_doc")?;
            let due = parent.urgency.sign_by(now, &cal);
            let d = Document {
                id,
                sender: u.id,
                sender_name: person_name(&u),
                sender_unit: u.unit.clone(),
                sender_unit_name: unit_name,
                sent_ms: now,
                receipts: to.iter().map(|a| Receipt::new(a.clone(), due)).collect(),
                remarks: Vec::new(),
                forwarded_from: Some(n),
                forwards: Vec::new(),
                forward_note: note,
                ..parent.clone()
            };
            super::send::deliver(txn, &d, now)?;
            parent.forwards.push(id);
            super::store::put(txn, &parent)?;
            let ev = audit::Event {
                detail: format!(
                    "《{}》转发给 {} 个下级单位，转发件 oa_doc:{id}",
                    d.title,
                    to.len()
                ),
                ..ev
            };
            audit::append(txn, ev, now)?;
            Ok(id)
        })
        .await?;
    Ok(see_other(&format!("{}?done=forwarded", super::url(child))))
}
