//! Middleware: request id and the one log line per request, security headers, error
//! pages, the anonymous CSRF cookie and the 适老化 preference.

use std::time::Instant;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use maud::html;

use super::Shared;
use super::extract::{RequestId, cookie};
use super::respond::ErrorPage;
use crate::views::{PageMeta, public_page};

pub const CSRF_COOKIE: &str = "gk_csrf";

/// One log line per request: method, path, status, latency, request id.
pub async fn log_requests(State(st): State<Shared>, mut req: Request, next: Next) -> Response {
    let rid = crate::ids::request_id();
    req.extensions_mut().insert(RequestId(rid.clone()));
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let ip = super::client::of(req.extensions(), st.tls).ip;
    let t0 = Instant::now();
    let mut resp = next.run(req).await;
    let us = u64::try_from(t0.elapsed().as_micros()).unwrap_or(u64::MAX);
    let status = resp.status().as_u16();
    use std::sync::atomic::Ordering::Relaxed;
    st.metrics.requests.fetch_add(1, Relaxed);
    st.metrics.latency_us_sum.fetch_add(us, Relaxed);
    if status >= 500 {
        st.metrics.errors_5xx.fetch_add(1, Relaxed);
    }
    tracing::info!(
        target: "gongkai::request",
        "{method} {path} {status} {:.1}ms rid={rid} ip={ip}",
        us as f64 / 1000.0
    );
    if let Ok(v) = HeaderValue::from_str(&rid) {
        resp.headers_mut().insert("x-request-id", v);
    }
    resp
}

pub async fn security_headers(State(st): State<Shared>, req: Request, next: Next) -> Response {
    let https = super::client::of(req.extensions(), st.tls).https;
    let mut resp = next.run(req).await;
    apply_security_headers(resp.headers_mut(), https);
    resp
}

/// The security headers every response carries (unless a handler set its own); HSTS when
/// the client's connection is HTTPS (ours, or a trusted proxy's).
pub fn apply_security_headers(h: &mut axum::http::HeaderMap, tls: bool) {
    let set = |h: &mut axum::http::HeaderMap, k: &'static str, v: &'static str| {
        if !h.contains_key(k) {
            h.insert(k, HeaderValue::from_static(v));
        }
    };
    set(
        h,
        "content-security-policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
         form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'",
    );
    set(h, "x-content-type-options", "nosniff");
    set(h, "referrer-policy", "strict-origin-when-cross-origin");
    set(h, "x-frame-options", "DENY");
    set(
        h,
        "permissions-policy",
        "camera=(), microphone=(), geolocation=()",
    );
    if tls {
        set(
            h,
            "strict-transport-security",
            "max-age=31536000; includeSubDomains",
        );
    }
}

/// Public pages already in the memory cache are answered here, before routing and the
/// inner layers: the same bytes, headers and log line, a fraction of the work. Anything
/// with a session cookie, or not a GET/HEAD, or not cached, goes the normal way.
pub async fn cached_fast_path(State(st): State<Shared>, req: Request, next: Next) -> Response {
    if !matches!(*req.method(), Method::GET | Method::HEAD)
        || cookie(req.headers(), super::extract::SESSION_COOKIE).is_some()
    {
        return next.run(req).await;
    }
    let care = cookie(req.headers(), "gk_care").as_deref() == Some("1");
    let key = format!("{}|{}", u8::from(care), req.uri().path());
    let Some(page) = st.pages.peek(&key) else {
        return next.run(req).await;
    };
    let t0 = Instant::now();
    let client = super::client::of(req.extensions(), st.tls);
    let mut resp = crate::http::page_cache::respond(&page, req.headers());
    apply_security_headers(resp.headers_mut(), client.https);
    let rid = crate::ids::request_id();
    if let Ok(v) = HeaderValue::from_str(&rid) {
        resp.headers_mut().insert("x-request-id", v);
    }
    let us = u64::try_from(t0.elapsed().as_micros()).unwrap_or(u64::MAX);
    use std::sync::atomic::Ordering::Relaxed;
    st.metrics.requests.fetch_add(1, Relaxed);
    st.metrics.latency_us_sum.fetch_add(us, Relaxed);
    let ip = client.ip;
    tracing::info!(
        target: "gongkai::request",
        "{} {} {} {:.1}ms rid={rid} ip={ip}",
        req.method(),
        req.uri().path(),
        resp.status().as_u16(),
        us as f64 / 1000.0
    );
    resp
}

/// Renders `ErrorPage` markers (and bare 404/405/413/408 from the router and layers)
/// as pages in the site's style, with a link home.
pub async fn render_errors(State(st): State<Shared>, req: Request, next: Next) -> Response {
    let care = cookie(req.headers(), "gk_care").as_deref() == Some("1");
    let wants_html = req.method() != Method::HEAD;
    let resp = next.run(req).await;
    let status = resp.status();
    let page = match resp.extensions().get::<ErrorPage>() {
        Some(p) => p.clone(),
        None if status.is_client_error() || status.is_server_error() => {
            let is_html = resp
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("text/html") || v.starts_with("application/json"));
            if is_html {
                return resp;
            }
            let message = match status.as_u16() {
                404 => "您访问的页面不存在或已被移除。",
                405 => "不支持此请求方式。",
                408 => "请求超时，请重试。",
                413 => "提交的内容过大。",
                429 => "请求过于频繁，请稍后再试。",
                _ if status.is_server_error() => "服务器内部错误。",
                _ => "请求无法处理。",
            };
            ErrorPage {
                status,
                message: message.into(),
                reference: None,
            }
        }
        None => return resp,
    };
    if !wants_html {
        return resp;
    }
    let title = match page.status.as_u16() {
        404 => "页面不存在",
        403 => "无权访问",
        500 => "服务器错误",
        _ => "请求未完成",
    };
    let body = html! {
        section.error-page {
            h1 { (title) }
            p { (page.message) }
            @if let Some(r) = &page.reference {
                p { "参考编号：" code { (r) } "（请联系网站管理员并提供此编号）" }
            }
            p { a href="/" { "返回网站首页" } }
        }
    };
    let meta = PageMeta {
        title: title.into(),
        column: "错误".into(),
        care,
        ..Default::default()
    };
    let mut out = super::respond::html(public_page(&st.site(), &meta, body));
    *out.status_mut() = page.status;
    for (k, v) in resp.headers() {
        if k == header::LOCATION || k == header::RETRY_AFTER || k == header::SET_COOKIE {
            out.headers_mut().append(k, v.clone());
        }
    }
    out
}

/// Gives a visitor an anonymous CSRF cookie (double-submit) when a page renders a form
/// before login; logged-in forms use the session's own token. Pages without such a form
/// set no cookie, so public pages stay identical for everyone (and cacheable by proxies).
pub async fn csrf_cookie(State(st): State<Shared>, mut req: Request, next: Next) -> Response {
    let existing = cookie(req.headers(), CSRF_COOKIE).filter(|v| super::anon_csrf::valid(v));
    let fresh = existing.is_none();
    let cell = std::sync::Arc::new(std::sync::OnceLock::new());
    if let Some(t) = existing {
        let _ = cell.set(t);
    }
    req.extensions_mut()
        .insert(super::anon_csrf::AnonCsrf { cell: cell.clone() });
    let secure =
        super::client::of(req.extensions(), st.tls).https || st.cfg().server.secure_cookies;
    let mut resp = next.run(req).await;
    // A token made during this request (a form was rendered) goes out as the cookie.
    if fresh && let Some(token) = cell.get() {
        let secure = if secure { "; Secure" } else { "" };
        let c = format!("{CSRF_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax{secure}");
        if let Ok(v) = HeaderValue::from_str(&c) {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    resp
}

/// Refuses cross-site state changes early, on headers alone (the token check is in
/// the form extractor).
pub async fn origin_check(req: Request, next: Next) -> Response {
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if unsafe_method && !super::extract::same_origin(req.headers()) {
        return crate::error::Error::Csrf.into_response();
    }
    next.run(req).await
}

/// Turns a panic into a 500 page rather than a dropped connection.
pub fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response<Body> {
    crate::error::Error::Internal("handler panicked".into()).into_response()
}
