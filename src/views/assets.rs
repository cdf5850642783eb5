//! Static files compiled into the binary (the handlers are in `http::assets`), served under content-hashed URLs
//! (`/static/<hash>/<path>`) with `Cache-Control: immutable` and ETag/304.

use std::collections::HashMap;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

#[derive(rust_embed::Embed)]
#[folder = "embedded/static/"]
struct Static;

/// The embedded site icon, also answered at `/favicon.ico` (browsers ask there unprompted).
pub const FAVICON: &str = "img/favicon.ico";

pub struct Assets {
    /// path → short content hash
    hashes: HashMap<String, String>,
}

impl Assets {
    pub fn load() -> Assets {
        let hashes = Static::iter()
            .filter_map(|p| {
                let f = Static::get(&p)?;
                let h = data_encoding::HEXLOWER.encode(&f.metadata.sha256_hash());
                Some((p.to_string(), h[..12].to_owned()))
            })
            .collect();
        Assets { hashes }
    }

    /// The hashed URL of an embedded file.
    pub fn url(&self, path: &str) -> String {
        match self.hashes.get(path) {
            Some(h) => format!("/static/{h}/{path}"),
            None => format!("/static/0/{path}"),
        }
    }
}

/// An embedded file with its content-hash ETag: 304 when the client has it, else the bytes.
impl Assets {
    /// The hash an embedded file is served under today (empty when there is no such file).
    pub fn current(&self, path: &str) -> String {
        self.hashes.get(path).cloned().unwrap_or_default()
    }

    pub fn respond(
        &self,
        path: &str,
        headers: &HeaderMap,
        mime: &str,
        cache: &'static str,
    ) -> Response {
        let Some(file) = Static::get(path) else {
            return crate::error::Error::NotFound.into_response();
        };
        let current = self.current(path);
        let etag = format!("\"{current}\"");
        if headers
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').any(|t| t.trim() == etag))
        {
            return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
        }
        let mut resp = Response::new(Body::from(file.data.into_owned()));
        let h = resp.headers_mut();
        if let Ok(v) = HeaderValue::from_str(mime) {
            h.insert(header::CONTENT_TYPE, v);
        }
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
        if let Ok(v) = HeaderValue::from_str(&etag) {
            h.insert(header::ETAG, v);
        }
        resp
    }
}
