//! Turning results into responses. Handlers return `Result<Response>`; errors become
//! a marker the `render_errors` middleware turns into a page in the site's style.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::Markup;

use crate::error::Error;

/// Attached to error responses; `middleware::render_errors` renders it.
#[derive(Debug, Clone)]
pub struct ErrorPage {
    pub status: StatusCode,
    pub message: String,
    pub reference: Option<String>,
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        if let Error::LoginRequired = self {
            return Redirect::to("/login").into_response();
        }
        if let Error::Redirect(to) = &self {
            return Redirect::to(to).into_response();
        }
        if let Error::FormKept { to, cookie } = &self {
            let mut r = Redirect::to(to).into_response();
            if let Ok(v) = HeaderValue::from_str(cookie) {
                r.headers_mut().append(header::SET_COOKIE, v);
            }
            return r;
        }
        let status = self.status();
        let (message, reference) = match &self {
            Error::Internal(cause) => {
                let r = crate::ids::short_id();
                tracing::error!(reference = %r, cause = %cause, "internal error");
                ("服务器内部错误，我们已记录此问题。".to_owned(), Some(r))
            }
            Error::NotFound => ("您访问的页面不存在或已被移除。".to_owned(), None),
            Error::Csrf => (
                "请求来源校验失败：请求没有携带本网站页面的有效校验码，或来自其他网站，已拒绝。请从本网站页面重新操作。"
                    .to_owned(),
                None,
            ),
            Error::FormExpired => (
                "请求来源校验失败：页面已过期（可能已重新登录或长时间未操作）。请返回上一页刷新后重新操作。"
                    .to_owned(),
                None,
            ),
            other => (other.to_string(), None),
        };
        let mut resp = status.into_response();
        resp.extensions_mut().insert(ErrorPage {
            status,
            message,
            reference,
        });
        resp
    }
}

pub fn html(m: Markup) -> Response {
    let mut r = m.into_string().into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// A re-rendered form with errors: 422 so scripts can tell, the page for people.
pub fn html_invalid(m: Markup) -> Response {
    let mut r = html(m);
    *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    r
}

/// 303 See Other: after a POST, the browser GETs the target.
pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_carry_a_reference_and_hide_the_cause() {
        let r = Error::Internal("disk on fire at /secret/path".into()).into_response();
        assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let page = r
            .extensions()
            .get::<ErrorPage>()
            .expect("marked for rendering");
        assert_eq!(page.reference.as_deref().map(str::len), Some(12));
        assert!(!page.message.contains("secret"));
    }

    #[test]
    fn login_required_redirects() {
        let r = Error::LoginRequired.into_response();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.headers()["location"], "/login");
    }
}
