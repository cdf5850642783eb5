//! Regression tests for the security review (issue 9): each reproduces a defect found by
//! driving the running demo as an attacker would.

use gongkai::auth::model::Role;

use crate::helpers::*;

/// A title that opens an HTML comment and a script inside the JSON-LD block used to make
/// browsers swallow the rest of the page.
#[tokio::test]
async fn a_title_cannot_end_the_json_ld_block() {
    let app = demo_portal().await;
    let a = publish_new(
        &app,
        "gov",
        "gov-news",
        "通知<!--<script>alert(1)</script>&amp;",
        "正文",
    )
    .await;
    let page = app.client().get(&format!("/a/{}", a.id)).await;
    assert_eq!(page.status, 200);
    let open = "<script type=\"application/ld+json\">";
    let start = page.body.find(open).expect("JSON-LD block") + open.len();
    let len = page.body[start..].find("</script>").expect("block closed");
    let json = &page.body[start..start + len];
    for bad in ["<", ">", "&"] {
        assert!(!json.contains(bad), "{bad} inside the script block: {json}");
    }
    let v: serde_json::Value = serde_json::from_str(json).expect("still JSON");
    assert_eq!(v["headline"], "通知<!--<script>alert(1)</script>&amp;");
    // The footer after it is still part of the page a browser builds.
    assert!(page.body[start + len..].contains("网站标识码"));
    app.stop().await;
}

/// `/a/01`, `/a/+1`, `/a/%31` and `/a/0001` used to be rendered and stored one by one.
#[tokio::test]
async fn other_spellings_of_a_page_redirect_to_its_one_address() {
    let app = demo_portal().await;
    let a = publish_new(&app, "gov", "gov-news", "缓存键测试", "正文").await;
    let c = app.client();
    let id = a.id.to_string();
    assert_eq!(c.get(&format!("/a/{id}")).await.status, 200);
    let cached = app.state.pages.len();
    let first = id.as_bytes()[0];
    let spellings = [
        format!("/a/0{id}"),
        format!("/a/00000000000{id}"),
        format!("/a/+{id}"),
        format!("/a/%{:02X}{}", first, &id[1..]),
    ];
    for p in &spellings {
        let r = c.get(p).await;
        assert_eq!(r.status, 308, "{p}");
        assert_eq!(r.location(), Some(format!("/a/{id}").as_str()), "{p}");
    }
    let r = c.get("/u/%63ommerce/").await;
    assert_eq!(r.status, 308);
    assert_eq!(r.location(), Some("/u/commerce/"));
    let r = c.get("/c/gov-news/page/02/").await;
    assert_eq!(r.status, 308);
    assert_eq!(r.location(), Some("/c/gov-news/page/2/"));
    assert_eq!(
        app.state.pages.len(),
        cached,
        "no page stored under another spelling"
    );
    app.stop().await;
}

/// A unit admin bound `127.0.0.1` and the anonymous home page became that unit's sub-site.
#[tokio::test]
async fn host_names_are_bound_by_the_system_administrator_only_and_never_addresses() {
    let app = demo_portal().await;
    let sp = "/admin/sites/commerce";
    let unit_admin = staff(&app, "t-uadmin", Role::UnitAdmin, "commerce").await;
    let r = unit_admin
        .post_form(
            sp,
            sp,
            &[
                ("name", "区商务局"),
                ("theme", "blue"),
                ("host", "127.0.0.1"),
            ],
        )
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(
        app.state.portal().snapshot().site("commerce").unwrap().host,
        None
    );
    let sys = staff(&app, "t-sys", Role::Sysadmin, "office").await;
    for (host, message) in [
        ("127.0.0.1", "不能绑定 IP 地址"),
        ("10.1.2.3", "不能绑定 IP 地址"),
        ("commerce.attacker.example.com", "只能绑定本区的域名"),
        ("notexample.gov.cn", "只能绑定本区的域名"),
    ] {
        let r = sys
            .post_form(
                sp,
                sp,
                &[("name", "区商务局"), ("theme", "blue"), ("host", host)],
            )
            .await;
        assert_eq!(r.status, 422, "{host}");
        assert!(r.body.contains(message), "{host}: {message}");
    }
    assert_eq!(
        app.state.portal().snapshot().site("commerce").unwrap().host,
        None
    );
    // The home page by address is still the portal's.
    let home = reqwest::Client::new()
        .get(format!("{}/", app.base))
        .header("host", "127.0.0.1")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!home.contains("theme-blue"));
    // A name under the district's domain is accepted.
    let r = sys
        .post_form(
            sp,
            sp,
            &[
                ("name", "区商务局"),
                ("theme", "blue"),
                ("host", "swj.example.gov.cn"),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    app.stop().await;
}

/// Creates and submits an item as `c` in `channel`; returns its id.
async fn submit_item(c: &Client, channel: u64, title: &str, body: &str) -> u64 {
    let ch = channel.to_string();
    let r = c
        .post_form(
            "/admin/articles/new",
            "/admin/articles/new",
            &[
                ("title", title),
                ("source", "区商务局"),
                ("body", body),
                ("channel", &ch),
                ("action", "submit"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    r.location()
        .and_then(|l| l.trim_start_matches("/admin/articles/").split('?').next())
        .and_then(|n| n.parse().ok())
        .expect("item id")
}

/// Saves the item's edit form as `c` with these fields (the rest as stored).
async fn save_edit(
    c: &Client,
    app: &TestApp,
    id: u64,
    title: &str,
    body: &str,
    placements: &[u64],
) -> Resp {
    let a = stored(app, id).await;
    let (ch, rev) = (a.channel.to_string(), a.revision.to_string());
    let pl: Vec<String> = placements.iter().map(u64::to_string).collect();
    let mut f: Vec<(&str, &str)> = vec![
        ("title", title),
        ("source", &a.source),
        ("body", body),
        ("channel", &ch),
        ("revision", &rev),
        ("action", "save"),
    ];
    for p in &pl {
        f.push(("placements", p));
    }
    let path = format!("/admin/articles/{id}");
    c.post_form(&path, &path, &f).await
}

/// The reproduction: a commerce item (one level) approved by the unit reviewer, then
/// rewritten by the unit publisher and placed on the main portal, was published by the office
/// publisher without the office reviewer ever seeing it.
#[tokio::test]
async fn approved_text_changed_afterwards_goes_back_through_review() {
    let app = demo_portal().await;
    let writer = staff(&app, "s-writer", Role::Reporter, "commerce").await;
    let reviewer = staff(&app, "s-reviewer", Role::Reviewer, "commerce").await;
    let publisher = staff(&app, "s-publisher", Role::Publisher, "commerce").await;
    let work = channel_id(&app, "commerce", "work");
    let portal_news = channel_id(&app, "gov", "gov-news");
    let id = submit_item(&writer, work, "审核后修改测试", "原来的正文。").await;
    let r = take(&reviewer, &app, id, "approve_unit", &[]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(flow_state(&app, id).await, "approved");

    // Adding a channel that needs the office's review is refused in a state past submission.
    let r = save_edit(
        &publisher,
        &app,
        id,
        "改过的标题",
        "<p>改过的正文。</p>",
        &[portal_news],
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("要求2级审核"), "{}", r.body);
    let a = stored(&app, id).await;
    assert_eq!(a.title, "审核后修改测试", "nothing saved");
    assert!(a.placements.is_empty());
    assert_eq!(flow_state(&app, id).await, "approved");

    // A content change by the publisher sends the item back to its writer.
    let r = save_edit(
        &publisher,
        &app,
        id,
        "改过的标题",
        "<p>改过的正文。</p>",
        &[],
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(r.location().unwrap_or("").contains("done=revised"));
    assert_eq!(flow_state(&app, id).await, "returned");
    assert_eq!(stored(&app, id).await.title, "改过的标题");
    let r = take(&publisher, &app, id, "publish", &[]).await;
    assert_ne!(r.status, 303, "a returned item cannot be published");

    // The writer resubmits; the reviewer sees what changed since the approval.
    let r = take(&writer, &app, id, "submit", &[]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(flow_state(&app, id).await, "unit_review");
    let page = reviewer.get(&format!("/admin/articles/{id}")).await;
    assert!(page.body.contains("审核通过后的修改"), "{}", page.body);
    assert!(page.body.contains("<ins>"), "the change is marked");
    let r = take(&reviewer, &app, id, "approve_unit", &[]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    // Saving without a change keeps the approval.
    let a = stored(&app, id).await;
    let r = save_edit(&publisher, &app, id, &a.title, &a.body_html, &[]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(flow_state(&app, id).await, "approved");
    let r = take(&publisher, &app, id, "publish", &[]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(flow_state(&app, id).await, "published");
    app.stop().await;
}

/// A reviewer may fix an item that waits on them, but not approve their own rewrite: the
/// save returns it to the writer, who resubmits what two people have now read.
#[tokio::test]
async fn a_reviewer_who_rewrites_an_item_returns_it_to_the_writer() {
    let app = demo_portal().await;
    let writer = staff(&app, "s-writer2", Role::Reporter, "commerce").await;
    let reviewer = staff(&app, "s-reviewer2", Role::Reviewer, "commerce").await;
    let work = channel_id(&app, "commerce", "work");
    let id = submit_item(&writer, work, "审核人改稿", "原文。").await;
    let r = save_edit(
        &reviewer,
        &app,
        id,
        "审核人改稿",
        "<p>审核人改过的文字。</p>",
        &[],
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(flow_state(&app, id).await, "returned");
    let a = stored(&app, id).await;
    let step = a.flow.as_ref().and_then(|f| f.history.last()).cloned();
    let step = step.expect("a step");
    assert_eq!(step.transition, "return_unit");
    assert!(
        step.comment.contains("修改了已报送的内容"),
        "{}",
        step.comment
    );
    let r = take(&reviewer, &app, id, "approve_unit", &[]).await;
    assert_ne!(r.status, 303, "not approvable before the writer resubmits");
    let r = take(&writer, &app, id, "submit", &[]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let r = take(&reviewer, &app, id, "approve_unit", &[]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(flow_state(&app, id).await, "approved");
    app.stop().await;
}

/// A correction (更正) puts unreviewed text in public: like 紧急发布 it stays flagged until a
/// reviewer other than the corrector has read the change.
#[tokio::test]
async fn a_correction_is_reviewed_after_the_fact() {
    let app = demo_portal().await;
    let writer = staff(&app, "s-writer3", Role::Reporter, "commerce").await;
    let reviewer = staff(&app, "s-reviewer3", Role::Reviewer, "commerce").await;
    let publisher = staff(&app, "s-publisher3", Role::Publisher, "commerce").await;
    let work = channel_id(&app, "commerce", "work");
    let id = submit_item(&writer, work, "更正测试", "原文。").await;
    assert_eq!(
        take(&reviewer, &app, id, "approve_unit", &[]).await.status,
        303
    );
    assert_eq!(take(&publisher, &app, id, "publish", &[]).await.status, 303);
    let a = stored(&app, id).await;
    let (ch, rev) = (a.channel.to_string(), a.revision.to_string());
    let path = format!("/admin/articles/{id}");
    let r = publisher
        .post_form(
            &path,
            &path,
            &[
                ("title", "更正测试"),
                ("source", &a.source),
                ("body", "<p>更正后的文字。</p>"),
                ("channel", &ch),
                ("revision", &rev),
                ("correct_note", "数字有误"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let a = stored(&app, id).await;
    assert!(a.is_public());
    assert_eq!(
        a.flow.as_ref().and_then(|f| f.flagged.as_deref()),
        Some("数字有误")
    );
    let r = take(&publisher, &app, id, "review_after", &[]).await;
    assert_ne!(r.status, 303, "the corrector cannot review the correction");
    let page = reviewer.get(&path).await;
    assert!(page.body.contains("已更正，待事后审核"), "{}", page.body);
    assert!(page.body.contains("审核通过后的修改"));
    let r = take(&reviewer, &app, id, "review_after", &[]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(stored(&app, id).await.flow.unwrap().flagged.is_none());
    app.stop().await;
}

/// Attaches a file through the item's upload form as `c`; returns the answer.
async fn attach(c: &Client, app: &TestApp, id: u64, name: &str, data: &[u8]) -> Resp {
    let token = c.get("/account").await.csrf();
    let rev = stored(app, id).await.revision.to_string();
    let parts: Vec<Part<'_>> = vec![
        ("csrf", None, token.as_bytes()),
        ("revision", None, rev.as_bytes()),
        ("attachments", Some(name), data),
    ];
    c.post_multipart(
        &format!("/admin/articles/{id}/files"),
        multipart("application/pdf", &parts),
        &[],
    )
    .await
}

/// Files are content too: an attachment added after approval sends the item back, one added
/// to a published item is a correction awaiting review after the fact.
#[tokio::test]
async fn attachments_added_after_review_are_reviewed() {
    let app = demo_portal().await;
    let writer = staff(&app, "s-writer4", Role::Reporter, "commerce").await;
    let reviewer = staff(&app, "s-reviewer4", Role::Reviewer, "commerce").await;
    let publisher = staff(&app, "s-publisher4", Role::Publisher, "commerce").await;
    let work = channel_id(&app, "commerce", "work");
    let id = submit_item(&writer, work, "附件审核测试", "正文。").await;
    assert_eq!(
        take(&reviewer, &app, id, "approve_unit", &[]).await.status,
        303
    );
    let r = attach(
        &publisher,
        &app,
        id,
        "补充.pdf",
        b"%PDF-1.4 added after approval",
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        r.location(),
        Some(format!("/admin/articles/{id}?done=revised").as_str())
    );
    assert_eq!(flow_state(&app, id).await, "returned");
    assert_eq!(take(&writer, &app, id, "submit", &[]).await.status, 303);
    let page = reviewer.get(&format!("/admin/articles/{id}")).await;
    assert!(
        page.body.contains("栏目、附件等信息有修改"),
        "{}",
        page.body
    );
    assert_eq!(
        take(&reviewer, &app, id, "approve_unit", &[]).await.status,
        303
    );
    assert_eq!(take(&publisher, &app, id, "publish", &[]).await.status, 303);
    let r = attach(
        &publisher,
        &app,
        id,
        "更正.pdf",
        b"%PDF-1.4 added after publishing",
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let a = stored(&app, id).await;
    assert!(a.is_public());
    let flag = a
        .flow
        .as_ref()
        .and_then(|f| f.flagged.clone())
        .unwrap_or_default();
    assert!(flag.contains("更正.pdf"), "{flag}");
    app.stop().await;
}

/// The anonymous double-submit token used to be whatever cookie the client sent; a cookie the
/// client picked (with the same value in the form) is now refused, a minted one still works.
#[tokio::test]
async fn an_anonymous_csrf_token_the_client_picked_is_refused() {
    let app = TestApp::start().await;
    let picked = "ab".repeat(32);
    let post = |token: String, cookie: String| {
        let url = format!("{}/login", app.base);
        async move {
            reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap()
                .post(url)
                .header("cookie", format!("gk_csrf={cookie}"))
                .form(&[
                    ("csrf", token.as_str()),
                    ("username", "nobody"),
                    ("password", "x"),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    let r = post(picked.clone(), picked.clone()).await;
    assert_eq!(r.status(), 403, "a picked token is not a token");
    // The server's own token, from the login page's cookie and form, is accepted.
    let c = app.client();
    let page = c.get("/login").await;
    let minted = c
        .cookies
        .lock()
        .unwrap()
        .get("gk_csrf")
        .cloned()
        .expect("cookie set");
    assert_eq!(page.csrf(), minted);
    let r = post(minted.clone(), minted).await;
    assert_eq!(r.status(), 422, "checked as a login attempt");
    app.stop().await;
}

/// The demo shows the rule: an item changed by its publisher after approval waits for review
/// again, with the change since approval to show.
#[tokio::test]
async fn the_demo_has_an_item_changed_after_approval() {
    let app = demo_filled().await;
    let all = app
        .state
        .store
        .read_blocking(gongkai::portal::store::all_articles)
        .unwrap();
    let a = all
        .into_iter()
        .find(|a| a.title.contains("年货节"))
        .expect("demo item");
    assert_eq!(flow_state(&app, a.id).await, "unit_review");
    let id = a.id;
    let revs = app
        .state
        .store
        .read_blocking(move |t| gongkai::portal::store::revisions(t, id))
        .unwrap();
    let approved = gongkai::publishing::review::revise::changed_since_approval(&revs, &a)
        .expect("changed since approval");
    assert!(approved.body_html.contains("腊月二十在"));
    assert!(a.body_html.contains("腊月二十至二十三"));
    app.stop().await;
}
