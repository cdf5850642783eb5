//! The rich-text editor for staff: Jodit 4 (MIT, vendored in
//! `embedded/static/vendor/jodit/`) attached by `embedded/static/js/editor.js` to every
//! `textarea[data-rich]`. Without script the textarea is an ordinary form field; with it,
//! Jodit keeps the textarea in step, so the form posts the same field either way. What
//! arrives is cleaned by `portal::sanitize` like any other body.
//!
//! Jodit positions its popups, toolbars and table tools with `style` attributes, which
//! the site-wide CSP (`style-src 'self'`) refuses. Pages that carry the editor call
//! [`allow_editor_styles`]: the same policy with `'unsafe-inline'` for styles only.
//! Scripts stay `'self'` on every page.

use std::sync::OnceLock;

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use maud::{Markup, html};

use crate::http::Shared;

/// The editor's stylesheets and scripts; the caller puts them inside the page body
/// (after the form is fine: the scripts are deferred).
pub fn assets(st: &Shared) -> Markup {
    html! {
        link rel="stylesheet" href=(st.assets.url("vendor/jodit/jodit.min.css"));
        link rel="stylesheet" href=(st.assets.url("css/editor.css"));
        script src=(st.assets.url("vendor/jodit/jodit.min.js")) defer {}
        script src=(st.assets.url("js/editor.js")) defer {}
    }
}

/// The site's CSP with inline styles allowed (nothing else changed).
pub fn editor_csp() -> &'static str {
    static CSP: OnceLock<String> = OnceLock::new();
    CSP.get_or_init(|| {
        let mut h = HeaderMap::new();
        crate::http::middleware::apply_security_headers(&mut h, false);
        let base = h
            .get(header::CONTENT_SECURITY_POLICY)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("default-src 'self'; script-src 'self'; style-src 'self'");
        base.split(';')
            .map(|d| {
                let d = d.trim();
                if d.starts_with("style-src ") && !d.contains("'unsafe-inline'") {
                    format!("{d} 'unsafe-inline'")
                } else {
                    d.to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join("; ")
    })
}

/// Gives a page that carries the editor its own CSP (the security-header middleware
/// keeps a header the handler set).
pub fn allow_editor_styles(resp: &mut Response) {
    if let Ok(v) = HeaderValue::from_str(editor_csp()) {
        resp.headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_inline_styles_are_added() {
        let mut h = HeaderMap::new();
        crate::http::middleware::apply_security_headers(&mut h, false);
        let base = h[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .to_owned();
        let csp = editor_csp();
        assert!(csp.contains("style-src 'self' 'unsafe-inline'"), "{csp}");
        assert!(csp.contains("script-src 'self'"), "{csp}");
        assert!(!csp.contains("script-src 'self' 'unsafe"), "{csp}");
        let norm = |s: &str| s.split(';').map(str::trim).collect::<Vec<_>>().join(";");
        assert_eq!(
            norm(&csp.replace(" 'unsafe-inline'", "")),
            norm(&base),
            "everything else is the site's policy"
        );
        let mut r = Response::new(axum::body::Body::empty());
        allow_editor_styles(&mut r);
        assert_eq!(r.headers()[header::CONTENT_SECURITY_POLICY], csp);
    }
}
