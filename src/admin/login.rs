//! Login (用户名 + 密码, then 动态验证码 when enrolled), lockout, per-IP throttle, logout.

use std::sync::atomic::Ordering::Relaxed;

use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use crate::auth::audit::{self, Event, Outcome};
use crate::auth::session::{self, Stage};
use crate::auth::{password, store as users, totp};
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::{Ctx, Posted};
use crate::http::respond::{html as page, html_invalid, see_other};
use crate::views::form::{self, Field, FormState};
use crate::views::{PageMeta, public_page};

#[derive(Deserialize, Default)]
pub struct LoginQuery {
    #[serde(default)]
    setup: String,
}

pub async fn form(
    State(st): State<Shared>,
    ctx: Ctx,
    Query(q): Query<LoginQuery>,
) -> Result<Response> {
    if ctx
        .authed
        .as_ref()
        .is_some_and(|a| a.session.stage == Stage::Full)
    {
        return Ok(see_other("/admin"));
    }
    let mut fs = FormState::default();
    if q.setup == "done" {
        fs.values
            .push(("_info".into(), "系统管理员已创建，请登录。".into()));
    }
    Ok(page(login_view(&st, &ctx, &fs)))
}

fn login_view(st: &Shared, ctx: &Ctx, fs: &FormState) -> Markup {
    let info = fs.value("_info");
    let body = html! {
        section.card.narrow {
            h1 { "工作人员登录" }
            @if !info.is_empty() { div.notice.ok role="status" { (info) } }
            (form::notice(fs))
            form method="post" action="/login" novalidate {
                (form::csrf(ctx.csrf()))
                (form::field(&Field::new("username", "用户名").autocomplete("username"), fs))
                (form::field(&Field::new("password", "密码").kind("password").autocomplete("current-password"), fs))
                button.primary type="submit" { "登录" }
            }
        }
    };
    let meta = PageMeta {
        title: "工作人员登录".into(),
        column: "登录".into(),
        care: ctx.care,
        ..Default::default()
    };
    public_page(&st.site, &meta, body)
}

/// Counts an attempt for this IP; false when over the per-minute allowance.
fn ip_allowed(st: &Shared, ip: std::net::IpAddr) -> bool {
    let minute = st.now_ms() / 60_000;
    let Ok(mut m) = st.login_throttle.lock() else {
        return true;
    };
    if m.len() > 10_000 {
        m.retain(|_, (w, _)| *w == minute);
    }
    let e = m.entry(ip).or_insert((minute, 0));
    if e.0 != minute {
        *e = (minute, 0);
    }
    e.1 += 1;
    e.1 <= st.cfg.auth.ip_attempts_per_minute
}

fn with_cookie(mut r: Response, cookie: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(cookie) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    r
}

enum Verdict {
    Ok { token: String, stage: Stage },
    Locked { minutes: i64 },
    Bad,
}

pub async fn submit(State(st): State<Shared>, p: Posted) -> Result<Response> {
    let mut fs = FormState {
        values: p.kept(),
        ..Default::default()
    };
    if !ip_allowed(&st, p.ctx.ip) {
        fs.notice = Some("登录尝试过于频繁，请一分钟后再试。".into());
        let mut r = html_invalid(login_view(&st, &p.ctx, &fs));
        *r.status_mut() = axum::http::StatusCode::TOO_MANY_REQUESTS;
        return Ok(r);
    }
    let username = p.get("username").trim().to_owned();
    let pw = p.get("password").to_owned();
    if username.is_empty() {
        fs.add_error("username", "请输入用户名");
    }
    if pw.is_empty() {
        fs.add_error("password", "请输入密码");
    }
    if fs.has_errors() {
        return Ok(html_invalid(login_view(&st, &p.ctx, &fs)));
    }
    let u2 = username.clone();
    let user = st.store.read(move |txn| users::find_user(txn, &u2)).await?;
    let hash = user
        .as_ref()
        .map(|u| u.password_hash.clone())
        .unwrap_or_else(|| password::dummy_hash().to_owned());
    let pw_ok = password::verify_async(pw, hash).await? && user.is_some();

    let now = st.now_ms();
    let ip = p.ctx.ip_string();
    let threshold = u32::try_from(st.cfg.auth.lockout_threshold).unwrap_or(5);
    let lock_ms = i64::try_from(st.cfg.auth.lockout_minutes)
        .unwrap_or(30)
        .saturating_mul(60_000);
    let shown_name: String = username.chars().take(64).collect();
    let verdict = st
        .store
        .write(move |txn| {
            let Some(mut u) = users::find_user_w(txn, &username)? else {
                audit::append(
                    txn,
                    Event {
                        user: shown_name.clone(),
                        unit: String::new(),
                        action: "login",
                        object: format!("user:{shown_name}"),
                        ip: ip.clone(),
                        outcome: Outcome::Failure,
                        detail: "用户名不存在".into(),
                    },
                    now,
                )?;
                return Ok(Verdict::Bad);
            };
            let mut ev = Event {
                user: u.username.clone(),
                unit: u.unit.to_string(),
                action: "login",
                object: format!("user:{}", u.username),
                ip: ip.clone(),
                outcome: Outcome::Failure,
                detail: String::new(),
            };
            if u.locked(now) {
                ev.detail = "账号已锁定".into();
                audit::append(txn, ev, now)?;
                let left = (u.locked_until_ms.unwrap_or(now) - now + 59_999) / 60_000;
                return Ok(Verdict::Locked { minutes: left });
            }
            if u.locked_until_ms.is_some() {
                // The lock has run out: start counting afresh.
                u.locked_until_ms = None;
                u.failed_logins = 0;
            }
            if u.disabled {
                ev.detail = "账号已停用".into();
                audit::append(txn, ev, now)?;
                return Ok(Verdict::Bad);
            }
            if !pw_ok {
                u.failed_logins += 1;
                ev.detail = format!("密码错误（连续第 {} 次）", u.failed_logins);
                let locked = u.failed_logins >= threshold;
                if locked {
                    u.locked_until_ms = Some(now + lock_ms);
                    ev.detail.push_str("，账号已锁定");
                }
                users::save_user(txn, &u)?;
                audit::append(txn, ev, now)?;
                return Ok(if locked {
                    Verdict::Locked {
                        minutes: lock_ms / 60_000,
                    }
                } else {
                    Verdict::Bad
                });
            }
            u.failed_logins = 0;
            users::save_user(txn, &u)?;
            let stage = if u.totp_secret.is_some() {
                Stage::NeedTotp
            } else {
                Stage::Full
            };
            let (token, _) = session::create(txn, u.id, u.session_epoch, stage, &ip, now)?;
            ev.outcome = Outcome::Success;
            ev.detail = if stage == Stage::NeedTotp {
                "密码正确，等待动态验证码".into()
            } else {
                "登录成功".into()
            };
            audit::append(txn, ev, now)?;
            Ok(Verdict::Ok { token, stage })
        })
        .await?;
    match verdict {
        Verdict::Ok { token, stage } => {
            let to = if stage == Stage::Full {
                st.metrics.logins_ok.fetch_add(1, Relaxed);
                "/admin"
            } else {
                "/login/totp"
            };
            Ok(with_cookie(
                see_other(to),
                &super::common::session_cookie(&st, &token),
            ))
        }
        Verdict::Locked { minutes } => {
            st.metrics.logins_failed.fetch_add(1, Relaxed);
            fs.notice = Some(format!(
                "连续登录失败次数过多，账号已锁定，请 {minutes} 分钟后再试或联系安全管理员解锁。"
            ));
            Ok(html_invalid(login_view(&st, &p.ctx, &fs)))
        }
        Verdict::Bad => {
            st.metrics.logins_failed.fetch_add(1, Relaxed);
            fs.add_error("password", "用户名或密码错误");
            Ok(html_invalid(login_view(&st, &p.ctx, &fs)))
        }
    }
}

fn totp_view(st: &Shared, ctx: &Ctx, fs: &FormState) -> Markup {
    let body = html! {
        section.card.narrow {
            h1 { "两步验证" }
            p { "请打开手机上的身份验证器应用，输入显示的 6 位数字。" }
            (form::notice(fs))
            form method="post" action="/login/totp" novalidate {
                (form::csrf(ctx.csrf()))
                (form::field(&Field::new("code", "动态验证码").autocomplete("one-time-code").hint("6 位数字，每 30 秒更新"), fs))
                button.primary type="submit" { "验证" }
            }
        }
    };
    let meta = PageMeta {
        title: "两步验证".into(),
        column: "登录".into(),
        care: ctx.care,
        ..Default::default()
    };
    public_page(&st.site, &meta, body)
}

pub async fn totp_form(State(st): State<Shared>, ctx: Ctx) -> Result<Response> {
    match &ctx.authed {
        Some(a) if a.session.stage == Stage::NeedTotp => {
            Ok(page(totp_view(&st, &ctx, &FormState::default())))
        }
        Some(_) => Ok(see_other("/admin")),
        None => Err(Error::LoginRequired),
    }
}

pub async fn totp_submit(State(st): State<Shared>, p: Posted) -> Result<Response> {
    let Some(a) = p
        .ctx
        .authed
        .clone()
        .filter(|a| a.session.stage == Stage::NeedTotp)
    else {
        return Err(Error::LoginRequired);
    };
    let code = p.get("code").to_owned();
    let now = st.now_ms();
    let ip = p.ctx.ip_string();
    let threshold = u32::try_from(st.cfg.auth.lockout_threshold).unwrap_or(5);
    let lock_ms = i64::try_from(st.cfg.auth.lockout_minutes)
        .unwrap_or(30)
        .saturating_mul(60_000);
    let old_key = a.key.clone();
    let r = st
        .store
        .write(move |txn| {
            let Some(mut u) = users::get_user_w(txn, a.user.id)? else {
                return Ok(None);
            };
            let mut ev = Event {
                user: u.username.clone(),
                unit: u.unit.to_string(),
                action: "login_totp",
                object: format!("user:{}", u.username),
                ip: ip.clone(),
                outcome: Outcome::Failure,
                detail: String::new(),
            };
            let secret = u.totp_secret.clone().unwrap_or_default();
            match totp::verify(&secret, &code, now / 1000, u.totp_last_step) {
                Some(step) if !u.locked(now) => {
                    u.totp_last_step = step;
                    u.failed_logins = 0;
                    users::save_user(txn, &u)?;
                    // A fresh token for the full session, so the half-way one cannot be reused.
                    session::delete(txn, &old_key)?;
                    let (token, _) =
                        session::create(txn, u.id, u.session_epoch, Stage::Full, &ip, now)?;
                    ev.outcome = Outcome::Success;
                    ev.detail = "动态验证码正确，登录成功".into();
                    audit::append(txn, ev, now)?;
                    Ok(Some(Ok(token)))
                }
                _ => {
                    u.failed_logins += 1;
                    ev.detail = "动态验证码错误".into();
                    if u.failed_logins >= threshold {
                        u.locked_until_ms = Some(now + lock_ms);
                        session::delete(txn, &old_key)?;
                        ev.detail.push_str("，账号已锁定");
                    }
                    users::save_user(txn, &u)?;
                    audit::append(txn, ev, now)?;
                    Ok(Some(Err(u.locked(now))))
                }
            }
        })
        .await?;
    match r {
        None => Err(Error::LoginRequired),
        Some(Ok(token)) => {
            st.metrics.logins_ok.fetch_add(1, Relaxed);
            Ok(with_cookie(
                see_other("/admin"),
                &super::common::session_cookie(&st, &token),
            ))
        }
        Some(Err(locked)) => {
            st.metrics.logins_failed.fetch_add(1, Relaxed);
            let mut fs = FormState::default();
            if locked {
                fs.notice = Some("连续验证失败次数过多，账号已锁定。".into());
            } else {
                fs.add_error("code", "动态验证码不正确或已使用，请输入最新的验证码");
            }
            Ok(html_invalid(totp_view(&st, &p.ctx, &fs)))
        }
    }
}

pub async fn logout(State(st): State<Shared>, p: Posted) -> Result<Response> {
    if let Some(a) = p.ctx.authed.clone() {
        let now = st.now_ms();
        let ev = super::common::event(
            &a.user,
            &p.ctx,
            "logout",
            format!("user:{}", a.user.username),
            true,
            String::new(),
        );
        st.store
            .write(move |txn| {
                session::delete(txn, &a.key)?;
                audit::append(txn, ev, now).map(|_| ())
            })
            .await?;
    }
    Ok(with_cookie(
        see_other("/"),
        &super::common::clear_session_cookie(),
    ))
}
