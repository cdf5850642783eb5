//! Static files compiled into the binary, served under content-hashed URLs
//! (`/static/<hash>/<path>`) with `Cache-Control: immutable` and ETag/304.

use std::collections::HashMap;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::Shared;

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

pub async fn serve(
    State(st): State<Shared>,
    Path((hash, path)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let current = st.assets.hashes.get(&path).cloned().unwrap_or_default();
    let mime = mime_guess::from_path(&path).first_or_octet_stream();
    // An old hash still gets the file, but must not be cached forever.
    let cache = if hash == current {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    embedded(&st, &path, &headers, mime.as_ref(), cache)
}

/// An embedded file with its content-hash ETag: 304 when the client has it, else the bytes.
fn embedded(
    st: &Shared,
    path: &str,
    headers: &HeaderMap,
    mime: &str,
    cache: &'static str,
) -> Response {
    let Some(file) = Static::get(path) else {
        return crate::error::Error::NotFound.into_response();
    };
    let current = st.assets.hashes.get(path).cloned().unwrap_or_default();
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

/// `/favicon.ico`: asked for by every browser whatever the page links. The URL cannot carry a
/// content hash, so it is cached for a week (not forever) and revalidated by ETag.
pub async fn favicon(State(st): State<Shared>, headers: HeaderMap) -> Response {
    embedded(
        &st,
        FAVICON,
        &headers,
        "image/vnd.microsoft.icon",
        "public, max-age=604800",
    )
}
