//! The public portal over HTTP on the demo district: home, channels with stable
//! paginated URLs, articles with their canonical URL, placements, 解读 links, the
//! page cache (hits, 304, precompressed variants, precise invalidation), host-bound
//! sub-sites, and bad input.

use gongkai::portal::model::Article;
use gongkai::portal::store;

use crate::helpers::{Client, TestApp, demo_portal, main_of, publish_new};

fn find_article(app: &TestApp, title_part: &str) -> Article {
    app.state
        .store
        .read_blocking(store::all_articles)
        .unwrap()
        .into_iter()
        .find(|a| a.title.contains(title_part))
        .expect("demo article")
}

const FOOTER_BITS: [&str; 6] = [
    "主办单位",
    "承办单位",
    "联系电话",
    "网站标识码",
    "ICP备",
    "公网安备",
];

#[tokio::test]
async fn home_shows_headlines_blocks_tiles_and_footer() {
    let app = demo_portal().await;
    let c = app.client();
    let r = c.get("/").await;
    assert_eq!(r.status, 200);
    for s in [
        "要闻",
        "政务动态",
        "部门动态",
        "通知公告",
        "政策文件",
        "政策解读",
        "政府信息公开",
        "招商引资",
        "区商务局",
    ] {
        assert!(r.body.contains(s), "home shows {s}");
    }
    for s in FOOTER_BITS {
        assert!(r.body.contains(s), "footer has {s}");
    }
    for tag in [
        "name=\"SiteName\"",
        "name=\"SiteDomain\"",
        "name=\"SiteIDCode\"",
        "name=\"ColumnName\"",
        "property=\"og:title\"",
    ] {
        assert!(r.body.contains(tag), "meta {tag}");
    }
    assert!(r.body.contains("role=\"search\""), "search box");
    // Every listed item shows its publish date.
    assert!(r.body.matches("<time").count() >= 10);
    app.stop().await;
}

#[tokio::test]
async fn channel_pages_paginate_at_stable_urls() {
    let app = demo_portal().await;
    for i in 0..25 {
        publish_new(
            &app,
            "gov",
            "notices",
            &format!("分页测试通知{i:02}"),
            "正文",
        )
        .await;
    }
    let c = app.client();
    let p1 = c.get("/c/notices/").await;
    assert_eq!(p1.status, 200);
    assert!(p1.body.contains("分页测试通知24"), "newest first on page 1");
    assert!(p1.body.contains("/c/notices/page/2/"));
    assert_eq!(p1.body.matches("分页测试通知").count(), 20);
    let p2 = c.get("/c/notices/page/2/").await;
    assert_eq!(p2.status, 200);
    assert!(p2.body.contains("分页测试通知00"));
    assert!(p2.body.contains("第 2 页 / 共 2 页"));
    // Breadcrumbs everywhere.
    assert!(p2.body.contains("aria-label=\"当前位置\""));
    assert_eq!(c.get("/c/notices/page/3/").await.status, 404);
    assert_eq!(
        c.get("/c/notices/page/1/").await.location(),
        Some("/c/notices/")
    );
    for bad in [
        "/c/notices/page/0/",
        "/c/notices/page/abc/",
        "/c/notices/page/99999999999999999999/",
    ] {
        let r = c.get(bad).await;
        assert_eq!(r.status, 400, "{bad}");
        assert!(r.body.contains("页码无效"));
        assert!(r.body.contains("网站标识码"), "error pages keep the footer");
    }
    assert_eq!(c.get("/c/no-such-channel/").await.status, 404);
    assert_eq!(c.get("/c/notices").await.status, 308);
    // A single-page channel.
    let ov = c.get("/c/overview/").await;
    assert!(ov.body.contains("辖东山、西湖两个街道"));
    app.stop().await;
}

#[tokio::test]
async fn articles_have_one_canonical_url_and_link_policies_both_ways() {
    let app = demo_portal().await;
    let c = app.client();
    let policy = find_article(&app, "优化营商环境的若干措施");
    let interp = find_article(&app, "政策解读");
    assert_eq!(interp.interprets, Some(policy.id));
    let p = c.get(&format!("/a/{}", policy.id)).await;
    assert_eq!(p.status, 200);
    assert!(p.body.contains("发布时间："));
    assert!(
        p.body.contains(&format!("href=\"/a/{}\"", interp.id)),
        "policy links to its 解读"
    );
    for tag in [
        "name=\"ArticleTitle\"",
        "name=\"PubDate\"",
        "name=\"ContentSource\"",
        "application/ld+json",
        "og:type\" content=\"article",
    ] {
        assert!(p.body.contains(tag), "{tag}");
    }
    let i = c.get(&format!("/a/{}", interp.id)).await;
    assert!(
        i.body.contains(&format!("href=\"/a/{}\"", policy.id)),
        "解读 links back"
    );

    // A department item pushed to the portal: one canonical URL on its own sub-site.
    let pushed = find_article(&app, "冬季消费促进活动");
    assert_eq!(pushed.site.as_str(), "commerce");
    let canonical = format!("https://www.example.gov.cn/u/commerce/a/{}", pushed.id);
    let home_copy = c.get(&format!("/u/commerce/a/{}", pushed.id)).await;
    assert!(
        home_copy
            .body
            .contains(&format!("rel=\"canonical\" href=\"{canonical}\""))
    );
    let placed = c.get(&format!("/a/{}", pushed.id)).await;
    assert_eq!(placed.status, 200);
    assert!(
        placed
            .body
            .contains(&format!("rel=\"canonical\" href=\"{canonical}\"")),
        "placement points to the canonical URL"
    );
    assert!(
        placed.body.contains("部门动态"),
        "shown in the portal's channel"
    );
    let list = c.get("/c/dept-news/").await;
    assert!(
        list.body.contains(&format!("/u/commerce/a/{}", pushed.id)),
        "lists link the canonical URL"
    );
    // Not placed on another sub-site.
    assert_eq!(
        c.get(&format!("/u/sd-east/a/{}", pushed.id)).await.status,
        404
    );
    // Print view.
    let pr = c.get(&format!("/a/{}/print", policy.id)).await;
    assert_eq!(pr.status, 200);
    assert!(!pr.body.contains("打印本页"));
    // Unknown ids.
    for bad in ["/a/999999", "/a/abc", "/a/-1", "/u/nope/", "/u/nope/a/1"] {
        assert_eq!(c.get(bad).await.status, 404, "{bad}");
    }
    app.stop().await;
}

#[tokio::test]
async fn attachments_keep_their_name_and_support_ranges() {
    let app = demo_portal().await;
    let a = find_article(&app, "元旦假期值班");
    let f = &a.attachments[0];
    let url = format!("/files/{}/{}", f.sha, f.name);
    let page = app.client().get(&format!("/a/{}", a.id)).await;
    assert!(page.body.contains("值班表.csv"));
    let http = reqwest::Client::new();
    let r = http
        .get(format!("{}{}", app.base, url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let disp = r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disp.contains("filename*=UTF-8''%E5%80%BC%E7%8F%AD%E8%A1%A8.csv"),
        "{disp}"
    );
    let r = http
        .get(format!("{}{}", app.base, url))
        .header("range", "bytes=0-3")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 206);
    assert_eq!(
        r.bytes().await.unwrap().to_vec(),
        "日期".as_bytes()[..4].to_vec()
    );
    assert_eq!(app.client().get("/files/00/x.csv").await.status, 404);
    app.stop().await;
}

#[tokio::test]
async fn pages_are_cached_compressed_and_invalidated_precisely() {
    let app = demo_portal().await;
    let http = reqwest::Client::new();
    let get = |path: &str, enc: &str, etag: Option<&str>| {
        let mut b = http
            .get(format!("{}{path}", app.base))
            .header("accept-encoding", enc);
        if let Some(e) = etag {
            b = b.header("if-none-match", e);
        }
        b.send()
    };
    let r = get("/", "br", None).await.unwrap();
    assert_eq!(r.headers()["content-encoding"], "br");
    let etag = r.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(
        get("/", "gzip", None).await.unwrap().headers()["content-encoding"],
        "gzip"
    );
    assert_eq!(get("/", "br", Some(&etag)).await.unwrap().status(), 304);
    let hits_before = app
        .state
        .portal
        .cache
        .hits
        .load(std::sync::atomic::Ordering::Relaxed);
    let hit = get("/", "br", None).await.unwrap();
    // A hit served before routing carries the same headers as the first answer.
    for h in [
        "content-security-policy",
        "x-content-type-options",
        "x-request-id",
        "vary",
    ] {
        assert!(hit.headers().contains_key(h), "cached answer has {h}");
    }
    assert_eq!(hit.headers()["etag"].to_str().unwrap(), etag);
    assert!(
        app.state
            .portal
            .cache
            .hits
            .load(std::sync::atomic::Ordering::Relaxed)
            > hits_before
    );

    // Warm an unrelated article page, then publish into 政务动态.
    let unrelated = find_article(&app, "电子商务发展专项资金");
    let upath = format!("/u/commerce/a/{}", unrelated.id);
    let u1 = get(&upath, "identity", None).await.unwrap();
    let u_etag = u1.headers()["etag"].to_str().unwrap().to_owned();
    let a = publish_new(&app, "gov", "gov-news", "缓存失效测试新闻", "正文").await;
    // The home page and the channel show it at once (new ETag)…
    let home = app.client().get("/").await;
    assert!(home.body.contains("缓存失效测试新闻"));
    assert_ne!(get("/", "br", Some(&etag)).await.unwrap().status(), 304);
    assert!(
        app.client()
            .get("/c/gov-news/")
            .await
            .body
            .contains("缓存失效测试新闻")
    );
    // …while the unrelated page stays cached.
    assert_eq!(
        get(&upath, "identity", Some(&u_etag))
            .await
            .unwrap()
            .status(),
        304
    );

    // Edit, then withdraw: each shows at once.
    let st = app.state.clone();
    let id = a.id;
    tokio::task::spawn_blocking(move || {
        let now = st.now_ms();
        let before = st
            .store
            .read_blocking(|t| store::get_article(t, id))
            .unwrap()
            .unwrap();
        let mut edited = before.clone();
        edited.title = "缓存失效测试新闻（修订）".into();
        let after = st
            .store
            .write_blocking(|t| store::save_article(t, edited, before.revision, now))
            .unwrap();
        assert_eq!(
            after.publish_ms, before.publish_ms,
            "edits never move the publish time"
        );
        st.portal
            .article_changed(st.search.get(), Some(&before), &after);
    })
    .await
    .unwrap();
    assert!(
        app.client()
            .get("/")
            .await
            .body
            .contains("缓存失效测试新闻（修订）")
    );
    assert!(
        app.client()
            .get(&format!("/a/{id}"))
            .await
            .body
            .contains("（修订）")
    );
    let st = app.state.clone();
    tokio::task::spawn_blocking(move || {
        let now = st.now_ms();
        let before = st
            .store
            .read_blocking(|t| store::get_article(t, id))
            .unwrap()
            .unwrap();
        let after = st
            .store
            .write_blocking(|t| store::withdraw(t, id, "测试撤稿", now))
            .unwrap();
        st.portal
            .article_changed(st.search.get(), Some(&before), &after);
    })
    .await
    .unwrap();
    let gone = app.client().get(&format!("/a/{id}")).await;
    assert_eq!(gone.status, 410);
    assert!(gone.body.contains("测试撤稿"));
    assert!(
        !app.client()
            .get("/")
            .await
            .body
            .contains("缓存失效测试新闻")
    );
    assert!(
        !app.client()
            .get("/c/gov-news/")
            .await
            .body
            .contains("缓存失效测试新闻")
    );
    app.stop().await;
}

#[tokio::test]
async fn sub_sites_have_their_own_home_theme_and_bound_host() {
    let app = demo_portal().await;
    let c = app.client();
    let r = c.get("/u/commerce/").await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("theme-green"));
    assert!(r.body.contains("工作动态"));
    assert!(r.body.contains("/u/commerce/c/work/"));
    assert_eq!(c.get("/u/commerce").await.status, 308);

    // Bind a host name to the commerce sub-site.
    let st = app.state.clone();
    tokio::task::spawn_blocking(move || {
        st.store
            .write_blocking(|txn| {
                let code = gongkai::auth::model::UnitCode::parse("commerce").unwrap();
                let mut s = store::get_site_w(txn, &code)?.unwrap();
                s.host = Some("commerce.example.gov.cn".into());
                store::put_site(txn, &s)
            })
            .unwrap();
        st.portal.reload(&st.store).unwrap();
    })
    .await
    .unwrap();
    let http = reqwest::Client::new();
    let bound = |path: &str| {
        http.get(format!("{}{path}", app.base))
            .header("host", "commerce.example.gov.cn")
            .send()
    };
    let home = bound("/").await.unwrap();
    assert_eq!(home.status(), 200);
    let body = home.text().await.unwrap();
    assert!(
        body.contains("theme-green") && body.contains("工作动态"),
        "bound host serves the sub-site"
    );
    let ch = bound("/c/work/").await.unwrap();
    assert_eq!(ch.status(), 200);
    assert!(ch.text().await.unwrap().contains("外贸企业"));
    // The main host still serves the portal; staff pages are not rewritten.
    assert!(!c.get("/").await.body.contains("theme-green"));
    assert_eq!(bound("/login").await.unwrap().status(), 200);
    app.stop().await;
}

#[tokio::test]
async fn fresh_install_home_and_care_mode() {
    let app = TestApp::start().await;
    let c: Client = app.client();
    let r = c.get("/").await;
    assert_eq!(r.status, 200, "no site yet: a true, simple home");
    assert!(r.body.contains("网站标识码"));
    // The home page itself, not only the footer every page has.
    assert!(
        main_of(&r.body).contains("<p>网站正在建设中。</p>"),
        "{}",
        r.body
    );
    let r = c.get("/care?on=1").await;
    assert_eq!(r.location(), Some("/"));
    assert!(c.get("/").await.body.contains("class=\"care\""));
    app.stop().await;
}

#[tokio::test]
async fn footer_identifiers_on_every_kind_of_page() {
    let app = demo_portal().await;
    let c = app.client();
    let art = find_article(&app, "民生实事");
    // Each page with the status it must answer and a piece of its own content (inside
    // <main>), so that an error page, which has the footer too, cannot stand in for it.
    let title = format!("<h1>{}</h1>", art.title);
    let paths: [(String, u16, &str); 13] = [
        ("/".to_owned(), 200, "<h2 id=\"hl-title\">要闻</h2>"),
        ("/c/gov-news/".into(), 200, "<h1>政务动态</h1>"),
        ("/c/overview/".into(), 200, "<h1>区情概况</h1>"),
        (format!("/a/{}", art.id), 200, &title),
        (format!("/a/{}/print", art.id), 200, &title),
        (
            "/u/commerce/".into(),
            200,
            "<h1 class=\"sr-only\">区商务局</h1>",
        ),
        ("/search?q=%E6%94%BF%E5%8A%A1".into(), 200, "条结果"),
        ("/search".into(), 200, "请输入要查找的内容"),
        ("/sitemap".into(), 200, "<h1>网站地图</h1>"),
        ("/contact".into(), 200, "<h1>联系我们</h1>"),
        ("/login".into(), 200, "<h1>工作人员登录</h1>"),
        ("/no-such-page".into(), 404, "<h1>页面不存在</h1>"),
        ("/c/gov-news/page/0/".into(), 400, "<p>页码无效。</p>"),
    ];
    for (p, status, own) in &paths {
        let r = c.get(p).await;
        assert_eq!(r.status, *status, "{p}: {}", r.body);
        assert!(
            main_of(&r.body).contains(own),
            "{p} shows {own}: {}",
            r.body
        );
        for bit in FOOTER_BITS {
            assert!(r.body.contains(bit), "{p} ({}) lacks {bit}", r.status);
        }
        assert!(
            r.body.contains("党政机关"),
            "{p} lacks the 党政机关 identifier"
        );
        assert!(r.body.contains("href=\"/sitemap\""), "{p} lacks 网站地图");
    }
    // The print view is the article without its tools, not the article page again.
    let article = c.get(&format!("/a/{}", art.id)).await;
    assert!(main_of(&article.body).contains("打印本页"));
    let print = c.get(&format!("/a/{}/print", art.id)).await;
    assert!(!main_of(&print.body).contains("打印本页"));
    app.stop().await;
}
