//! Server-side sessions. The browser holds a random 256-bit token; redb holds only its
//! SHA-256, so a copied database does not hand out live sessions.

use redb::{ReadTransaction, ReadableTable, WriteTransaction};
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::ids;
use crate::store::{get_json, put_json, tables};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Password accepted, waiting for the 动态验证码.
    NeedTotp,
    /// Fully logged in.
    Full,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Session {
    pub user_id: u64,
    pub epoch: u64,
    pub stage: Stage,
    pub csrf: String,
    pub created_ms: i64,
    pub last_seen_ms: i64,
    pub ip: String,
    /// A TOTP secret being enrolled, until the user proves their app has it.
    #[serde(default)]
    pub totp_pending: Option<String>,
}

pub struct Limits {
    pub idle_ms: i64,
    pub absolute_ms: i64,
}

impl Session {
    pub fn expired(&self, now_ms: i64, l: &Limits) -> bool {
        now_ms - self.last_seen_ms > l.idle_ms || now_ms - self.created_ms > l.absolute_ms
    }
}

/// Creates a session and returns the token for the cookie.
pub fn create(
    txn: &WriteTransaction,
    user_id: u64,
    epoch: u64,
    stage: Stage,
    ip: &str,
    now_ms: i64,
) -> Result<(String, Session)> {
    let token = ids::random_token();
    let s = Session {
        user_id,
        epoch,
        stage,
        // Signed, so a form outliving its session is told apart from a forged one.
        csrf: super::csrf::mint(),
        created_ms: now_ms,
        last_seen_ms: now_ms,
        ip: ip.to_owned(),
        totp_pending: None,
    };
    put_json(
        txn,
        tables::SESSIONS,
        &ids::sha256_hex(token.as_bytes()),
        &s,
    )?;
    Ok((token, s))
}

pub fn key(token: &str) -> String {
    ids::sha256_hex(token.as_bytes())
}

pub fn get(txn: &ReadTransaction, token: &str) -> Result<Option<Session>> {
    get_json(&txn.open_table(tables::SESSIONS)?, &key(token))
}

pub fn put(txn: &WriteTransaction, token_key: &str, s: &Session) -> Result<()> {
    put_json(txn, tables::SESSIONS, token_key, s)
}

pub fn delete(txn: &WriteTransaction, token_key: &str) -> Result<()> {
    txn.open_table(tables::SESSIONS)?.remove(token_key)?;
    Ok(())
}

/// How long an expired session's row stays (it lets no one in): a form posted with it is
/// kept for its user (`http::kept`) rather than for whoever signs in next at that browser.
pub const KEEP_EXPIRED_MS: i64 = 24 * 3_600_000;

/// Removes sessions expired for longer than `KEEP_EXPIRED_MS`; run by the scheduler, never
/// on a request path.
pub fn sweep(txn: &WriteTransaction, now_ms: i64, l: &Limits) -> Result<usize> {
    let mut t = txn.open_table(tables::SESSIONS)?;
    let mut dead = Vec::new();
    for row in t.iter()? {
        let (k, v) = row?;
        match serde_json::from_slice::<Session>(v.value()) {
            Ok(s) if !s.expired(now_ms - KEEP_EXPIRED_MS, l) => {}
            _ => dead.push(k.value().to_owned()),
        }
    }
    for k in &dead {
        t.remove(k.as_str())?;
    }
    Ok(dead.len())
}
