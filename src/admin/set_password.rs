//! The owner's side of a one-time set-password link (`auth::password_link`): open
//! `/set-password?token=…`, choose a password under the usual policy, done. The link then no
//! longer works. Nobody needs to be signed in; the anonymous CSRF cookie guards the form.

use axum::extract::{Query, State};
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use crate::auth::audit::{self, Event, Outcome};
use crate::auth::password_link::{self, Problem};
use crate::auth::{password, store as users};
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::{Ctx, Posted};
use crate::http::respond::{html as page, html_invalid};
use crate::views::form::{self, Field, FormState};
use crate::views::{PageMeta, public_page};

#[derive(Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

fn bad_link(p: Problem) -> Error {
    Error::Forbidden(p.message().into())
}

fn shell(st: &Shared, ctx: &Ctx, title: &str, body: Markup) -> Markup {
    let meta = PageMeta {
        title: title.into(),
        column: "设置密码".into(),
        care: ctx.care,
        ..Default::default()
    };
    public_page(&st.site(), &meta, body)
}

fn view(st: &Shared, ctx: &Ctx, token: &str, username: &str, fs: &FormState) -> Markup {
    let body = html! {
        section.card.narrow {
            h1 { "设置密码" }
            p { "为账号 " strong { (username) } " 设置登录密码。此链接只能使用一次；密码只有您本人知道。" }
            (form::notice(fs))
            form method="post" action="/set-password" novalidate {
                (form::csrf(ctx.csrf()))
                input type="hidden" name="token" value=(token);
                (form::field(&Field::new("new_password", "新密码").kind("password").autocomplete("new-password")
                    .hint("至少 10 个字符，包含大写字母、小写字母、数字、符号中的至少 3 类，且不含用户名"), fs))
                (form::field(&Field::new("new_password2", "确认新密码").kind("password").autocomplete("new-password"), fs))
                button.primary type="submit" { "设置密码" }
            }
        }
    };
    shell(st, ctx, "设置密码", body)
}

pub async fn form(
    State(st): State<Shared>,
    ctx: Ctx,
    Query(q): Query<TokenQuery>,
) -> Result<Response> {
    let now = st.now_ms();
    let t = q.token.clone();
    let (_, u) = st
        .store
        .read(move |txn| password_link::check(txn, &t, now))
        .await?
        .map_err(bad_link)?;
    Ok(page(view(
        &st,
        &ctx,
        &q.token,
        &u.username,
        &FormState::default(),
    )))
}

pub async fn submit(State(st): State<Shared>, p: Posted) -> Result<Response> {
    let token = p.get("token").to_owned();
    let now = st.now_ms();
    let t = token.clone();
    let (_, u) = st
        .store
        .read(move |txn| password_link::check(txn, &t, now))
        .await?
        .map_err(bad_link)?;
    let mut fs = FormState::default();
    let new = p.get("new_password").to_owned();
    if let Err(m) = crate::staff::shell::policy(&st).check(&new, &u.username) {
        fs.add_error("new_password", m);
    } else if new != p.get("new_password2") {
        fs.add_error("new_password2", "两次输入的新密码不一致");
    }
    if fs.has_errors() {
        return Ok(html_invalid(view(&st, &p.ctx, &token, &u.username, &fs)));
    }
    let hash = password::hash_async(new).await?;
    let ip = p.ctx.ip_string();
    let done = st
        .store
        .write(move |txn| {
            let (link, mut u) = match password_link::consume(txn, &token, now)? {
                Ok(x) => x,
                Err(p) => return Ok(Err(p)),
            };
            u.password_hash = hash;
            u.must_change_password = false;
            u.password_changed_ms = now;
            crate::auth::lockout::unlock(&mut u);
            // Whoever may have signed in before the owner chose a password is signed out.
            u.session_epoch += 1;
            users::save_user(txn, &u)?;
            audit::append(
                txn,
                Event {
                    user: u.username.clone(),
                    unit: u.unit.to_string(),
                    action: "password_link_use",
                    object: format!("user:{}", u.username),
                    ip,
                    outcome: Outcome::Success,
                    detail: match link.request {
                        Some(r) => format!("通过一次性链接设置密码（第 {r} 号申请）"),
                        None => "通过一次性链接设置密码".into(),
                    },
                },
                now,
            )?;
            Ok(Ok(u))
        })
        .await?
        .map_err(bad_link)?;
    let body = html! {
        section.card.narrow {
            h1 { "密码已设置" }
            div.notice.ok role="status" { "账号 " (done.username) " 的密码已设置，此链接已失效。" }
            @if done.is_privileged() {
                p { "您的账号担任系统管理员、安全管理员或审计管理员，首次登录后须先在手机上的身份验证器应用中启用两步验证，之后才能进行其他操作。" }
            }
            p { a.button href="/login" { "前往登录" } }
        }
    };
    Ok(page(shell(&st, &p.ctx, "密码已设置", body)))
}
