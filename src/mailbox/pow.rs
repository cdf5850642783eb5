//! The letter form's proof of work, instead of an image puzzle: the page carries a signed
//! challenge; a small script (`js/mailbox.js`) finds a number that, hashed with it, gives
//! enough leading zero bits, and sends it with the form. Without the script the form is
//! taken once it has been open a short while (`Settings::wait_seconds`), which costs a
//! person nothing and a flood a great deal. A challenge is good for one letter only.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::http::AppState;
use crate::portal::public_guard::Guard;

const PURPOSE: &str = "mb_pow";
/// A challenge older than this is refused (the page is reloaded for a new one).
pub const MAX_AGE_MS: i64 = 3 * 3600 * 1000;

/// The mailbox's protections, an `AppState` part (put in by `lib.rs`): the submission and
/// lookup counts, and the challenges already spent.
#[derive(Default, Clone)]
pub struct MailboxGuard {
    pub guard: Guard,
    spent: Arc<Mutex<HashMap<String, i64>>>,
}

impl AppState {
    pub fn mailbox_guard(&self) -> &MailboxGuard {
        // Only a composition-root bug can leave it out, and every test would show it.
        #[allow(clippy::expect_used)]
        self.parts
            .get::<MailboxGuard>()
            .expect("the composition root registers the mailbox guard")
    }
}

/// Why a form's proof was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// Not ours, too old, or spent: the page must be loaded again.
    Stale,
    /// No proof, and the form is younger than the wait: seconds still to wait.
    Wait(i64),
}

/// A new challenge issued at `now`.
pub fn challenge(now: i64) -> String {
    let mut b = [0u8; 12];
    crate::ids::fill_random(&mut b);
    let r: String = b.iter().map(|x| format!("{x:02x}")).collect();
    crate::auth::csrf::seal(PURPOSE, &format!("{now}-{r}"))
}

/// Leading zero bits of SHA-256(`challenge` ":" `nonce`).
pub fn zero_bits(challenge: &str, nonce: &str) -> u32 {
    let h = crate::ids::sha256(format!("{challenge}:{nonce}").as_bytes());
    let mut n = 0;
    for byte in h {
        if byte == 0 {
            n += 8;
        } else {
            n += byte.leading_zeros();
            break;
        }
    }
    n
}

impl MailboxGuard {
    /// Checks the proof and spends the challenge when it passes.
    pub fn check(
        &self,
        challenge: &str,
        nonce: &str,
        bits: u32,
        wait_seconds: u32,
        now: i64,
    ) -> Result<(), Refused> {
        let issued = crate::auth::csrf::unseal(PURPOSE, challenge)
            .and_then(|d| d.split_once('-'))
            .and_then(|(t, _)| t.parse::<i64>().ok())
            .ok_or(Refused::Stale)?;
        if now - issued > MAX_AGE_MS || issued > now + 60_000 {
            return Err(Refused::Stale);
        }
        let solved = !nonce.is_empty() && nonce.len() <= 20 && zero_bits(challenge, nonce) >= bits;
        let waited = now - issued >= i64::from(wait_seconds) * 1000;
        if !solved && !waited {
            let left = (i64::from(wait_seconds) * 1000 - (now - issued) + 999) / 1000;
            return Err(Refused::Wait(left));
        }
        let Ok(mut spent) = self.spent.lock() else {
            return Err(Refused::Stale);
        };
        if spent.len() > 20_000 {
            spent.retain(|_, t| now - *t < MAX_AGE_MS);
        }
        if spent.insert(challenge.to_owned(), now).is_some() {
            return Err(Refused::Stale);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proof_or_wait() {
        let g = MailboxGuard::default();
        let t0 = 1_000_000;
        let c = challenge(t0);
        assert_eq!(g.check(&c, "", 8, 20, t0 + 5_000), Err(Refused::Wait(15)));
        let nonce = (0u64..)
            .map(|n| n.to_string())
            .find(|n| zero_bits(&c, n) >= 8)
            .unwrap();
        assert_eq!(g.check(&c, &nonce, 8, 20, t0 + 5_000), Ok(()));
        // Spent.
        assert_eq!(g.check(&c, &nonce, 8, 20, t0 + 6_000), Err(Refused::Stale));
        let c2 = challenge(t0);
        assert_eq!(g.check(&c2, "", 8, 20, t0 + 21_000), Ok(()));
        assert_eq!(g.check("forged-1.abc", "", 8, 20, t0), Err(Refused::Stale));
    }
}
