//! CSRF tokens: signed, for the anonymous double-submit cookie (before login, `http::anon_csrf`)
//! and for each session's forms.
//!
//! A plain double-submit cookie proves only that the form and the cookie agree, and a client
//! may pick both. The token here is a random nonce followed by an HMAC of it under the site's
//! key, so a cookie the client invented is not accepted: it is replaced by a fresh token
//! (issue 9). Session tokens are made the same way, so a form whose session has ended can
//! still be told apart from a forged one: the first is kept (`kept`), the second refused.
//! The key is kept in the store (`META` "csrf_key") and set once at start (`init`), so
//! tokens outlive a restart; without it (unit tests) the process makes one.

use std::sync::OnceLock;

use hmac::{Hmac, KeyInit, Mac};
use redb::WriteTransaction;
use sha2::Sha256;

static KEY: OnceLock<[u8; 32]> = OnceLock::new();

fn key() -> &'static [u8; 32] {
    KEY.get_or_init(|| {
        let mut k = [0u8; 32];
        crate::ids::fill_random(&mut k);
        k
    })
}

/// The stored key, made on first start. Several apps in one process (tests) share the
/// first one's: every token is checked under the same key it was made with.
pub fn load_or_make_key(txn: &WriteTransaction) -> crate::error::Result<()> {
    let stored: Option<String> =
        crate::store::get_json(&txn.open_table(crate::store::tables::META)?, "csrf_key")?;
    let bytes = stored
        .and_then(|h| data_encoding::HEXLOWER.decode(h.as_bytes()).ok())
        .and_then(|b| <[u8; 32]>::try_from(b).ok());
    let k = match bytes {
        Some(k) => k,
        None => {
            let mut k = [0u8; 32];
            crate::ids::fill_random(&mut k);
            crate::store::put_json(
                txn,
                crate::store::tables::META,
                "csrf_key",
                &data_encoding::HEXLOWER.encode(&k),
            )?;
            k
        }
    };
    let _ = KEY.set(k);
    Ok(())
}

/// Hex characters of the nonce and of the (truncated) signature.
const HALF: usize = 32;

fn sign(nonce: &str) -> Option<String> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key().as_slice()).ok()?;
    mac.update(nonce.as_bytes());
    let tag = mac.finalize().into_bytes();
    Some(data_encoding::HEXLOWER.encode(&tag[..HALF / 2]))
}

/// A new token: 64 lower-case hex characters.
pub fn mint() -> String {
    let mut n = [0u8; HALF / 2];
    crate::ids::fill_random(&mut n);
    let nonce = data_encoding::HEXLOWER.encode(&n);
    let sig = sign(&nonce).unwrap_or_default();
    format!("{nonce}{sig}")
}

/// `data` with a signature under the site's key for `purpose` ("data.signature"), for
/// small tokens the site hands out and must be able to trust when they come back (a
/// requester's lookup cookie). `data` must not contain a dot.
pub fn seal(purpose: &str, data: &str) -> String {
    let sig = sign(&format!("{purpose}\n{data}")).unwrap_or_default();
    format!("{data}.{sig}")
}

/// The data of a token `seal` made for `purpose`, or `None` for anything else.
pub fn unseal<'a>(purpose: &str, token: &'a str) -> Option<&'a str> {
    let (data, sig) = token.rsplit_once('.')?;
    let want = sign(&format!("{purpose}\n{data}"))?;
    crate::ids::secret_eq(want.as_bytes(), sig.as_bytes()).then_some(data)
}

/// Whether this site made `token` (under the current key).
pub fn valid(token: &str) -> bool {
    if token.len() != 2 * HALF || !token.is_ascii() {
        return false;
    }
    let (nonce, sig) = token.split_at(HALF);
    sign(nonce).is_some_and(|s| crate::ids::secret_eq(s.as_bytes(), sig.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_data_comes_back_only_unchanged_and_for_its_purpose() {
        let t = seal("lookup", "7-1700000000000");
        assert_eq!(unseal("lookup", &t), Some("7-1700000000000"));
        assert_eq!(unseal("other", &t), None);
        assert_eq!(unseal("lookup", &t.replace("7-", "8-")), None);
        assert_eq!(unseal("lookup", "garbage"), None);
    }

    #[test]
    fn only_minted_tokens_are_valid() {
        let t = mint();
        assert_eq!(t.len(), 64);
        assert!(valid(&t));
        assert!(!valid(&"a".repeat(64)), "a token the client picked");
        let mut forged = t.clone();
        forged.replace_range(0..1, if t.starts_with('0') { "1" } else { "0" });
        assert!(!valid(&forged), "another nonce with the same signature");
        assert!(!valid(&t[..63]));
        assert!(!valid("中文中文"));
    }
}
