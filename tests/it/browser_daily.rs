//! Daily staff work in a real browser (issue 11): a session that ends while someone types
//! loses nothing — the save leads to signing in again and back to the form with the text;
//! leaving a changed form is warned about. Screenshots go to `target/screenshots/`.

use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};
use gongkai::auth::model::Role;
use serde_json::json;

use crate::browser::{
    Driver, WAIT, axe_check, axe_source, click_button, connect, fill, require_chromedriver,
    screenshots, text_of, wait_item_page, wait_path,
};
use crate::helpers::{PASSWORD, demo_portal, stored};

/// Waits (bounded) until `script` returns `true` in the page.
async fn wait_js(c: &Client, script: &str, what: &str) {
    let deadline = Instant::now() + WAIT;
    loop {
        let v = c.execute(script, vec![]).await.expect("run a probe");
        if v == json!(true) {
            return;
        }
        assert!(Instant::now() < deadline, "waited in vain for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn sign_in(c: &Client, user: &str) {
    fill(c, "用户名", "username", user).await;
    fill(c, "密码", "password", PASSWORD).await;
    click_button(c, "登录").await;
}

async fn wait_editor(c: &Client) {
    wait_js(
        c,
        "return !!document.querySelector('.jodit-container .jodit-wysiwyg');",
        "the rich-text editor",
    )
    .await;
}

const TITLE: &str = "区商务局冬季消费券发放安排";
const TYPED: &str = "这一段是在登录过期之前写下的。";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_that_ends_while_typing_loses_nothing() {
    require_chromedriver();
    let axe = axe_source();
    let axe = axe.as_str();
    let app = demo_portal().await;
    app.seed_user("bd-writer", Role::Reporter, "commerce").await;
    let driver = Driver::start().await;
    let c = connect(&driver).await;
    let base = &app.base;

    c.goto(&format!("{base}/login")).await.unwrap();
    sign_in(&c, "bd-writer").await;
    wait_path(&c, "/admin").await;
    c.goto(&format!("{base}/admin/articles/new")).await.unwrap();
    wait_editor(&c).await;
    fill(&c, "标题", "title", TITLE).await;
    c.find(Locator::Css(".jodit-wysiwyg"))
        .await
        .unwrap()
        .send_keys(TYPED)
        .await
        .unwrap();
    c.find(Locator::Css("#f-channel"))
        .await
        .unwrap()
        .select_by_label("区商务局 · 工作动态")
        .await
        .unwrap();
    // Leaving now would lose the text: the page asks first.
    let warned = c
        .execute(
            "var e = new Event('beforeunload', {cancelable: true}); window.dispatchEvent(e); return e.defaultPrevented;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        warned,
        json!(true),
        "leaving a changed form is warned about"
    );

    // The writer types past the idle limit, then presses 保存.
    app.clock.advance(time::Duration::minutes(45));
    click_button(&c, "保存").await;
    wait_path(&c, "/login").await;
    let notice = text_of(&c, "main .notice").await;
    assert!(
        notice.contains("登录已过期，内容已保留，请重新登录后保存"),
        "{notice}"
    );
    axe_check(&c, axe, "/login?kept=1&next=%2Fadmin%2Farticles%2Fnew").await;
    sign_in(&c, "bd-writer").await;
    wait_path(&c, "/admin/articles/new").await;
    wait_editor(&c).await;
    let notice = text_of(&c, "#kept-notice").await;
    assert!(notice.contains("已恢复"), "{notice}");
    let title = c
        .find(Locator::Css("input[name='title']"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert_eq!(title, TITLE);
    let body = text_of(&c, ".jodit-wysiwyg").await;
    assert!(body.contains(TYPED), "the body is back: {body}");
    screenshots(&c, "kept-form").await;

    // Saved this time.
    click_button(&c, "保存").await;
    let id = wait_item_page(&c).await;
    let a = stored(&app, id).await;
    assert_eq!(a.title, TITLE);
    assert!(a.body_html.contains(TYPED), "{}", a.body_html);
}
