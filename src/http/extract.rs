//! Extractors: who is asking (session → user), from where, and a form whose CSRF
//! token and origin have been checked.

use std::net::IpAddr;

use axum::extract::{FromRef, FromRequest, FromRequestParts, Request};
use axum::http::HeaderMap;
use axum::http::request::Parts;

use super::Shared;
use super::anon_csrf::AnonCsrf;
use crate::auth::model::User;
use crate::auth::session::{self, Limits, Session, Stage};
use crate::error::{Error, Result};

pub const SESSION_COOKIE: &str = "gk_session";

#[derive(Debug, Clone)]
pub struct RequestId(pub String);

pub use super::cookie::cookie;

/// True unless the browser tells us the request comes from another site.
pub fn same_origin(h: &HeaderMap) -> bool {
    if let Some(site) = h.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && !matches!(site, "same-origin" | "none")
    {
        return false;
    }
    if let Some(origin) = h.get("origin").and_then(|v| v.to_str().ok()) {
        let host = h.get("host").and_then(|v| v.to_str().ok()).unwrap_or("");
        let origin_host = origin
            .strip_prefix("http://")
            .or_else(|| origin.strip_prefix("https://"))
            .unwrap_or("");
        return !host.is_empty() && origin_host == host;
    }
    true
}

/// A live session and its user.
#[derive(Debug, Clone)]
pub struct Authed {
    pub key: String,
    pub session: Session,
    pub user: User,
    /// Unread notices for the bell, read in the same snapshot as the session.
    pub unread: u64,
}

/// Every request's context: client, preferences, the session if any.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The client's address, resolved once per request (`http::client`): the peer, or
    /// what a trusted proxy says.
    pub ip: IpAddr,
    /// Cookies set in the answer carry `Secure`: TLS here, HTTPS at a trusted proxy, or
    /// `server.secure_cookies`.
    pub secure_cookies: bool,
    pub care: bool,
    anon_csrf: std::sync::Arc<std::sync::OnceLock<String>>,
    pub authed: Option<Authed>,
    /// The user of a session that ended just now (this request found it expired): a form
    /// posted with it is kept for them (`kept`).
    pub lapsed_user: Option<u64>,
    /// A form kept for this page (`kept`) that this user may have back.
    pub kept: Option<std::sync::Arc<super::kept::KeptForm>>,
    pub path: String,
    /// The request may reach the intranet office (`http::zone::inside`).
    pub inside: bool,
}

impl Ctx {
    /// The CSRF token forms on this page must carry.
    pub fn csrf(&self) -> &str {
        match &self.authed {
            Some(a) => &a.session.csrf,
            None => self.anon_csrf.get_or_init(super::anon_csrf::mint),
        }
    }
    pub fn ip_string(&self) -> String {
        self.ip.to_string()
    }

    /// Who is posting, as a kept form records it (`kept`).
    pub fn poster(&self) -> super::kept::Poster {
        super::kept::Poster {
            ip: self.ip,
            secure_cookies: self.secure_cookies,
            live: self.authed.as_ref().map(|a| a.user.id),
            lapsed: self.lapsed_user,
        }
    }

    /// The fully logged-in staff member making this request (past two-factor login, held to
    /// the forced-password / required-TOTP gate as pages are), from the session alone:
    /// routes that must decide before reading a body (uploads) or without a staff page
    /// (`/files/`) ask this.
    pub fn staff(&self, st: &Shared) -> Result<Staff> {
        let a = self.authed.clone().ok_or(Error::LoginRequired)?;
        if a.session.stage != Stage::Full {
            return Err(Error::LoginRequired);
        }
        gate(st, &a.user, &self.path)?;
        Ok(Staff {
            unread: a.unread,
            csrf: a.session.csrf.clone(),
            user: a.user,
            session_key: a.key,
            ctx: self.clone(),
        })
    }
}

fn limits(st: &Shared) -> Limits {
    Limits {
        idle_ms: i64::try_from(st.cfg().auth.session_idle_minutes)
            .unwrap_or(30)
            .saturating_mul(60_000),
        absolute_ms: i64::try_from(st.cfg().auth.session_absolute_hours)
            .unwrap_or(12)
            .saturating_mul(3_600_000),
    }
}

pub fn session_limits(st: &Shared) -> Limits {
    limits(st)
}

/// A live session, or the user of one that just ended.
enum Found {
    Live(Box<Authed>),
    Lapsed(u64),
    None,
}

async fn load_session(st: &Shared, token: String) -> Result<Found> {
    if token.len() != 64 {
        return Ok(Found::None);
    }
    let now = st.now_ms();
    let lim = limits(st);
    let unread_count = st.unread;
    let found = st
        .store
        .read(move |txn| {
            let Some(s) = session::get(txn, &token)? else {
                return Ok(None);
            };
            let Some(u) = crate::auth::store::get_user(txn, s.user_id)? else {
                return Ok(None);
            };
            let unread = unread_count(txn, u.id)?;
            Ok(Some((session::key(&token), s, u, unread)))
        })
        .await?;
    let Some((key, mut s, user, unread)) = found else {
        return Ok(Found::None);
    };
    if s.expired(now, &lim) || s.epoch != user.session_epoch || user.disabled {
        let k = key.clone();
        st.store.write(move |txn| session::delete(txn, &k)).await?;
        return Ok(Found::Lapsed(user.id));
    }
    // Refresh the idle timer at most once a minute, to keep writes off most requests.
    if now - s.last_seen_ms > 60_000 {
        s.last_seen_ms = now;
        let (k, s2) = (key.clone(), s.clone());
        st.store
            .write(move |txn| session::put(txn, &k, &s2))
            .await?;
    }
    Ok(Found::Live(Box::new(Authed {
        key,
        session: s,
        user,
        unread,
    })))
}

impl<S> FromRequestParts<S> for Ctx
where
    Shared: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self> {
        if let Some(c) = parts.extensions.get::<Ctx>() {
            return Ok(c.clone());
        }
        let st = Shared::from_ref(state);
        let client = super::client::of(&parts.extensions, st.tls);
        let ip = client.ip;
        let secure_cookies = client.https || st.cfg().server.secure_cookies;
        let care = cookie(&parts.headers, "gk_care").as_deref() == Some("1");
        let anon_csrf = parts
            .extensions
            .get::<AnonCsrf>()
            .map(|a| a.cell.clone())
            .unwrap_or_default();
        let found = match cookie(&parts.headers, SESSION_COOKIE) {
            Some(t) => load_session(&st, t).await?,
            None => Found::None,
        };
        let (authed, lapsed_user) = match found {
            Found::Live(a) => (Some(*a), None),
            Found::Lapsed(u) => (None, Some(u)),
            Found::None => (None, None),
        };
        // A kept form comes back to the user it was kept for (or, when that was not known,
        // to this browser), signed in fully if it was a staff member's.
        let kept = parts
            .extensions
            .get::<std::sync::Arc<super::kept::Slot>>()
            .filter(|slot| {
                let me = authed
                    .as_ref()
                    .filter(|a| a.session.stage == Stage::Full)
                    .map(|a| a.user.id);
                match slot.form.user {
                    Some(u) => me == Some(u),
                    None => true,
                }
            })
            .map(|slot| {
                slot.used.store(true, std::sync::atomic::Ordering::Relaxed);
                slot.form.clone()
            });
        let inside = super::zone::inside(&st, &parts.extensions, ip);
        let ctx = Ctx {
            inside,
            ip,
            secure_cookies,
            care,
            anon_csrf,
            authed,
            lapsed_user,
            kept,
            path: parts.uri.path().to_owned(),
        };
        parts.extensions.insert(ctx.clone());
        Ok(ctx)
    }
}

/// A fully logged-in staff member. Accounts that must change their password or enrol
/// two-factor login (always the three separated admin duties) are sent there first.
#[derive(Debug, Clone)]
pub struct Staff {
    pub ctx: Ctx,
    pub user: User,
    pub session_key: String,
    pub csrf: String,
    /// Unread notices when the request began, for the bell. A handler that marks notices
    /// read and then renders in the same request lowers it by what it marked.
    pub unread: u64,
}

/// Pages a restricted account may still reach.
const ALWAYS_ALLOWED: [&str; 4] = ["/account/password", "/account/totp", "/logout", "/account"];

impl<S> FromRequestParts<S> for Staff
where
    Shared: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self> {
        let ctx = Ctx::from_request_parts(parts, state).await?;
        let st = Shared::from_ref(state);
        let Some(a) = ctx.authed.clone() else {
            return Err(Error::LoginRequired);
        };
        if a.session.stage != Stage::Full {
            return Err(Error::LoginRequired);
        }
        gate(&st, &a.user, parts.uri.path())?;
        Ok(Staff {
            unread: a.unread,
            csrf: a.session.csrf.clone(),
            user: a.user,
            session_key: a.key,
            ctx,
        })
    }
}

/// Sends an account that must change its password or enrol two-factor login there
/// first, unless `path` is one of the pages it may still reach.
fn gate(st: &Shared, user: &User, path: &str) -> Result<()> {
    if ALWAYS_ALLOWED.contains(&path) {
        return Ok(());
    }
    if user.must_change_password {
        return Err(Error::Redirect("/account/password".into()));
    }
    // The three separated admin duties always enrol before their first action; unit
    // admins too when the setting asks for it.
    if user.must_enrol_totp(st.cfg().auth.totp_required_for_admins) {
        return Err(Error::Redirect("/account/totp".into()));
    }
    Ok(())
}

/// A submitted urlencoded form whose CSRF token matched and whose origin is ours.
#[derive(Debug, Clone)]
pub struct Posted {
    pub ctx: Ctx,
    pub fields: Vec<(String, String)>,
}

impl Posted {
    /// The fully logged-in staff member who sent the form, held to the same
    /// forced-password / required-TOTP gate as pages.
    pub fn staff(&self, st: &Shared) -> Result<Staff> {
        self.ctx.staff(st)
    }

    pub fn get(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.fields
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }
    /// The fields to show again when re-rendering (passwords and the token dropped).
    pub fn kept(&self) -> Vec<(String, String)> {
        self.fields
            .iter()
            .filter(|(k, _)| k != "csrf" && !k.contains("password"))
            .cloned()
            .collect()
    }
}

impl<S> FromRequest<S> for Posted
where
    Shared: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self> {
        let st = Shared::from_ref(state);
        let (mut parts, body) = req.into_parts();
        if !same_origin(&parts.headers) {
            return Err(Error::Csrf);
        }
        let ctx = Ctx::from_request_parts(&mut parts, state).await?;
        let limit = usize::try_from(st.cfg().server.max_body_bytes).unwrap_or(usize::MAX);
        let action = parts.uri.path().to_owned();
        let bytes = axum::body::to_bytes(body, limit)
            .await
            .map_err(|_| Error::TooLarge)?;
        let ct = parts
            .headers
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if !ct.starts_with("application/x-www-form-urlencoded") {
            return Err(Error::BadRequest("表单格式不正确".into()));
        }
        let fields: Vec<(String, String)> = form_urlencoded::parse(&bytes)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let given = fields
            .iter()
            .find(|(k, _)| k == "csrf")
            .map(|(_, v)| v.as_str())
            .unwrap_or("");
        if given.is_empty() || !crate::ids::secret_eq(given.as_bytes(), ctx.csrf().as_bytes()) {
            // Same origin with a token this site made, but not this session's: the page
            // outlived its session or token. The text is kept and the writer sent to sign in
            // (or back), never told of an attack. A missing or forged token is refused.
            if super::anon_csrf::valid(given) {
                let who = ctx.poster();
                return Err(super::kept::keep(&st, &who, &parts.headers, &action, fields).await);
            }
            return Err(Error::Csrf);
        }
        Ok(Posted { ctx, fields })
    }
}
