//! Account requests (账号审批): 三员分立 in practice. In the panel, creating an account that
//! holds one of the three separated admin duties (系统管理员 / 安全管理员 / 审计管理员),
//! changing the roles of an account that holds or would hold one, and resetting the password
//! or two-factor login of such an account do not happen at once: they become a request that
//! takes effect only when a different person holding a different one of the three approves
//! it (`flow::account_request`). The CLI on the server (`admin::cli`) needs no approval.
//!
//! This module holds the requests (one table, `ACCOUNT_REQUESTS`), the `Actor` a person is
//! for a request, and the change itself (`apply`), all inside the caller's transaction; the
//! pages, audit records and notices are `admin::requests`.

use redb::{ReadTransaction, ReadableTable, WriteTransaction};
use serde::{Deserialize, Serialize};

use crate::admin::request_flow::{self as def, state};
use crate::auth::model::{Grant, Role, UnitCode, User, Username, duty_of};
use crate::auth::store::{self as users, FieldError, NewUser};
use crate::error::{Error, Result};
use crate::flow::{Actor, Instance};
use crate::store::{get_json_u64, next_id, put_json_u64, tables};

/// How long a request waits for a decision before it expires: 3 days.
pub const VALID_MS: i64 = 72 * 3_600_000;

/// What a request would change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    /// 新建账号 holding one of the three duties; the owner sets the password through a link.
    CreateAccount {
        username: String,
        display_name: String,
        unit: UnitCode,
        grants: Vec<Grant>,
    },
    /// 修改角色 of an account that holds or would hold one of the three.
    SetRoles {
        user: u64,
        username: String,
        grants: Vec<Grant>,
    },
    /// 重置密码: the owner sets a new one through a link.
    ResetPassword { user: u64, username: String },
    /// 重置两步验证: the owner enrols again at the next login.
    ResetTotp { user: u64, username: String },
}

fn grants_text(grants: &[Grant]) -> String {
    if grants.is_empty() {
        return "无角色".into();
    }
    grants
        .iter()
        .map(|g| format!("{} @ {}", g.role.label(), g.unit))
        .collect::<Vec<_>>()
        .join("、")
}

impl Change {
    /// What kind of change, for lists.
    pub fn label(&self) -> &'static str {
        match self {
            Change::CreateAccount { .. } => "新建账号",
            Change::SetRoles { .. } => "修改角色",
            Change::ResetPassword { .. } => "重置密码",
            Change::ResetTotp { .. } => "重置两步验证",
        }
    }
    /// The account it is about (its username).
    pub fn username(&self) -> &str {
        match self {
            Change::CreateAccount { username, .. }
            | Change::SetRoles { username, .. }
            | Change::ResetPassword { username, .. }
            | Change::ResetTotp { username, .. } => username,
        }
    }
    /// The existing account it is about (none for a new account).
    pub fn target(&self) -> Option<u64> {
        match self {
            Change::CreateAccount { .. } => None,
            Change::SetRoles { user, .. }
            | Change::ResetPassword { user, .. }
            | Change::ResetTotp { user, .. } => Some(*user),
        }
    }
    /// One sentence saying what approving it does.
    pub fn describe(&self) -> String {
        match self {
            Change::CreateAccount {
                username,
                display_name,
                unit,
                grants,
            } => format!(
                "新建账号 {username}（{display_name}，所属单位 {unit}），角色：{}",
                grants_text(grants)
            ),
            Change::SetRoles {
                username, grants, ..
            } => format!("将账号 {username} 的角色改为：{}", grants_text(grants)),
            Change::ResetPassword { username, .. } => format!("重置账号 {username} 的密码"),
            Change::ResetTotp { username, .. } => {
                format!("重置账号 {username} 的两步验证（下次登录时重新启用）")
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountRequest {
    pub id: u64,
    pub change: Change,
    pub requested_by: u64,
    /// The requester's username, as it was.
    pub requested_by_name: String,
    /// The requester's separated admin duty then: the approver must hold another.
    pub requester_duty: Option<Role>,
    pub created_ms: i64,
    pub expires_ms: i64,
    pub flow: Instance,
}

impl AccountRequest {
    pub fn state_label(&self) -> &str {
        def::definition().state_label(&self.flow.state)
    }
    pub fn is_pending(&self) -> bool {
        self.flow.state == state::PENDING
    }
    /// Still pending but past its time: expires at the next touch.
    pub fn is_overdue(&self, now_ms: i64) -> bool {
        self.is_pending() && now_ms > self.expires_ms
    }
}

/// Whether changing `before` (an existing account's grants; none for a new account) to
/// `after` needs a second person: either side holds one of the three duties and they differ.
pub fn needs_approval(before: &[Grant], after: &[Grant]) -> bool {
    (duty_of(before).is_some() || duty_of(after).is_some()) && before != after
}

/// Whether the change gives an existing account a duty it does not hold yet. Its credentials
/// are then replaced on approval (password through a new link, two-factor login enrolled
/// again), so nothing the requester may know about the account carries over.
pub fn adds_duty(before: &[Grant], after: &[Grant]) -> bool {
    match duty_of(after) {
        Some(d) => !before.iter().any(|g| g.role == d),
        None => false,
    }
}

/// `user` as the engine sees them for `req`: the duties that *count* are the ones the person
/// holds other than the requester's, and none at all for the account the request is about or
/// for a disabled account. The requester is the author.
pub fn actor(user: &User, req: &AccountRequest) -> Actor {
    let counts = !user.disabled && req.change.target() != Some(user.id);
    let mut roles: Vec<Role> = user
        .grants
        .iter()
        .map(|g| g.role)
        .filter(|r| counts && r.is_separated_admin() && Some(*r) != req.requester_duty)
        .collect();
    roles.sort();
    roles.dedup();
    Actor {
        user: Some(user.id),
        name: if user.display_name.is_empty() {
            user.username.clone()
        } else {
            user.display_name.clone()
        },
        unit: Some(user.unit.clone()),
        item_roles: roles,
        office_roles: Vec::new(),
        is_author: user.id == req.requested_by,
        is_addressee: false,
    }
}

/// Why `user` may not decide `req`, in words, when the engine's role check would refuse
/// them (for the page; the engine is what enforces it).
pub fn why_not(user: &User, req: &AccountRequest) -> &'static str {
    if user.id == req.requested_by {
        "您是提出人，不能批准或驳回自己提出的申请，须由另一位管理员办理。"
    } else if req.change.target() == Some(user.id) {
        "此申请涉及您本人的账号，须由另一位管理员办理。"
    } else if !user.is_privileged() {
        "只有系统管理员、安全管理员、审计管理员可以审批账号申请。"
    } else {
        "审批人须担任与提出人不同的管理员角色（三员分立），请由另一位管理员办理。"
    }
}

pub fn get(txn: &ReadTransaction, id: u64) -> Result<Option<AccountRequest>> {
    get_json_u64(&txn.open_table(tables::ACCOUNT_REQUESTS)?, id)
}

pub fn get_w(txn: &WriteTransaction, id: u64) -> Result<Option<AccountRequest>> {
    get_json_u64(&txn.open_table(tables::ACCOUNT_REQUESTS)?, id)
}

pub fn save(txn: &WriteTransaction, r: &AccountRequest) -> Result<()> {
    put_json_u64(txn, tables::ACCOUNT_REQUESTS, r.id, r)
}

/// Every request, newest first (they are few: admin changes only).
pub fn list(txn: &ReadTransaction) -> Result<Vec<AccountRequest>> {
    let t = txn.open_table(tables::ACCOUNT_REQUESTS)?;
    let mut out = Vec::new();
    for row in t.iter()?.rev() {
        let (_, v) = row?;
        out.push(serde_json::from_slice(v.value())?);
    }
    Ok(out)
}

fn pending_w(txn: &WriteTransaction) -> Result<Vec<AccountRequest>> {
    let t = txn.open_table(tables::ACCOUNT_REQUESTS)?;
    let mut out = Vec::new();
    for row in t.iter()? {
        let (_, v) = row?;
        let r: AccountRequest = serde_json::from_slice(v.value())?;
        if r.is_pending() {
            out.push(r);
        }
    }
    Ok(out)
}

/// Records a new pending request by `requester`. Refused (with a message for the field
/// `field`) while another request about the same account is pending, or when a new account's
/// username is taken.
pub fn create(
    txn: &WriteTransaction,
    change: Change,
    requester: &User,
    now_ms: i64,
) -> Result<std::result::Result<AccountRequest, FieldError>> {
    let field = match &change {
        Change::CreateAccount { .. } => "username",
        Change::SetRoles { .. } => "role",
        _ => "request",
    };
    let key = change.username().to_ascii_lowercase();
    if let Some(other) = pending_w(txn)?
        .into_iter()
        .find(|r| r.change.username().to_ascii_lowercase() == key && now_ms <= r.expires_ms)
    {
        return Ok(Err(FieldError::new(
            field,
            format!(
                "账号 {} 已有待审批的申请（第 {} 号），请先办理该申请",
                change.username(),
                other.id
            ),
        )));
    }
    if let Change::CreateAccount { username, .. } = &change
        && users::find_user_w(txn, username)?.is_some()
    {
        return Ok(Err(FieldError::new("username", "该用户名已被使用")));
    }
    let id = next_id(txn, "account_request")?;
    let r = AccountRequest {
        id,
        change,
        requested_by: requester.id,
        requested_by_name: requester.username.clone(),
        requester_duty: requester.duty(),
        created_ms: now_ms,
        expires_ms: now_ms + VALID_MS,
        flow: Instance::new(def::definition()),
    };
    save(txn, &r)?;
    Ok(Ok(r))
}

/// Expires `r` (taken by the system) when it is overdue; returns whether it did.
pub fn expire_if_due(r: &mut AccountRequest, now_ms: i64) -> bool {
    if !r.is_overdue(now_ms) {
        return false;
    }
    crate::flow::apply(
        def::definition(),
        &mut r.flow,
        def::action::EXPIRE,
        &Actor::system("到期未审批"),
        "",
        now_ms,
    )
    .is_ok()
}

/// Expires every overdue pending request, returning them (the scheduler records each).
pub fn expire_due(txn: &WriteTransaction, now_ms: i64) -> Result<Vec<AccountRequest>> {
    let mut done = Vec::new();
    for mut r in pending_w(txn)? {
        if expire_if_due(&mut r, now_ms) {
            save(txn, &r)?;
            done.push(r);
        }
    }
    Ok(done)
}

/// What approving did to the account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// The account changed (or created).
    pub user: u64,
    /// The owner must set a password through a one-time link.
    pub needs_link: bool,
}

/// Makes the approved change, in the approval's transaction. `unusable_hash` is the hash of
/// a random password nobody is told, put on accounts whose owner will set their own through
/// the link. Returns a message when the change cannot be made any more (the account is gone,
/// the username was taken meanwhile, 三员分立 …).
pub fn apply(
    txn: &WriteTransaction,
    change: &Change,
    unusable_hash: String,
    now_ms: i64,
) -> Result<std::result::Result<Applied, String>> {
    let load = |id: u64| -> Result<std::result::Result<User, String>> {
        Ok(users::get_user_w(txn, id)?.ok_or_else(|| "该账号已不存在".to_owned()))
    };
    // Credentials nobody knows: the owner sets the password through the link; every
    // session ends.
    let replace_password = |u: &mut User| {
        u.password_hash = unusable_hash.clone();
        u.must_change_password = false;
        u.session_epoch += 1;
        crate::auth::lockout::unlock(u);
    };
    match change {
        Change::CreateAccount {
            username,
            display_name,
            unit,
            grants,
        } => {
            let name = match Username::parse(username) {
                Ok(n) => n,
                Err(m) => return Ok(Err(m.to_owned())),
            };
            let r = users::create_user(
                txn,
                NewUser {
                    username: name,
                    display_name: display_name.clone(),
                    unit: unit.clone(),
                    grants: grants.clone(),
                    password_hash: unusable_hash.clone(),
                    must_change_password: false,
                },
                now_ms,
            )?;
            Ok(r.map(|id| Applied {
                user: id,
                needs_link: true,
            })
            .map_err(|e| e.message))
        }
        Change::SetRoles { user, grants, .. } => {
            let mut u = match load(*user)? {
                Ok(u) => u,
                Err(m) => return Ok(Err(m)),
            };
            for g in grants {
                if users::get_unit_w(txn, &g.unit)?.is_none() {
                    return Ok(Err(format!("授权单位 {} 已不存在", g.unit)));
                }
            }
            let promoted = adds_duty(&u.grants, grants);
            u.grants = grants.clone();
            if promoted {
                replace_password(&mut u);
                u.totp_secret = None;
            }
            match users::save_user(txn, &u) {
                Ok(()) => {}
                Err(Error::Conflict(m)) => return Ok(Err(m)),
                Err(e) => return Err(e),
            }
            Ok(Ok(Applied {
                user: u.id,
                needs_link: promoted,
            }))
        }
        Change::ResetPassword { user, .. } => {
            let mut u = match load(*user)? {
                Ok(u) => u,
                Err(m) => return Ok(Err(m)),
            };
            replace_password(&mut u);
            users::save_user(txn, &u)?;
            Ok(Ok(Applied {
                user: u.id,
                needs_link: true,
            }))
        }
        Change::ResetTotp { user, .. } => {
            let mut u = match load(*user)? {
                Ok(u) => u,
                Err(m) => return Ok(Err(m)),
            };
            u.totp_secret = None;
            u.session_epoch += 1;
            users::save_user(txn, &u)?;
            Ok(Ok(Applied {
                user: u.id,
                needs_link: false,
            }))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(role: Role) -> Grant {
        Grant {
            role,
            unit: UnitCode::parse("gov").unwrap(),
        }
    }

    fn user(id: u64, roles: &[Role]) -> User {
        User {
            id,
            username: format!("u{id}"),
            display_name: String::new(),
            unit: UnitCode::parse("gov").unwrap(),
            grants: roles.iter().map(|r| g(*r)).collect(),
            password_hash: String::new(),
            must_change_password: false,
            failed_logins: 0,
            locked_until_ms: None,
            totp_secret: None,
            totp_last_step: 0,
            failed_codes: 0,
            login_guard: Default::default(),
            disabled: false,
            session_epoch: 0,
            created_ms: 0,
            password_changed_ms: 0,
            last_login_ms: None,
        }
    }

    fn request(by: &User, change: Change) -> AccountRequest {
        AccountRequest {
            id: 1,
            change,
            requested_by: by.id,
            requested_by_name: by.username.clone(),
            requester_duty: by.duty(),
            created_ms: 0,
            expires_ms: VALID_MS,
            flow: Instance::new(def::definition()),
        }
    }

    #[test]
    fn which_changes_need_a_second_person() {
        use Role::*;
        assert!(needs_approval(&[], &[g(Sysadmin)]));
        assert!(!needs_approval(&[], &[g(Reporter)]));
        assert!(needs_approval(&[g(Reporter)], &[g(Reporter), g(Auditor)]));
        assert!(needs_approval(&[g(Auditor)], &[g(Reporter)]), "demotion");
        assert!(!needs_approval(&[g(Auditor)], &[g(Auditor)]), "no change");
        assert!(!needs_approval(&[g(Reporter)], &[g(Publisher)]));
        assert!(adds_duty(&[g(Reporter)], &[g(Secadmin)]));
        assert!(!adds_duty(&[g(Secadmin)], &[g(Secadmin), g(Reporter)]));
        assert!(!adds_duty(&[g(Secadmin)], &[]));
    }

    #[test]
    fn who_counts_for_a_request() {
        let def = def::definition();
        let sec = user(1, &[Role::Secadmin]);
        let sec2 = user(2, &[Role::Secadmin]);
        let sys = user(3, &[Role::Sysadmin]);
        let aud = user(4, &[Role::Auditor]);
        let rep = user(5, &[Role::Reporter]);
        let reset_aud = request(
            &sec,
            Change::ResetPassword {
                user: aud.id,
                username: aud.username.clone(),
            },
        );
        let may = |u: &User| {
            crate::flow::check(
                def,
                &reset_aud.flow,
                def::action::APPROVE,
                &actor(u, &reset_aud),
            )
            .is_ok()
        };
        assert!(!may(&sec), "the requester");
        assert!(!may(&sec2), "the same duty as the requester");
        assert!(!may(&aud), "the account it is about");
        assert!(!may(&rep), "no admin duty");
        assert!(may(&sys));
        let mut off = sys.clone();
        off.disabled = true;
        assert!(!may(&off), "disabled");
        assert!(why_not(&sec2, &reset_aud).contains("不同的管理员角色"));
        assert!(why_not(&sec, &reset_aud).contains("提出人"));
    }
}
