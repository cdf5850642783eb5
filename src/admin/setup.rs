//! First-run setup through the one-time link printed at start-up.

use axum::extract::{Query, State};
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use crate::auth::audit::{self, Event, Outcome};
use crate::auth::model::{Grant, Role, Unit, UnitCode, UnitKind, Username};
use crate::auth::setup::{self, Check};
use crate::auth::store::{self as users, NewUser};
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::{Ctx, Posted};
use crate::http::respond::{html as page, html_invalid, see_other};
use crate::views::form::{self, Field, FormState};
use crate::views::{PageMeta, public_page};

#[derive(Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

fn bad_link(check: Check) -> Error {
    match check {
        Check::Expired => {
            Error::Forbidden("初始化链接已过期。请重新启动服务，控制台会打印新的链接。".into())
        }
        _ => Error::Forbidden("初始化链接无效或已被使用。".into()),
    }
}

pub async fn form(
    State(st): State<Shared>,
    ctx: Ctx,
    Query(q): Query<TokenQuery>,
) -> Result<Response> {
    let now = st.now_ms();
    let t = q.token.clone();
    let check = st.store.read(move |txn| setup::check(txn, &t, now)).await?;
    if check != Check::Valid {
        return Err(bad_link(check));
    }
    let fs = FormState::default();
    Ok(page(view(&st, &ctx, &q.token, &fs)))
}

fn view(st: &Shared, ctx: &Ctx, token: &str, fs: &FormState) -> Markup {
    let body = html! {
        section.card.narrow {
            h1 { "系统初始化" }
            p { "创建第一个系统管理员账号。此链接只能使用一次。" }
            (form::notice(fs))
            form method="post" action="/setup" novalidate {
                (form::csrf(ctx.csrf()))
                input type="hidden" name="token" value=(token);
                (form::field(&Field::new("username", "用户名").autocomplete("username").hint("3 到 32 个字母、数字、下划线、点或连字符"), fs))
                (form::field(&Field::new("display_name", "姓名"), fs))
                (form::field(&Field::new("password", "密码").kind("password").autocomplete("new-password")
                    .hint("至少 10 个字符，包含大写字母、小写字母、数字、符号中的至少 3 类，且不含用户名"), fs))
                (form::field(&Field::new("password2", "确认密码").kind("password").autocomplete("new-password"), fs))
                button.primary type="submit" { "创建系统管理员" }
            }
        }
    };
    let meta = PageMeta {
        title: "系统初始化".into(),
        column: "系统初始化".into(),
        care: ctx.care,
        ..Default::default()
    };
    public_page(&st.site(), &meta, body)
}

pub async fn submit(State(st): State<Shared>, p: Posted) -> Result<Response> {
    let token = p.get("token").to_owned();
    let mut fs = FormState {
        values: p.kept(),
        ..Default::default()
    };
    let username = Username::parse(p.get("username"));
    if let Err(m) = &username {
        fs.add_error("username", *m);
    }
    let display = p.get("display_name").trim().to_owned();
    if display.is_empty() || display.chars().count() > 32 {
        fs.add_error("display_name", "请填写姓名（不超过 32 个字）");
    }
    let pw = p.get("password").to_owned();
    if let Err(m) = crate::staff::shell::policy(&st).check(&pw, p.get("username")) {
        fs.add_error("password", m);
    } else if pw != p.get("password2") {
        fs.add_error("password2", "两次输入的密码不一致");
    }
    let now = st.now_ms();
    let t = token.clone();
    let check = st.store.read(move |txn| setup::check(txn, &t, now)).await?;
    if check != Check::Valid {
        return Err(bad_link(check));
    }
    let Ok(username) = username else {
        return Ok(html_invalid(view(&st, &p.ctx, &token, &fs)));
    };
    if fs.has_errors() {
        return Ok(html_invalid(view(&st, &p.ctx, &token, &fs)));
    }
    let hash = crate::auth::password::hash_async(pw).await?;
    let site_name = st.cfg().site.name.clone();
    let ip = p.ctx.ip_string();
    let r = st
        .store
        .write(move |txn| {
            create_first_admin(txn, &token, username, display, hash, &site_name, &ip, now)
        })
        .await;
    match r {
        Ok(Ok(())) => Ok(see_other("/login?setup=done")),
        Ok(Err(c)) => Err(bad_link(c)),
        Err(Error::Conflict(m)) => {
            fs.add_error("username", m);
            Ok(html_invalid(view(&st, &p.ctx, p.get("token"), &fs)))
        }
        Err(e) => Err(e),
    }
}

/// The root unit, created with the first administrator when the tree is empty.
pub fn ensure_root_unit(
    txn: &redb::WriteTransaction,
    site_name: &str,
    now: i64,
) -> Result<UnitCode> {
    let units = {
        use redb::ReadableTable;
        let t = txn.open_table(crate::store::tables::UNITS)?;
        t.first()?.map(|(k, _)| k.value().to_owned())
    };
    if let Some(code) = units {
        // The root is the unit without a parent.
        let t = txn.open_table(crate::store::tables::UNITS)?;
        use redb::ReadableTable;
        for row in t.iter()? {
            let (_, v) = row?;
            let u: Unit = serde_json::from_slice(v.value())?;
            if u.parent.is_none() {
                return Ok(u.code);
            }
        }
        return UnitCode::parse(&code).map_err(|e| Error::Internal(e.into()));
    }
    let code = UnitCode::parse("gov").map_err(|e| Error::Internal(e.into()))?;
    let unit = Unit {
        code: code.clone(),
        name: site_name.to_owned(),
        kind: UnitKind::Government,
        parent: None,
        created_ms: now,
        profile: Default::default(),
        retired: false,
    };
    users::create_unit(txn, unit)?.map_err(|e| Error::Internal(e.message))?;
    Ok(code)
}

#[allow(clippy::too_many_arguments)]
fn create_first_admin(
    txn: &redb::WriteTransaction,
    token: &str,
    username: Username,
    display: String,
    hash: String,
    site_name: &str,
    ip: &str,
    now: i64,
) -> Result<std::result::Result<(), Check>> {
    let c = setup::consume(txn, token, now)?;
    if c != Check::Valid {
        return Ok(Err(c));
    }
    if users::any_with_role_w(txn, Role::Sysadmin)? {
        return Ok(Err(Check::Invalid));
    }
    let root = ensure_root_unit(txn, site_name, now)?;
    let name = username.as_str().to_owned();
    let r = users::create_user(
        txn,
        NewUser {
            username,
            display_name: display,
            unit: root.clone(),
            grants: vec![Grant {
                role: Role::Sysadmin,
                unit: root.clone(),
            }],
            password_hash: hash,
            must_change_password: false,
        },
        now,
    )?;
    if let Err(e) = r {
        // Abort the whole transaction so the link stays usable.
        return Err(Error::Conflict(e.message));
    }
    audit::append(
        txn,
        Event {
            user: name.clone(),
            unit: root.to_string(),
            action: "setup_first_admin",
            object: format!("user:{name}"),
            ip: ip.to_owned(),
            outcome: Outcome::Success,
            detail: "通过初始化链接创建系统管理员".into(),
        },
        now,
    )?;
    Ok(Ok(()))
}
