//! Sending a stored file to someone allowed to have it (the caller decides who): streamed
//! from disk in small chunks (memory flat, and after the handler has returned, so the
//! request timeout does not cut a large file), one byte range when asked (`Range`, honoured
//! only under a matching `If-Range`), the SHA-256 as a strong ETag, always as an attachment
//! under its own name (RFC 6266: an ASCII fallback and the UTF-8 name), with `nosniff`, the
//! sandbox CSP and `Cache-Control: private, no-store`. While the body is being sent the
//! blob counts as being downloaded, so the sweeper leaves it alone.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, Request, StatusCode, header};
use axum::response::Response;
use http_body_util::BodyExt;

use crate::error::{Error, Result};
use crate::http::Shared;

/// `Content-Disposition` for a download named `name`.
pub fn disposition(name: &str) -> String {
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() && e.is_ascii() && e.len() <= 10 => (s, Some(e)),
        _ => (name, None),
    };
    let ascii = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    };
    let mut fallback = ascii(stem);
    if !fallback.chars().any(|c| c.is_ascii_alphanumeric()) {
        fallback = "file".into();
    }
    if let Some(e) = ext {
        fallback = format!("{fallback}.{}", ascii(e));
    }
    format!(
        "attachment; filename=\"{fallback}\"; filename*=UTF-8''{}",
        percent_encoding::utf8_percent_encode(name, crate::ids::URL_COMPONENT)
    )
}

/// Streams blob `sha` as the file `name`.
pub async fn serve(
    st: &Shared,
    headers: &HeaderMap,
    sha: &str,
    name: &str,
    _size: u64,
) -> Result<Response> {
    let path = st.store.blobs().path(sha).ok_or(Error::NotFound)?;
    if !tokio::fs::try_exists(&path).await.unwrap_or(false) {
        return Err(Error::NotFound);
    }
    let etag = format!("\"{sha}\"");
    // A range only for the same bytes the client has part of.
    let if_range_ok = headers
        .get(header::IF_RANGE)
        .is_none_or(|v| v.to_str().is_ok_and(|v| v.trim() == etag));
    let mut req = Request::builder().method(Method::GET);
    if if_range_ok && let Some(r) = headers.get(header::RANGE) {
        req = req.header(header::RANGE, r.clone());
    }
    let req = req.body(Body::empty()).map_err(Error::internal)?;
    let guard = st.transfers().downloading(sha);
    let octets = mime_guess::mime::APPLICATION_OCTET_STREAM;
    let svc = tower_http::services::ServeFile::new_with_mime(&path, &octets);
    let resp = tower::ServiceExt::oneshot(svc, req)
        .await
        .map_err(Error::internal)?;
    let status = resp.status();
    let (mut parts, body) = resp.into_parts();
    // The guard lives as long as the body is being sent.
    let body = Body::new(body.map_frame(move |f| {
        let _ = &guard;
        f
    }));
    if status == StatusCode::NOT_FOUND {
        return Err(Error::NotFound);
    }
    let h = &mut parts.headers;
    h.remove(header::LAST_MODIFIED);
    if let Ok(v) = HeaderValue::from_str(&disposition(name)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
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
    if status == StatusCode::RANGE_NOT_SATISFIABLE {
        // A plain answer, not the site's error page, so the client sees Content-Range.
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
        h.remove(header::CONTENT_LENGTH);
        return Ok(Response::from_parts(
            parts,
            Body::from(r#"{"error":"请求的范围超出文件大小"}"#),
        ));
    }
    Ok(Response::from_parts(parts, body))
}

#[cfg(test)]
mod tests {
    use super::disposition;

    #[test]
    fn names_for_every_browser() {
        assert_eq!(
            disposition("报告 2026.pdf"),
            "attachment; filename=\"__ 2026.pdf\"; filename*=UTF-8''%E6%8A%A5%E5%91%8A%202026.pdf"
        );
        assert_eq!(
            disposition("会议纪要.docx"),
            "attachment; filename=\"file.docx\"; filename*=UTF-8''%E4%BC%9A%E8%AE%AE%E7%BA%AA%E8%A6%81.docx"
        );
        assert!(disposition("a\"b.txt").starts_with("attachment; filename=\"a_b.txt\""));
    }
}
