//! The link's secret and what proves it was unlocked. A token is 32 random bytes in
//! URL-safe base64 (43 characters); the store knows only its SHA-256. A password link, once
//! the right password is given, sets a short-lived cookie scoped to the link's path
//! (HttpOnly, SameSite=Strict) holding its expiry and an HMAC of the token's hash and that
//! expiry under a key kept in memory (a restart asks for the password again), so the cookie
//! of one link opens no other. Also here: loading a link with the state it is in.

use std::sync::OnceLock;

use axum::http::HeaderMap;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use super::model::{Share, State, What};
use super::store;
use crate::error::Result;
use crate::http::Shared;
use crate::intranet::files::{model::OaFile, store as fstore};

/// The unlock cookie's name and how long it lasts.
pub const COOKIE: &str = "gk_share";
pub const UNLOCK_SECS: i64 = 30 * 60;

/// A new token.
pub fn new_token() -> String {
    let mut b = [0u8; 32];
    crate::ids::fill_random(&mut b);
    data_encoding::BASE64URL_NOPAD.encode(&b)
}

/// Whether `t` looks like a token we make.
pub fn is_token(t: &str) -> bool {
    t.len() == 43
        && t.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// What is stored of a token.
pub fn hash(token: &str) -> String {
    crate::ids::sha256_hex(token.as_bytes())
}

fn key() -> &'static [u8; 32] {
    static KEY: OnceLock<[u8; 32]> = OnceLock::new();
    KEY.get_or_init(|| {
        let mut k = [0u8; 32];
        crate::ids::fill_random(&mut k);
        k
    })
}

fn sign(hash: &str, until_ms: i64) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key().as_slice()) else {
        return String::new();
    };
    mac.update(format!("{hash}.{until_ms}").as_bytes());
    data_encoding::HEXLOWER.encode(&mac.finalize().into_bytes())
}

/// The `Set-Cookie` value unlocking the link `token` until `now` + `UNLOCK_SECS`.
pub fn unlock_cookie(token: &str, now: i64, secure: bool) -> String {
    let until = now.saturating_add(UNLOCK_SECS * 1000);
    let value = format!("{until}.{}", sign(&hash(token), until));
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{COOKIE}={value}; Path={}; HttpOnly; SameSite=Strict; Max-Age={UNLOCK_SECS}{secure}",
        super::link_path(token)
    )
}

/// Whether the request carries a live unlock cookie for the link hashed `hash`.
pub fn unlocked(headers: &HeaderMap, hash: &str, now: i64) -> bool {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .filter(|(k, _)| *k == COOKIE)
        .any(|(_, v)| {
            let Some((until, sig)) = v.split_once('.') else {
                return false;
            };
            let Ok(until) = until.parse::<i64>() else {
                return false;
            };
            until > now && crate::ids::secret_eq(sig.as_bytes(), sign(hash, until).as_bytes())
        })
}

/// A link as found: its hash, the record, its file (file links) and its state now.
pub struct Found {
    pub hash: String,
    pub share: Share,
    pub file: Option<OaFile>,
    pub state: State,
}

impl Found {
    /// Whether this request may use the link past its password.
    pub fn open_to(&self, headers: &HeaderMap, now: i64) -> bool {
        self.share.password.is_none() || unlocked(headers, &self.hash, now)
    }
}

/// The file a link gives, if it is still there and still its maker's.
pub fn file_of(share: &Share, f: Option<OaFile>, now: i64) -> Option<OaFile> {
    f.filter(|f| f.owner == share.owner && f.expires_ms > now)
}

/// The link behind `token`; None when there is none (404).
pub async fn find(st: &Shared, token: &str) -> Result<Option<Found>> {
    if !is_token(token) {
        return Ok(None);
    }
    let h = hash(token);
    let now = st.now_ms();
    let got = st
        .store
        .read(move |txn| {
            let Some(share) = store::get(txn, &h)? else {
                return Ok(None);
            };
            let file = match &share.what {
                What::File { file, .. } => fstore::get_file(txn, *file)?,
                What::Collect { .. } => None,
            };
            Ok(Some((h, share, file)))
        })
        .await?;
    Ok(got.map(|(hash, share, file)| {
        let file = file_of(&share, file, now);
        let state = share.state(now, file.is_some());
        Found {
            hash,
            share,
            file,
            state,
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_open_only_their_link_until_they_end() {
        let t = new_token();
        assert!(is_token(&t));
        let c = unlock_cookie(&t, 1000, false);
        let value = c.split(';').next().unwrap();
        let mut h = HeaderMap::new();
        h.insert(axum::http::header::COOKIE, value.parse().unwrap());
        assert!(unlocked(&h, &hash(&t), 2000));
        assert!(!unlocked(&h, &hash(&new_token()), 2000));
        assert!(!unlocked(&h, &hash(&t), 1000 + UNLOCK_SECS * 1000));
        assert!(c.contains("HttpOnly; SameSite=Strict"));
        assert!(c.contains(&format!("Path=/oa/s/{t}")));
    }
}
