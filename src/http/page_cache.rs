//! Public pages are rendered once and served from memory, with gzip and brotli variants
//! made at render time, until something they show changes. Each page is stored with the
//! tags of what it shows (`a:<id>`, `c:<id>`, `site:<code>`); a change invalidates
//! exactly the pages carrying its tags. The cache holds at most `memory.page_cache_mib`; when a
//! new page does not fit, the least recently used pages make room (down to three quarters), so
//! a full cache never turns every page into a miss at once.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use bytes::Bytes;

/// The limit until `set_limit` is called (the config's default).
const DEFAULT_MAX_BYTES: usize = 16 * 1024 * 1024;

#[derive(Debug)]
pub struct CachedPage {
    pub status: StatusCode,
    pub etag: String,
    etag_header: HeaderValue,
    pub html: Bytes,
    pub gzip: Bytes,
    pub br: Bytes,
}

impl CachedPage {
    fn size(&self) -> usize {
        self.html.len() + self.gzip.len() + self.br.len()
    }
}

struct Entry {
    page: Arc<CachedPage>,
    tags: Vec<String>,
    /// `PageCache::ticks` at the last hit: what least-recently-used eviction sorts by.
    used: AtomicU64,
}

#[derive(Default)]
struct Inner {
    pages: HashMap<String, Entry>,
    by_tag: HashMap<String, HashSet<String>>,
    bytes: usize,
}

impl Inner {
    fn remove(&mut self, key: &str) {
        if let Some(e) = self.pages.remove(key) {
            self.bytes -= e.page.size();
            for t in &e.tags {
                if let Some(keys) = self.by_tag.get_mut(t) {
                    keys.remove(key);
                    if keys.is_empty() {
                        self.by_tag.remove(t);
                    }
                }
            }
        }
    }

    /// Drops least recently used pages until `target` bytes are left.
    fn shrink_to(&mut self, target: usize) {
        let mut by_use: Vec<(u64, String)> = self
            .pages
            .iter()
            .map(|(k, e)| (e.used.load(Ordering::Relaxed), k.clone()))
            .collect();
        by_use.sort_unstable();
        for (_, k) in by_use {
            if self.bytes <= target {
                break;
            }
            self.remove(&k);
        }
    }
}

pub struct PageCache {
    inner: RwLock<Inner>,
    /// Bumped on every invalidation; a page rendered across one is not stored.
    generation: AtomicU64,
    /// A counter stamped on pages as they are used (recency without reading the clock).
    ticks: AtomicU64,
    max_bytes: AtomicUsize,
    pub hits: AtomicU64,
    pub misses: AtomicU64,
}

impl Default for PageCache {
    fn default() -> Self {
        PageCache {
            inner: RwLock::default(),
            generation: AtomicU64::new(0),
            ticks: AtomicU64::new(0),
            max_bytes: AtomicUsize::new(DEFAULT_MAX_BYTES),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }
}

fn compress(html: &[u8]) -> (Bytes, Bytes) {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
    let gzip = gz
        .write_all(html)
        .and_then(|_| gz.finish())
        .unwrap_or_default();
    let mut br = Vec::new();
    // A window no larger than the page: the same output for a page, without the encoder's
    // 4 MiB window and hash tables for every render (memory the allocator then keeps).
    let bits = usize::BITS - html.len().max(1).leading_zeros();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 9,
        lgwin: i32::try_from(bits.clamp(16, 22)).unwrap_or(22),
        ..Default::default()
    };
    let ok = brotli::BrotliCompress(&mut &html[..], &mut br, &params).is_ok();
    (
        Bytes::from(gzip),
        if ok { Bytes::from(br) } else { Bytes::new() },
    )
}

impl PageCache {
    /// Sets the most bytes the cache holds (`memory.page_cache_mib`).
    pub fn set_limit(&self, bytes: usize) {
        self.max_bytes.store(bytes, Ordering::Relaxed);
        if let Ok(mut g) = self.inner.write() {
            g.shrink_to(bytes);
        }
    }

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
        let hit = self.lookup(key);
        if hit.is_some() {
            self.hits.fetch_add(1, Ordering::Relaxed);
        }
        hit
    }

    fn lookup(&self, key: &str) -> Option<Arc<CachedPage>> {
        let g = self.inner.read().ok()?;
        let e = g.pages.get(key)?;
        e.used.store(
            self.ticks.fetch_add(1, Ordering::Relaxed),
            Ordering::Relaxed,
        );
        Some(e.page.clone())
    }

    pub fn get(&self, key: &str) -> Option<Arc<CachedPage>> {
        let hit = self.lookup(key);
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
            let size = page.size();
            let max = self.max_bytes.load(Ordering::Relaxed);
            g.remove(&key);
            if size > max {
                return page;
            }
            if g.bytes + size > max {
                g.shrink_to((max / 4 * 3).saturating_sub(size));
            }
            for t in &tags {
                g.by_tag.entry(t.clone()).or_default().insert(key.clone());
            }
            g.bytes += size;
            let used = AtomicU64::new(self.ticks.fetch_add(1, Ordering::Relaxed));
            g.pages.insert(
                key,
                Entry {
                    page: page.clone(),
                    tags,
                    used,
                },
            );
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
                g.remove(&k);
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
    fn a_full_cache_drops_the_least_recently_used_pages() {
        let c = PageCache::default();
        // Incompressible bytes, so each page's variants are at least its own size.
        let page = |seed: u64| -> String {
            let mut x = seed | 1;
            (0..4000)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    char::from(b'a' + (x % 26) as u8)
                })
                .collect()
        };
        let size = |c: &PageCache, k: &str| c.get(k).map_or(0, |p| p.size());
        c.put("a".into(), StatusCode::OK, page(1), vec!["t:a".into()], 0);
        let one = size(&c, "a");
        assert!(one >= 4000, "{one}");
        c.set_limit(one * 3 + one / 2);
        c.put("b".into(), StatusCode::OK, page(2), vec!["t:b".into()], 0);
        c.put("c".into(), StatusCode::OK, page(3), vec![], 0);
        // "a" was used after "b": "b" is the least recently used when "d" needs room.
        assert!(c.get("a").is_some());
        c.put("d".into(), StatusCode::OK, page(4), vec![], 0);
        assert!(c.get("b").is_none(), "least recently used page dropped");
        assert!(c.get("a").is_some() && c.get("d").is_some());
        assert!(c.bytes() <= one * 3 + one / 2, "{} bytes", c.bytes());
        // The dropped page's tags went with it; the kept page's did not.
        c.invalidate(&["t:a".into()]);
        assert!(c.get("a").is_none());
        // A page larger than the whole cache is served but not kept.
        c.set_limit(one / 2);
        assert!(c.is_empty(), "shrinking the limit drops pages");
        c.put(
            "big".into(),
            StatusCode::OK,
            page(5),
            vec![],
            c.generation(),
        );
        assert!(c.get("big").is_none());
        assert_eq!(c.bytes(), 0);
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
