//! Site search over HTTP: Chinese segmentation, title above body, filters, highlighted
//! snippets, pagination, attachment names, withdrawn items leaving, bad queries.

use gongkai::portal::store;

use crate::helpers::{demo_portal, main_of, publish_new, tag_text};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chinese_words_titles_filters_and_snippets() {
    let app = demo_portal().await;
    let c = app.client();
    let report = publish_new(
        &app,
        "gov",
        "notices",
        "示范区2025年政府信息公开工作年度报告",
        "本报告依据条例编制。",
    )
    .await;
    let body_only = publish_new(
        &app,
        "gov",
        "gov-news",
        "区政府召开专题会议",
        "会议研究了信息公开工作。",
    )
    .await;

    // Segmentation: 信息公开 is found inside a longer title.
    let r = c
        .get("/search?q=%E4%BF%A1%E6%81%AF%E5%85%AC%E5%BC%80")
        .await;
    assert_eq!(r.status, 200);
    let t = r
        .body
        .find(&format!("/a/{}", report.id))
        .expect("report found");
    let b = r
        .body
        .find(&format!("/a/{}", body_only.id))
        .expect("body hit found");
    assert!(t < b, "title hit ranked above body hit");
    assert!(r.body.contains("<mark>"), "highlighted");
    assert!(
        r.body.contains("发布") || r.body.contains("<time"),
        "dates shown"
    );

    // 营商环境 finds the demo policy; the site filter narrows to a sub-site.
    let policy = app
        .state
        .store
        .read_blocking(store::all_articles)
        .unwrap()
        .into_iter()
        .find(|a| a.title.contains("若干措施") && a.interprets.is_none())
        .unwrap();
    let purl = format!("href=\"/a/{}\"", policy.id);
    let all = c
        .get("/search?q=%E8%90%A5%E5%95%86%E7%8E%AF%E5%A2%83")
        .await;
    assert!(all.body.contains(&purl));
    assert!(all.body.contains("<mark>营商环境</mark>"));
    let commerce = c
        .get("/search?q=%E8%90%A5%E5%95%86%E7%8E%AF%E5%A2%83&site=commerce")
        .await;
    assert!(!commerce.body.contains(&purl), "filtered by site");

    // Attachment names are searchable.
    let att = c.get("/search?q=%E5%80%BC%E7%8F%AD%E8%A1%A8").await;
    assert!(att.body.contains("元旦假期"), "found by attachment name");

    // Date range filters (the report was published today, Beijing time).
    let today = gongkai::clock::show(app.state.now_ms())[..10].to_owned();
    let in_range = c
        .get(&format!(
            "/search?q=%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A&from={today}&to={today}"
        ))
        .await;
    assert!(in_range.body.contains(&format!("/a/{}", report.id)));
    let before = c
        .get("/search?q=%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A&to=2020-01-01")
        .await;
    assert!(!before.body.contains(&format!("/a/{}", report.id)));
    let bad_date = c
        .get("/search?q=%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A&from=yesterday")
        .await;
    assert_eq!(bad_date.status, 200);
    assert!(bad_date.body.contains("日期应形如"));

    // Markup in content never escapes into the page.
    let evil = publish_new(
        &app,
        "gov",
        "gov-news",
        "测试<script>alert(1)</script>标题",
        "正文",
    )
    .await;
    let r = c.get("/search?q=%E6%B5%8B%E8%AF%95").await;
    assert!(r.body.contains(&format!("/a/{}", evil.id)));
    assert!(!r.body.contains("<script>alert"), "escaped");

    // Withdrawn items leave search.
    let st = app.state.clone();
    let id = report.id;
    tokio::task::spawn_blocking(move || {
        let before = st
            .store
            .read_blocking(|t| store::get_article(t, id))
            .unwrap()
            .unwrap();
        let after = st
            .store
            .write_blocking(|t| gongkai::publishing::store::withdraw(t, id, "测试", 0))
            .unwrap();
        st.portal().article_changed(&st, Some(&before), &after);
        st.search.get().unwrap().flush();
    })
    .await
    .unwrap();
    let r = c
        .get("/search?q=%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A")
        .await;
    assert!(!r.body.contains(&format!("/a/{}", report.id)));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pagination_and_bad_queries() {
    let app = demo_portal().await;
    let c = app.client();
    for i in 0..23 {
        publish_new(
            &app,
            "gov",
            "notices",
            &format!("防汛演练通知第{i}号"),
            "各单位做好准备。",
        )
        .await;
    }
    let p1 = c.get("/search?q=%E9%98%B2%E6%B1%9B").await;
    assert!(
        p1.body.contains("找到约 23 条结果"),
        "{}",
        &p1.body[..p1.body.len().min(3000)]
    );
    assert!(p1.body.contains("page=2"));
    let p3 = c.get("/search?q=%E9%98%B2%E6%B1%9B&page=3").await;
    assert_eq!(p3.body.matches("class=\"hit\"").count(), 3);
    // Absurd page numbers fall back with a note, never a 500.
    let r = c
        .get("/search?q=%E9%98%B2%E6%B1%9B&page=999999999999")
        .await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("页码无效"));
    // Empty query: a helpful page.
    let r = c.get("/search").await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("请输入要查找的内容"));
    assert!(r.body.contains("网站标识码"), "footer on the search page");
    // Overlong query: a clear message in the page's status line, saying the length and the
    // limit (the search box's own maxlength="64" is on every page, so the number alone
    // proves nothing).
    let long = "%E6%94%BF".repeat(100);
    let r = c.get(&format!("/search?q={long}")).await;
    assert_eq!(r.status, 422);
    assert_eq!(
        tag_text(main_of(&r.body), "class=\"notice\" role=\"status\""),
        Some("搜索词过长（100 个字），请缩短到 64 个字以内"),
        "says the length and the limit"
    );
    assert!(!r.body.contains("class=\"search-results\""), "no results");
    // Query syntax characters are just text: `clean_query` strips them, so a query of
    // nothing else has no word left and is refused like an empty one that was typed.
    let r = c.get("/search?q=%22%28%29%3A%5E~*%5B").await;
    assert_eq!(r.status, 422, "only syntax characters");
    assert_eq!(
        tag_text(main_of(&r.body), "class=\"notice\" role=\"status\""),
        Some("请输入要搜索的关键词")
    );
    assert!(!r.body.contains("class=\"search-results\""), "no results");
    // Around a word they are dropped and the word is searched: `("防汛")~*` finds what
    // 防汛 finds (in tantivy's grammar it would be a phrase, a fuzzy and a prefix query).
    let r = c.get("/search?q=%28%22%E9%98%B2%E6%B1%9B%22%29~*").await;
    assert_eq!(r.status, 200);
    assert_eq!(
        tag_text(main_of(&r.body), "class=\"search-summary\" role=\"status\"")
            .map(|t| t.split('（').next().unwrap_or_default()),
        Some("找到约 23 条结果"),
        "syntax around a word"
    );
    // Absurdly long query strings.
    let r = c.get(&format!("/search?q=a&x={}", "b".repeat(3000))).await;
    assert_eq!(r.status, 400);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kinds_filter_and_label_results() {
    let app = demo_portal().await;
    let c = app.client();
    let a = publish_new(
        &app,
        "gov",
        "notices",
        "关于开展河湖巡查的通知",
        "各街道做好巡查。",
    )
    .await;
    let link = format!("href=\"/a/{}\"", a.id);
    // The form offers the registered kinds, under a visible label.
    let r = c
        .get("/search?q=%E6%B2%B3%E6%B9%96%E5%B7%A1%E6%9F%A5")
        .await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("<label for=\"f-kind\">类别</label>"));
    assert!(r.body.contains("<select id=\"f-kind\" name=\"kind\">"));
    assert!(r.body.contains("<option value=\"\">全部</option>"));
    assert!(r.body.contains("<option value=\"article\">信息</option>"));
    // Each result says its kind.
    assert!(r.body.contains(&link));
    assert!(r.body.contains("<span class=\"kind\">信息</span>"));
    // Filtering by kind finds the article and keeps the choice in the form.
    let r = c
        .get("/search?q=%E6%B2%B3%E6%B9%96%E5%B7%A1%E6%9F%A5&kind=article")
        .await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains(&link));
    assert!(
        r.body
            .contains("<option value=\"article\" selected>信息</option>")
    );
    // An unknown kind is a bad filter like a bad date: dropped, with a note, never a 500.
    let r = c
        .get("/search?q=%E6%B2%B3%E6%B9%96%E5%B7%A1%E6%9F%A5&kind=%3Cb%3Eletter")
        .await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("没有这个类别，已显示全部类别的结果。"));
    assert!(r.body.contains(&link));
    assert!(!r.body.contains("<b>letter"), "the bad value is not echoed");
    app.stop().await;
}
