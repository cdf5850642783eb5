//! Feeds and machine-readable pages: Atom 1.0 per site and per channel, `sitemap.xml`
//! (an index of parts beyond `SITEMAP_LIMIT` URLs), `robots.txt` and an OpenSearch
//! description.
//!
//! Feeds and sitemaps are built on a blocking thread and kept in the portal's page cache
//! (keys `feeds|…`, tag `feeds`), so `Portal::article_changed` drops them on every
//! article change and `Portal::reload` on every site or channel change; the cache's
//! precompressed variants, ETags and 304s apply to them as to pages. The documents
//! themselves are made by pure functions (`atom`, `build_sitemaps`) that tests call
//! directly.

use std::fmt::Write as _;
use std::sync::Mutex;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;

use super::model::{Article, ArticleState, Channel, ChannelKind, Site};
use super::{Snapshot, store};
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::routes::Routes;

/// Items in a feed.
pub const FEED_ITEMS: usize = 20;
/// URLs in one sitemap document (the protocol's limit).
pub const SITEMAP_LIMIT: usize = 50_000;
/// Sitemap parts served (`/sitemap-1.xml` … `/sitemap-N.xml`): room for ten million URLs.
pub const SITEMAP_MAX_PARTS: usize = 200;

pub const ATOM_TYPE: &str = "application/atom+xml; charset=utf-8";
pub const XML_TYPE: &str = "application/xml; charset=utf-8";
pub const OPENSEARCH_TYPE: &str = "application/opensearchdescription+xml; charset=utf-8";

pub fn router() -> Routes {
    let mut parts = Router::new();
    let r = Routes::new()
        .get("/feed.xml", main_feed)
        .get("/u/{code}/feed.xml", sub_feed)
        .get("/c/{slug}/feed.xml", main_channel_feed)
        .get("/u/{code}/c/{slug}/feed.xml", sub_channel_feed)
        .get("/sitemap.xml", sitemap_root)
        .get("/robots.txt", robots)
        .get("/opensearch.xml", opensearch);
    // The router takes no parameter with a suffix in one segment (`/sitemap-{n}.xml`),
    // so each part gets its own static route.
    for n in 1..=SITEMAP_MAX_PARTS {
        parts = parts.route(
            &format!("/sitemap-{n}.xml"),
            get(move |st: State<Shared>, h: HeaderMap| sitemap_part(st, h, n)),
        );
    }
    r.family("GET", "/sitemap-{n}.xml", parts)
}

// ---- XML text

/// Escapes text for XML content and attribute values, dropping the characters XML 1.0
/// does not allow at all (C0 controls other than tab, newline and carriage return;
/// U+FFFE and U+FFFF). Surrogates cannot occur in a Rust `str`.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    push_escaped(&mut out, s);
    out
}

fn push_escaped(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Kept as references so attribute values keep them (a literal one would be
            // normalised to a space) and so "\r\n" is not folded by the parser.
            '\t' | '\n' | '\r' => {
                let _ = write!(out, "&#{};", u32::from(c));
            }
            c if is_xml_char(c) => out.push(c),
            _ => {}
        }
    }
}

/// Whether a character may appear in an XML 1.0 document.
pub fn is_xml_char(c: char) -> bool {
    matches!(u32::from(c),
        0x9 | 0xA | 0xD | 0x20..=0xD7FF | 0xE000..=0xFFFD | 0x1_0000..=0x10_FFFF)
}

/// `2026-11-26T17:00:00+08:00`: RFC 3339 in Beijing time, whole seconds.
pub fn rfc3339(ms: i64) -> String {
    let t = crate::clock::from_ms(ms).to_offset(crate::clock::CST);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+08:00",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

fn element(out: &mut String, indent: &str, name: &str, text: &str) {
    out.push_str(indent);
    let _ = write!(out, "<{name}>");
    push_escaped(out, text);
    let _ = writeln!(out, "</{name}>");
}

// ---- Atom

/// One entry of a feed, with absolute URLs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedEntry {
    /// A stable absolute URL (the canonical one) or tag: URI.
    pub id: String,
    pub title: String,
    pub link: String,
    pub published_ms: i64,
    pub updated_ms: i64,
    pub summary: String,
    pub author: String,
}

/// The feed's own facts, with absolute URLs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedHead {
    pub id: String,
    pub title: String,
    /// The feed's own URL (`rel="self"`).
    pub self_url: String,
    /// The page the feed follows (`rel="alternate"`).
    pub page_url: String,
    /// Names the publisher; also the author of entries without a source.
    pub author: String,
    /// Used as `<updated>` when there are no entries.
    pub fallback_updated_ms: i64,
}

impl FeedEntry {
    pub fn from_article(snap: &Snapshot, base: &str, a: &Article, fallback_author: &str) -> Self {
        let link = format!("{base}{}", snap.article_url(a));
        let published_ms = a.publish_ms.unwrap_or(a.updated_ms);
        FeedEntry {
            id: link.clone(),
            title: a.title.clone(),
            link,
            published_ms,
            updated_ms: a.updated_ms.max(published_ms),
            summary: a.summary_or_body(),
            author: if a.source.trim().is_empty() {
                fallback_author.to_owned()
            } else {
                a.source.clone()
            },
        }
    }
}

/// An Atom 1.0 document.
pub fn atom(head: &FeedHead, entries: &[FeedEntry]) -> String {
    let mut out = String::with_capacity(1024 + entries.len() * 600);
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"zh-CN\">\n");
    element(&mut out, "  ", "id", &head.id);
    element(&mut out, "  ", "title", &head.title);
    let updated = entries
        .iter()
        .map(|e| e.updated_ms)
        .max()
        .unwrap_or(head.fallback_updated_ms);
    element(&mut out, "  ", "updated", &rfc3339(updated));
    let _ = writeln!(
        out,
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
        xml_escape(&head.self_url)
    );
    let _ = writeln!(
        out,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        xml_escape(&head.page_url)
    );
    out.push_str("  <author>\n");
    element(&mut out, "    ", "name", &head.author);
    out.push_str("  </author>\n");
    for e in entries {
        out.push_str("  <entry>\n");
        element(&mut out, "    ", "id", &e.id);
        element(&mut out, "    ", "title", &e.title);
        let _ = writeln!(
            out,
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
            xml_escape(&e.link)
        );
        element(&mut out, "    ", "published", &rfc3339(e.published_ms));
        element(&mut out, "    ", "updated", &rfc3339(e.updated_ms));
        out.push_str("    <author>\n");
        element(&mut out, "      ", "name", &e.author);
        out.push_str("    </author>\n");
        if !e.summary.is_empty() {
            out.push_str("    <summary type=\"text\">");
            push_escaped(&mut out, &e.summary);
            out.push_str("</summary>\n");
        }
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

/// Newest first, each item once, at most `n`.
pub fn newest(mut items: Vec<Article>, n: usize) -> Vec<Article> {
    items.retain(Article::is_public);
    items.sort_by_key(|a| std::cmp::Reverse((a.publish_ms, a.id)));
    // Placements of one item share its publish time, so its copies sit side by side.
    items.dedup_by_key(|a| a.id);
    items.truncate(n);
    items
}

// ---- sitemaps

/// One URL of a sitemap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitemapUrl {
    /// Absolute URL.
    pub loc: String,
    pub lastmod_ms: Option<i64>,
}

/// The documents of a sitemap: `root` is served at `/sitemap.xml`; when the URLs do not
/// fit one document, `root` is a `<sitemapindex>` and `parts[i]` is `/sitemap-{i+1}.xml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sitemaps {
    pub root: String,
    pub parts: Vec<String>,
}

const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";

fn urlset(urls: &[SitemapUrl]) -> String {
    let mut out = String::with_capacity(128 + urls.len() * 110);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(out, "<urlset xmlns=\"{SITEMAP_NS}\">");
    for u in urls {
        out.push_str("  <url><loc>");
        push_escaped(&mut out, &u.loc);
        out.push_str("</loc>");
        if let Some(ms) = u.lastmod_ms {
            let _ = write!(out, "<lastmod>{}</lastmod>", rfc3339(ms));
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

/// Builds the sitemap documents for `urls`, at most `limit` URLs per document.
/// `base` is the absolute origin (`https://www.example.gov.cn`) the parts are named under.
pub fn build_sitemaps(base: &str, urls: &[SitemapUrl], limit: usize) -> Sitemaps {
    let limit = limit.max(1);
    if urls.len() <= limit {
        return Sitemaps {
            root: urlset(urls),
            parts: Vec::new(),
        };
    }
    let parts: Vec<&[SitemapUrl]> = urls.chunks(limit).collect();
    let mut root = String::new();
    root.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(root, "<sitemapindex xmlns=\"{SITEMAP_NS}\">");
    for (i, p) in parts.iter().enumerate() {
        root.push_str("  <sitemap><loc>");
        push_escaped(&mut root, &format!("{base}/sitemap-{}.xml", i + 1));
        root.push_str("</loc>");
        if let Some(ms) = p.iter().filter_map(|u| u.lastmod_ms).max() {
            let _ = write!(root, "<lastmod>{}</lastmod>", rfc3339(ms));
        }
        root.push_str("</sitemap>\n");
    }
    root.push_str("</sitemapindex>\n");
    Sitemaps {
        root,
        parts: parts.into_iter().map(urlset).collect(),
    }
}

/// What the sitemap needs of an article; the rest of the stored record (the body above
/// all) is skipped while parsing, so a sitemap of 100,000 items stays cheap.
#[derive(Deserialize)]
struct ArticleFacts {
    id: u64,
    channel: u64,
    site: String,
    #[serde(default)]
    placements: Vec<u64>,
    state: ArticleState,
    publish_ms: Option<i64>,
    updated_ms: i64,
}

/// Every public page's canonical URL: each site's home, its List and Page channels,
/// and every public article, with the time it last changed where that is known.
pub fn sitemap_urls(
    txn: &redb::ReadTransaction,
    snap: &Snapshot,
    base: &str,
) -> Result<Vec<SitemapUrl>> {
    use redb::ReadableTable;
    use std::collections::HashMap;

    let t = txn.open_table(crate::store::tables::ARTICLES)?;
    let mut articles = Vec::new();
    // Newest change per channel and per site, for their <lastmod>.
    let mut channel_mod: HashMap<u64, i64> = HashMap::new();
    let mut site_mod: HashMap<String, i64> = HashMap::new();
    for row in t.iter()? {
        let (_, v) = row?;
        let a: ArticleFacts = serde_json::from_slice(v.value())?;
        if !matches!(a.state, ArticleState::Published) || a.publish_ms.is_none() {
            continue;
        }
        let Some(site) = snap.site(&a.site) else {
            continue;
        };
        let changed = a.updated_ms.max(a.publish_ms.unwrap_or(0));
        for c in std::iter::once(a.channel).chain(a.placements.iter().copied()) {
            let e = channel_mod.entry(c).or_insert(changed);
            *e = (*e).max(changed);
            if let Some(ch) = snap.channel(c) {
                let e = site_mod
                    .entry(ch.site.as_str().to_owned())
                    .or_insert(changed);
                *e = (*e).max(changed);
            }
        }
        // The same URL as `Snapshot::article_url`, without loading the whole article.
        articles.push((
            a.publish_ms,
            a.id,
            SitemapUrl {
                loc: format!("{base}{}/a/{}", site.prefix(), a.id),
                lastmod_ms: Some(changed),
            },
        ));
    }
    articles.sort_by_key(|(p, id, _)| std::cmp::Reverse((*p, *id)));

    let mut urls = Vec::with_capacity(articles.len() + snap.channels.len() + snap.sites.len());
    let mut sites: Vec<&Site> = snap.sites.iter().collect();
    sites.sort_by_key(|s| (!s.is_main, s.unit.as_str().to_owned()));
    for s in &sites {
        urls.push(SitemapUrl {
            loc: format!("{base}{}/", s.prefix()),
            lastmod_ms: site_mod.get(s.unit.as_str()).copied(),
        });
    }
    for s in &sites {
        for c in snap
            .channels_of(&s.unit)
            .filter(|c| matches!(c.kind, ChannelKind::List | ChannelKind::Page))
        {
            urls.push(SitemapUrl {
                loc: format!("{base}{}", snap.channel_url(c)),
                lastmod_ms: channel_mod.get(&c.id).copied(),
            });
        }
    }
    urls.extend(articles.into_iter().map(|(_, _, u)| u));
    Ok(urls)
}

// ---- serving

/// The absolute origin of canonical URLs.
fn base(st: &Shared) -> String {
    format!("https://{}", st.cfg().site.domain)
}

fn site_of(snap: &Snapshot, code: Option<&str>) -> Result<Site> {
    match code {
        None => snap.main_site().cloned().ok_or(Error::NotFound),
        Some(c) => snap
            .site(c)
            .filter(|s| !s.is_main)
            .cloned()
            .ok_or(Error::NotFound),
    }
}

fn with_type(mut r: Response, content_type: &'static str) -> Response {
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    r
}

/// Serves `key` from the page cache, or builds it on a blocking thread with `build`,
/// which returns the documents to keep (`(key, body)`, the requested one among them)
/// and their tags. One build at a time under `lock`, so a burst of requests after a
/// change builds once.
async fn cached_doc<F>(
    st: &Shared,
    headers: &HeaderMap,
    lock: &'static Mutex<()>,
    key: String,
    content_type: &'static str,
    build: F,
) -> Result<Response>
where
    F: FnOnce(&Shared, &Snapshot) -> Result<(Vec<(String, String)>, Vec<String>)> + Send + 'static,
{
    if let Some(p) = st.pages.get(&key) {
        return Ok(with_type(
            crate::http::page_cache::respond(&p, headers),
            content_type,
        ));
    }
    let st2 = st.clone();
    let page = tokio::task::spawn_blocking(move || {
        let _guard = lock.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(p) = st2.pages.get(&key) {
            return Ok(p);
        }
        let generation = st2.pages.generation();
        let snap = st2.portal().snapshot();
        let (docs, mut tags) = build(&st2, &snap)?;
        tags.push("feeds".into());
        tags.push("site".into());
        let mut wanted = None;
        for (k, body) in docs {
            let p = st2
                .pages
                .put(k.clone(), StatusCode::OK, body, tags.clone(), generation);
            if k == key {
                wanted = Some(p);
            }
        }
        wanted.ok_or(Error::NotFound)
    })
    .await??;
    Ok(with_type(
        crate::http::page_cache::respond(&page, headers),
        content_type,
    ))
}

// ---- feeds

static FEED_BUILD: Mutex<()> = Mutex::new(());
static SITEMAP_BUILD: Mutex<()> = Mutex::new(());

async fn main_feed(State(st): State<Shared>, h: HeaderMap) -> Result<Response> {
    site_feed(st, h, None).await
}

async fn sub_feed(
    State(st): State<Shared>,
    h: HeaderMap,
    Path(code): Path<String>,
) -> Result<Response> {
    site_feed(st, h, Some(code)).await
}

async fn main_channel_feed(
    State(st): State<Shared>,
    h: HeaderMap,
    Path(slug): Path<String>,
) -> Result<Response> {
    channel_feed(st, h, None, slug).await
}

async fn sub_channel_feed(
    State(st): State<Shared>,
    h: HeaderMap,
    Path((code, slug)): Path<(String, String)>,
) -> Result<Response> {
    channel_feed(st, h, Some(code), slug).await
}

async fn site_feed(st: Shared, h: HeaderMap, code: Option<String>) -> Result<Response> {
    let site = site_of(&st.portal().snapshot(), code.as_deref())?;
    let key = format!("feeds|{}/feed.xml", site.prefix());
    let k2 = key.clone();
    cached_doc(&st, &h, &FEED_BUILD, key, ATOM_TYPE, move |st, snap| {
        let channels: Vec<&Channel> = snap
            .channels_of(&site.unit)
            .filter(|c| c.kind == ChannelKind::List)
            .collect();
        let items = st.store.read_blocking(|txn| {
            let mut all = Vec::new();
            for c in &channels {
                all.extend(store::channel_page(txn, c.id, 1, FEED_ITEMS)?);
            }
            Ok(all)
        })?;
        let base = base(st);
        let entries: Vec<FeedEntry> = newest(items, FEED_ITEMS)
            .iter()
            .map(|a| FeedEntry::from_article(snap, &base, a, &site.name))
            .collect();
        let head = FeedHead {
            id: format!("{base}{}/", site.prefix()),
            title: site.name.clone(),
            self_url: format!("{base}{}/feed.xml", site.prefix()),
            page_url: format!("{base}{}/", site.prefix()),
            author: site.name.clone(),
            fallback_updated_ms: st.now_ms(),
        };
        let tags = channels.iter().map(|c| format!("c:{}", c.id)).collect();
        Ok((vec![(k2, atom(&head, &entries))], tags))
    })
    .await
}

async fn channel_feed(
    st: Shared,
    h: HeaderMap,
    code: Option<String>,
    slug: String,
) -> Result<Response> {
    let snap = st.portal().snapshot();
    let site = site_of(&snap, code.as_deref())?;
    let ch = snap
        .channels_of(&site.unit)
        .find(|c| c.slug.as_str() == slug && c.kind == ChannelKind::List)
        .cloned()
        .ok_or(Error::NotFound)?;
    let key = format!("feeds|{}feed.xml", snap.channel_url(&ch));
    let k2 = key.clone();
    cached_doc(&st, &h, &FEED_BUILD, key, ATOM_TYPE, move |st, snap| {
        let items = st
            .store
            .read_blocking(|txn| store::channel_page(txn, ch.id, 1, FEED_ITEMS))?;
        let base = base(st);
        let entries: Vec<FeedEntry> = newest(items, FEED_ITEMS)
            .iter()
            .map(|a| FeedEntry::from_article(snap, &base, a, &site.name))
            .collect();
        let page = format!("{base}{}", snap.channel_url(&ch));
        let head = FeedHead {
            id: page.clone(),
            title: format!("{} - {}", ch.name, site.name),
            self_url: format!("{page}feed.xml"),
            page_url: page,
            author: site.name.clone(),
            fallback_updated_ms: st.now_ms(),
        };
        Ok((
            vec![(k2, atom(&head, &entries))],
            vec![format!("c:{}", ch.id)],
        ))
    })
    .await
}

// ---- sitemap

fn sitemap_key(part: usize) -> String {
    if part == 0 {
        "feeds|/sitemap.xml".into()
    } else {
        format!("feeds|/sitemap-{part}.xml")
    }
}

async fn sitemap_root(State(st): State<Shared>, h: HeaderMap) -> Result<Response> {
    sitemap_doc(st, h, 0).await
}

async fn sitemap_part(State(st): State<Shared>, h: HeaderMap, n: usize) -> Result<Response> {
    sitemap_doc(st, h, n).await
}

/// Builds every sitemap document in one pass and keeps them all; `part` 0 is the root.
async fn sitemap_doc(st: Shared, h: HeaderMap, part: usize) -> Result<Response> {
    // All documents are kept together, so with the root cached a missing part does not
    // exist (and asking for it must not rebuild the whole sitemap).
    if part > 0
        && st.pages.get(&sitemap_key(0)).is_some()
        && st.pages.get(&sitemap_key(part)).is_none()
    {
        return Err(Error::NotFound);
    }
    cached_doc(
        &st,
        &h,
        &SITEMAP_BUILD,
        sitemap_key(part),
        XML_TYPE,
        move |st, snap| {
            let base = base(st);
            let urls = st
                .store
                .read_blocking(|txn| sitemap_urls(txn, snap, &base))?;
            let docs = build_sitemaps(&base, &urls, SITEMAP_LIMIT);
            let mut out = vec![(sitemap_key(0), docs.root)];
            out.extend(
                docs.parts
                    .into_iter()
                    .take(SITEMAP_MAX_PARTS)
                    .enumerate()
                    .map(|(i, d)| (sitemap_key(i + 1), d)),
            );
            Ok((out, Vec::new()))
        },
    )
    .await
}

// ---- robots.txt and OpenSearch

/// Paths crawlers are asked to leave alone: staff pages and the 适老化 switch.
pub const ROBOTS_DISALLOW: &[&str] =
    &["/admin", "/login", "/logout", "/setup", "/account", "/care"];

pub fn robots_txt(base: &str) -> String {
    let mut out = String::from("User-agent: *\nAllow: /\n");
    for p in ROBOTS_DISALLOW {
        let _ = writeln!(out, "Disallow: {p}");
    }
    let _ = writeln!(out, "\nSitemap: {base}/sitemap.xml");
    out
}

async fn robots(State(st): State<Shared>) -> Response {
    let mut r = robots_txt(&base(&st)).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    r
}

/// The OpenSearch description; `ShortName` is cut to the 16 characters the spec allows.
pub fn opensearch_xml(site_name: &str, base: &str) -> String {
    let short: String = site_name
        .chars()
        .filter(|c| is_xml_char(*c))
        .take(16)
        .collect();
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<OpenSearchDescription xmlns=\"http://a9.com/-/spec/opensearch/1.1/\">\n");
    element(&mut out, "  ", "ShortName", &short);
    element(
        &mut out,
        "  ",
        "Description",
        &format!("搜索{site_name}网站"),
    );
    element(&mut out, "  ", "InputEncoding", "UTF-8");
    element(&mut out, "  ", "Language", "zh-CN");
    let _ = writeln!(
        out,
        "  <Url type=\"text/html\" method=\"get\" template=\"{}\"/>",
        xml_escape(&format!("{base}/search?q={{searchTerms}}"))
    );
    let _ = writeln!(
        out,
        "  <Url type=\"application/opensearchdescription+xml\" rel=\"self\" template=\"{}\"/>",
        xml_escape(&format!("{base}/opensearch.xml"))
    );
    out.push_str("</OpenSearchDescription>\n");
    out
}

async fn opensearch(State(st): State<Shared>) -> Response {
    let mut r = opensearch_xml(&st.site().name, &base(&st)).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(OPENSEARCH_TYPE),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    r
}

#[cfg(test)]
mod tests;
