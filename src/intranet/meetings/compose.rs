//! Sending a meeting notice (`/oa/meetings/new`) and changing a sent one
//! (`/oa/meetings/{id}/edit`, the sender): the form, its messages beside each field (422),
//! and the write with its notices and audit record in one transaction.

use axum::extract::{Path, State};
use axum::response::Response;
use maud::{Markup, html};

use super::flow::{self as mflow, action};
use super::model::{Change, Meeting, UnitReply};
use super::page::{may, visible};
use super::{form, notices, store};
use crate::auth::audit;
use crate::auth::model::UnitCode;
use crate::auth::permission::{Action, Object};
use crate::auth::units::Units;
use crate::error::{Error, Result};
use crate::flow::instance::Instance;
use crate::http::Shared;
use crate::http::extract::{Posted, Staff};
use crate::http::respond::{html as page, html_invalid, see_other};
use crate::intranet::boxes::{self, BoxKind, Entry};
use crate::intranet::model::{Addressee, person_name};
use crate::intranet::{home, recipients};
use crate::staff::shell::{event, require};
use crate::views::form::{self as vform, FormState};

fn new_view(st: &Shared, s: &Staff, units: &Units, fs: &FormState) -> Markup {
    let body = html! {
        p { a href="/oa/meetings" { "返回会议通知列表" } }
        (home::unclassified_note())
        (vform::notice(fs))
        form.meeting-form method="post" action="/oa/meetings/new" novalidate {
            (vform::csrf(&s.csrf))
            (form::fields(fs))
            (recipients::picker("邀请单位", units, None, false, fs))
            button.primary type="submit" { "发出会议通知" }
        }
    };
    home::render(st, s, "发会议通知", "/oa/meetings", body)
}

async fn units(st: &Shared) -> Result<Units> {
    Ok(Units::new(
        st.store.read(crate::auth::store::list_units).await?,
    ))
}

/// GET /oa/meetings/new
pub async fn new_form(State(st): State<Shared>, s: Staff) -> Result<Response> {
    require(&st, &s, Action::UseIntranet, Object::System).await?;
    let units = units(&st).await?;
    Ok(page(new_view(&st, &s, &units, &FormState::default())))
}

/// POST /oa/meetings/new
pub async fn send(State(st): State<Shared>, p: Posted) -> Result<Response> {
    let s = p.staff(&st)?;
    require(&st, &s, Action::UseIntranet, Object::System).await?;
    let units = units(&st).await?;
    let users = st.store.read(crate::auth::store::list_users).await?;
    let now = st.now_ms();
    let mut fs = FormState {
        values: p.kept(),
        ..Default::default()
    };
    let details = form::read(&mut fs, &p.fields, now, None);
    // Units only: the picker offers no people here.
    let unit_fields: Vec<(String, String)> = p
        .fields
        .iter()
        .filter(|(k, _)| k == recipients::UNIT_FIELD)
        .cloned()
        .collect();
    let mut invited: Vec<UnitCode> = Vec::new();
    if unit_fields.is_empty() {
        fs.add_error(recipients::UNIT_FIELD, "请至少选择一个邀请单位");
    } else {
        match recipients::parse(&unit_fields, &units, &users, None) {
            Ok(to) => {
                invited = to
                    .into_iter()
                    .filter_map(|a| match a {
                        Addressee::Unit(c) => Some(c),
                        Addressee::Person(_) => None,
                    })
                    .collect();
            }
            Err(errs) => {
                for (k, v) in errs {
                    fs.add_error(&k, v);
                }
            }
        }
    }
    let Some(details) = details.filter(|_| !fs.has_errors()) else {
        return Ok(html_invalid(new_view(&st, &s, &units, &fs)));
    };
    let replies: Vec<UnitReply> = invited
        .iter()
        .map(|c| UnitReply::new(c.clone(), units.name(c)))
        .collect();
    let sender_unit_name = units.name(&s.user.unit);
    let user = s.user.clone();
    let ctx = p.ctx.clone();
    let id = st
        .store
        .write(move |txn| {
            let id = crate::store::next_id(txn, store::COUNTER)?;
            let m = Meeting {
                id,
                details,
                sender: user.id,
                sender_name: person_name(&user),
                sender_unit: user.unit.clone(),
                sender_unit_name,
                sent_ms: now,
                updated_ms: now,
                sequence: 0,
                flow: Instance::new(mflow::meeting()),
                changes: Vec::new(),
                replies,
            };
            store::put(txn, &m)?;
            boxes::file(
                txn,
                Entry {
                    kind: BoxKind::Meeting,
                    id,
                    sent_ms: now,
                },
                user.id,
                &m.addressees(),
            )?;
            let all = crate::auth::store::list_users_w(txn)?;
            notices::sent(txn, &m, &all, now)?;
            let names: Vec<&str> = m.replies.iter().map(|r| r.unit_name.as_str()).collect();
            let ev = event(
                &user,
                &ctx,
                "oa_meeting_send",
                format!("meeting:{id}"),
                true,
                format!(
                    "{}（{}），邀请 {} 个单位：{}",
                    m.details.title,
                    form::show_minutes(m.details.start_ms),
                    names.len(),
                    names.join("、")
                ),
            );
            audit::append(txn, ev, now)?;
            Ok(id)
        })
        .await?;
    Ok(see_other(&format!("/oa/meetings/{id}?done=sent")))
}

fn edit_view(st: &Shared, s: &Staff, m: &Meeting, fs: &FormState) -> Markup {
    let names: Vec<&str> = m.replies.iter().map(|r| r.unit_name.as_str()).collect();
    let body = html! {
        p { a href=(m.url()) { "返回会议：" (m.details.title) } }
        (home::unclassified_note())
        p { "邀请单位：" (names.join("、")) "。邀请单位不能修改；如需增加单位，请另发会议通知。" }
        p.hint { "保存后，各邀请单位会收到写明变更内容的通知，日历文件的版本号随之增加。" }
        (vform::notice(fs))
        form.meeting-form method="post" action=(format!("/oa/meetings/{}/edit", m.id)) novalidate {
            (vform::csrf(&s.csrf))
            (form::fields(fs))
            button.primary type="submit" { "保存变更并通知各单位" }
        }
    };
    home::render(st, s, "修改会议", "/oa/meetings", body)
}

/// The meeting, if `s` may change it now (the flow decides: its sender, while not
/// cancelled).
async fn changeable(st: &Shared, s: &Staff, id: &str) -> Result<Meeting> {
    let m = visible(st, s, id).await?;
    if !may(s, &m, action::CHANGE) {
        return Err(if m.is_cancelled() {
            Error::Conflict("会议已取消，不能再修改。".into())
        } else {
            Error::Forbidden("只有会议通知的发起人可以修改会议。".into())
        });
    }
    Ok(m)
}

/// GET /oa/meetings/{id}/edit
pub async fn edit_form(
    State(st): State<Shared>,
    s: Staff,
    Path(id): Path<String>,
) -> Result<Response> {
    let m = changeable(&st, &s, &id).await?;
    Ok(page(edit_view(&st, &s, &m, &form::values(&m.details))))
}

/// POST /oa/meetings/{id}/edit
pub async fn edit(State(st): State<Shared>, Path(id): Path<String>, p: Posted) -> Result<Response> {
    let s = p.staff(&st)?;
    let m = changeable(&st, &s, &id).await?;
    let now = st.now_ms();
    let mut fs = FormState {
        values: p.kept(),
        ..Default::default()
    };
    let Some(after) = form::read(&mut fs, &p.fields, now, Some(&m.details)) else {
        return Ok(html_invalid(edit_view(&st, &s, &m, &fs)));
    };
    let fields = form::changes(&m.details, &after);
    if fields.is_empty() {
        return Ok(see_other(&m.url()));
    }
    let user = s.user.clone();
    let ctx = p.ctx.clone();
    let mid = m.id;
    st.store
        .write(move |txn| {
            let mut m = store::get_w(txn, mid)?.ok_or(Error::NotFound)?;
            let change = Change {
                at_ms: now,
                by_name: person_name(&user),
                fields,
            };
            let summary = change.summary();
            let actor = super::model::meeting_actor(&user, &m);
            crate::flow::apply(
                mflow::meeting(),
                &mut m.flow,
                action::CHANGE,
                &actor,
                &summary,
                now,
            )
            .map_err(|e| Error::Conflict(e.to_string()))?;
            m.details = after;
            m.sequence += 1;
            m.updated_ms = now;
            m.changes.push(change);
            store::put(txn, &m)?;
            let users = crate::auth::store::list_users_w(txn)?;
            notices::changed(txn, &m, &users, &summary, now)?;
            let ev = event(
                &user,
                &ctx,
                "oa_meeting_change",
                format!("meeting:{mid}"),
                true,
                format!("{}：{summary}", m.details.title),
            );
            audit::append(txn, ev, now).map(|_| ())
        })
        .await?;
    Ok(see_other(&format!("/oa/meetings/{mid}?done=changed")))
}
