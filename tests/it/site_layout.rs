//! 首页与导航 (issue 12): a site's home-page blocks (which, in what order, how many items) and
//! its top navigation set in one table; the public pages follow at once, and a change to the
//! home blocks alone drops only that home page from the cache.

use gongkai::auth::model::Role;

use crate::helpers::{Client, channel_id, demo_portal, main_of, staff};

const PAGE: &str = "/admin/sites/commerce/layout";

/// The table as the page sends it, with `changes` over it ("" unchecks a box).
async fn save(c: &Client, changes: &[(String, &str)]) -> crate::helpers::Resp {
    let body = c.get(PAGE).await.body;
    let mut f = crate::helpers::form_inputs(&body);
    for (k, v) in changes {
        f.retain(|(n, _)| n != k);
        if !v.is_empty() {
            f.push((k.clone(), (*v).to_owned()));
        }
    }
    let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    c.post_form(PAGE, PAGE, &refs).await
}

#[tokio::test]
async fn blocks_and_navigation_follow_the_table_and_only_the_home_page_is_dropped() {
    let app = demo_portal().await;
    let admin = staff(&app, "sl-sys", Role::Sysadmin, "gov").await;
    let work = channel_id(&app, "commerce", "work");
    let notices = channel_id(&app, "commerce", "notices");
    let public = app.client();
    let home = public.get("/u/commerce/").await;
    let m = main_of(&home.body);
    assert!(
        m.find("工作动态").unwrap() < m.find("通知公告").unwrap(),
        "in channel order first"
    );
    // Both pages cached.
    public.get("/u/commerce/c/work/").await;
    assert!(app.state.pages.peek("0|/u/commerce/").is_some());
    assert!(app.state.pages.peek("0|/u/commerce/c/work/").is_some());

    // The notices block first, the work block with one item.
    let r = save(
        &admin,
        &[
            (format!("homeorder-{notices}"), "-1"),
            (format!("items-{work}"), "1"),
        ],
    )
    .await;
    assert_eq!(
        r.location(),
        Some("/admin/sites/commerce/layout?done=saved"),
        "{}",
        main_of(&r.body)
    );
    assert!(
        app.state.pages.peek("0|/u/commerce/").is_none(),
        "home dropped"
    );
    assert!(
        app.state.pages.peek("0|/u/commerce/c/work/").is_some(),
        "the channel page does not show the blocks: kept"
    );
    let home = public.get("/u/commerce/").await;
    let m = main_of(&home.body);
    assert!(
        m.find("通知公告").unwrap() < m.find("工作动态").unwrap(),
        "{m}"
    );
    let work_block = &m[m.find("工作动态").unwrap()..];
    let work_block = &work_block[..work_block.find("</section>").unwrap_or(work_block.len())];
    assert_eq!(work_block.matches("<li").count(), 1, "{work_block}");

    // The navigation without 通知公告: every page follows.
    let nav_before = public.get("/u/commerce/c/work/").await.body;
    assert!(nav_before.contains(">通知公告</a>"));
    let r = save(&admin, &[(format!("nav-{notices}"), "")]).await;
    assert_eq!(r.status, 303, "{}", main_of(&r.body));
    assert!(app.state.pages.peek("0|/u/commerce/c/work/").is_none());
    let page = public.get("/u/commerce/c/work/").await.body;
    let header = &page[..page.find("<main").unwrap()];
    assert!(!header.contains(">通知公告</a>"), "{header}");

    // Bad input: beside its field, nothing saved.
    let r = save(&admin, &[(format!("items-{work}"), "30")]).await;
    assert_eq!(r.status, 422);
    assert!(main_of(&r.body).contains("条数应为 1 到 20 之间的整数"));
    let saved = crate::helpers::stored_channel(&app, work).await;
    assert_eq!(saved.home_items, 1);
    // A writer has no such page.
    let writer = staff(&app, "sl-writer", Role::Reporter, "commerce").await;
    assert_eq!(writer.get(PAGE).await.status, 403);
    let auditor = staff(&app, "sl-aud", Role::Auditor, "gov").await;
    let log = auditor.get("/admin/audit?action=site_layout").await;
    assert!(
        log.body.contains("通知公告：导航不显示"),
        "{}",
        main_of(&log.body)
    );
}
