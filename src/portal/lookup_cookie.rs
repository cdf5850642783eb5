//! The cookie that keeps a public lookup open (a disclosure request's, a letter's) after the
//! 查询码 and password were right: signed, for one path only, short-lived, so the page can be
//! reloaded and its files fetched without sending the password again.

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;

use crate::error::{Error, Result};

/// How long a lookup stays open without the password again.
pub const OPEN_MS: i64 = 30 * 60 * 1000;

/// One lookup's cookie: its name (also the signing purpose) and the path it is sent to.
pub struct LookupCookie {
    pub name: &'static str,
    pub path: &'static str,
}

impl LookupCookie {
    /// The id the cookie in `headers` opens, if it is ours and still open at `now`.
    pub fn opened(&self, headers: &HeaderMap, now: i64) -> Option<u64> {
        let tok = crate::http::cookie::cookie(headers, self.name)?;
        let data = crate::auth::csrf::unseal(self.name, &tok)?;
        let (id, until) = data.split_once('-')?;
        let (id, until) = (id.parse::<u64>().ok()?, until.parse::<i64>().ok()?);
        (until >= now).then_some(id)
    }

    /// Sets the cookie opening `id` on `resp`.
    pub fn open(&self, resp: &mut Response, id: u64, now: i64, secure: bool) -> Result<()> {
        let token = crate::auth::csrf::seal(self.name, &format!("{id}-{}", now + OPEN_MS));
        let cookie = format!(
            "{}={token}; Path={}; HttpOnly; SameSite=Strict; Max-Age={}{}",
            self.name,
            self.path,
            OPEN_MS / 1000,
            if secure { "; Secure" } else { "" }
        );
        resp.headers_mut().append(
            header::SET_COOKIE,
            HeaderValue::from_str(&cookie).map_err(|e| Error::Internal(e.to_string()))?,
        );
        Ok(())
    }

    /// Forgets the lookup on this browser.
    pub fn close(&self, resp: &mut Response) -> Result<()> {
        let cookie = format!(
            "{}=; Path={}; HttpOnly; SameSite=Strict; Max-Age=0",
            self.name, self.path
        );
        resp.headers_mut().append(
            header::SET_COOKIE,
            HeaderValue::from_str(&cookie).map_err(|e| Error::Internal(e.to_string()))?,
        );
        Ok(())
    }
}
