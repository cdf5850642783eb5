//! The tus 1.0.0 wire format: its headers, what they may say, and its answers. Every answer
//! but OPTIONS carries `Tus-Resumable: 1.0.0`; refusals have a small JSON body (so the
//! site's error-page layer passes them through with their tus headers) with a Chinese
//! message.

use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha1::Sha1;
use sha2::{Digest, Sha256};

use crate::error::Error;

pub const VERSION: &str = "1.0.0";
pub const EXTENSIONS: &str =
    "creation,creation-with-upload,creation-defer-length,expiration,checksum,termination";
pub const CHECKSUMS: &str = "sha1,sha256";
/// The body type of every PATCH (and of a creation POST that carries bytes).
pub const OFFSET_STREAM: &str = "application/offset+octet-stream";

pub const TUS_RESUMABLE: HeaderName = HeaderName::from_static("tus-resumable");
pub const TUS_VERSION: HeaderName = HeaderName::from_static("tus-version");
pub const TUS_EXTENSION: HeaderName = HeaderName::from_static("tus-extension");
pub const TUS_MAX_SIZE: HeaderName = HeaderName::from_static("tus-max-size");
pub const TUS_CHECKSUM_ALGORITHM: HeaderName = HeaderName::from_static("tus-checksum-algorithm");
pub const UPLOAD_OFFSET: HeaderName = HeaderName::from_static("upload-offset");
pub const UPLOAD_LENGTH: HeaderName = HeaderName::from_static("upload-length");
pub const UPLOAD_DEFER_LENGTH: HeaderName = HeaderName::from_static("upload-defer-length");
pub const UPLOAD_METADATA: HeaderName = HeaderName::from_static("upload-metadata");
pub const UPLOAD_EXPIRES: HeaderName = HeaderName::from_static("upload-expires");
pub const UPLOAD_CHECKSUM: HeaderName = HeaderName::from_static("upload-checksum");
/// This project's CSRF rule for tus: the session's token in a header.
pub const CSRF_HEADER: HeaderName = HeaderName::from_static("x-csrf-token");

/// 460 Checksum Mismatch (tus checksum extension).
pub fn checksum_mismatch() -> StatusCode {
    StatusCode::from_u16(460).unwrap_or(StatusCode::BAD_REQUEST)
}

/// A refused tus request: a tus answer (status, message, extra headers) or one of the
/// site's own errors (CSRF, login, internal).
#[derive(Debug)]
pub enum Refuse {
    Tus(StatusCode, String, Vec<(HeaderName, String)>),
    App(Error),
}

impl Refuse {
    pub fn new(status: StatusCode, msg: impl Into<String>) -> Refuse {
        Refuse::Tus(status, msg.into(), Vec::new())
    }

    pub fn with(mut self, name: HeaderName, value: impl ToString) -> Refuse {
        if let Refuse::Tus(_, _, h) = &mut self {
            h.push((name, value.to_string()));
        }
        self
    }
}

impl From<Error> for Refuse {
    fn from(e: Error) -> Refuse {
        Refuse::App(e)
    }
}

impl From<std::io::Error> for Refuse {
    fn from(e: std::io::Error) -> Refuse {
        Refuse::App(e.into())
    }
}

impl From<tokio::task::JoinError> for Refuse {
    fn from(e: tokio::task::JoinError) -> Refuse {
        Refuse::App(e.into())
    }
}

impl IntoResponse for Refuse {
    fn into_response(self) -> Response {
        match self {
            Refuse::App(e) => e.into_response(),
            Refuse::Tus(status, msg, extra) => {
                if status.is_server_error() {
                    tracing::error!("tus: {msg}");
                }
                let body = serde_json::json!({ "error": msg }).to_string();
                let mut r = (status, body).into_response();
                let h = r.headers_mut();
                h.insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json; charset=utf-8"),
                );
                h.insert(TUS_RESUMABLE, HeaderValue::from_static(VERSION));
                h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
                for (k, v) in extra {
                    if let Ok(v) = HeaderValue::from_str(&v) {
                        h.insert(k, v);
                    }
                }
                r
            }
        }
    }
}

/// A tus answer without a body: `Tus-Resumable` and `Cache-Control: no-store` plus `extra`.
pub fn answer(status: StatusCode, extra: &[(HeaderName, String)]) -> Response {
    let mut r = status.into_response();
    let h = r.headers_mut();
    h.insert(TUS_RESUMABLE, HeaderValue::from_static(VERSION));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    for (k, v) in extra {
        if let Ok(v) = HeaderValue::from_str(v) {
            h.insert(k.clone(), v);
        }
    }
    r
}

/// 412 unless the request speaks tus 1.0.0.
pub fn check_version(h: &HeaderMap) -> Result<(), Refuse> {
    match h.get(&TUS_RESUMABLE).and_then(|v| v.to_str().ok()) {
        Some(VERSION) => Ok(()),
        _ => Err(Refuse::new(
            StatusCode::PRECONDITION_FAILED,
            "只支持 tus 1.0.0：请求须带 Tus-Resumable: 1.0.0",
        )
        .with(TUS_VERSION, VERSION)),
    }
}

/// A header holding a non-negative integer, if present; 400 when it is not one.
pub fn number(h: &HeaderMap, name: &HeaderName) -> Result<Option<u64>, Refuse> {
    match h.get(name) {
        None => Ok(None),
        Some(v) => v
            .to_str()
            .ok()
            .filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|s| s.parse().ok())
            .map(Some)
            .ok_or_else(|| {
                Refuse::new(
                    StatusCode::BAD_REQUEST,
                    format!("{} 须为非负整数", name.as_str()),
                )
            }),
    }
}

/// Whether the body is `application/offset+octet-stream`.
pub fn is_offset_stream(h: &HeaderMap) -> bool {
    h.get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case(OFFSET_STREAM))
}

/// `Upload-Metadata`: comma-separated `key base64value` pairs (value optional). Returns the
/// decoded values of the keys given (lossy UTF-8); 400 on a malformed pair.
pub fn metadata(h: &HeaderMap) -> Result<Vec<(String, String)>, Refuse> {
    let Some(raw) = h.get(&UPLOAD_METADATA) else {
        return Ok(Vec::new());
    };
    let bad = || Refuse::new(StatusCode::BAD_REQUEST, "Upload-Metadata 格式不正确");
    let raw = raw.to_str().map_err(|_| bad())?;
    let mut out = Vec::new();
    for pair in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let mut it = pair.split(' ').filter(|s| !s.is_empty());
        let key = it.next().ok_or_else(bad)?;
        let value = match it.next() {
            None => String::new(),
            Some(b64) => {
                let bytes = data_encoding::BASE64
                    .decode(b64.as_bytes())
                    .or_else(|_| data_encoding::BASE64_NOPAD.decode(b64.as_bytes()))
                    .map_err(|_| bad())?;
                String::from_utf8_lossy(&bytes).into_owned()
            }
        };
        if it.next().is_some() {
            return Err(bad());
        }
        out.push((key.to_owned(), value));
    }
    Ok(out)
}

/// A file name as given, made safe to keep and show: no folders, no control characters,
/// at most 200 characters; empty becomes 未命名文件.
pub fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let s: String = base.chars().filter(|c| !c.is_control()).take(200).collect();
    let s = s.trim();
    if s.is_empty() || s == "." || s == ".." {
        "未命名文件".into()
    } else {
        s.to_owned()
    }
}

/// The digest an `Upload-Checksum` header promises for a PATCH's bytes.
#[derive(Debug, Clone)]
pub enum Checksum {
    Sha1(Vec<u8>),
    Sha256(Vec<u8>),
}

/// Computes a chunk's digest as it is written.
#[derive(Clone)]
pub enum ChunkHasher {
    Sha1(Sha1),
    Sha256(Sha256),
}

impl Checksum {
    /// The header, if any; 400 for an algorithm we do not offer or a malformed digest.
    pub fn parse(h: &HeaderMap) -> Result<Option<Checksum>, Refuse> {
        let Some(v) = h.get(&UPLOAD_CHECKSUM) else {
            return Ok(None);
        };
        let bad = |m: &str| Refuse::new(StatusCode::BAD_REQUEST, m.to_owned());
        let v = v.to_str().map_err(|_| bad("Upload-Checksum 格式不正确"))?;
        let (algo, b64) = v
            .trim()
            .split_once(' ')
            .ok_or_else(|| bad("Upload-Checksum 格式不正确"))?;
        let digest = data_encoding::BASE64
            .decode(b64.trim().as_bytes())
            .map_err(|_| bad("Upload-Checksum 的摘要不是有效的 base64"))?;
        match algo.to_ascii_lowercase().as_str() {
            "sha1" => Ok(Some(Checksum::Sha1(digest))),
            "sha256" => Ok(Some(Checksum::Sha256(digest))),
            _ => Err(bad("不支持的校验算法：只支持 sha1、sha256")),
        }
    }

    pub fn hasher(&self) -> ChunkHasher {
        match self {
            Checksum::Sha1(_) => ChunkHasher::Sha1(Sha1::new()),
            Checksum::Sha256(_) => ChunkHasher::Sha256(Sha256::new()),
        }
    }

    /// Whether the finished chunk hasher matches.
    pub fn matches(&self, h: ChunkHasher) -> bool {
        match (self, h) {
            (Checksum::Sha1(want), ChunkHasher::Sha1(h)) => {
                crate::ids::secret_eq(want, &h.finalize())
            }
            (Checksum::Sha256(want), ChunkHasher::Sha256(h)) => {
                crate::ids::secret_eq(want, &h.finalize())
            }
            _ => false,
        }
    }
}

impl ChunkHasher {
    pub fn update(&mut self, b: &[u8]) {
        match self {
            ChunkHasher::Sha1(h) => h.update(b),
            ChunkHasher::Sha256(h) => h.update(b),
        }
    }
}

/// An instant as an HTTP-date (RFC 7231 IMF-fixdate), for `Upload-Expires`.
pub fn http_date(ms: i64) -> String {
    let t = crate::clock::from_ms(ms);
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{}, {:02} {} {} {:02}:{:02}:{:02} GMT",
        DAYS[usize::from(t.weekday().number_days_from_monday())],
        t.day(),
        MONTHS[usize::from(u8::from(t.month())) - 1],
        t.year(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_and_names() {
        let mut h = HeaderMap::new();
        h.insert(
            UPLOAD_METADATA,
            HeaderValue::from_static(
                "filename 5paH5Lu2LnBkZg==,filetype YXBwbGljYXRpb24vcGRm,is_confidential",
            ),
        );
        let m = metadata(&h).unwrap();
        assert_eq!(m[0], ("filename".into(), "文件.pdf".into()));
        assert_eq!(m[1], ("filetype".into(), "application/pdf".into()));
        assert_eq!(m[2], ("is_confidential".into(), String::new()));
        h.insert(UPLOAD_METADATA, HeaderValue::from_static("filename !!!"));
        assert!(metadata(&h).is_err());
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("C:\\x\\报告.docx"), "报告.docx");
        assert_eq!(clean_name(".."), "未命名文件");
    }

    #[test]
    fn dates_and_checksums() {
        assert_eq!(
            http_date(crate::clock::to_ms(crate::clock::TEST_START)),
            "Thu, 26 Nov 2026 09:00:00 GMT"
        );
        let mut h = HeaderMap::new();
        h.insert(UPLOAD_CHECKSUM, HeaderValue::from_static("md5 AAAA"));
        assert!(Checksum::parse(&h).is_err());
        // sha1("abc")
        h.insert(
            UPLOAD_CHECKSUM,
            HeaderValue::from_static("sha1 qZk+NkcGgWq6PiVxeFDCbJzQ2J0="),
        );
        let c = Checksum::parse(&h).unwrap().unwrap();
        let mut k = c.hasher();
        k.update(b"abc");
        assert!(c.matches(k));
    }
}
