//! Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP): HMAC-SHA1, 30-second
//! steps, 6 digits, the defaults every authenticator app uses.

use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

pub const STEP_SECS: i64 = 30;

/// A new 160-bit secret, base32 without padding (what authenticator apps take).
pub fn new_secret() -> String {
    let mut b = [0u8; 20];
    crate::ids::fill_random(&mut b);
    data_encoding::BASE32_NOPAD.encode(&b)
}

fn hotp(key: &[u8], counter: u64, digits: u32) -> Option<u32> {
    let mut mac = Hmac::<Sha1>::new_from_slice(key).ok()?;
    mac.update(&counter.to_be_bytes());
    let h = mac.finalize().into_bytes();
    let off = usize::from(*h.last()? & 0x0f);
    let slice = h.get(off..off + 4)?;
    let bin = u32::from_be_bytes([slice[0] & 0x7f, slice[1], slice[2], slice[3]]);
    Some(bin % 10u32.pow(digits))
}

pub fn step_at(unix_secs: i64) -> u64 {
    u64::try_from(unix_secs.max(0) / STEP_SECS).unwrap_or(0)
}

/// The code for a time step.
pub fn code(secret_b32: &str, step: u64) -> Option<String> {
    let key = data_encoding::BASE32_NOPAD
        .decode(secret_b32.as_bytes())
        .ok()?;
    hotp(&key, step, 6).map(|c| format!("{c:06}"))
}

/// Checks a code against the steps around `now` (±1 step for clock drift), refusing
/// steps at or before `last_step` so a code cannot be replayed. Returns the matched step.
pub fn verify(secret_b32: &str, input: &str, unix_secs: i64, last_step: u64) -> Option<u64> {
    let input: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    if input.len() != 6 || !input.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let now = step_at(unix_secs);
    [now.saturating_sub(1), now, now + 1]
        .into_iter()
        .filter(|s| *s > last_step)
        .find(|s| {
            code(secret_b32, *s)
                .is_some_and(|c| crate::ids::secret_eq(c.as_bytes(), input.as_bytes()))
        })
}

/// The otpauth:// URI an authenticator app reads (typed in or from a QR code).
pub fn uri(issuer: &str, account: &str, secret_b32: &str) -> String {
    let enc =
        |s: &str| percent_encoding::utf8_percent_encode(s, crate::ids::URL_COMPONENT).to_string();
    format!(
        "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits=6&period=30",
        enc(issuer),
        enc(account),
        secret_b32,
        enc(issuer)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 rows (8 digits there; we check the same HOTP core).
    #[test]
    fn rfc6238_vectors() {
        let key = b"12345678901234567890";
        let cases = [
            (59i64, 94287082u32),
            (1111111109, 7081804),
            (1111111111, 14050471),
            (1234567890, 89005924),
            (2000000000, 69279037),
        ];
        for (t, want) in cases {
            assert_eq!(hotp(key, step_at(t), 8), Some(want), "t={t}");
        }
    }

    #[test]
    fn verify_window_and_replay() {
        let s = new_secret();
        let t = 1_800_000_000;
        let c = code(&s, step_at(t)).unwrap();
        let step = verify(&s, &c, t, 0).unwrap();
        assert_eq!(step, step_at(t));
        assert!(verify(&s, &c, t, step).is_none(), "replay refused");
        assert!(verify(&s, &c, t + 31, 0).is_some(), "one step of drift ok");
        assert!(verify(&s, &c, t + 200, 0).is_none());
        assert!(verify(&s, "12345", t, 0).is_none());
    }
}
