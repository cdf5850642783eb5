use super::*;

#[test]
fn escapes_markup_and_drops_invalid_characters() {
    assert_eq!(
        xml_escape("a<b>&\"c\"'d'"),
        "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;"
    );
    assert_eq!(
        xml_escape("政务\u{0}公开\u{1}\u{8}\u{b}\u{c}\u{1f}"),
        "政务公开"
    );
    assert_eq!(xml_escape("x\u{fffe}\u{ffff}y\u{fffd}"), "xy\u{fffd}");
    assert_eq!(xml_escape("a\tb\nc\rd"), "a&#9;b&#10;c&#13;d");
    // Outside the BMP and the private use area are fine.
    assert_eq!(xml_escape("𠮷\u{e000}"), "𠮷\u{e000}");
    // Already-escaped text is escaped again, not passed through.
    assert_eq!(xml_escape("&amp;"), "&amp;amp;");
}

#[test]
fn times_are_rfc3339_in_beijing_time() {
    // 2026-11-26 09:00:00.123 UTC
    let ms = 1_795_683_600_123;
    assert_eq!(rfc3339(ms), "2026-11-26T17:00:00+08:00");
    assert_eq!(rfc3339(0), "1970-01-01T08:00:00+08:00");
}

fn urls(n: usize) -> Vec<SitemapUrl> {
    (1..=n)
        .map(|i| SitemapUrl {
            loc: format!("https://x.gov.cn/a/{i}?p=1&q=2"),
            lastmod_ms: Some(i as i64 * 1000),
        })
        .collect()
}

#[test]
fn sitemap_fits_one_document_up_to_the_limit() {
    let s = build_sitemaps("https://x.gov.cn", &urls(3), 3);
    assert!(s.parts.is_empty());
    assert!(s.root.contains("<urlset"));
    assert_eq!(s.root.matches("<url>").count(), 3);
    assert!(s.root.contains("?p=1&amp;q=2"));
}

#[test]
fn sitemap_splits_into_an_index_beyond_the_limit() {
    let s = build_sitemaps("https://x.gov.cn", &urls(7), 3);
    assert!(s.root.contains("<sitemapindex"));
    assert_eq!(s.parts.len(), 3);
    for i in 1..=3 {
        assert!(
            s.root
                .contains(&format!("<loc>https://x.gov.cn/sitemap-{i}.xml</loc>"))
        );
    }
    let counts: Vec<usize> = s.parts.iter().map(|p| p.matches("<url>").count()).collect();
    assert_eq!(counts, [3, 3, 1]);
    assert!(s.parts[2].contains("/a/7?"));
    assert!(
        s.root
            .contains(&format!("<lastmod>{}</lastmod>", rfc3339(7000)))
    );
}

#[test]
fn atom_escapes_and_falls_back_for_empty_feeds() {
    let head = FeedHead {
        id: "https://x.gov.cn/".into(),
        title: "示范区 <人民> 政府".into(),
        self_url: "https://x.gov.cn/feed.xml".into(),
        page_url: "https://x.gov.cn/".into(),
        author: "示范区".into(),
        fallback_updated_ms: 0,
    };
    let doc = atom(&head, &[]);
    assert!(doc.contains("<title>示范区 &lt;人民&gt; 政府</title>"));
    assert!(doc.contains("<updated>1970-01-01T08:00:00+08:00</updated>"));
    assert!(!doc.contains("<entry>"));
    let e = FeedEntry {
        id: "https://x.gov.cn/a/1".into(),
        title: "A&B\u{7}".into(),
        link: "https://x.gov.cn/a/1".into(),
        published_ms: 1000,
        updated_ms: 5000,
        summary: "摘要".into(),
        author: "来源".into(),
    };
    let doc = atom(&head, &[e]);
    assert!(doc.contains("<title>A&amp;B</title>"));
    assert!(doc.contains("<summary type=\"text\">摘要</summary>"));
    assert!(doc.contains(&format!("<updated>{}</updated>", rfc3339(5000))));
}

#[test]
fn robots_and_opensearch() {
    let r = robots_txt("https://x.gov.cn");
    assert!(r.contains("Sitemap: https://x.gov.cn/sitemap.xml"));
    assert!(r.contains("Disallow: /admin\n"));
    assert!(!r.contains("Disallow: /files"));
    let o = opensearch_xml("一二三四五六七八九十一二三四五六七八", "https://x.gov.cn");
    assert!(o.contains("<ShortName>一二三四五六七八九十一二三四五六</ShortName>"));
    assert!(o.contains("template=\"https://x.gov.cn/search?q={searchTerms}\""));
}
