//! Host names bound to sub-sites: `commerce.example.gov.cn/c/work/` is served as
//! `/u/commerce/c/work/`, so a department's sub-domain shows its own sub-site.

use axum::extract::{Request, State};
use axum::http::Uri;
use axum::http::header::HOST;

use crate::http::Shared;

/// Paths that belong to a site (others — staff pages, assets, files — pass unchanged).
fn site_path(path: &str) -> bool {
    path == "/" || path.starts_with("/c/") || path.starts_with("/a/") || path == "/feed.xml"
}

pub async fn rewrite(State(st): State<Shared>, mut req: Request) -> Request {
    let host = req
        .headers()
        .get(HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let Some(host) = host else {
        return req;
    };
    let snap = st.portal().snapshot();
    let Some(site) = snap.site_for_host(&host).filter(|s| !s.is_main) else {
        return req;
    };
    let path = req.uri().path();
    if !site_path(path) {
        return req;
    }
    let new = match req.uri().query() {
        Some(q) => format!("{}{}?{}", site.prefix(), path, q),
        None => format!("{}{}", site.prefix(), path),
    };
    if let Ok(uri) = new.parse::<Uri>() {
        *req.uri_mut() = uri;
    }
    req
}
