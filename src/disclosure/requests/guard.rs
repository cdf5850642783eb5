//! What protects the public side of requests, kept in memory for the life of the process
//! (`AppState` part, put in by `lib.rs`): how many requests each client address sent this
//! hour, and wrong query passwords per address and per 查询码 (a short window), so neither a
//! flood of requests nor guessing at passwords gets far. Also the 查询码 and password drawn
//! for a new request.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::http::AppState;

/// Requests one address may send in an hour.
pub const SUBMIT_PER_HOUR: u64 = 5;
/// Wrong passwords allowed per address, and per 查询码, in `WRONG_WINDOW_MS`.
pub const WRONG_MAX: u64 = 5;
pub const WRONG_WINDOW_MS: i64 = 15 * 60 * 1000;

impl AppState {
    /// The request guard, put in by the composition root (`lib.rs`) before serving.
    pub fn disclosure_guard(&self) -> &Guard {
        // Only a composition-root bug can leave it out, and every test would show it.
        #[allow(clippy::expect_used)]
        self.parts
            .get::<Guard>()
            .expect("the composition root registers the disclosure guard")
    }
}

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
    /// Counts a submission from `client`; false when over the hour's allowance.
    pub fn submit_allowed(&self, client: &str, now: i64) -> bool {
        let Ok(mut c) = self.inner.lock() else {
            return false;
        };
        bump(&mut c.submits, client.to_owned(), now, 3_600_000) <= SUBMIT_PER_HOUR
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

fn draw(n: usize) -> String {
    let mut b = vec![0u8; n];
    crate::ids::fill_random(&mut b);
    // 256 is not a multiple of 31; the slight bias does not matter for a 12-character code.
    b.iter()
        .map(|x| char::from(ALPHABET[usize::from(*x) % ALPHABET.len()]))
        .collect()
}

/// A new 查询码: "GK" and 12 characters (about 59 bits), stored without dashes.
pub fn tracking_code() -> String {
    format!("GK{}", draw(12))
}

/// A new query password: 10 characters (about 49 bits), shown once.
pub fn password() -> String {
    draw(10)
}

/// A 查询码 as shown: GK-XXXX-XXXX-XXXX.
pub fn show_code(code: &str) -> String {
    let body = code.strip_prefix("GK").unwrap_or(code);
    let groups: Vec<String> = body
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect();
    format!("GK-{}", groups.join("-"))
}
