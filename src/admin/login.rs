//! Login (用户名 + 密码, then 动态验证码 when enrolled), per-IP throttle of both steps, logout.
//! Who may try now is `auth::lockout`'s rule; every refused login gets the same answer.

use std::sync::atomic::Ordering::Relaxed;

use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use crate::auth::audit::{self, Event, Outcome};
use crate::auth::session::{self, Stage};
use crate::auth::{lockout, password, store as users, totp};
use crate::error::{Error, Result};
use crate::http::extract::{Ctx, Posted};
use crate::http::respond::{html as page, html_invalid, see_other};
use crate::http::{Shared, client};
use crate::views::form::{self, Field, FormState};
use crate::views::{PageMeta, public_page};

#[derive(Deserialize, Default)]
pub struct LoginQuery {
    #[serde(default)]
    setup: String,
    /// Where to go after signing in (a page on this site).
    #[serde(default)]
    next: String,
    /// "1" when a form was kept because the session had ended (`http::kept`).
    #[serde(default)]
    kept: String,
}

/// Where a successful sign-in goes: `next` when it is a page on this site, else 工作台.
fn after_login(next: &str) -> String {
    if crate::http::kept::safe_local(next) && next != "/login" && !next.starts_with("/login?") {
        next.to_owned()
    } else {
        "/admin".to_owned()
    }
}

/// The same query for the code step, so `next` survives it.
fn totp_address(next: &str) -> String {
    let to = after_login(next);
    if to == "/admin" {
        "/login/totp".to_owned()
    } else {
        format!(
            "/login/totp?next={}",
            percent_encoding::utf8_percent_encode(&to, crate::ids::URL_COMPONENT)
        )
    }
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
    // A login form that outlived its token comes back with its user name.
    if let Some(k) = ctx.kept.as_ref().filter(|k| k.action == "/login") {
        fs.values
            .push(("username".into(), k.value("username").to_owned()));
        fs.values.push(("next".into(), k.value("next").to_owned()));
        fs.notice = Some(k.message().into());
    }
    if q.kept == "1" {
        fs.notice = Some("登录已过期，内容已保留，请重新登录后保存。".into());
    }
    fs.values.push(("next".into(), q.next.clone()));
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
                @if !fs.value("next").is_empty() { input type="hidden" name="next" value=(fs.value("next")); }
                // The cursor starts where typing begins: the user name, or the password when
                // the name came back with the answer.
                @let named = !fs.value("username").is_empty();
                (form::field(&Field::new("username", "用户名").autocomplete("username").autofocus(!named), fs))
                (form::field(&Field::new("password", "密码").kind("password").autocomplete("current-password").autofocus(named), fs))
                @let tries = fs.value("_tries");
                @if !tries.is_empty() { p.notice.warn #login-tries role="status" { (tries) } }
                button.primary type="submit" { "登录" }
            }
            p.muted { "连续多次输错后将暂停登录一段时间；如需提前恢复，请联系安全管理员。" }
        }
    };
    let meta = PageMeta {
        title: "工作人员登录".into(),
        column: "登录".into(),
        care: ctx.care,
        ..Default::default()
    };
    public_page(&st.site(), &meta, body)
}

/// Counts an attempt (password or 动态验证码) from this client; false when over the
/// per-minute allowance. IPv6 clients are counted by /64.
fn ip_allowed(st: &Shared, ip: std::net::IpAddr) -> bool {
    let minute = st.now_ms() / 60_000;
    let Ok(mut m) = st.login_throttle.lock() else {
        return true;
    };
    if m.len() > 10_000 {
        m.retain(|_, (w, _)| *w == minute);
    }
    let e = m.entry(client::bucket(ip)).or_insert((minute, 0));
    if e.0 != minute {
        *e = (minute, 0);
    }
    e.1 += 1;
    e.1 <= st.cfg().auth.ip_attempts_per_minute
}

/// The throttle's answer: 429 with the page again.
fn too_many(page: Markup) -> Response {
    let mut r = html_invalid(page);
    *r.status_mut() = axum::http::StatusCode::TOO_MANY_REQUESTS;
    r
}

fn with_cookie(mut r: Response, cookie: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(cookie) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    r
}

/// The one answer to every failed login: unknown user, wrong password, disabled, locked
/// or slowed down all read alike (the audit log keeps the real reason).
const REFUSED: &str = "用户名或密码错误";

enum Verdict {
    Ok { token: String, stage: Stage },
    Refused,
}

pub async fn submit(State(st): State<Shared>, p: Posted) -> Result<Response> {
    let mut fs = FormState {
        // "_"-fields are the page's own messages, never taken from the post.
        values: p
            .kept()
            .into_iter()
            .filter(|(k, _)| !k.starts_with('_'))
            .collect(),
        ..Default::default()
    };
    if !ip_allowed(&st, p.ctx.ip) {
        fs.notice = Some("登录尝试过于频繁，请一分钟后再试。".into());
        return Ok(too_many(login_view(&st, &p.ctx, &fs)));
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
    // Always one argon2 verification (a dummy hash for unknown users), so the time taken
    // does not tell whether the account exists or is locked.
    let hash = user
        .as_ref()
        .map(|u| u.password_hash.clone())
        .unwrap_or_else(|| password::dummy_hash().to_owned());
    let pw_ok = password::verify_async(pw, hash).await? && user.is_some();
    let tries_key = format!("{}\n{}", client::bucket(p.ctx.ip), username.to_lowercase());

    let now = st.now_ms();
    let ip = p.ctx.ip_string();
    let addr = client::bucket(p.ctx.ip);
    let policy = lockout::Policy::from_config(&st.cfg().auth);
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
                return Ok(Verdict::Refused);
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
            if let Err(why) = lockout::admit(&mut u, &addr, now, &policy) {
                users::save_user(txn, &u)?;
                ev.detail = why.detail().into();
                audit::append(txn, ev, now)?;
                return Ok(Verdict::Refused);
            }
            if u.disabled {
                users::save_user(txn, &u)?;
                ev.detail = "账号已停用".into();
                audit::append(txn, ev, now)?;
                return Ok(Verdict::Refused);
            }
            if !pw_ok {
                let locked = lockout::password_failed(&mut u, &addr, now, &policy);
                let in_row = u
                    .login_guard
                    .by_address
                    .iter()
                    .find(|e| e.address == addr)
                    .map_or(0, |e| e.count);
                ev.detail = format!(
                    "密码错误（该地址连续第 {in_row} 次，账号近期共 {} 次）",
                    u.failed_logins
                );
                if locked {
                    ev.detail.push_str("，账号在该地址已锁定");
                }
                users::save_user(txn, &u)?;
                audit::append(txn, ev, now)?;
                return Ok(Verdict::Refused);
            }
            lockout::password_ok(&mut u, &addr);
            let stage = if u.totp_secret.is_some() {
                Stage::NeedTotp
            } else {
                lockout::logged_in(&mut u, &addr, now);
                Stage::Full
            };
            users::save_user(txn, &u)?;
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
            if let Ok(mut m) = st.login_tries.lock() {
                m.remove(&tries_key);
            }
            let to = if stage == Stage::Full {
                st.metrics.logins_ok.fetch_add(1, Relaxed);
                after_login(p.get("next"))
            } else {
                totp_address(p.get("next"))
            };
            Ok(with_cookie(
                see_other(&to),
                &crate::staff::shell::session_cookie(&p.ctx, &token),
            ))
        }
        Verdict::Refused => {
            st.metrics.logins_failed.fetch_add(1, Relaxed);
            // Counted per typed name whether it exists or not, so the count says nothing
            // about which names are real.
            let hint = st.login_tries.lock().ok().and_then(|mut m| {
                if m.len() > 10_000 {
                    m.retain(|_, t| now - t.last_ms <= policy.lock_ms);
                }
                let t = m.entry(tries_key).or_default();
                t.failed(now, &policy);
                t.hint(now, &policy)
            });
            fs.add_error("password", REFUSED);
            if let Some(h) = hint {
                fs.values.push(("_tries".into(), h));
            }
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
                @if !fs.value("next").is_empty() { input type="hidden" name="next" value=(fs.value("next")); }
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
    public_page(&st.site(), &meta, body)
}

fn code_locked_view(st: &Shared, ctx: &Ctx) -> Markup {
    let body = html! {
        section.card.narrow {
            h1 { "两步验证" }
            div.notice.error role="alert" {
                "连续验证失败次数过多，账号已锁定。请稍后重新登录，或联系安全管理员解锁。"
            }
            p { a href="/login" { "返回登录页" } }
        }
    };
    let meta = PageMeta {
        title: "两步验证".into(),
        column: "登录".into(),
        care: ctx.care,
        ..Default::default()
    };
    public_page(&st.site(), &meta, body)
}

pub async fn totp_form(
    State(st): State<Shared>,
    ctx: Ctx,
    Query(q): Query<LoginQuery>,
) -> Result<Response> {
    match &ctx.authed {
        Some(a) if a.session.stage == Stage::NeedTotp => {
            let fs = FormState {
                values: vec![("next".into(), q.next.clone())],
                ..Default::default()
            };
            Ok(page(totp_view(&st, &ctx, &fs)))
        }
        Some(_) => Ok(see_other("/admin")),
        None => Err(Error::LoginRequired),
    }
}

enum CodeVerdict {
    Ok(String),
    Wrong,
    /// Locked now or already: the half-way session is gone.
    Locked,
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
    // The code step is throttled with /login, per client address.
    if !ip_allowed(&st, p.ctx.ip) {
        let fs = FormState {
            notice: Some("验证尝试过于频繁，请一分钟后再试。".into()),
            ..Default::default()
        };
        return Ok(too_many(totp_view(&st, &p.ctx, &fs)));
    }
    let code = p.get("code").to_owned();
    let now = st.now_ms();
    let ip = p.ctx.ip_string();
    let addr = client::bucket(p.ctx.ip);
    let policy = lockout::Policy::from_config(&st.cfg().auth);
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
            if u.locked(now) {
                // Locked while this half-way session waited: it ends, unchecked.
                session::delete(txn, &old_key)?;
                ev.detail = "账号已锁定，未校验动态验证码".into();
                audit::append(txn, ev, now)?;
                return Ok(Some(CodeVerdict::Locked));
            }
            let secret = u.totp_secret.clone().unwrap_or_default();
            match totp::verify(&secret, &code, now / 1000, u.totp_last_step) {
                Some(step) => {
                    u.totp_last_step = step;
                    lockout::code_ok(&mut u);
                    lockout::logged_in(&mut u, &addr, now);
                    users::save_user(txn, &u)?;
                    // A fresh token for the full session, so the half-way one cannot be reused.
                    session::delete(txn, &old_key)?;
                    let (token, _) =
                        session::create(txn, u.id, u.session_epoch, Stage::Full, &ip, now)?;
                    ev.outcome = Outcome::Success;
                    ev.detail = "动态验证码正确，登录成功".into();
                    audit::append(txn, ev, now)?;
                    Ok(Some(CodeVerdict::Ok(token)))
                }
                None => {
                    let locked = lockout::code_failed(&mut u, now, &policy);
                    ev.detail = format!("动态验证码错误（连续第 {} 次）", u.failed_codes);
                    if locked {
                        session::delete(txn, &old_key)?;
                        ev.detail.push_str("，账号已锁定");
                    }
                    users::save_user(txn, &u)?;
                    audit::append(txn, ev, now)?;
                    Ok(Some(if locked {
                        CodeVerdict::Locked
                    } else {
                        CodeVerdict::Wrong
                    }))
                }
            }
        })
        .await?;
    match r {
        None => Err(Error::LoginRequired),
        Some(CodeVerdict::Ok(token)) => {
            st.metrics.logins_ok.fetch_add(1, Relaxed);
            Ok(with_cookie(
                see_other(&after_login(p.get("next"))),
                &crate::staff::shell::session_cookie(&p.ctx, &token),
            ))
        }
        Some(verdict) => {
            st.metrics.logins_failed.fetch_add(1, Relaxed);
            if matches!(verdict, CodeVerdict::Locked) {
                // Whoever is here knew the password: telling them of the lock gives nothing
                // away. The half-way session is gone, so no form: a way back to /login.
                let r = html_invalid(code_locked_view(&st, &p.ctx));
                return Ok(with_cookie(
                    r,
                    &crate::staff::shell::clear_session_cookie(&p.ctx),
                ));
            }
            let mut fs = FormState {
                values: vec![("next".into(), p.get("next").to_owned())],
                ..Default::default()
            };
            fs.add_error("code", "动态验证码不正确或已使用，请输入最新的验证码");
            Ok(html_invalid(totp_view(&st, &p.ctx, &fs)))
        }
    }
}

pub async fn logout(State(st): State<Shared>, p: Posted) -> Result<Response> {
    if let Some(a) = p.ctx.authed.clone() {
        let now = st.now_ms();
        let ev = crate::staff::shell::event(
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
        &crate::staff::shell::clear_session_cookie(&p.ctx),
    ))
}
