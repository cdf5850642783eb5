//! Typed text is never lost (issue 11): a form posted after its session ended is kept and
//! comes back after signing in; a page older than its token brings its text back; the
//! item form's autosave is offered back and keeps the session alive while someone types.
//! A forged or missing token is still refused as such.

use gongkai::auth::model::Role;

use crate::helpers::{PASSWORD, TestApp, channel_id, demo_filled, item_id, staff, stored};

async fn app() -> TestApp {
    let app = demo_filled().await;
    app.clock.advance(time::Duration::days(2));
    app
}

const TITLE: &str = "写了很久的一篇稿件";
const BODY: &str = "第一段，写了四十分钟。\n\n第二段。";

#[tokio::test]
async fn a_save_after_the_session_ended_keeps_the_text_and_brings_it_back_after_signing_in() {
    let app = app().await;
    let c = staff(&app, "k-writer", Role::Reporter, "commerce").await;
    let work = channel_id(&app, "commerce", "work").to_string();
    let token = c.get("/admin/articles/new").await.csrf();
    // The writer types for longer than the idle limit (30 minutes) and presses 保存.
    app.clock.advance(time::Duration::minutes(45));
    let r = c
        .post_raw(
            "/admin/articles/new",
            &[
                ("csrf", &token),
                ("title", TITLE),
                ("source", "区商务局"),
                ("body", BODY),
                ("channel", &work),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        r.location(),
        Some("/login?kept=1&next=%2Fadmin%2Farticles%2Fnew")
    );
    assert!(!r.body.contains("其他网站"));
    assert!(c.cookies.lock().unwrap().contains_key("gk_kept"));
    let login = c.get(r.location().unwrap()).await;
    assert!(
        login
            .body
            .contains("登录已过期，内容已保留，请重新登录后保存"),
        "{}",
        login.body
    );
    assert!(
        login
            .body
            .contains(r#"name="next" value="/admin/articles/new""#)
    );
    let next = "/admin/articles/new";
    // Signing in again returns to the form, the text in it.
    let r = c
        .post_raw(
            "/login",
            &[
                ("csrf", &login.csrf()),
                ("username", "k-writer"),
                ("password", PASSWORD),
                ("next", next),
            ],
        )
        .await;
    assert_eq!(r.location(), Some("/admin/articles/new"), "{}", r.body);
    let form = c.get("/admin/articles/new").await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains(TITLE), "the title is back");
    assert!(
        form.body.contains("第一段，写了四十分钟。"),
        "the body is back"
    );
    assert!(form.body.contains("已恢复您在登录过期前填写的内容"));
    // Shown once: the next visit is a fresh form.
    assert!(!c.get("/admin/articles/new").await.body.contains(TITLE));
    assert!(!c.cookies.lock().unwrap().contains_key("gk_kept"));
}

#[tokio::test]
async fn kept_text_goes_back_only_to_its_writer() {
    let app = app().await;
    let c = staff(&app, "k-owner", Role::Reporter, "commerce").await;
    app.seed_user("k-other", Role::Reporter, "commerce").await;
    let token = c.get("/admin/articles/new").await.csrf();
    app.clock.advance(time::Duration::minutes(45));
    let r = c
        .post_raw(
            "/admin/articles/new",
            &[("csrf", &token), ("title", TITLE), ("action", "save")],
        )
        .await;
    assert_eq!(r.status, 303);
    // Someone else signs in at this browser: the kept text is not theirs.
    let r = app.sign_in(&c, "k-other", PASSWORD).await;
    assert_eq!(r.status, 303);
    let form = c.get("/admin/articles/new").await;
    assert!(!form.body.contains(TITLE));
}

#[tokio::test]
async fn a_page_older_than_its_token_brings_its_text_back_and_a_forged_token_is_refused() {
    let app = app().await;
    let c = staff(&app, "k-tabs", Role::Reporter, "commerce").await;
    let old = c.get("/admin/articles/new").await.csrf();
    // Signed out and in again in another tab: this page's token is the old session's.
    let r = c.post_form("/account", "/logout", &[]).await;
    assert_eq!(r.status, 303);
    let r = app.sign_in(&c, "k-tabs", PASSWORD).await;
    assert_eq!(r.status, 303);
    let r = c
        .post_raw(
            "/admin/articles/new",
            &[("csrf", &old), ("title", TITLE), ("action", "save")],
        )
        .await;
    assert_eq!(r.location(), Some("/admin/articles/new"), "{}", r.body);
    let form = c.get("/admin/articles/new").await;
    assert!(form.body.contains(TITLE));
    assert!(form.body.contains("页面已过期，您填写的内容已保留"));

    // A token this site never made is refused as before, and nothing is kept.
    let forged = "0".repeat(64);
    let r = c
        .post_raw(
            "/admin/articles/new",
            &[("csrf", &forged), ("title", TITLE)],
        )
        .await;
    assert_eq!(r.status, 403);
    assert!(r.body.contains("请求来源校验失败"));
    // An old token with nothing to keep (a bare button) is expired, not an attack.
    let r = c.post_raw("/account/logout-all", &[("csrf", &old)]).await;
    assert_eq!(r.status, 403);
    assert!(r.body.contains("页面已过期"), "{}", r.body);
    assert!(!r.body.contains("其他网站"));
}

#[tokio::test]
async fn autosave_is_offered_back_restored_and_ended_by_a_save_and_keeps_the_session_alive() {
    let app = app().await;
    let c = staff(&app, "k-auto", Role::Reporter, "commerce").await;
    let work = channel_id(&app, "commerce", "work").to_string();
    let r = c
        .post_form(
            "/admin/articles/new",
            "/admin/articles/new",
            &[
                ("title", "初稿"),
                ("source", "区商务局"),
                ("body", "原文。"),
                ("channel", &work),
                ("action", "save"),
            ],
        )
        .await;
    let id = item_id(&r);
    let page = format!("/admin/articles/{id}");
    let rev = stored(&app, id).await.revision.to_string();
    // Typing for 50 minutes with an autosave every while: the session stays alive.
    for minute in [20, 40, 60] {
        app.clock.advance(time::Duration::minutes(20));
        let body = format!("原文。又写了 {minute} 分钟。");
        let r = c
            .post_form(
                "/account",
                &format!("{page}/autosave"),
                &[
                    ("revision", &rev),
                    ("title", "改过的标题"),
                    ("source", "区商务局"),
                    ("body", &body),
                    ("channel", &work),
                ],
            )
            .await;
        assert_eq!(r.status, 204, "autosave at {minute}: {}", r.body);
    }
    assert_eq!(c.get("/admin").await.status, 200, "still signed in");

    // Opening the item offers the autosave; the item itself is unchanged.
    assert_eq!(stored(&app, id).await.title, "初稿");
    let item = c.get(&page).await;
    assert!(item.body.contains("恢复自动保存的内容"), "{}", item.body);
    let restored = c.get(&format!("{page}?restore=autosave")).await;
    assert!(restored.body.contains("改过的标题"));
    assert!(restored.body.contains("又写了 60 分钟"));
    assert!(restored.body.contains("已恢复自动保存的内容"));
    // Saving the form ends the autosave.
    let r = c
        .post_form(
            &page,
            &page,
            &[
                ("revision", &rev),
                ("title", "改过的标题"),
                ("source", "区商务局"),
                ("body", "原文。又写了 60 分钟。"),
                ("channel", &work),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(!c.get(&page).await.body.contains("恢复自动保存的内容"));

    // Discarding one ends it too.
    app.clock.advance(time::Duration::minutes(1));
    let r = c
        .post_form(
            "/account",
            &format!("{page}/autosave"),
            &[("title", "另一版"), ("body", "另一版正文")],
        )
        .await;
    assert_eq!(r.status, 204);
    assert!(c.get(&page).await.body.contains("恢复自动保存的内容"));
    let r = c
        .post_form(
            "/account",
            &format!("{page}/autosave"),
            &[("op", "discard")],
        )
        .await;
    assert_eq!(r.location(), Some(page.as_str()));
    assert!(!c.get(&page).await.body.contains("恢复自动保存的内容"));

    // Nobody else's autosave, and no autosave on an item one may not edit.
    let other = staff(&app, "k-nosy", Role::Reporter, "edu").await;
    let r = other
        .post_form("/account", &format!("{page}/autosave"), &[("title", "x")])
        .await;
    assert_eq!(r.status, 404);
}
