//! Sending a stored file as a download: always `attachment` (whatever its bytes are), with
//! its name intact (RFC 6266 `filename*`), `nosniff`, the sandbox policy, never cached by
//! others, and Range requests for resuming (tower-http's `ServeFile` streams it from disk).

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;

use crate::error::{Error, Result};
use crate::http::Shared;

/// The `Content-Disposition` of a download named `name`: an ASCII fallback and the name
/// itself, percent-encoded.
pub fn disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        percent_encoding::utf8_percent_encode(name, crate::ids::URL_COMPONENT)
    )
}

/// The blob `sha` as a download named `name` (the request's Range and If-Range honoured).
pub async fn attachment(st: &Shared, req: Request, sha: &str, name: &str) -> Result<Response> {
    let path = st.store.blobs().path(sha).ok_or(Error::NotFound)?;
    if !tokio::fs::try_exists(&path).await.unwrap_or(false) {
        return Err(Error::NotFound);
    }
    let mime: mime_guess::mime::Mime = "application/octet-stream"
        .parse()
        .map_err(Error::internal)?;
    let svc = tower_http::services::ServeFile::new_with_mime(&path, &mime);
    let mut r = tower::ServiceExt::oneshot(svc, req)
        .await
        .map_err(Error::internal)?
        .map(Body::new);
    if !r.status().is_success() && r.status() != StatusCode::RANGE_NOT_SATISFIABLE {
        return Ok(r);
    }
    let h = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&disposition(name)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(crate::portal::files::FILE_CSP),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(r)
}
