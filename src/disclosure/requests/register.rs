//! Registering a request that came in person, by post or by fax (`/admin/gk/requests/new`):
//! staff enter it with its own date of receipt (第三十一条), so its clock runs from that day.
//! The requester's 查询码 and password are shown once, to hand over with the receipt slip.

use axum::extract::State;
use axum::response::Response;
use maud::{Markup, html};

use super::model::Channel;
use super::submit::{self, New};
use super::{access, form, guard};
use crate::auth::permission::Action;
use crate::auth::units::Units;
use crate::disclosure::fields;
use crate::disclosure::units;
use crate::error::Result;
use crate::http::Shared;
use crate::http::extract::{Posted, Staff};
use crate::http::respond::{html as page, html_invalid};
use crate::staff::shell;
use crate::views::form::{Field, FormState, csrf, field, notice, select};

/// The units whose requests this person handles.
pub fn my_units(s: &Staff, all: &Units) -> Vec<(String, String)> {
    units::obligated(all)
        .into_iter()
        .filter(|u| {
            crate::auth::permission::can(
                &s.user,
                Action::HandleDisclosure,
                crate::auth::permission::Object::Unit(&units::handling_path(all, &u.code)),
                crate::auth::permission::SystemFacts {
                    secadmin_exists: true,
                },
            )
        })
        .map(|u| (u.code.to_string(), u.name.clone()))
        .collect()
}

fn view(st: &Shared, s: &Staff, all: &Units, fs: &FormState) -> Markup {
    let channels: Vec<(String, String)> = Channel::ALL
        .iter()
        .filter(|c| **c != Channel::Online)
        .map(|c| (c.id().to_owned(), c.label().to_owned()))
        .collect();
    let body = html! {
        p { a href="/admin/gk/requests" { "返回申请列表" } }
        (notice(fs))
        form method="post" action="/admin/gk/requests/new" novalidate {
            (csrf(&s.csrf))
            (select("unit", "受理机关", &my_units(s, all), fs))
            (select("channel", "申请方式", &channels, fs))
            (field(&Field::new("received_on", "收到日期").kind("date").hint("当面申请为提交之日；邮寄为签收之日"), fs))
            (form::fields(fs))
            button.primary type="submit" { "登记申请" }
        }
    };
    shell::render(st, s, "登记书面申请", body)
}

/// GET /admin/gk/requests/new
pub async fn page_new(State(st): State<Shared>, s: Staff) -> Result<Response> {
    let all = crate::disclosure::page::load_units(&st).await?;
    if my_units(&s, &all).is_empty() {
        return Err(crate::error::Error::Forbidden(
            "您没有办理政府信息公开申请的权限。".into(),
        ));
    }
    Ok(page(view(&st, &s, &all, &FormState::default())))
}

/// POST /admin/gk/requests/new
pub async fn post_new(State(st): State<Shared>, p: Posted) -> Result<Response> {
    let s = p.staff(&st)?;
    let all = crate::disclosure::page::load_units(&st).await?;
    let mine = my_units(&s, &all);
    if mine.is_empty() {
        return Err(crate::error::Error::Forbidden(
            "您没有办理政府信息公开申请的权限。".into(),
        ));
    }
    let mut fs = FormState {
        values: p.kept(),
        ..Default::default()
    };
    let unit = mine
        .iter()
        .find(|(c, _)| c == p.get("unit"))
        .and_then(|(c, _)| crate::auth::model::UnitCode::parse(c).ok());
    if unit.is_none() {
        fs.add_error("unit", "请选择受理机关");
    }
    let channel = Channel::parse(p.get("channel")).filter(|c| *c != Channel::Online);
    if channel.is_none() {
        fs.add_error("channel", "请选择申请方式");
    }
    let now = st.now_ms();
    let day = fields::date(&p.fields, &mut fs, "received_on", "收到日期", true);
    if day.is_some_and(|d| d > super::due::today(now)) {
        fs.add_error("received_on", "收到日期不能晚于今天");
    }
    let parsed = form::read(&p.fields, &mut fs);
    let (Some(unit), Some(channel), Some(day), Some((applicant, wanted, delivery)), false) =
        (unit, channel, day, parsed, fs.has_errors())
    else {
        return Ok(html_invalid(view(&st, &s, &all, &fs)));
    };
    let password = guard::password();
    let pw = password.clone();
    let hash = tokio::task::spawn_blocking(move || crate::auth::password::hash(&pw)).await??;
    let actor = access::actor_for(&s.user, &all, &unit);
    let n = New {
        unit,
        channel,
        applicant,
        wanted,
        delivery,
        received_on: Some(day),
        registered_by: Some(actor),
        ip: p.ctx.ip_string(),
    };
    let issued = st
        .store
        .write(move |txn| submit::store_new(txn, n, &all, hash, password, now))
        .await?;
    let body = html! {
        div.notice.success role="status" { p { "申请已登记，答复期限自收到日期起算。" } }
        p { "请将查询码和查询密码告知申请人（查询密码只显示这一次）：" }
        dl.kv {
            dt { "查询码" } dd { code.big { (guard::show_code(&issued.tracking_code)) } }
            dt { "查询密码" } dd { code.big { (issued.password) } }
        }
        p { a href=(format!("/admin/gk/requests/{}", issued.id)) { "打开这件申请" } }
    };
    Ok(page(shell::render(&st, &s, "申请已登记", body)))
}
