//! 保留的内容: a form posted after its session ended, or with the token of an older page, is
//! not thrown away. Its fields (never passwords or the token) are kept server-side under a
//! random token held in an HttpOnly cookie; the writer is sent to sign in again (or straight
//! back, if the session is alive), and the page the form came from shows the text again
//! once, with a plain message. An expired form is never described as coming from another
//! site: only a request the browser marks as cross-site is (`extract::same_origin`).
//!
//! - **Whose.** A kept form is bound to the user of the session that ended when that is
//!   known, else to the browser holding the cookie (which is the browser that typed it).
//! - **Where.** It comes back only on the page it was posted from (`back`, the same-host
//!   Referer, else the form's own address), and only once (`middleware` removes it after a
//!   page that used it was served).
//! - **How much.** Bounded per client (`PER_CLIENT_PER_HOUR`), by the body limit each, and
//!   for a day (`TTL_MS`, swept by the scheduler).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::Response;
use redb::{ReadableTable, WriteTransaction};
use serde::{Deserialize, Serialize};

use super::Shared;
use super::cookie::cookie;
use crate::error::{Error, Result};
use crate::store::{get_json, put_json, tables};

pub const COOKIE: &str = "gk_kept";
/// A kept form lasts a day.
pub const TTL_MS: i64 = 24 * 3_600_000;
/// At most this many forms kept for one client address (by `client::bucket`) an hour.
const PER_CLIENT_PER_HOUR: u64 = 30;

/// Why the form could not be taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Why {
    /// The session ended (idle or absolute limit, signed out elsewhere): sign in again.
    Lapsed,
    /// The session is alive but the page was older than its token (signed in again in
    /// another tab), or an anonymous form outlived its token.
    Stale,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KeptForm {
    /// Where the form was posted.
    pub action: String,
    /// The page it came from, where it is shown again.
    pub back: String,
    pub fields: Vec<(String, String)>,
    /// The user whose session ended, when known.
    pub user: Option<u64>,
    pub why: Why,
    pub created_ms: i64,
}

impl KeptForm {
    /// What the restored page says.
    pub fn message(&self) -> &'static str {
        match self.why {
            Why::Lapsed => "已恢复您在登录过期前填写的内容，请核对后再保存。",
            Why::Stale => "页面已过期，您填写的内容已保留在下面的表单中，请核对后重新提交。",
        }
    }

    pub fn value(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

/// A kept form found for this request's page, waiting to be taken by the `Ctx` that may
/// see it; `used` tells the middleware to remove it once the page is served.
#[derive(Debug)]
pub struct Slot {
    pub key: String,
    pub form: Arc<KeptForm>,
    pub used: AtomicBool,
}

/// The same-host page a form was posted from (path and query), else the form's own address.
pub fn back_of(headers: &HeaderMap, action: &str) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| {
            r.strip_prefix("http://")
                .or_else(|| r.strip_prefix("https://"))
        })
        .and_then(|r| r.strip_prefix(host).filter(|_| !host.is_empty()))
        .filter(|p| safe_local(p))
        .map_or_else(|| action.to_owned(), str::to_owned)
}

/// A path on this site a redirect may go to: one leading slash, nothing a browser would
/// read as another host.
pub fn safe_local(p: &str) -> bool {
    p.starts_with('/')
        && !p.starts_with("//")
        && !p.contains('\\')
        && !p.chars().any(char::is_control)
        && p.len() <= 1000
}

fn key(token: &str) -> String {
    crate::ids::sha256_hex(token.as_bytes())
}

/// Who posted the form, as far as the request tells.
pub struct Poster {
    pub ip: std::net::IpAddr,
    pub secure_cookies: bool,
    /// The user of the live session, if any.
    pub live: Option<u64>,
    /// The user of a session that ended just now, if any.
    pub lapsed: Option<u64>,
}

fn allowed(st: &Shared, who: &Poster) -> bool {
    let hour = st.now_ms() / 3_600_000;
    let Ok(mut m) = st.kept_throttle.lock() else {
        return false;
    };
    if m.len() > 10_000 {
        m.retain(|_, (h, _)| *h == hour);
    }
    let e = m.entry(super::client::bucket(who.ip)).or_insert((hour, 0));
    if e.0 != hour {
        *e = (hour, 0);
    }
    e.1 += 1;
    e.1 <= PER_CLIENT_PER_HOUR
}

/// Keeps a form whose token did not match, and answers where the writer goes next: to sign
/// in (session gone) or back to the page (session alive), with the cookie. Over the
/// per-client allowance the text is not kept, and the answer says so.
pub async fn keep(
    st: &Shared,
    who: &Poster,
    headers: &HeaderMap,
    action: &str,
    fields: Vec<(String, String)>,
) -> Error {
    let back = back_of(headers, action);
    let why = if who.live.is_some() {
        Why::Stale
    } else {
        Why::Lapsed
    };
    // An anonymous form (the login page itself, a public form) just goes back.
    let staff_form =
        who.lapsed.is_some() || back.starts_with("/admin") || back.starts_with("/account");
    let why = if why == Why::Lapsed && !staff_form {
        Why::Stale
    } else {
        why
    };
    let fields: Vec<(String, String)> = fields
        .into_iter()
        .filter(|(k, _)| k != "csrf" && !k.contains("password") && k != "code")
        .collect();
    if fields.iter().all(|(_, v)| v.trim().is_empty()) || !allowed(st, who) {
        return Error::FormExpired;
    }
    let form = KeptForm {
        action: action.to_owned(),
        back: back.clone(),
        fields,
        user: who.lapsed.or(who.live),
        why,
        created_ms: st.now_ms(),
    };
    let token = crate::ids::random_token();
    let k = key(&token);
    if let Err(e) = st.store.write(move |txn| put(txn, &k, &form)).await {
        tracing::warn!("keeping an expired form failed: {e}");
        return Error::FormExpired;
    }
    let secure = if who.secure_cookies { "; Secure" } else { "" };
    let cookie = format!(
        "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        TTL_MS / 1000
    );
    let to = match why {
        Why::Lapsed => format!(
            "/login?kept=1&next={}",
            percent_encoding::utf8_percent_encode(&back, crate::ids::URL_COMPONENT)
        ),
        Why::Stale => back,
    };
    Error::FormKept { to, cookie }
}

fn put(txn: &WriteTransaction, k: &str, f: &KeptForm) -> Result<()> {
    put_json(txn, tables::KEPT_FORMS, k, f)
}

/// Removes kept forms older than a day; run by the scheduler.
pub fn sweep(txn: &WriteTransaction, now_ms: i64) -> Result<usize> {
    let mut t = txn.open_table(tables::KEPT_FORMS)?;
    let mut dead = Vec::new();
    for row in t.iter()? {
        let (k, v) = row?;
        match serde_json::from_slice::<KeptForm>(v.value()) {
            Ok(f) if now_ms - f.created_ms <= TTL_MS => {}
            _ => dead.push(k.value().to_owned()),
        }
    }
    for k in &dead {
        t.remove(k.as_str())?;
    }
    Ok(dead.len())
}

/// On a GET carrying the cookie: finds the kept form for this page and offers it to the
/// request's `Ctx`; once a page that took it was served, removes it and the cookie.
pub async fn middleware(State(st): State<Shared>, mut req: Request, next: Next) -> Response {
    let token = (req.method() == Method::GET)
        .then(|| cookie(req.headers(), COOKIE))
        .flatten()
        .filter(|t| t.len() == 64);
    let Some(token) = token else {
        return next.run(req).await;
    };
    let k = key(&token);
    let k2 = k.clone();
    let found: Option<KeptForm> = st
        .store
        .read(move |txn| get_json(&txn.open_table(tables::KEPT_FORMS)?, &k2))
        .await
        .ok()
        .flatten();
    let here = req
        .uri()
        .path_and_query()
        .map_or_else(|| req.uri().path().to_owned(), |p| p.as_str().to_owned());
    let Some(form) = found.filter(|f| f.back == here && st.now_ms() - f.created_ms <= TTL_MS)
    else {
        return next.run(req).await;
    };
    let slot = Arc::new(Slot {
        key: k,
        form: Arc::new(form),
        used: AtomicBool::new(false),
    });
    req.extensions_mut().insert(slot.clone());
    let mut resp = next.run(req).await;
    if slot.used.load(Ordering::Relaxed) && resp.status().is_success() {
        let k = slot.key.clone();
        let gone = st
            .store
            .write(move |txn| {
                txn.open_table(tables::KEPT_FORMS)?.remove(k.as_str())?;
                Ok(())
            })
            .await;
        if gone.is_ok()
            && let Ok(v) = HeaderValue::from_str(&format!(
                "{COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"
            ))
        {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    resp
}
