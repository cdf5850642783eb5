//! What protects a public form from floods and guessing, kept in memory for the life of the
//! process: submissions per key (a client address, a phone number) in a window, and wrong
//! query passwords per address and per 查询码, so neither a flood of forms nor guessing at
//! passwords gets far. Also the codes and passwords drawn for what the public sends. Each
//! capability keeps its own `Guard` as an `AppState` part (a newtype of it), so one form's
//! traffic never spends another's allowance.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Wrong passwords allowed per address, and per 查询码, in `WRONG_WINDOW_MS`.
pub const WRONG_MAX: u64 = 5;
pub const WRONG_WINDOW_MS: i64 = 15 * 60 * 1000;

#[derive(Default, Clone)]
pub struct Guard {
    inner: Arc<Mutex<Counts>>,
}

#[derive(Default)]
struct Counts {
    /// key → (window start, count)
    submits: HashMap<String, (i64, u64)>,
    wrong: HashMap<String, (i64, u64)>,
}

fn bump(m: &mut HashMap<String, (i64, u64)>, key: String, now: i64, window: i64) -> u64 {
    if m.len() > 20_000 {
        m.retain(|_, (t, _)| now - *t < window);
    }
    let e = m.entry(key).or_insert((now, 0));
    if now - e.0 >= window {
        *e = (now, 0);
    }
    e.1 += 1;
    e.1
}

fn count(m: &HashMap<String, (i64, u64)>, key: &str, now: i64, window: i64) -> u64 {
    m.get(key)
        .filter(|(t, _)| now - *t < window)
        .map_or(0, |(_, n)| *n)
}

impl Guard {
    /// Counts a submission under `key`; false when it is over `max` in `window_ms`.
    pub fn submit_allowed(&self, key: &str, now: i64, window_ms: i64, max: u64) -> bool {
        let Ok(mut c) = self.inner.lock() else {
            return false;
        };
        bump(&mut c.submits, key.to_owned(), now, window_ms) <= max
    }

    /// Whether a lookup may be tried now (neither the address nor the code is over its
    /// wrong-password allowance).
    pub fn lookup_allowed(&self, client: &str, code: &str, now: i64) -> bool {
        let Ok(c) = self.inner.lock() else {
            return false;
        };
        count(&c.wrong, &format!("ip/{client}"), now, WRONG_WINDOW_MS) < WRONG_MAX
            && count(&c.wrong, &format!("code/{code}"), now, WRONG_WINDOW_MS) < WRONG_MAX
    }

    /// Counts a wrong password (or unknown code) for both the address and the code.
    pub fn note_wrong(&self, client: &str, code: &str, now: i64) {
        if let Ok(mut c) = self.inner.lock() {
            bump(&mut c.wrong, format!("ip/{client}"), now, WRONG_WINDOW_MS);
            bump(&mut c.wrong, format!("code/{code}"), now, WRONG_WINDOW_MS);
        }
    }
}

/// Characters of codes and passwords: no 0/O, 1/I/L, so they can be read out and typed.
const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// `n` random characters of `ALPHABET`.
pub fn draw(n: usize) -> String {
    let mut b = vec![0u8; n];
    crate::ids::fill_random(&mut b);
    // 256 is not a multiple of 31; the slight bias does not matter for a 12-character code.
    b.iter()
        .map(|x| char::from(ALPHABET[usize::from(*x) % ALPHABET.len()]))
        .collect()
}

/// A new 查询码: the two-letter `prefix` and 12 characters (about 59 bits), no dashes.
pub fn tracking_code(prefix: &str) -> String {
    format!("{prefix}{}", draw(12))
}

/// A new query password: 10 characters (about 49 bits), shown once.
pub fn password() -> String {
    draw(10)
}

/// A 查询码 as shown: XX-XXXX-XXXX-XXXX.
pub fn show_code(prefix: &str, code: &str) -> String {
    let body = code.strip_prefix(prefix).unwrap_or(code);
    let groups: Vec<String> = body
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect();
    format!("{prefix}-{}", groups.join("-"))
}

/// A typed 查询码 as stored: upper case, without dashes or spaces.
pub fn normalize_code(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// What a 查询码 and password opened.
pub enum Lookup<T> {
    Open(T),
    /// Unknown code or wrong password (counted against the address and the code).
    Wrong,
    /// Too many wrong tries from this address or for this code: not even tried.
    Throttled,
}

/// Opens the record `find` gives for `code` if `password` matches its hash (`hash_of`), with
/// the wrong-password throttle around it. An unknown code costs the same hash as a wrong
/// password, so the answer's timing does not tell codes that exist.
pub async fn open_with<T: Send + 'static>(
    st: &crate::http::Shared,
    g: &Guard,
    client: &str,
    code: &str,
    password: String,
    find: impl FnOnce(&redb::ReadTransaction) -> crate::error::Result<Option<T>> + Send + 'static,
    hash_of: impl Fn(&T) -> String,
) -> crate::error::Result<Lookup<T>> {
    let now = st.now_ms();
    if !g.lookup_allowed(client, code, now) {
        return Ok(Lookup::Throttled);
    }
    let found = st.store.read(find).await?;
    let hash = found
        .as_ref()
        .map(&hash_of)
        .unwrap_or_else(|| crate::auth::password::dummy_hash().to_owned());
    let ok = tokio::task::spawn_blocking(move || crate::auth::password::verify(&password, &hash))
        .await?;
    match found.filter(|_| ok) {
        Some(t) => Ok(Lookup::Open(t)),
        None => {
            g.note_wrong(client, code, now);
            Ok(Lookup::Wrong)
        }
    }
}
