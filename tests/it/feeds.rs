//! Feeds and machine-readable pages over HTTP on the demo district: Atom feeds per site
//! and per channel, sitemap.xml (and its split into an index), robots.txt and the
//! OpenSearch description. Every XML document served is parsed by a real XML parser
//! (Python's expat, through `python3`), not matched as text.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::process::{Command, Stdio};

use gongkai::portal::feeds::{self, SitemapUrl};
use gongkai::portal::model::{Article, ChannelKind};
use gongkai::portal::store;
use serde::Deserialize;

use crate::helpers::{Resp, TestApp, channel_id};

// ---- a parsed XML tree

#[derive(Debug, Deserialize)]
struct El {
    tag: String,
    ns: String,
    attrs: BTreeMap<String, String>,
    text: String,
    children: Vec<El>,
}

impl El {
    fn all<'a>(&'a self, tag: &'a str) -> impl Iterator<Item = &'a El> + 'a {
        self.children.iter().filter(move |c| c.tag == tag)
    }
    fn child(&self, tag: &str) -> &El {
        self.children
            .iter()
            .find(|c| c.tag == tag)
            .unwrap_or_else(|| panic!("<{}> has no <{tag}>", self.tag))
    }
    fn text_of(&self, tag: &str) -> &str {
        &self.child(tag).text
    }
    fn attr(&self, name: &str) -> &str {
        self.attrs.get(name).map(String::as_str).unwrap_or("")
    }
}

/// Parses `body` with expat (well-formedness, one root, escaping, allowed characters)
/// and returns the tree; panics with the parser's message when it is not XML.
fn parse_xml(body: &str) -> El {
    const PY: &str = r#"
import json, sys, xml.etree.ElementTree as ET
root = ET.fromstring(sys.stdin.buffer.read())
def conv(e):
    ns, _, tag = e.tag[1:].partition('}') if e.tag.startswith('{') else ('', '', e.tag)
    return {"tag": tag, "ns": ns, "attrs": {k.split('}')[-1]: v for k, v in e.attrib.items()},
            "text": e.text or "", "children": [conv(c) for c in e]}
json.dump(conv(root), sys.stdout)
"#;
    let mut child = Command::new("python3")
        .args(["-c", PY])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(body.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "not well-formed XML: {}\n---\n{body}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("tree as JSON")
}

// ---- the demo app

async fn demo_app() -> TestApp {
    let app = crate::helpers::demo_filled().await;
    // The demo is stamped with the test clock; items added here must come after it.
    app.clock.advance(time::Duration::hours(1));
    app
}

fn base(app: &TestApp) -> String {
    format!("https://{}", app.state.cfg().site.domain)
}

fn all_articles(app: &TestApp) -> Vec<Article> {
    app.state.store.read_blocking(store::all_articles).unwrap()
}

fn find_article(app: &TestApp, title_part: &str) -> Article {
    all_articles(app)
        .into_iter()
        .find(|a| a.title.contains(title_part))
        .expect("demo article")
}

fn canonical(app: &TestApp, a: &Article) -> String {
    format!(
        "{}{}",
        base(app),
        app.state.portal().snapshot().article_url(a)
    )
}

fn content_type(r: &Resp) -> &str {
    r.headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// Saves a new item in a channel (published unless `draft`) and tells the portal.
async fn add_article(app: &TestApp, site: &str, slug: &str, title: &str, draft: bool) -> Article {
    let channel = channel_id(app, site, slug);
    let a = Article {
        title: title.to_owned(),
        source: "区人民政府办公室".into(),
        body_html: "<p>正文 &amp; 内容</p>".into(),
        ..Article::blank(
            channel,
            gongkai::auth::model::UnitCode::parse(site).unwrap(),
            "test",
        )
    };
    let now = app.state.now_ms();
    let saved = app
        .state
        .store
        .write(move |txn| {
            let s = gongkai::publishing::store::save_article(txn, a, 0, now)?;
            if draft {
                Ok(s)
            } else {
                gongkai::publishing::store::publish(txn, s.id, now)
            }
        })
        .await
        .unwrap();
    app.state.portal().article_changed(&app.state, None, &saved);
    saved
}

async fn withdraw(app: &TestApp, a: &Article) {
    let (id, now) = (a.id, app.state.now_ms());
    let after = app
        .state
        .store
        .write(move |txn| gongkai::publishing::store::withdraw(txn, id, "信息已过期", now))
        .await
        .unwrap();
    app.state
        .portal()
        .article_changed(&app.state, Some(a), &after);
}

// ---- feeds

#[derive(Debug)]
struct Entry {
    id: String,
    title: String,
    link: String,
    published: String,
    updated: String,
    author: String,
    summary: String,
}

/// Fetches and parses an Atom feed; checks what every feed must have.
async fn feed(app: &TestApp, path: &str) -> (El, Vec<Entry>) {
    let r = app.client().get(path).await;
    assert_eq!(r.status, 200, "{path}: {}", r.body);
    assert_eq!(content_type(&r), "application/atom+xml; charset=utf-8");
    let root = parse_xml(&r.body);
    assert_eq!(root.tag, "feed");
    assert_eq!(root.ns, "http://www.w3.org/2005/Atom");
    assert!(!root.text_of("id").is_empty());
    assert!(!root.text_of("title").is_empty());
    assert!(is_rfc3339(root.text_of("updated")));
    let self_link = root
        .all("link")
        .find(|l| l.attr("rel") == "self")
        .expect("rel=self");
    assert_eq!(self_link.attr("href"), format!("{}{path}", base(app)));
    let entries: Vec<Entry> = root
        .all("entry")
        .map(|e| Entry {
            id: e.text_of("id").to_owned(),
            title: e.text_of("title").to_owned(),
            link: e.child("link").attr("href").to_owned(),
            published: e.text_of("published").to_owned(),
            updated: e.text_of("updated").to_owned(),
            author: e.child("author").text_of("name").to_owned(),
            summary: e.text_of("summary").to_owned(),
        })
        .collect();
    assert!(entries.len() <= feeds::FEED_ITEMS);
    for e in &entries {
        assert!(e.link.starts_with(&format!("{}/", base(app))), "{e:?}");
        assert_eq!(e.id, e.link, "the id is the canonical URL");
        assert!(is_rfc3339(&e.published) && is_rfc3339(&e.updated), "{e:?}");
        assert!(e.updated >= e.published, "{e:?}");
        assert!(!e.author.is_empty() && !e.summary.is_empty(), "{e:?}");
        assert!(!e.summary.contains('<'), "summary is plain text: {e:?}");
    }
    // Newest first (all times are in +08:00, so the text sorts as the time does).
    assert!(
        entries.windows(2).all(|w| w[0].published >= w[1].published),
        "{entries:?}"
    );
    (root, entries)
}

/// `2026-11-26T17:00:00+08:00` (or with `Z`).
fn is_rfc3339(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        r.into_iter()
            .all(|i| b.get(i).is_some_and(u8::is_ascii_digit))
    };
    let head = b.len() >= 20
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19);
    head && (s.ends_with('Z') || s.ends_with("+08:00"))
}

fn titles(entries: &[Entry]) -> Vec<&str> {
    entries.iter().map(|e| e.title.as_str()).collect()
}

#[tokio::test]
async fn site_feed_lists_the_newest_items_of_its_channels() {
    let app = demo_app().await;
    let (_, entries) = feed(&app, "/feed.xml").await;
    let meeting = find_article(&app, "区政府召开常务会议");
    let e = entries
        .iter()
        .find(|e| e.title == meeting.title)
        .expect("a portal item is in /feed.xml");
    assert_eq!(e.link, canonical(&app, &meeting));
    assert_eq!(e.link, format!("{}/a/{}", base(&app), meeting.id));
    assert_eq!(e.author, "区人民政府办公室");

    // Items pushed to the portal from a department are there, at their canonical URL.
    let pushed = find_article(&app, "区商务局开展冬季消费促进活动");
    let e = entries
        .iter()
        .find(|e| e.title == pushed.title)
        .expect("a placed item is in /feed.xml");
    assert_eq!(e.link, format!("{}/u/commerce/a/{}", base(&app), pushed.id));
    assert_eq!(e.author, "区商务局");

    // Exactly the public items listed in the portal's channels.
    let snap = app.state.portal().snapshot();
    let expected: BTreeSet<String> = all_articles(&app)
        .iter()
        .filter(|a| a.is_public())
        .filter(|a| {
            a.all_channels()
                .iter()
                .any(|c| snap.channel(*c).is_some_and(|c| c.site.as_str() == "gov"))
        })
        .map(|a| a.title.clone())
        .collect();
    let got: BTreeSet<String> = entries.iter().map(|e| e.title.clone()).collect();
    assert_eq!(got, expected);
    assert_eq!(got.len(), entries.len(), "each item once");

    // A sub-site's feed has its own items only.
    let (root, entries) = feed(&app, "/u/commerce/feed.xml").await;
    assert_eq!(root.text_of("title"), "区商务局");
    assert_eq!(entries.len(), 4, "{:?}", titles(&entries));
    assert!(titles(&entries).contains(&pushed.title.as_str()));
    assert!(!titles(&entries).contains(&meeting.title.as_str()));
    app.stop().await;
}

#[tokio::test]
async fn channel_feeds_list_their_channel() {
    let app = demo_app().await;
    let meeting = find_article(&app, "区政府召开常务会议");
    let (root, entries) = feed(&app, "/c/gov-news/feed.xml").await;
    assert_eq!(
        root.all("link")
            .find(|l| l.attr("rel") == "alternate")
            .unwrap()
            .attr("href"),
        format!("{}/c/gov-news/", base(&app))
    );
    assert!(titles(&entries).contains(&meeting.title.as_str()));
    assert_eq!(entries.len(), 3);

    // The commerce item placed in the portal's 部门动态, with its one canonical URL.
    let pushed = find_article(&app, "区商务局开展冬季消费促进活动");
    let (_, entries) = feed(&app, "/c/dept-news/feed.xml").await;
    let e = entries
        .iter()
        .find(|e| e.title == pushed.title)
        .expect("placed item in /c/dept-news/feed.xml");
    assert_eq!(e.link, format!("{}/u/commerce/a/{}", base(&app), pushed.id));
    assert!(!titles(&entries).contains(&meeting.title.as_str()));
    assert_eq!(entries.len(), 2, "{:?}", titles(&entries));

    // And in its home channel on the sub-site.
    let (_, entries) = feed(&app, "/u/commerce/c/work/feed.xml").await;
    assert!(
        entries
            .iter()
            .any(|e| e.link == e.id && e.title == pushed.title)
    );
    app.stop().await;
}

#[tokio::test]
async fn feeds_hold_at_most_twenty_items() {
    let app = demo_app().await;
    for i in 0..25 {
        app.clock.advance(time::Duration::minutes(1));
        add_article(&app, "gov", "notices", &format!("批量通知第{i}号"), false).await;
    }
    let (_, entries) = feed(&app, "/c/notices/feed.xml").await;
    assert_eq!(entries.len(), 20);
    assert_eq!(entries[0].title, "批量通知第24号");
    let (_, entries) = feed(&app, "/feed.xml").await;
    assert_eq!(entries.len(), 20);
    assert_eq!(entries[0].title, "批量通知第24号");
    app.stop().await;
}

#[tokio::test]
async fn unknown_sites_and_channels_get_the_404_page() {
    let app = demo_app().await;
    let c = app.client();
    for path in [
        "/c/nope/feed.xml",
        "/c/work/feed.xml",     // a sub-site's channel, not the portal's
        "/c/overview/feed.xml", // a single page has no items
        "/u/nope/feed.xml",
        "/u/gov/feed.xml", // the portal is not a sub-site
        "/u/nope/c/work/feed.xml",
        "/u/commerce/c/nope/feed.xml",
        "/u/commerce/c/gov-news/feed.xml",
        "/sitemap-1.xml", // the demo fits one sitemap
        "/sitemap-0.xml",
        "/sitemap-99999.xml",
    ] {
        let r = c.get(path).await;
        assert_eq!(r.status, 404, "{path}");
        assert!(content_type(&r).starts_with("text/html"), "{path}");
        assert!(r.body.contains("</html>"), "{path}: the site's 404 page");
    }
    app.stop().await;
}

#[tokio::test]
async fn withdrawn_and_draft_items_never_appear() {
    let app = demo_app().await;
    let meeting = find_article(&app, "区政府召开常务会议");
    let url = canonical(&app, &meeting);
    let c = app.client();
    // Fill the cache first, so the change must invalidate it.
    assert!(c.get("/feed.xml").await.body.contains(&url));
    assert!(c.get("/c/gov-news/feed.xml").await.body.contains(&url));
    assert!(c.get("/sitemap.xml").await.body.contains(&url));

    withdraw(&app, &meeting).await;
    let (_, entries) = feed(&app, "/feed.xml").await;
    assert!(!entries.iter().any(|e| e.link == url));
    let (_, entries) = feed(&app, "/c/gov-news/feed.xml").await;
    assert!(!entries.iter().any(|e| e.link == url));
    let locs = sitemap_locs(&app).await;
    assert!(!locs.contains_key(&url));

    let draft = add_article(&app, "gov", "gov-news", "尚未发布的草稿", true).await;
    let draft_url = canonical(&app, &draft);
    for path in ["/feed.xml", "/c/gov-news/feed.xml"] {
        let (_, entries) = feed(&app, path).await;
        assert!(!titles(&entries).contains(&"尚未发布的草稿"), "{path}");
    }
    assert!(!sitemap_locs(&app).await.contains_key(&draft_url));

    // Withdrawing a placed item takes it out of every site's feeds.
    let pushed = find_article(&app, "区商务局开展冬季消费促进活动");
    withdraw(&app, &pushed).await;
    for path in ["/feed.xml", "/c/dept-news/feed.xml", "/u/commerce/feed.xml"] {
        let (_, entries) = feed(&app, path).await;
        assert!(!titles(&entries).contains(&pushed.title.as_str()), "{path}");
    }
    app.stop().await;
}

#[tokio::test]
async fn feeds_are_cached_with_etags_and_refreshed_on_publish() {
    let app = demo_app().await;
    let url = format!("{}/feed.xml", app.base);
    let http = reqwest::Client::new();
    let first = http.get(&url).send().await.unwrap();
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    let body = first.text().await.unwrap();
    let hits = app
        .state
        .pages
        .hits
        .load(std::sync::atomic::Ordering::Relaxed);
    let again = http
        .get(&url)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    assert!(
        app.state
            .pages
            .hits
            .load(std::sync::atomic::Ordering::Relaxed)
            > hits
    );
    let gz = http
        .get(&url)
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(gz.headers()["content-encoding"], "gzip");
    assert_eq!(
        gz.headers()["content-type"],
        "application/atom+xml; charset=utf-8"
    );

    app.clock.advance(time::Duration::hours(1));
    let fresh = add_article(&app, "gov", "gov-news", "新发布的政务动态", false).await;
    let r = http.get(&url).send().await.unwrap();
    assert_ne!(r.headers()["etag"].to_str().unwrap(), etag);
    let now = r.text().await.unwrap();
    assert_ne!(now, body);
    let (_, entries) = feed(&app, "/feed.xml").await;
    assert_eq!(entries[0].title, fresh.title);
    assert_eq!(entries[0].link, canonical(&app, &fresh));
    app.stop().await;
}

#[tokio::test]
async fn markup_and_control_characters_are_escaped() {
    let app = demo_app().await;
    let title = "A&B <测试> \"引号\" 'x' ]]> \u{1}\u{b}\u{1f}\u{fffe}结束";
    let a = add_article(&app, "gov", "gov-news", title, false).await;
    let (_, entries) = feed(&app, "/c/gov-news/feed.xml").await;
    assert_eq!(entries[0].link, canonical(&app, &a));
    assert_eq!(entries[0].title, "A&B <测试> \"引号\" 'x' ]]> 结束");
    let (_, entries) = feed(&app, "/feed.xml").await;
    assert_eq!(entries[0].title, "A&B <测试> \"引号\" 'x' ]]> 结束");
    // The sitemap still parses with it in.
    assert!(sitemap_locs(&app).await.contains_key(&canonical(&app, &a)));
    app.stop().await;
}

// ---- sitemaps

/// `/sitemap.xml` as loc → lastmod, checked as a single urlset.
async fn sitemap_locs(app: &TestApp) -> BTreeMap<String, String> {
    let r = app.client().get("/sitemap.xml").await;
    assert_eq!(r.status, 200);
    assert_eq!(content_type(&r), "application/xml; charset=utf-8");
    let root = parse_xml(&r.body);
    assert_eq!(root.tag, "urlset");
    urlset_locs(&root)
}

fn urlset_locs(root: &El) -> BTreeMap<String, String> {
    assert_eq!(root.ns, "http://www.sitemaps.org/schemas/sitemap/0.9");
    let mut out = BTreeMap::new();
    for u in root.all("url") {
        let loc = u.text_of("loc").to_owned();
        let lastmod = u
            .all("lastmod")
            .next()
            .map(|l| l.text.clone())
            .unwrap_or_default();
        assert!(lastmod.is_empty() || is_rfc3339(&lastmod), "{lastmod}");
        assert!(
            out.insert(loc.clone(), lastmod).is_none(),
            "{loc} listed twice"
        );
    }
    out
}

#[tokio::test]
async fn sitemap_lists_every_public_page_by_its_canonical_url() {
    let app = demo_app().await;
    let draft = add_article(&app, "gov", "notices", "草稿不进网站地图", true).await;
    let locs = sitemap_locs(&app).await;
    let snap = app.state.portal().snapshot();
    let b = base(&app);
    let mut expected: BTreeSet<String> = BTreeSet::new();
    for s in &snap.sites {
        expected.insert(format!("{b}{}/", s.prefix()));
    }
    for c in &snap.channels {
        if c.kind != ChannelKind::Link {
            expected.insert(format!("{b}{}", snap.channel_url(c)));
        }
    }
    for a in all_articles(&app).iter().filter(|a| a.is_public()) {
        let url = format!("{b}{}", snap.article_url(a));
        assert_eq!(
            locs.get(&url).map(String::as_str),
            Some(feeds::rfc3339(a.updated_ms).as_str())
        );
        expected.insert(url);
    }
    let got: BTreeSet<String> = locs.keys().cloned().collect();
    assert_eq!(got, expected);
    assert!(!locs.contains_key(&canonical(&app, &draft)));
    // Homes and list channels carry the time of their newest change.
    assert!(!locs[&format!("{b}/")].is_empty());
    assert!(!locs[&format!("{b}/u/commerce/")].is_empty());
    assert!(!locs[&format!("{b}/c/gov-news/")].is_empty());
    assert!(locs.contains_key(&format!("{b}/c/overview/")));
    // A second request is served from the cache, not rebuilt.
    let hits = app
        .state
        .pages
        .hits
        .load(std::sync::atomic::Ordering::Relaxed);
    sitemap_locs(&app).await;
    assert!(
        app.state
            .pages
            .hits
            .load(std::sync::atomic::Ordering::Relaxed)
            > hits
    );
    app.stop().await;
}

#[tokio::test]
async fn sitemap_splits_into_an_index_beyond_the_limit() {
    let app = demo_app().await;
    let snap = app.state.portal().snapshot();
    let b = base(&app);
    let urls: Vec<SitemapUrl> = app
        .state
        .store
        .read_blocking(|txn| feeds::sitemap_urls(txn, &snap, &b))
        .unwrap();
    assert!(urls.len() > 7, "{}", urls.len());
    // Served whole while it fits.
    let served = sitemap_locs(&app).await;
    assert_eq!(served.len(), urls.len());

    let docs = feeds::build_sitemaps(&b, &urls, 3);
    let index = parse_xml(&docs.root);
    assert_eq!(index.tag, "sitemapindex");
    assert_eq!(index.ns, "http://www.sitemaps.org/schemas/sitemap/0.9");
    assert_eq!(docs.parts.len(), urls.len().div_ceil(3));
    let part_locs: Vec<&str> = index.all("sitemap").map(|s| s.text_of("loc")).collect();
    let want: Vec<String> = (1..=docs.parts.len())
        .map(|i| format!("{b}/sitemap-{i}.xml"))
        .collect();
    assert_eq!(part_locs, want);
    assert!(
        index
            .all("sitemap")
            .all(|s| is_rfc3339(s.text_of("lastmod")))
    );
    let mut union = BTreeMap::new();
    for (i, p) in docs.parts.iter().enumerate() {
        let root = parse_xml(p);
        assert_eq!(root.tag, "urlset");
        let locs = urlset_locs(&root);
        assert!(
            !locs.is_empty() && locs.len() <= 3,
            "part {}: {}",
            i + 1,
            locs.len()
        );
        union.extend(locs);
    }
    assert_eq!(union, served, "the parts together list every URL once");

    // Exactly at the limit it stays one document.
    let one = feeds::build_sitemaps(&b, &urls, urls.len());
    assert!(one.parts.is_empty());
    assert_eq!(parse_xml(&one.root).tag, "urlset");
    assert_eq!(feeds::SITEMAP_LIMIT, 50_000);
    app.stop().await;
}

// ---- robots.txt and OpenSearch

#[tokio::test]
async fn robots_txt_names_the_sitemap_and_keeps_crawlers_out_of_staff_pages() {
    let app = demo_app().await;
    let r = app.client().get("/robots.txt").await;
    assert_eq!(r.status, 200);
    assert_eq!(content_type(&r), "text/plain; charset=utf-8");
    let lines: Vec<&str> = r.body.lines().collect();
    assert!(lines.contains(&"User-agent: *"));
    assert!(lines.contains(&format!("Sitemap: {}/sitemap.xml", base(&app)).as_str()));
    for p in ["/admin", "/login", "/setup", "/account"] {
        assert!(lines.contains(&format!("Disallow: {p}").as_str()), "{p}");
    }
    assert!(!lines.contains(&"Disallow: /"), "public pages stay open");
    assert!(
        !r.body.contains("Disallow: /files"),
        "attachments stay open"
    );
    assert!(!r.body.contains("Disallow: /c/") && !r.body.contains("Disallow: /a/"));
    app.stop().await;
}

#[tokio::test]
async fn opensearch_description_parses() {
    let app = demo_app().await;
    let r = app.client().get("/opensearch.xml").await;
    assert_eq!(r.status, 200);
    assert!(content_type(&r).starts_with("application/opensearchdescription+xml"));
    let root = parse_xml(&r.body);
    assert_eq!(root.tag, "OpenSearchDescription");
    assert_eq!(root.ns, "http://a9.com/-/spec/opensearch/1.1/");
    assert_eq!(root.text_of("ShortName"), app.state.cfg().site.name);
    assert_eq!(root.text_of("InputEncoding"), "UTF-8");
    let html = root
        .all("Url")
        .find(|u| u.attr("type") == "text/html")
        .expect("a text/html Url");
    assert_eq!(
        html.attr("template"),
        format!("{}/search?q={{searchTerms}}", base(&app))
    );
    app.stop().await;
}
