//! Account commands for the CLI (`gongkai admin create`, `gongkai user add`, `gongkai user
//! reset`). They work on the data folder directly, before the server ever ran. Access to the
//! server is the trust anchor: these commands create and reset accounts of the three separated
//! admin duties at once, with no second admin's approval (which the panel needs,
//! `admin::requests`).

use crate::auth::audit::{self, Event, Outcome};
use crate::auth::model::{Grant, PasswordPolicy, Role, UnitCode, Username};
use crate::auth::password;
use crate::auth::store::{self as users, NewUser};
use crate::clock::Clock;
use crate::config::Config;
use crate::error::Error;
use crate::store::Store;

fn policy(cfg: &Config) -> PasswordPolicy {
    PasswordPolicy {
        min_len: usize::try_from(cfg.auth.password_min_len).unwrap_or(10),
        min_classes: usize::try_from(cfg.auth.password_min_classes).unwrap_or(3),
    }
}

fn cli_event(action: &'static str, object: String, detail: String) -> Event {
    Event {
        user: "命令行".into(),
        unit: String::new(),
        action,
        object,
        ip: String::new(),
        outcome: Outcome::Success,
        detail,
    }
}

/// Creates a system administrator, creating the root unit if the tree is empty.
/// What every account command works on: the data folder, the config and the clock.
pub struct Ctx<'a> {
    pub store: &'a Store,
    pub cfg: &'a Config,
    pub clock: &'a dyn Clock,
}

pub fn create_admin(cx: &Ctx<'_>, username: &str, display: &str, pw: &str) -> Result<(), String> {
    let name = Username::parse(username).map_err(|m| format!("用户名无效：{m}"))?;
    policy(cx.cfg)
        .check(pw, username)
        .map_err(|m| format!("密码不符合要求：{m}"))?;
    let hash = password::hash(pw).map_err(|e| e.to_string())?;
    let site = cx.cfg.site.name.clone();
    let display = display.to_owned();
    let now = crate::clock::to_ms(cx.clock.now());
    cx.store
        .write_blocking(|txn| {
            let root = super::setup::ensure_root_unit(txn, &site, now)?;
            let r = users::create_user(
                txn,
                NewUser {
                    username: name.clone(),
                    display_name: display,
                    unit: root.clone(),
                    grants: vec![Grant {
                        role: Role::Sysadmin,
                        unit: root,
                    }],
                    password_hash: hash,
                    must_change_password: false,
                },
                now,
            )?;
            r.map_err(|e| Error::Conflict(e.message))?;
            audit::append(
                txn,
                cli_event(
                    "admin_create",
                    format!("user:{}", name.as_str()),
                    String::new(),
                ),
                now,
            )?;
            Ok(())
        })
        .map_err(|e| match e {
            Error::Conflict(m) => format!("无法创建：{m}"),
            e => e.to_string(),
        })
}

pub fn add_user(
    cx: &Ctx<'_>,
    username: &str,
    display: &str,
    unit: &str,
    role: &str,
    pw: &str,
) -> Result<(), String> {
    let name = Username::parse(username).map_err(|m| format!("用户名无效：{m}"))?;
    let unit = UnitCode::parse(unit).map_err(|m| format!("单位代码无效：{m}"))?;
    let role = Role::parse(role).ok_or_else(|| {
        format!(
            "角色无效：{role}（可选：{}）",
            Role::ALL
                .iter()
                .map(|r| r.id())
                .collect::<Vec<_>>()
                .join(", ")
        )
    })?;
    policy(cx.cfg)
        .check(pw, username)
        .map_err(|m| format!("密码不符合要求：{m}"))?;
    let hash = password::hash(pw).map_err(|e| e.to_string())?;
    let display = display.to_owned();
    let now = crate::clock::to_ms(cx.clock.now());
    cx.store
        .write_blocking(|txn| {
            let r = users::create_user(
                txn,
                NewUser {
                    username: name.clone(),
                    display_name: display,
                    unit: unit.clone(),
                    grants: vec![Grant {
                        role,
                        unit: unit.clone(),
                    }],
                    password_hash: hash,
                    must_change_password: false,
                },
                now,
            )?;
            r.map_err(|e| Error::Conflict(e.message))?;
            audit::append(
                txn,
                cli_event(
                    "user_create",
                    format!("user:{}", name.as_str()),
                    format!("角色 {} @ {unit}", role.id()),
                ),
                now,
            )?;
            Ok(())
        })
        .map_err(|e| match e {
            Error::Conflict(m) => format!("无法创建：{m}"),
            e => e.to_string(),
        })
}

/// Resets an account from the server: a new password (must be changed at the next login)
/// and/or its two-factor login (enrolled again at the next login). Returns what the operator
/// should tell the owner.
pub fn reset_user(
    cx: &Ctx<'_>,
    username: &str,
    pw: Option<&str>,
    totp: bool,
) -> Result<String, String> {
    if pw.is_none() && !totp {
        return Err(
            "请用 --password-stdin 重置密码，或用 --totp 重置两步验证（可同时使用）".into(),
        );
    }
    let hash = match pw {
        Some(p) => {
            policy(cx.cfg)
                .check(p, username)
                .map_err(|m| format!("密码不符合要求：{m}"))?;
            Some(password::hash(p).map_err(|e| e.to_string())?)
        }
        None => None,
    };
    let now = crate::clock::to_ms(cx.clock.now());
    let name = username.to_owned();
    let u = cx
        .store
        .write_blocking(|txn| {
            let mut u = users::find_user_w(txn, &name)?
                .ok_or_else(|| Error::Conflict(format!("账号 {name} 不存在")))?;
            if let Some(h) = hash {
                u.password_hash = h;
                u.must_change_password = true;
                u.password_changed_ms = now;
                crate::auth::lockout::unlock(&mut u);
                audit::append(
                    txn,
                    cli_event(
                        "password_reset",
                        format!("user:{}", u.username),
                        "命令行重置".into(),
                    ),
                    now,
                )?;
            }
            if totp {
                u.totp_secret = None;
                audit::append(
                    txn,
                    cli_event(
                        "totp_reset",
                        format!("user:{}", u.username),
                        "命令行重置".into(),
                    ),
                    now,
                )?;
            }
            u.session_epoch += 1;
            users::save_user(txn, &u)?;
            Ok(u)
        })
        .map_err(|e| match e {
            Error::Conflict(m) => format!("无法重置：{m}"),
            e => e.to_string(),
        })?;
    let mut out = format!("已重置账号 {}", u.username);
    if pw.is_some() {
        out.push_str("：新密码下次登录后须立即修改");
    }
    if u.must_enrol_totp(cx.cfg.auth.totp_required_for_admins) {
        out.push_str(&format!("。{}", TOTP_NOTE));
    }
    Ok(out)
}

/// What the operator tells the owner of an account of the three duties.
pub const TOTP_NOTE: &str =
    "该账号担任三员之一，首次登录后须先用手机身份验证器应用启用两步验证，才能进行其他操作";

/// Records a CLI operation (e.g. an offline backup) in the audit log.
pub fn audit_cli(cx: &Ctx<'_>, action: &'static str, object: &str) -> Result<(), String> {
    let now = crate::clock::to_ms(cx.clock.now());
    cx.store
        .write_blocking(|txn| {
            audit::append(
                txn,
                cli_event(action, object.to_owned(), String::new()),
                now,
            )
            .map(|_| ())
        })
        .map_err(|e| e.to_string())
}
