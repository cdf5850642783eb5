//! 账号操作 on one account: reset its password or two-factor login, unlock it, disable or
//! enable it. For the three separated admin duties a reset becomes an account request
//! (`admin::requests`), as `users` explains.

use axum::extract::{Path, State};
use axum::response::Response;

use crate::admin::request_store::Change;
use crate::auth::model::User;
use crate::auth::store as users;
use crate::auth::{audit, lockout, password};
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::{Posted, Staff};
use crate::http::respond::{html as page, html_invalid, see_other};
use crate::views::form::FormState;

use super::requests;
use super::users::{change_user, detail_view, target};
use crate::staff::shell::{event, facts};

/// A random temporary password that satisfies any allowed policy.
fn temp_password() -> String {
    let mut b = [0u8; 9];
    crate::ids::fill_random(&mut b);
    format!("Gk-{}7a", data_encoding::BASE64URL_NOPAD.encode(&b))
}

pub async fn reset_password(
    State(st): State<Shared>,
    Path(id): Path<String>,
    p: Posted,
) -> Result<Response> {
    let (s, u) = target(&st, &p, &id).await?;
    if u.is_privileged() {
        let change = Change::ResetPassword {
            user: u.id,
            username: u.username.clone(),
        };
        return submit_or_show(&st, &s, &p, &u, change).await;
    }
    let temp = temp_password();
    let hash = password::hash_async(temp.clone()).await?;
    let ev = event(
        &s.user,
        &p.ctx,
        "password_reset",
        format!("user:{}", u.username),
        true,
        String::new(),
    );
    let now = st.now_ms();
    let uid = u.id;
    let updated = st
        .store
        .write(move |txn| {
            let mut u = users::get_user_w(txn, uid)?.ok_or(Error::NotFound)?;
            u.password_hash = hash;
            u.must_change_password = true;
            u.session_epoch += 1;
            lockout::unlock(&mut u);
            users::save_user(txn, &u)?;
            audit::append(txn, ev, now)?;
            Ok(u)
        })
        .await?;
    let units = st.store.read(users::list_units).await?;
    let msg = format!("已重置密码。临时密码（只显示这一次）：{temp}　用户登录后须立即修改。");
    Ok(page(detail_view(
        &st,
        &s,
        &updated,
        &units,
        Some(&msg),
        &FormState::default(),
    )))
}

/// Submits a request about `u` and goes to it, or shows why not on the account's page.
async fn submit_or_show(
    st: &Shared,
    s: &Staff,
    p: &Posted,
    u: &User,
    change: Change,
) -> Result<Response> {
    match requests::submit(st, s, &p.ctx, change).await? {
        Ok(rid) => Ok(see_other(&format!("/admin/requests/{rid}"))),
        Err(e) => {
            let units = st.store.read(users::list_units).await?;
            let fs = FormState {
                notice: Some(e.message),
                ..Default::default()
            };
            Ok(html_invalid(detail_view(st, s, u, &units, None, &fs)))
        }
    }
}

/// 重置两步验证: the owner enrols again at the next login. For the three duties a request.
pub async fn reset_totp(
    State(st): State<Shared>,
    Path(id): Path<String>,
    p: Posted,
) -> Result<Response> {
    let (s, u) = target(&st, &p, &id).await?;
    if u.totp_secret.is_none() {
        return Ok(see_other(&format!("/admin/users/{id}")));
    }
    if u.is_privileged() {
        let change = Change::ResetTotp {
            user: u.id,
            username: u.username.clone(),
        };
        return submit_or_show(&st, &s, &p, &u, change).await;
    }
    let ev = event(
        &s.user,
        &p.ctx,
        "totp_reset",
        format!("user:{}", u.username),
        true,
        String::new(),
    );
    let now = st.now_ms();
    let uid = u.id;
    change_user(&st, uid, ev, now, move |u| {
        u.totp_secret = None;
        u.session_epoch += 1;
    })
    .await?;
    Ok(see_other(&format!("/admin/users/{id}?done=totp")))
}

pub async fn unlock(
    State(st): State<Shared>,
    Path(id): Path<String>,
    p: Posted,
) -> Result<Response> {
    let (s, u) = target(&st, &p, &id).await?;
    let ev = event(
        &s.user,
        &p.ctx,
        "user_unlock",
        format!("user:{}", u.username),
        true,
        String::new(),
    );
    let now = st.now_ms();
    let uid = u.id;
    change_user(&st, uid, ev, now, move |u| {
        lockout::unlock(u);
    })
    .await?;
    Ok(see_other(&format!("/admin/users/{id}")))
}

pub async fn toggle_disabled(
    State(st): State<Shared>,
    Path(id): Path<String>,
    p: Posted,
) -> Result<Response> {
    let (s, u) = target(&st, &p, &id).await?;
    if !u.disabled {
        let all = st.store.read(crate::auth::store::list_users).await?;
        if let Some(why) = last_holder(&all, &u) {
            return Err(crate::error::Error::BadRequest(why));
        }
    }
    let action = if u.disabled {
        "user_enable"
    } else {
        "user_disable"
    };
    let ev = event(
        &s.user,
        &p.ctx,
        action,
        format!("user:{}", u.username),
        true,
        String::new(),
    );
    let now = st.now_ms();
    let uid = u.id;
    change_user(&st, uid, ev, now, move |u| {
        u.disabled = !u.disabled;
        u.session_epoch += 1;
    })
    .await?;
    let _ = facts(&st).await?;
    Ok(see_other(&format!("/admin/users/{id}")))
}

/// Why `u` may not be disabled: it is the last enabled 系统管理员 or 安全管理员, without whom
/// nobody could run the system or manage accounts again from the browser.
fn last_holder(all: &[crate::auth::model::User], u: &crate::auth::model::User) -> Option<String> {
    use crate::auth::model::Role;
    [Role::Sysadmin, Role::Secadmin].into_iter().find_map(|role| {
        let others = all
            .iter()
            .any(|x| x.id != u.id && !x.disabled && x.has_role(role));
        (u.has_role(role) && !others).then(|| {
            format!(
                "{}是唯一可用的{}，停用后将无人能在浏览器中完成这项工作。请先为另一位人员授予该角色，再停用此账号。",
                u.display_name,
                role.label()
            )
        })
    })
}
