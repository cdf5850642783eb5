//! Accounts and roles, run by the 安全管理员. While no 安全管理员 exists yet, the
//! system administrator may create that one account (first-run bootstrap).
//!
//! 三员分立 in practice: creating an account with one of the three separated admin duties,
//! changing the roles of an account that holds or would hold one, and resetting the password
//! or two-factor login of such an account become account requests (`admin::requests`) that
//! take effect only when a second admin approves them. Such accounts never get a password
//! from an admin: the owner sets it through a one-time link. Ordinary accounts are changed at
//! once, and a password reset shows a temporary password as before.

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use maud::{Markup, html};

use crate::admin::request_store::{self as account_requests, Change};
use crate::auth::model::{Grant, Role, Unit, UnitCode, User, Username, check_separation};
use crate::auth::permission::{Action, Object};
use crate::auth::store::{self as users, NewUser};
use crate::auth::units::Units;
use crate::auth::{audit, lockout, password, password_link};
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::{Posted, Staff};
use crate::http::respond::{html as page, html_invalid, see_other};
use crate::views::form::{self, Field, FormState};

use super::requests::{self, ShownLink};
use super::user_filter::{self, UserQuery};
use crate::staff::shell::{event, render, require, roles_label};

/// ManageAccounts, or the bootstrap exception when `bootstrap_ok`.
async fn may_manage(st: &Shared, s: &Staff, bootstrap_ok: bool) -> Result<bool> {
    if require(st, s, Action::ManageAccounts, Object::System)
        .await
        .is_ok()
    {
        return Ok(false);
    }
    if bootstrap_ok
        && require(st, s, Action::BootstrapSecadmin, Object::System)
            .await
            .is_ok()
    {
        return Ok(true);
    }
    Err(Error::Forbidden("您没有权限管理账号。".into()))
}

fn status_label(u: &User, now: i64) -> &'static str {
    if u.disabled {
        "已停用"
    } else if u.locked(now) {
        "已锁定"
    } else if lockout::locked_addresses(u, now) > 0 {
        "部分地址已锁定"
    } else if u.must_change_password {
        "须修改密码"
    } else {
        "正常"
    }
}

/// When the account last signed in, or 从未登录.
pub(super) fn last_login(u: &User) -> String {
    u.last_login_ms
        .map_or_else(|| "从未登录".to_owned(), crate::clock::show)
}

/// Wrong passwords (account-wide, since the last quiet spell) and wrong 动态验证码 in a row.
fn failures(u: &User) -> String {
    if u.failed_codes == 0 {
        u.failed_logins.to_string()
    } else {
        format!("{}（动态验证码 {}）", u.failed_logins, u.failed_codes)
    }
}

/// 账号与角色: every account, filtered by unit (with the units under it), role, state and
/// name (`user_filter`), `user_filter::PAGE` a page.
pub async fn list(
    State(st): State<Shared>,
    s: Staff,
    Query(q): Query<UserQuery>,
) -> Result<Response> {
    require(&st, &s, Action::ManageAccounts, Object::System).await?;
    let (all, units) = st
        .store
        .read(|txn| Ok((users::list_users(txn)?, users::list_units(txn)?)))
        .await?;
    let now = st.now_ms();
    let (filter, fs) = user_filter::parse(&q, &units);
    let rows: Vec<&User> = all
        .iter()
        .filter(|u| filter.matches(u, &units, now))
        .collect();
    let pages = rows.len().div_ceil(user_filter::PAGE).max(1);
    let page_no = filter.page.min(pages);
    let shown: Vec<&User> = rows
        .iter()
        .skip((page_no - 1) * user_filter::PAGE)
        .take(user_filter::PAGE)
        .copied()
        .collect();
    let tree = Units::new(units);
    let href = |n: usize| {
        let q = filter.query(n);
        if q.is_empty() {
            "/admin/users".to_owned()
        } else {
            format!("/admin/users?{q}")
        }
    };
    let mut unit_choices = vec![(String::new(), "全部单位".to_owned())];
    unit_choices.extend(unit_options(&tree.units));
    let body = html! {
        p.actions {
            a.button href="/admin/users/new" { "新建账号" }
            " "
            a.button href=(super::user_import::PATH) { "批量导入账号" }
        }
        @if !fs.errors.is_empty() { div.notice.error role="alert" { "筛选条件有误，请按提示修改；有误的条件未生效。" } }
        form.filter method="get" action="/admin/users" {
            (form::select("unit", "所属单位（含下级单位）", &unit_choices, &fs))
            (form::select("role", "角色", &user_filter::role_options(), &fs))
            (form::select("state", "状态", &user_filter::state_options(), &fs))
            (form::field(&Field::new("q", "用户名或姓名包含").kind("search").optional(), &fs))
            button type="submit" { "筛选" }
            @if filter.any() { " " a href="/admin/users" { "清除筛选" } }
        }
        table.data.cards {
            caption {
                @if filter.any() { "符合条件的账号 " (rows.len()) " 个" } @else { "共 " (rows.len()) " 个账号" }
                @if pages > 1 { "，第 " (page_no) " 页 / 共 " (pages) " 页" }
            }
            thead { tr {
                th scope="col" { "用户名" } th scope="col" { "姓名" } th scope="col" { "单位" } th scope="col" { "角色" }
                th scope="col" { "两步验证" } th scope="col" { "状态" } th scope="col" { "最近登录" } th scope="col" { "登录失败次数" }
            } }
            tbody {
                @for u in &shown {
                    tr {
                        td.card-title { a href=(format!("/admin/users/{}", u.id)) { (u.username) } }
                        td data-label="姓名" { (u.display_name) }
                        td data-label="单位" { (tree.name(&u.unit)) }
                        td data-label="角色" { (roles_label(u)) }
                        td data-label="两步验证" { @if u.totp_secret.is_some() { "已启用" } @else { "未启用" } }
                        td data-label="状态" { (status_label(u, now)) }
                        td data-label="最近登录" { (last_login(u)) }
                        td data-label="登录失败次数" { (failures(u)) }
                    }
                }
                @if shown.is_empty() { tr { td colspan="8" { "没有符合条件的账号。" } } }
            }
        }
        @if pages > 1 {
            nav.pager aria-label="分页" {
                @if page_no > 1 { a href=(href(page_no - 1)) rel="prev" { "上一页" } }
                span { "第 " (page_no) " 页 / 共 " (pages) " 页" }
                @if page_no < pages { a href=(href(page_no + 1)) rel="next" { "下一页" } }
            }
        }
    };
    let view = render(&st, &s, "账号与角色", body);
    Ok(if fs.errors.is_empty() {
        page(view)
    } else {
        html_invalid(view)
    })
}

/// The units a new account may belong to: every one not retired.
fn unit_options(units: &[Unit]) -> Vec<(String, String)> {
    users::tree_order(units)
        .into_iter()
        .filter(|(_, u)| !u.retired)
        .map(|(d, u)| {
            (
                u.code.to_string(),
                format!("{}{}（{}）", "　".repeat(d), u.name, u.code),
            )
        })
        .collect()
}

fn role_options(bootstrap: bool) -> Vec<(String, String)> {
    Role::ALL
        .iter()
        .filter(|r| !bootstrap || **r == Role::Secadmin)
        .map(|r| (r.id().to_owned(), r.label().to_owned()))
        .collect()
}

fn new_view(st: &Shared, s: &Staff, units: &[Unit], bootstrap: bool, fs: &FormState) -> Markup {
    let body = html! {
        @if bootstrap {
            div.notice role="status" { "系统尚无安全管理员。请先创建安全管理员账号，此后账号与角色由安全管理员管理。" }
        }
        (form::notice(fs))
        form.card.narrow method="post" action="/admin/users/new" novalidate {
            (form::csrf(&s.csrf))
            (form::field(&Field::new("username", "用户名").hint("3 到 32 个字母、数字、下划线、点或连字符"), fs))
            (form::field(&Field::new("display_name", "姓名"), fs))
            (form::select("unit", "所属单位", &unit_options(units), fs))
            (form::select("role", "角色", &role_options(bootstrap), fs))
            @if bootstrap {
                p.hint { "安全管理员账号不设初始密码：创建后系统生成一次性设置密码链接，由本人打开后自行设置。" }
            } @else {
                (form::field(&Field::new("password", "初始密码").kind("password").autocomplete("new-password").optional()
                    .hint("普通账号填写，用户首次登录后须修改密码。系统管理员、安全管理员、审计管理员账号请留空：须经另一位管理员批准，批准后由本人通过一次性链接设置密码"), fs))
            }
            button.primary type="submit" { "创建账号" }
        }
    };
    render(st, s, "新建账号", body)
}

pub async fn new_form(State(st): State<Shared>, s: Staff) -> Result<Response> {
    let bootstrap = may_manage(&st, &s, true).await?;
    let units = st.store.read(users::list_units).await?;
    Ok(page(new_view(
        &st,
        &s,
        &units,
        bootstrap,
        &FormState::default(),
    )))
}

pub async fn new_submit(
    State(st): State<Shared>,
    headers: HeaderMap,
    p: Posted,
) -> Result<Response> {
    let s = p.staff(&st)?;
    let bootstrap = may_manage(&st, &s, true).await?;
    let units = st.store.read(users::list_units).await?;
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
    let unit = UnitCode::parse(p.get("unit"))
        .ok()
        .filter(|c| units.iter().any(|u| &u.code == c && !u.retired));
    if unit.is_none() {
        fs.add_error("unit", "请选择所属单位");
    }
    let role = Role::parse(p.get("role")).filter(|r| !bootstrap || *r == Role::Secadmin);
    if role.is_none() {
        fs.add_error("role", "请选择角色");
    }
    let pw = p.get("password").to_owned();
    let privileged = role.is_some_and(Role::is_separated_admin);
    if privileged {
        if !pw.is_empty() {
            fs.add_error(
                "password",
                "系统管理员、安全管理员、审计管理员账号不由管理员设置密码，请留空：批准后由本人通过一次性链接设置",
            );
        }
    } else if let Err(m) = crate::staff::shell::policy(&st).check(&pw, p.get("username")) {
        fs.add_error("password", m);
    }
    let (Ok(username), Some(unit), Some(role), false) = (username, unit, role, fs.has_errors())
    else {
        return Ok(html_invalid(new_view(&st, &s, &units, bootstrap, &fs)));
    };
    if privileged {
        return create_privileged(
            &st, &s, &p, &headers, &units, bootstrap, fs, username, display, unit, role,
        )
        .await;
    }
    let hash = password::hash_async(pw).await?;
    let now = st.now_ms();
    let name = username.as_str().to_owned();
    let ev = event(
        &s.user,
        &p.ctx,
        "user_create",
        format!("user:{name}"),
        true,
        format!("角色 {} @ {}", role.id(), unit),
    );
    let r = st
        .store
        .write(move |txn| {
            let r = users::create_user(
                txn,
                NewUser {
                    username,
                    display_name: display,
                    unit: unit.clone(),
                    grants: vec![Grant { role, unit }],
                    password_hash: hash,
                    must_change_password: true,
                },
                now,
            )?;
            if r.is_ok() {
                audit::append(txn, ev, now)?;
            }
            Ok(r)
        })
        .await?;
    match r {
        Ok(id) => Ok(see_other(&format!("/admin/users/{id}"))),
        Err(e) => {
            fs.add_error(e.field, e.message);
            Ok(html_invalid(new_view(&st, &s, &units, bootstrap, &fs)))
        }
    }
}

/// A new account with one of the three duties: a request for a second admin to approve,
/// except the first-run bootstrap (the system administrator creating the first security
/// administrator while nobody holds a different duty who could approve), which is made at
/// once. Either way the owner sets the password through a one-time link.
#[allow(clippy::too_many_arguments)]
async fn create_privileged(
    st: &Shared,
    s: &Staff,
    p: &Posted,
    headers: &HeaderMap,
    units: &[Unit],
    bootstrap: bool,
    mut fs: FormState,
    username: Username,
    display: String,
    unit: UnitCode,
    role: Role,
) -> Result<Response> {
    let grants = vec![Grant {
        role,
        unit: unit.clone(),
    }];
    let nobody_to_approve = bootstrap
        && !st
            .store
            .read(|txn| crate::auth::store::any_with_role(txn, Role::Auditor))
            .await?;
    if !nobody_to_approve {
        let change = Change::CreateAccount {
            username: username.as_str().to_owned(),
            display_name: display,
            unit,
            grants,
        };
        return match requests::submit(st, s, &p.ctx, change).await? {
            Ok(id) => Ok(see_other(&format!("/admin/requests/{id}"))),
            Err(e) => {
                fs.add_error(e.field, e.message);
                Ok(html_invalid(new_view(st, s, units, bootstrap, &fs)))
            }
        };
    }
    let unusable = password::hash_async(crate::ids::random_token()).await?;
    let now = st.now_ms();
    let name = username.as_str().to_owned();
    let ev = event(
        &s.user,
        &p.ctx,
        "user_create",
        format!("user:{name}"),
        true,
        format!("角色 {} @ {}（初始化：首个安全管理员）", role.id(), unit),
    );
    let mut issued = event(
        &s.user,
        &p.ctx,
        "password_link_issue",
        format!("user:{name}"),
        true,
        format!(
            "签发一次性设置密码链接，{} 小时内有效",
            password_link::VALID_MS / 3_600_000
        ),
    );
    issued.unit = s.user.unit.to_string();
    let r = st
        .store
        .write(move |txn| {
            let r = users::create_user(
                txn,
                NewUser {
                    username,
                    display_name: display,
                    unit,
                    grants,
                    password_hash: unusable,
                    must_change_password: false,
                },
                now,
            )?;
            let Ok(id) = r else {
                return Ok(r.map(|_| String::new()));
            };
            audit::append(txn, ev, now)?;
            let token = password_link::issue(txn, id, None, now)?;
            audit::append(txn, issued, now)?;
            Ok(Ok(token))
        })
        .await?;
    match r {
        Ok(token) => {
            let link = ShownLink::new(st, headers, &token, &name);
            let body = html! {
                div.notice.ok role="status" { "已创建安全管理员账号 " (name) "。此后账号与角色由安全管理员管理；涉及三员账号的变更须经另一位管理员批准。" }
                (link.card())
                p { a href="/admin" { "返回工作台" } }
            };
            Ok(page(render(st, s, "新建账号", body)))
        }
        Err(e) => {
            fs.add_error(e.field, e.message);
            Ok(html_invalid(new_view(st, s, units, bootstrap, &fs)))
        }
    }
}

async fn load(st: &Shared, id: &str) -> Result<User> {
    let id: u64 = id.parse().map_err(|_| Error::NotFound)?;
    st.store
        .read(move |txn| users::get_user(txn, id))
        .await?
        .ok_or(Error::NotFound)
}

pub(super) fn detail_view(
    st: &Shared,
    s: &Staff,
    u: &User,
    units: &[Unit],
    notice: Option<&str>,
    fs: &FormState,
) -> Markup {
    let now = st.now_ms();
    let scope = u
        .grants
        .first()
        .map(|g| g.unit.to_string())
        .unwrap_or_else(|| u.unit.to_string());
    let mut scope_state = fs.clone();
    if scope_state.value("scope").is_empty() {
        scope_state.values.push(("scope".into(), scope));
    }
    let own = u.id == s.user.id;
    let body = html! {
        @if let Some(n) = notice { div.notice.ok role="status" { (n) } }
        (form::notice(fs))
        section.card {
            dl.kv {
                dt { "用户名" } dd { (u.username) }
                dt { "姓名" } dd { (u.display_name) }
                dt { "所属单位" } dd { (u.unit) }
                dt { "角色" } dd { (roles_label(u)) }
                dt { "状态" } dd { (status_label(u, now)) }
                dt { "两步验证" } dd { @if u.totp_secret.is_some() { "已启用" } @else { "未启用" } }
                dt { "最近登录" } dd { (last_login(u)) }
                dt { "登录失败次数" } dd { (failures(u)) }
                dt { "创建时间" } dd { (crate::clock::show(u.created_ms)) }
            }
        }
        @if u.is_privileged() {
            p.notice role="status" { "此账号担任" (roles_label(u)) "。按三员分立要求，修改其角色、重置其密码或两步验证须经另一位担任不同管理员角色的人批准后才生效；密码由本人通过一次性链接设置。" }
        }
        @if !own {
            section.card {
                h2 { "角色" }
                form method="post" action=(format!("/admin/users/{}/roles", u.id)) {
                    (form::csrf(&s.csrf))
                    fieldset {
                        legend { "授予的角色（系统管理员、安全管理员、审计管理员三者只能选其一）" }
                        @if let Some(e) = fs.error("role") { p.error role="alert" { (e) } }
                        @for r in Role::ALL {
                            div.check {
                                input type="checkbox" id=(format!("role-{}", r.id())) name="role" value=(r.id()) checked[u.has_role(r)];
                                label for=(format!("role-{}", r.id())) { (r.label()) }
                            }
                        }
                    }
                    (form::select("scope", "授权范围（该单位及其下级单位）", &unit_options(units), &scope_state))
                    button type="submit" { "保存角色" }
                }
            }
            section.card {
                h2 { "账号操作" }
                div.actions {
                    form.inline method="post" action=(format!("/admin/users/{}/reset-password", u.id)) {
                        (form::csrf(&s.csrf)) button type="submit" { "重置密码" }
                    }
                    @if lockout::needs_unlock(u, now) {
                        form.inline method="post" action=(format!("/admin/users/{}/unlock", u.id)) {
                            (form::csrf(&s.csrf)) button type="submit" { "解除锁定" }
                        }
                    }
                    form.inline method="post" action=(format!("/admin/users/{}/disable", u.id)) {
                        (form::csrf(&s.csrf))
                        button type="submit" { @if u.disabled { "启用账号" } @else { "停用账号" } }
                    }
                }
            }
            section.card #reset-totp {
                h2 { "两步验证" }
                @if u.totp_secret.is_some() {
                    p { "此账号已启用两步验证。本人更换或丢失手机、无法取得动态验证码时，可重置两步验证：原身份验证器立即失效，此账号已登录的会话全部退出，本人下次登录时须重新绑定身份验证器。请先核实确是本人提出。" }
                    form method="post" action=(format!("/admin/users/{}/reset-totp", u.id)) {
                        (form::csrf(&s.csrf))
                        button type="submit" { "确认重置两步验证" }
                    }
                } @else {
                    p { "此账号未启用两步验证，无需重置。" }
                }
            }
        }
    };
    render(st, s, &format!("账号：{}", u.username), body)
}

#[derive(serde::Deserialize, Default)]
pub struct DetailQuery {
    /// What was just done (`totp`: two-factor login reset).
    #[serde(default)]
    done: String,
}

pub async fn detail(
    State(st): State<Shared>,
    s: Staff,
    Path(id): Path<String>,
    Query(q): Query<DetailQuery>,
) -> Result<Response> {
    require(&st, &s, Action::ManageAccounts, Object::System).await?;
    let u = load(&st, &id).await?;
    let units = st.store.read(users::list_units).await?;
    let notice = (q.done == "totp").then_some(
        "已重置两步验证：原身份验证器已失效，此账号的会话已全部退出。本人下次登录时须重新绑定身份验证器。",
    );
    Ok(page(detail_view(
        &st,
        &s,
        &u,
        &units,
        notice,
        &FormState::default(),
    )))
}

/// Loads the target account for a change by a 安全管理员, refusing changes to oneself.
pub(super) async fn target(st: &Shared, p: &Posted, id: &str) -> Result<(Staff, User)> {
    let s = p.staff(st)?;
    require(st, &s, Action::ManageAccounts, Object::System).await?;
    let u = load(st, id).await?;
    if u.id == s.user.id {
        return Err(Error::Forbidden(
            "不能修改自己的角色或状态，请由另一位安全管理员操作。".into(),
        ));
    }
    Ok((s, u))
}

pub async fn set_roles(
    State(st): State<Shared>,
    Path(id): Path<String>,
    p: Posted,
) -> Result<Response> {
    let (s, u) = target(&st, &p, &id).await?;
    let units = st.store.read(users::list_units).await?;
    let mut fs = FormState {
        values: p.kept(),
        ..Default::default()
    };
    let scope = UnitCode::parse(p.get("scope"))
        .ok()
        .filter(|c| units.iter().any(|u| &u.code == c));
    let roles: Vec<Role> = p.all("role").into_iter().filter_map(Role::parse).collect();
    let Some(scope) = scope else {
        fs.add_error("scope", "请选择授权范围");
        return Ok(html_invalid(detail_view(&st, &s, &u, &units, None, &fs)));
    };
    let grants: Vec<Grant> = roles
        .iter()
        .map(|r| Grant {
            role: *r,
            unit: scope.clone(),
        })
        .collect();
    if let Err(m) = check_separation(&grants) {
        fs.add_error("role", m);
        return Ok(html_invalid(detail_view(&st, &s, &u, &units, None, &fs)));
    }
    if account_requests::needs_approval(&u.grants, &grants) {
        let change = Change::SetRoles {
            user: u.id,
            username: u.username.clone(),
            grants,
        };
        return match requests::submit(&st, &s, &p.ctx, change).await? {
            Ok(rid) => Ok(see_other(&format!("/admin/requests/{rid}"))),
            Err(e) => {
                fs.add_error("role", e.message);
                Ok(html_invalid(detail_view(&st, &s, &u, &units, None, &fs)))
            }
        };
    }
    let detail = grants
        .iter()
        .map(|g| format!("{}@{}", g.role.id(), g.unit))
        .collect::<Vec<_>>()
        .join(",");
    let ev = event(
        &s.user,
        &p.ctx,
        "user_roles",
        format!("user:{}", u.username),
        true,
        detail,
    );
    let now = st.now_ms();
    let uid = u.id;
    change_user(&st, uid, ev, now, move |u| {
        u.grants = grants;
    })
    .await?;
    Ok(see_other(&format!("/admin/users/{id}")))
}

/// Changes one account with its audit record, in one write transaction.
pub(super) async fn change_user(
    st: &Shared,
    uid: u64,
    ev: audit::Event,
    now: i64,
    change: impl FnOnce(&mut crate::auth::model::User) + Send + 'static,
) -> Result<()> {
    st.store
        .write(move |txn| {
            let mut u = users::get_user_w(txn, uid)?.ok_or(Error::NotFound)?;
            change(&mut u);
            users::save_user(txn, &u)?;
            audit::append(txn, ev, now).map(|_| ())
        })
        .await
}
