//! What every staff page shares: the permission check against facts from the store, the
//! page shell with the registered navigation (`registry`), audit helpers, the session cookie.

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
    let body = match &staff.ctx.kept {
        Some(k) => maud::html! { (kept_notice(k)) (body) },
        None => body,
    };
    let u = &staff.user;
    let nav = st.staff_registry().bar(st, u, staff.ctx.inside);
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
    staff_page(&st.site(), &meta, &bar, body)
}

/// A form kept when its session or page ran out (`http::kept`), back on the page it came
/// from: the message, and the fields for `forms.js` to put back into the form they came
/// from (pages that restore them themselves, like the item form, already show them).
pub fn kept_notice(k: &crate::http::kept::KeptForm) -> Markup {
    let data = serde_json::json!({ "action": k.action, "fields": k.fields }).to_string();
    maud::html! {
        div.notice.ok role="status" #kept-notice { (k.message()) }
        script type="application/json" #kept-form { (crate::views::script_json::ScriptJson::new(&data)) }
    }
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
        min_len: usize::try_from(st.cfg().auth.password_min_len).unwrap_or(10),
        min_classes: usize::try_from(st.cfg().auth.password_min_classes).unwrap_or(3),
    }
}
