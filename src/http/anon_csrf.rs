//! The anonymous CSRF token (before login): signed double-submit.
//!
//! A plain double-submit cookie proves only that the form and the cookie agree, and a client
//! may pick both. The token here is a random nonce followed by an HMAC of it under a key the
//! process makes at start, so a cookie the client invented is not accepted: it is replaced by
//! a fresh token (issue 9). Tokens end with the process, which costs an anonymous visitor at
//! most one re-sent form after a restart.

use std::sync::LazyLock;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

static KEY: LazyLock<[u8; 32]> = LazyLock::new(|| {
    let mut k = [0u8; 32];
    crate::ids::fill_random(&mut k);
    k
});

/// Hex characters of the nonce and of the (truncated) signature.
const HALF: usize = 32;

fn sign(nonce: &str) -> Option<String> {
    let mut mac = Hmac::<Sha256>::new_from_slice(KEY.as_slice()).ok()?;
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

/// Whether this process minted `token`.
pub fn valid(token: &str) -> bool {
    if token.len() != 2 * HALF || !token.is_ascii() {
        return false;
    }
    let (nonce, sig) = token.split_at(HALF);
    sign(nonce).is_some_and(|s| crate::ids::secret_eq(s.as_bytes(), sig.as_bytes()))
}

/// The visitor's anonymous CSRF token: the cookie's, or one made on first use (only
/// pages that render a form before login use it).
#[derive(Debug, Clone)]
pub struct AnonCsrf {
    pub cell: std::sync::Arc<std::sync::OnceLock<String>>,
}

#[cfg(test)]
mod tests {
    use super::*;

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
