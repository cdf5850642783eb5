//! The first-run setup link: while no system administrator exists, start-up prints
//! `/setup?token=…` to the console. The token is valid for a limited time and once.

use redb::{ReadTransaction, ReadableTable, WriteTransaction};
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::store::{get_json, put_json, tables};

#[derive(Debug, Clone, Serialize, Deserialize)]
struct SetupToken {
    hash: String,
    expires_ms: i64,
}

/// Issues a new token (replacing any earlier one) and returns it.
pub fn issue(txn: &WriteTransaction, now_ms: i64, valid_ms: i64) -> Result<String> {
    let token = crate::ids::random_token();
    let t = SetupToken {
        hash: crate::ids::sha256_hex(token.as_bytes()),
        expires_ms: now_ms + valid_ms,
    };
    put_json(txn, tables::META, "setup_token", &t)?;
    Ok(token)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    Valid,
    Expired,
    Invalid,
}

pub fn check(txn: &ReadTransaction, token: &str, now_ms: i64) -> Result<Check> {
    let t: Option<SetupToken> = get_json(&txn.open_table(tables::META)?, "setup_token")?;
    Ok(judge(t, token, now_ms))
}

fn judge(t: Option<SetupToken>, token: &str, now_ms: i64) -> Check {
    match t {
        Some(t)
            if crate::ids::secret_eq(
                t.hash.as_bytes(),
                crate::ids::sha256_hex(token.as_bytes()).as_bytes(),
            ) =>
        {
            if now_ms > t.expires_ms {
                Check::Expired
            } else {
                Check::Valid
            }
        }
        _ => Check::Invalid,
    }
}

/// Checks and consumes the token in the caller's transaction (single use).
pub fn consume(txn: &WriteTransaction, token: &str, now_ms: i64) -> Result<Check> {
    let mut meta = txn.open_table(tables::META)?;
    let t: Option<SetupToken> = match meta.get("setup_token")? {
        Some(v) => serde_json::from_slice(v.value()).ok(),
        None => None,
    };
    let c = judge(t, token, now_ms);
    if c == Check::Valid {
        meta.remove("setup_token")?;
    }
    Ok(c)
}
