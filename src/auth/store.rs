//! Users and units in redb. Callers pass the write transaction so the audit record
//! lands in the same commit.

use redb::{ReadTransaction, ReadableTable, WriteTransaction};

use super::model::{Grant, Role, Unit, UnitCode, User, Username, check_separation};
use crate::error::{Error, Result};
use crate::store::{get_json, get_json_u64, next_id, put_json, put_json_u64, tables};

/// A field-level problem: which form field, what to tell the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        FieldError {
            field,
            message: message.into(),
        }
    }
}

pub struct NewUser {
    pub username: Username,
    pub display_name: String,
    pub unit: UnitCode,
    pub grants: Vec<Grant>,
    pub password_hash: String,
    pub must_change_password: bool,
}

/// Creates a user, refusing a taken username, an unknown unit or a 三员 conflict.
pub fn create_user(
    txn: &WriteTransaction,
    n: NewUser,
    now_ms: i64,
) -> Result<std::result::Result<u64, FieldError>> {
    {
        let names = txn.open_table(tables::USER_NAMES)?;
        if names.get(n.username.key().as_str())?.is_some() {
            return Ok(Err(FieldError::new("username", "该用户名已被使用")));
        }
    }
    if get_unit_w(txn, &n.unit)?.is_none() {
        return Ok(Err(FieldError::new("unit", "所属单位不存在")));
    }
    for g in &n.grants {
        if get_unit_w(txn, &g.unit)?.is_none() {
            return Ok(Err(FieldError::new(
                "role",
                format!("授权单位 {} 不存在", g.unit),
            )));
        }
    }
    if let Err(m) = check_separation(&n.grants) {
        return Ok(Err(FieldError::new("role", m)));
    }
    let id = next_id(txn, "user")?;
    let user = User {
        id,
        username: n.username.as_str().to_owned(),
        display_name: n.display_name,
        unit: n.unit,
        grants: n.grants,
        password_hash: n.password_hash,
        must_change_password: n.must_change_password,
        failed_logins: 0,
        locked_until_ms: None,
        totp_secret: None,
        totp_last_step: 0,
        failed_codes: 0,
        login_guard: Default::default(),
        disabled: false,
        session_epoch: 0,
        created_ms: now_ms,
        password_changed_ms: now_ms,
        last_login_ms: None,
    };
    put_json_u64(txn, tables::USERS, id, &user)?;
    txn.open_table(tables::USER_NAMES)?
        .insert(n.username.key().as_str(), id)?;
    Ok(Ok(id))
}

pub fn save_user(txn: &WriteTransaction, user: &User) -> Result<()> {
    check_separation(&user.grants).map_err(|m| Error::Conflict(m.into()))?;
    put_json_u64(txn, tables::USERS, user.id, user)
}

pub fn get_user(txn: &ReadTransaction, id: u64) -> Result<Option<User>> {
    get_json_u64(&txn.open_table(tables::USERS)?, id)
}

pub fn get_user_w(txn: &WriteTransaction, id: u64) -> Result<Option<User>> {
    get_json_u64(&txn.open_table(tables::USERS)?, id)
}

pub fn find_user_w(txn: &WriteTransaction, username: &str) -> Result<Option<User>> {
    let id = match txn
        .open_table(tables::USER_NAMES)?
        .get(username.to_ascii_lowercase().as_str())?
    {
        Some(v) => v.value(),
        None => return Ok(None),
    };
    get_user_w(txn, id)
}

pub fn find_user(txn: &ReadTransaction, username: &str) -> Result<Option<User>> {
    let id = match txn
        .open_table(tables::USER_NAMES)?
        .get(username.to_ascii_lowercase().as_str())?
    {
        Some(v) => v.value(),
        None => return Ok(None),
    };
    get_user(txn, id)
}

/// All users (staff lists are small; only admin pages call this).
pub fn list_users(txn: &ReadTransaction) -> Result<Vec<User>> {
    let t = txn.open_table(tables::USERS)?;
    let mut out = Vec::new();
    for row in t.iter()? {
        let (_, v) = row?;
        out.push(serde_json::from_slice(v.value())?);
    }
    Ok(out)
}

/// All users, inside a write transaction.
pub fn list_users_w(txn: &WriteTransaction) -> Result<Vec<User>> {
    let t = txn.open_table(tables::USERS)?;
    let mut out = Vec::new();
    for row in t.iter()? {
        let (_, v) = row?;
        out.push(serde_json::from_slice(v.value())?);
    }
    Ok(out)
}

pub fn any_with_role(txn: &ReadTransaction, role: Role) -> Result<bool> {
    Ok(list_users(txn)?
        .iter()
        .any(|u| !u.disabled && u.has_role(role)))
}

pub fn any_with_role_w(txn: &WriteTransaction, role: Role) -> Result<bool> {
    let t = txn.open_table(tables::USERS)?;
    for row in t.iter()? {
        let (_, v) = row?;
        let u: User = serde_json::from_slice(v.value())?;
        if !u.disabled && u.has_role(role) {
            return Ok(true);
        }
    }
    Ok(false)
}

pub fn create_unit(
    txn: &WriteTransaction,
    unit: Unit,
) -> Result<std::result::Result<(), FieldError>> {
    if get_unit_w(txn, &unit.code)?.is_some() {
        return Ok(Err(FieldError::new("code", "该单位代码已存在")));
    }
    match &unit.parent {
        Some(p) if get_unit_w(txn, p)?.is_none() => {
            return Ok(Err(FieldError::new("parent", "上级单位不存在")));
        }
        None if any_unit_w(txn)? => {
            return Ok(Err(FieldError::new(
                "parent",
                "请选择上级单位（只有第一个单位可以没有上级）",
            )));
        }
        _ => {}
    }
    put_json(txn, tables::UNITS, unit.code.as_str(), &unit)?;
    Ok(Ok(()))
}

fn any_unit_w(txn: &WriteTransaction) -> Result<bool> {
    Ok(txn.open_table(tables::UNITS)?.first()?.is_some())
}

/// Saves a unit that exists (its page: name, kind, parent, profile, retired).
pub fn put_unit(txn: &WriteTransaction, unit: &Unit) -> Result<()> {
    put_json(txn, tables::UNITS, unit.code.as_str(), unit)
}

pub fn get_unit_w(txn: &WriteTransaction, code: &UnitCode) -> Result<Option<Unit>> {
    get_json(&txn.open_table(tables::UNITS)?, code.as_str())
}

pub fn list_units(txn: &ReadTransaction) -> Result<Vec<Unit>> {
    let t = txn.open_table(tables::UNITS)?;
    let mut out = Vec::new();
    for row in t.iter()? {
        let (_, v) = row?;
        out.push(serde_json::from_slice(v.value())?);
    }
    Ok(out)
}

/// The unit tree in display order: each unit with its depth, parents before children.
pub fn tree_order(units: &[Unit]) -> Vec<(usize, &Unit)> {
    fn walk<'a>(
        units: &'a [Unit],
        parent: Option<&UnitCode>,
        depth: usize,
        out: &mut Vec<(usize, &'a Unit)>,
    ) {
        for u in units.iter().filter(|u| u.parent.as_ref() == parent) {
            out.push((depth, u));
            if depth < 16 {
                walk(units, Some(&u.code), depth + 1, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(units, None, 0, &mut out);
    out
}

/// The codes from the root down to `code` (inclusive).
pub fn unit_path(units: &[Unit], code: &UnitCode) -> Vec<UnitCode> {
    let mut path = vec![code.clone()];
    let mut cur = code.clone();
    while let Some(p) = units
        .iter()
        .find(|u| u.code == cur)
        .and_then(|u| u.parent.clone())
    {
        if path.contains(&p) || path.len() > 32 {
            break;
        }
        path.push(p.clone());
        cur = p;
    }
    path.reverse();
    path
}
