//! One-time set-password links (设置密码链接). When an approved request creates an account
//! of one of the three separated admin duties or resets its password, nobody is shown a
//! password: the system issues a link `/set-password?token=…` which the approving admin hands
//! to the owner, and the owner chooses the password there. The token is 256-bit random, only
//! its SHA-256 is stored, it expires (`VALID_MS` on the injected clock) and works once. An
//! account has at most one live link: issuing a new one drops the older.

use redb::{ReadTransaction, ReadableTable, WriteTransaction};
use serde::{Deserialize, Serialize};

use super::model::User;
use crate::error::Result;
use crate::store::{get_json, put_json, tables};

/// How long a link works: 24 hours.
pub const VALID_MS: i64 = 24 * 3_600_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordLink {
    pub user: u64,
    pub created_ms: i64,
    pub expires_ms: i64,
    /// The approved request that issued it (`auth::account_request`), if any.
    #[serde(default)]
    pub request: Option<u64>,
}

/// Why a link does not work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// Unknown, already used, or replaced by a newer link.
    Invalid,
    Expired,
    /// The account is gone or disabled.
    NoAccount,
}

impl Problem {
    pub fn message(self) -> &'static str {
        match self {
            Problem::Invalid => {
                "设置密码链接无效或已被使用。如仍需设置密码，请联系安全管理员重新申请。"
            }
            Problem::Expired => "设置密码链接已过期。请联系安全管理员重新申请。",
            Problem::NoAccount => "该账号不存在或已停用。",
        }
    }
}

fn key(token: &str) -> String {
    crate::ids::sha256_hex(token.as_bytes())
}

/// Issues a link for `user` (dropping any older one of theirs) and returns its token.
pub fn issue(
    txn: &WriteTransaction,
    user: u64,
    request: Option<u64>,
    now_ms: i64,
) -> Result<String> {
    let mut t = txn.open_table(tables::PASSWORD_LINKS)?;
    let mut older = Vec::new();
    for row in t.iter()? {
        let (k, v) = row?;
        let l: Option<PasswordLink> = serde_json::from_slice(v.value()).ok();
        if l.is_none_or(|l| l.user == user) {
            older.push(k.value().to_owned());
        }
    }
    for k in &older {
        t.remove(k.as_str())?;
    }
    drop(t);
    let token = crate::ids::random_token();
    let link = PasswordLink {
        user,
        created_ms: now_ms,
        expires_ms: now_ms + VALID_MS,
        request,
    };
    put_json(txn, tables::PASSWORD_LINKS, &key(&token), &link)?;
    Ok(token)
}

fn judge(
    link: Option<PasswordLink>,
    user: impl FnOnce(u64) -> Result<Option<User>>,
    now_ms: i64,
) -> Result<std::result::Result<(PasswordLink, User), Problem>> {
    let Some(link) = link else {
        return Ok(Err(Problem::Invalid));
    };
    if now_ms > link.expires_ms {
        return Ok(Err(Problem::Expired));
    }
    match user(link.user)? {
        Some(u) if !u.disabled => Ok(Ok((link, u))),
        _ => Ok(Err(Problem::NoAccount)),
    }
}

/// The link and its account, if the token works now (nothing is consumed).
pub fn check(
    txn: &ReadTransaction,
    token: &str,
    now_ms: i64,
) -> Result<std::result::Result<(PasswordLink, User), Problem>> {
    if token.len() != 64 {
        return Ok(Err(Problem::Invalid));
    }
    let link = get_json(&txn.open_table(tables::PASSWORD_LINKS)?, &key(token))?;
    judge(link, |id| super::store::get_user(txn, id), now_ms)
}

/// Checks the token and, when it works, removes it in the caller's transaction (single use),
/// returning the account for the caller to set the password on.
pub fn consume(
    txn: &WriteTransaction,
    token: &str,
    now_ms: i64,
) -> Result<std::result::Result<(PasswordLink, User), Problem>> {
    if token.len() != 64 {
        return Ok(Err(Problem::Invalid));
    }
    let k = key(token);
    let link = get_json(&txn.open_table(tables::PASSWORD_LINKS)?, &k)?;
    let r = judge(link, |id| super::store::get_user_w(txn, id), now_ms)?;
    if r.is_ok() {
        txn.open_table(tables::PASSWORD_LINKS)?.remove(k.as_str())?;
    }
    Ok(r)
}

/// Expired links are kept this long after expiry, so opening one says "expired" rather than
/// "invalid"; then the scheduler removes them.
const KEEP_EXPIRED_MS: i64 = 7 * 24 * 3_600_000;

/// Removes links expired for a while (`KEEP_EXPIRED_MS`); run by the scheduler.
pub fn sweep(txn: &WriteTransaction, now_ms: i64) -> Result<usize> {
    let mut t = txn.open_table(tables::PASSWORD_LINKS)?;
    let mut dead = Vec::new();
    for row in t.iter()? {
        let (k, v) = row?;
        match serde_json::from_slice::<PasswordLink>(v.value()) {
            Ok(l) if l.expires_ms + KEEP_EXPIRED_MS >= now_ms => {}
            _ => dead.push(k.value().to_owned()),
        }
    }
    for k in &dead {
        t.remove(k.as_str())?;
    }
    Ok(dead.len())
}
