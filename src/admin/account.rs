//! Account security for every staff member: password change (forced after an admin
//! reset), two-factor enrolment, "log out everywhere".

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::Response;
use maud::{Markup, html};

use crate::auth::audit;
use crate::auth::session::{self, Stage};
use crate::auth::{password, store as users, totp};
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::{Posted, Staff};
use crate::http::respond::{html as page, html_invalid, see_other};
use crate::views::form::{self, Field, FormState};

use crate::staff::shell::{event, render};

fn with_cookie(mut r: Response, cookie: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(cookie) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    r
}

/// Two-factor login may not be turned off: the three separated admin duties always, unit
/// admins when `auth.totp_required_for_admins` is set.
fn totp_mandatory(st: &Shared, u: &crate::auth::model::User) -> bool {
    u.is_privileged() || (st.cfg().auth.totp_required_for_admins && u.is_admin())
}

pub async fn page_view(st: &Shared, s: &Staff, notice: Option<&str>) -> Markup {
    let u = &s.user;
    let body = html! {
        @if let Some(n) = notice { div.notice.ok role="status" { (n) } }
        section.card {
            h2 { "账号信息" }
            dl.kv {
                dt { "用户名" } dd { (u.username) }
                dt { "姓名" } dd { (u.display_name) }
                dt { "所属单位" } dd { (u.unit) }
                dt { "角色" } dd { (crate::staff::shell::roles_label(u)) }
                dt { "密码修改时间" } dd { (crate::clock::show(u.password_changed_ms)) }
            }
            p { a.button href="/account/password" { "修改密码" } }
        }
        section.card {
            h2 { "两步验证（动态验证码）" }
            @if u.totp_secret.is_some() {
                p { "已启用。登录时需输入身份验证器应用中的动态验证码。" }
                @if !totp_mandatory(st, u) {
                    form method="post" action="/account/totp/disable" {
                        (form::csrf(&s.csrf))
                        (form::field(&Field::new("code", "动态验证码").autocomplete("one-time-code"), &FormState::default()))
                        button type="submit" { "停用两步验证" }
                    }
                }
            } @else {
                p { "未启用。启用后，登录除密码外还需手机上的动态验证码。" }
                p { a.button href="/account/totp" { "启用两步验证" } }
            }
        }
        section.card {
            h2 { "登录会话" }
            p { "如怀疑账号在其他设备上登录，可结束除本设备以外的所有会话。" }
            form method="post" action="/account/logout-all" {
                (form::csrf(&s.csrf))
                button type="submit" { "退出其他所有设备" }
            }
        }
    };
    render(st, s, "账号安全", body)
}

pub async fn show(State(st): State<Shared>, s: Staff) -> Result<Response> {
    Ok(page(page_view(&st, &s, None).await))
}

pub async fn logout_all(State(st): State<Shared>, p: Posted) -> Result<Response> {
    let s = p.staff(&st)?;
    let now = st.now_ms();
    let ip = p.ctx.ip_string();
    let ev = event(
        &s.user,
        &p.ctx,
        "logout_everywhere",
        format!("user:{}", s.user.username),
        true,
        String::new(),
    );
    let uid = s.user.id;
    let old = s.session_key.clone();
    let token = st
        .store
        .write(move |txn| {
            let mut u = users::get_user_w(txn, uid)?.ok_or(Error::LoginRequired)?;
            u.session_epoch += 1;
            users::save_user(txn, &u)?;
            session::delete(txn, &old)?;
            let (t, _) = session::create(txn, u.id, u.session_epoch, Stage::Full, &ip, now)?;
            audit::append(txn, ev, now)?;
            Ok(t)
        })
        .await?;
    Ok(with_cookie(
        see_other("/account"),
        &crate::staff::shell::session_cookie(&p.ctx, &token),
    ))
}

fn password_view(st: &Shared, s: &Staff, fs: &FormState) -> Markup {
    let body = html! {
        @if s.user.must_change_password {
            div.notice role="status" { "您的密码由管理员设置或重置，请先设置新密码再继续。" }
        }
        (form::notice(fs))
        form.card.narrow method="post" action="/account/password" novalidate {
            (form::csrf(&s.csrf))
            (form::field(&Field::new("current_password", "当前密码").kind("password").autocomplete("current-password"), fs))
            (form::field(&Field::new("new_password", "新密码").kind("password").autocomplete("new-password")
                .hint("至少 10 个字符，包含大写字母、小写字母、数字、符号中的至少 3 类，且不含用户名"), fs))
            (form::field(&Field::new("new_password2", "确认新密码").kind("password").autocomplete("new-password"), fs))
            button.primary type="submit" { "修改密码" }
        }
    };
    render(st, s, "修改密码", body)
}

pub async fn password_form(State(st): State<Shared>, s: Staff) -> Result<Response> {
    Ok(page(password_view(&st, &s, &FormState::default())))
}

pub async fn password_submit(State(st): State<Shared>, p: Posted) -> Result<Response> {
    let s = p.staff(&st)?;
    let mut fs = FormState::default();
    let cur = p.get("current_password").to_owned();
    let new = p.get("new_password").to_owned();
    if !password::verify_async(cur, s.user.password_hash.clone()).await? {
        fs.add_error("current_password", "当前密码不正确");
    }
    if let Err(m) = crate::staff::shell::policy(&st).check(&new, &s.user.username) {
        fs.add_error("new_password", m);
    } else if new != p.get("new_password2") {
        fs.add_error("new_password2", "两次输入的新密码不一致");
    } else if password::verify_async(new.clone(), s.user.password_hash.clone()).await? {
        fs.add_error("new_password", "新密码不能与当前密码相同");
    }
    if fs.has_errors() {
        return Ok(html_invalid(password_view(&st, &s, &fs)));
    }
    let hash = password::hash_async(new).await?;
    let now = st.now_ms();
    let ip = p.ctx.ip_string();
    let ev = event(
        &s.user,
        &p.ctx,
        "password_change",
        format!("user:{}", s.user.username),
        true,
        String::new(),
    );
    let (uid, old) = (s.user.id, s.session_key.clone());
    let token = st
        .store
        .write(move |txn| {
            let mut u = users::get_user_w(txn, uid)?.ok_or(Error::LoginRequired)?;
            u.password_hash = hash;
            u.must_change_password = false;
            u.password_changed_ms = now;
            // Other sessions end with the old password.
            u.session_epoch += 1;
            users::save_user(txn, &u)?;
            session::delete(txn, &old)?;
            let (t, _) = session::create(txn, u.id, u.session_epoch, Stage::Full, &ip, now)?;
            audit::append(txn, ev, now)?;
            Ok(t)
        })
        .await?;
    Ok(with_cookie(
        see_other("/account"),
        &crate::staff::shell::session_cookie(&p.ctx, &token),
    ))
}

fn totp_view(st: &Shared, s: &Staff, secret: &str, fs: &FormState) -> Markup {
    let uri = totp::uri(&st.cfg().site.name, &s.user.username, secret);
    let grouped: String = secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ");
    let required = s
        .user
        .must_enrol_totp(st.cfg().auth.totp_required_for_admins);
    let body = html! {
        @if required && s.user.is_privileged() {
            div.notice role="status" {
                "按三员分立安全要求，系统管理员、安全管理员、审计管理员账号必须启用两步验证后才能继续。"
                "启用之前，除本页和退出登录外的其他页面都不能使用。"
            }
        } @else if required {
            div.notice role="status" { "按本系统安全策略，管理员账号必须启用两步验证后才能继续。" }
        }
        section.card {
            ol {
                li { "在手机上安装任一身份验证器应用（如 FreeOTP、Google Authenticator、Microsoft Authenticator）。" }
                li { "在应用中选择“手动输入密钥”，账户名填 " strong { (s.user.username) } "，密钥填：" }
            }
            p.secret { code #totp-secret { (grouped) } }
            details { summary { "或使用 otpauth 链接" } p { code.break { (uri) } } }
            (form::notice(fs))
            form method="post" action="/account/totp" novalidate {
                (form::csrf(&s.csrf))
                (form::field(&Field::new("code", "动态验证码").autocomplete("one-time-code").hint("输入应用中显示的 6 位数字以确认"), fs))
                button.primary type="submit" { "启用两步验证" }
            }
        }
    };
    render(st, s, "启用两步验证", body)
}

pub async fn totp_form(State(st): State<Shared>, s: Staff) -> Result<Response> {
    if s.user.totp_secret.is_some() {
        return Ok(see_other("/account"));
    }
    let secret = totp::new_secret();
    let key = s.session_key.clone();
    let sec2 = secret.clone();
    st.store
        .write(move |txn| {
            use redb::ReadableTable;
            let t = txn.open_table(crate::store::tables::SESSIONS)?;
            let cur: Option<session::Session> = match t.get(key.as_str())? {
                Some(v) => serde_json::from_slice(v.value()).ok(),
                None => None,
            };
            drop(t);
            if let Some(mut sess) = cur {
                sess.totp_pending = Some(sec2);
                session::put(txn, &key, &sess)?;
            }
            Ok(())
        })
        .await?;
    Ok(page(totp_view(&st, &s, &secret, &FormState::default())))
}

pub async fn totp_submit(State(st): State<Shared>, p: Posted) -> Result<Response> {
    let s = p.staff(&st)?;
    let Some(a) = p.ctx.authed.clone() else {
        return Err(Error::LoginRequired);
    };
    let Some(secret) = a.session.totp_pending.clone() else {
        return Ok(see_other("/account/totp"));
    };
    let now = st.now_ms();
    let Some(step) = totp::verify(&secret, p.get("code"), now / 1000, 0) else {
        let mut fs = FormState::default();
        fs.add_error(
            "code",
            "动态验证码不正确，请确认手机时间准确后输入最新的验证码",
        );
        return Ok(html_invalid(totp_view(&st, &s, &secret, &fs)));
    };
    let ev = event(
        &s.user,
        &p.ctx,
        "totp_enrol",
        format!("user:{}", s.user.username),
        true,
        String::new(),
    );
    let (uid, key) = (s.user.id, s.session_key.clone());
    st.store
        .write(move |txn| {
            let mut u = users::get_user_w(txn, uid)?.ok_or(Error::LoginRequired)?;
            u.totp_secret = Some(secret);
            u.totp_last_step = step;
            users::save_user(txn, &u)?;
            let mut sess = a.session.clone();
            sess.totp_pending = None;
            session::put(txn, &key, &sess)?;
            audit::append(txn, ev, now).map(|_| ())
        })
        .await?;
    Ok(see_other("/account"))
}

pub async fn totp_disable(State(st): State<Shared>, p: Posted) -> Result<Response> {
    let s = p.staff(&st)?;
    if totp_mandatory(&st, &s.user) {
        return Err(Error::Forbidden(
            "管理员账号必须启用两步验证，不能停用。".into(),
        ));
    }
    let Some(secret) = s.user.totp_secret.clone() else {
        return Ok(see_other("/account"));
    };
    let now = st.now_ms();
    if totp::verify(&secret, p.get("code"), now / 1000, s.user.totp_last_step).is_none() {
        return Ok(html_invalid(
            page_view(&st, &s, Some("动态验证码不正确，两步验证未停用。")).await,
        ));
    }
    let ev = event(
        &s.user,
        &p.ctx,
        "totp_disable",
        format!("user:{}", s.user.username),
        true,
        String::new(),
    );
    let uid = s.user.id;
    st.store
        .write(move |txn| {
            let mut u = users::get_user_w(txn, uid)?.ok_or(Error::LoginRequired)?;
            u.totp_secret = None;
            users::save_user(txn, &u)?;
            audit::append(txn, ev, now).map(|_| ())
        })
        .await?;
    Ok(see_other("/account"))
}
