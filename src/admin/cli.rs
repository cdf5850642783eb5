//! Account commands for the CLI (`gongkai admin create`, `gongkai user add`). They work
//! on the data folder directly, before the server ever ran.

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
