//! What every staff page shares: the permission check against facts from the store,
//! the navigation built from it, audit helpers.

use maud::Markup;

use crate::auth::audit::{self, Event, Outcome};
use crate::auth::model::{Role, User};
use crate::auth::permission::{Action, Object, SystemFacts, can};
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::{Ctx, Staff};
use crate::views::layout::StaffBar;
use crate::views::{PageMeta, staff_page};

pub async fn facts(st: &Shared) -> Result<SystemFacts> {
    let secadmin_exists = st
        .store
        .read(|txn| crate::auth::store::any_with_role(txn, Role::Secadmin))
        .await?;
    Ok(SystemFacts { secadmin_exists })
}

/// The permission check every staff handler goes through.
pub async fn require(st: &Shared, staff: &Staff, action: Action, object: Object<'_>) -> Result<()> {
    let f = facts(st).await?;
    if can(&staff.user, action, object, f) {
        Ok(())
    } else {
        Err(Error::Forbidden("您没有权限访问此页面。".into()))
    }
}

pub fn roles_label(u: &User) -> String {
    let mut roles: Vec<Role> = u.grants.iter().map(|g| g.role).collect();
    roles.sort();
    roles.dedup();
    if roles.is_empty() {
        return "无角色".into();
    }
    roles
        .iter()
        .map(|r| r.label())
        .collect::<Vec<_>>()
        .join("、")
}

pub fn render(st: &Shared, staff: &Staff, title: &str, body: Markup) -> Markup {
    let f = SystemFacts {
        secadmin_exists: true,
    };
    let mut nav = vec![("/admin", "工作台")];
    let u = &staff.user;
    if can(u, Action::ManageAccounts, Object::System, f) {
        nav.push(("/admin/users", "账号与角色"));
    }
    if can(u, Action::RunSystem, Object::System, f) {
        nav.push(("/admin/units", "组织机构"));
        nav.push(("/admin/system", "系统运行"));
    }
    if can(u, Action::ReadAudit, Object::System, f) {
        nav.push(("/admin/audit", "审计日志"));
    }
    if can(u, Action::ReviewAccountRequests, Object::System, f) {
        nav.push(("/admin/requests", "账号审批"));
    }
    // Scoped permissions start at the units of the user's own grants.
    let anywhere = |a: Action| {
        u.grants
            .iter()
            .any(|g| can(u, a, Object::Unit(std::slice::from_ref(&g.unit)), f))
    };
    if anywhere(Action::WriteContent) {
        nav.push(("/admin/work", "我的工作"));
        nav.push(("/admin/articles", "信息发布"));
    }
    if anywhere(Action::ManageSite) {
        nav.push(("/admin/sites", "站点与栏目"));
    }
    if crate::publishing::checks::rules_admin::nav_allowed(st, u) {
        nav.push(("/admin/checks", "发布检查规则"));
    }
    let bar = StaffBar {
        display_name: &u.display_name,
        roles: roles_label(u),
        csrf: &staff.csrf,
        nav,
        unread: staff.unread,
    };
    let meta = PageMeta {
        title: title.into(),
        column: "管理后台".into(),
        care: staff.ctx.care,
        ..Default::default()
    };
    staff_page(&st.site, &meta, &bar, body)
}

/// An audit event by a signed-in user.
pub fn event(
    user: &User,
    ctx: &Ctx,
    action: &'static str,
    object: String,
    ok: bool,
    detail: String,
) -> Event {
    Event {
        user: user.username.clone(),
        unit: user.unit.to_string(),
        action,
        object,
        ip: ctx.ip_string(),
        outcome: if ok {
            Outcome::Success
        } else {
            Outcome::Failure
        },
        detail,
    }
}

/// Appends one audit record in its own transaction (for events with no other write).
pub async fn record(st: &Shared, ev: Event) -> Result<()> {
    let now = st.now_ms();
    st.store
        .write(move |txn| audit::append(txn, ev, now).map(|_| ()))
        .await
}

/// The session cookie; `Secure` when the client's connection is HTTPS (ours or a trusted
/// proxy's) or `server.secure_cookies` forces it.
pub fn session_cookie(ctx: &Ctx, token: &str) -> String {
    let secure = if ctx.secure_cookies { "; Secure" } else { "" };
    format!(
        "{}={token}; Path=/; HttpOnly; SameSite=Lax{secure}",
        crate::http::extract::SESSION_COOKIE
    )
}

pub fn clear_session_cookie(ctx: &Ctx) -> String {
    let secure = if ctx.secure_cookies { "; Secure" } else { "" };
    format!(
        "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}",
        crate::http::extract::SESSION_COOKIE
    )
}

pub fn policy(st: &Shared) -> crate::auth::model::PasswordPolicy {
    crate::auth::model::PasswordPolicy {
        min_len: usize::try_from(st.cfg.auth.password_min_len).unwrap_or(10),
        min_classes: usize::try_from(st.cfg.auth.password_min_classes).unwrap_or(3),
    }
}
