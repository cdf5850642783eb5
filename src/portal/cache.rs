//! Public pages are rendered once and served from memory, with gzip and brotli variants
//! made at render time, until something they show changes. Each page is stored with the
//! tags of what it shows (`a:<id>`, `c:<id>`, `site:<code>`); a change invalidates
//! exactly the pages carrying its tags.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use bytes::Bytes;

/// Above this many bytes (all variants), the cache starts again empty.
const MAX_BYTES: usize = 128 * 1024 * 1024;

#[derive(Debug)]
pub struct CachedPage {
    pub status: StatusCode,
    pub etag: String,
    etag_header: HeaderValue,
    pub html: Bytes,
    pub gzip: Bytes,
    pub br: Bytes,
}

#[derive(Default)]
struct Inner {
    pages: HashMap<String, (Arc<CachedPage>, Vec<String>)>,
    by_tag: HashMap<String, HashSet<String>>,
    bytes: usize,
}

#[derive(Default)]
pub struct PageCache {
    inner: RwLock<Inner>,
    /// Bumped on every invalidation; a page rendered across one is not stored.
    generation: AtomicU64,
    pub hits: AtomicU64,
    pub misses: AtomicU64,
}

fn compress(html: &[u8]) -> (Bytes, Bytes) {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
    let gzip = gz
        .write_all(html)
        .and_then(|_| gz.finish())
        .unwrap_or_default();
    let mut br = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 9,
        lgwin: 22,
        ..Default::default()
    };
    let ok = brotli::BrotliCompress(&mut &html[..], &mut br, &params).is_ok();
    (
        Bytes::from(gzip),
        if ok { Bytes::from(br) } else { Bytes::new() },
    )
}

impl PageCache {
    /// Bytes held by cached pages (all variants).
    pub fn bytes(&self) -> usize {
        self.inner.read().map(|g| g.bytes).unwrap_or(0)
    }

    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// A cached page, counted as a hit (never as a miss: callers fall back to routing,
    /// which looks again).
    pub fn peek(&self, key: &str) -> Option<Arc<CachedPage>> {
        let g = self.inner.read().ok()?;
        let hit = g.pages.get(key).map(|(p, _)| p.clone());
        drop(g);
        if hit.is_some() {
            self.hits.fetch_add(1, Ordering::Relaxed);
        }
        hit
    }

    pub fn get(&self, key: &str) -> Option<Arc<CachedPage>> {
        let g = self.inner.read().ok()?;
        let hit = g.pages.get(key).map(|(p, _)| p.clone());
        drop(g);
        match &hit {
            Some(_) => self.hits.fetch_add(1, Ordering::Relaxed),
            None => self.misses.fetch_add(1, Ordering::Relaxed),
        };
        hit
    }

    /// Builds the page's variants and stores it unless an invalidation happened since
    /// `generation` was read (then the page is served but not kept).
    pub fn put(
        &self,
        key: String,
        status: StatusCode,
        html: String,
        tags: Vec<String>,
        generation: u64,
    ) -> Arc<CachedPage> {
        let html = Bytes::from(html);
        let (gzip, br) = compress(&html);
        let etag = format!("\"{}\"", &crate::ids::sha256_hex(&html)[..20]);
        let etag_header =
            HeaderValue::from_str(&etag).unwrap_or_else(|_| HeaderValue::from_static("\"0\""));
        let page = Arc::new(CachedPage {
            status,
            etag,
            etag_header,
            html,
            gzip,
            br,
        });
        if let Ok(mut g) = self.inner.write()
            && self.generation() == generation
        {
            let size = page.html.len() + page.gzip.len() + page.br.len();
            if g.bytes + size > MAX_BYTES {
                *g = Inner::default();
            }
            for t in &tags {
                g.by_tag.entry(t.clone()).or_default().insert(key.clone());
            }
            g.bytes += size;
            if let Some((old, _)) = g.pages.insert(key, (page.clone(), tags)) {
                g.bytes -= old.html.len() + old.gzip.len() + old.br.len();
            }
        }
        page
    }

    /// Drops every page carrying any of `tags`.
    pub fn invalidate(&self, tags: &[String]) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        let Ok(mut g) = self.inner.write() else {
            return;
        };
        for t in tags {
            let Some(keys) = g.by_tag.remove(t) else {
                continue;
            };
            for k in keys {
                if let Some((p, _)) = g.pages.remove(&k) {
                    g.bytes -= p.html.len() + p.gzip.len() + p.br.len();
                }
            }
        }
    }

    pub fn clear(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        if let Ok(mut g) = self.inner.write() {
            *g = Inner::default();
        }
    }

    pub fn len(&self) -> usize {
        self.inner.read().map(|g| g.pages.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Answers from a cached page: 304 on a matching ETag, else the best encoding the
/// client accepts.
pub fn respond(page: &CachedPage, req: &HeaderMap) -> Response {
    let not_modified = req
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == page.etag));
    let accept = req
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let accepts = |enc: &str| {
        accept.split(',').any(|p| {
            let mut it = p.split(';');
            it.next().map(str::trim) == Some(enc) && !it.any(|q| q.trim() == "q=0")
        })
    };
    let (body, enc) = if not_modified {
        (Bytes::new(), None)
    } else if accepts("br") && !page.br.is_empty() {
        (page.br.clone(), Some("br"))
    } else if accepts("gzip") && !page.gzip.is_empty() {
        (page.gzip.clone(), Some("gzip"))
    } else {
        (page.html.clone(), None)
    };
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = if not_modified {
        StatusCode::NOT_MODIFIED
    } else {
        page.status
    };
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    // Revalidate every time (cheap 304s); pages change when staff publish.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(
        header::VARY,
        HeaderValue::from_static("Accept-Encoding, Cookie"),
    );
    h.insert(header::ETAG, page.etag_header.clone());
    if let Some(e) = enc {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(e));
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_invalidate_exactly() {
        let c = PageCache::default();
        let g = c.generation();
        c.put(
            "home".into(),
            StatusCode::OK,
            "<p>首页</p>".into(),
            vec!["c:1".into(), "c:2".into()],
            g,
        );
        c.put(
            "a5".into(),
            StatusCode::OK,
            "<p>文章</p>".into(),
            vec!["a:5".into()],
            g,
        );
        assert!(c.get("home").is_some());
        c.invalidate(&["c:2".into()]);
        assert!(c.get("home").is_none());
        assert!(c.get("a5").is_some());
    }

    #[test]
    fn render_across_invalidation_is_not_kept() {
        let c = PageCache::default();
        let g = c.generation();
        c.invalidate(&["x".into()]);
        c.put("k".into(), StatusCode::OK, "stale".into(), vec![], g);
        assert!(c.get("k").is_none());
    }

    #[test]
    fn variants_and_304() {
        let c = PageCache::default();
        let p = c.put(
            "k".into(),
            StatusCode::OK,
            "政务公开".repeat(200),
            vec![],
            c.generation(),
        );
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_static("gzip, br"),
        );
        let r = respond(&p, &h);
        assert_eq!(r.headers()[header::CONTENT_ENCODING], "br");
        h.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_str(&p.etag).unwrap(),
        );
        assert_eq!(respond(&p, &h).status(), StatusCode::NOT_MODIFIED);
    }
}
