//! Daily staff work in a real browser (issue 11): a session that ends while someone types
//! loses nothing — the save leads to signing in again and back to the form with the text;
//! leaving a changed form is warned about. Screenshots go to `target/screenshots/`.

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
    crate::browser::wait_js_within(c, script, what, WAIT).await;
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

/// Whether the element matching `css` is (at least partly) inside the viewport.
async fn in_viewport(c: &Client, css: &str) -> bool {
    let v = c
        .execute(
            "var r = document.querySelector(arguments[0]).getBoundingClientRect();
             return r.bottom > 0 && r.top < window.innerHeight;",
            vec![json!(css)],
        )
        .await
        .unwrap();
    v == json!(true)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_upload_is_seen_and_the_edits_above_it_survive() {
    require_chromedriver();
    let axe = axe_source();
    let axe = axe.as_str();
    let app = demo_portal().await;
    app.seed_user("bd-uploader", Role::Reporter, "commerce")
        .await;
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("年度报告.pdf");
    std::fs::write(&fake, b"MZ\x90\x00\x03\x00\x00\x00 a program").unwrap();
    let real = dir.path().join("通知原文.pdf");
    std::fs::write(&real, b"%PDF-1.7 the real thing").unwrap();
    let driver = Driver::start().await;
    let c = connect(&driver).await;
    let base = &app.base;

    c.goto(&format!("{base}/login")).await.unwrap();
    sign_in(&c, "bd-uploader").await;
    wait_path(&c, "/admin").await;
    c.goto(&format!("{base}/admin/articles/new")).await.unwrap();
    wait_editor(&c).await;
    fill(&c, "标题", "title", "初稿标题").await;
    c.find(Locator::Css(".jodit-wysiwyg"))
        .await
        .unwrap()
        .send_keys("初稿正文。")
        .await
        .unwrap();
    c.find(Locator::Css("#f-channel"))
        .await
        .unwrap()
        .select_by_label("区商务局 · 工作动态")
        .await
        .unwrap();
    click_button(&c, "保存").await;
    let id = wait_item_page(&c).await;
    wait_editor(&c).await;

    // An edit not yet saved, then a file that is a program under a PDF's name.
    fill(&c, "标题", "title", "改过但还没保存的标题").await;
    c.find(Locator::Css("#f-attachments"))
        .await
        .unwrap()
        .send_keys(fake.to_str().unwrap())
        .await
        .unwrap();
    click_button(&c, "保存").await;
    let err = text_of(&c, "#f-files-err").await;
    assert!(err.contains("实际是可执行程序"), "{err}");
    assert!(
        in_viewport(&c, "#f-files-err").await,
        "the error is where the eye is"
    );
    let title = c
        .find(Locator::Css("input[name='title']"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert_eq!(title, "改过但还没保存的标题", "the edit survived");
    screenshots(&c, "upload-refused").await;
    axe_check(&c, axe, &format!("/admin/articles/{id}")).await;

    // The right file goes up with the edit in one save.
    c.find(Locator::Css("#f-attachments"))
        .await
        .unwrap()
        .send_keys(real.to_str().unwrap())
        .await
        .unwrap();
    click_button(&c, "保存").await;
    wait_js(
        &c,
        "return location.search.indexOf('done=saved') >= 0;",
        "the saved item",
    )
    .await;
    let a = stored(&app, id).await;
    assert_eq!(a.title, "改过但还没保存的标题");
    assert_eq!(a.attachments.len(), 1);
    assert_eq!(a.attachments[0].name, "通知原文.pdf");
}

/// A 360 × 740 viewport (a common phone's), whatever the browser's frame takes.
async fn phone_viewport(c: &Client) {
    c.set_window_size(360, 740).await.expect("resize");
    let d = c
        .execute("return window.outerHeight - window.innerHeight;", vec![])
        .await
        .unwrap();
    // Only the height: the width asked for is the viewport's already.
    let dh = u32::try_from(d.as_u64().unwrap_or(0)).unwrap_or(0);
    c.set_window_size(360, 740 + dh).await.expect("resize");
}

/// How much of the viewport's height the page's header and menu take (0..1).
async fn header_share(c: &Client) -> f64 {
    let v = c
        .execute(
            "var h = document.querySelector('header.site-header').getBoundingClientRect().bottom;
             var m = document.querySelector('details.nav-menu');
             if (m) { h = Math.max(h, m.getBoundingClientRect().bottom); }
             return [h, window.innerHeight, window.innerWidth];",
            vec![],
        )
        .await
        .unwrap();
    let (h, ih, iw) = (
        v[0].as_f64().unwrap(),
        v[1].as_f64().unwrap(),
        v[2].as_f64().unwrap(),
    );
    assert!(iw <= 420.0, "a phone's width, not {iw}");
    h / ih
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_elder_mode_on_a_phone_the_header_and_menu_take_at_most_a_third() {
    require_chromedriver();
    let axe = axe_source();
    let axe = axe.as_str();
    let app = demo_portal().await;
    app.seed_user("bd-elder", Role::Reviewer, "office").await;
    let driver = Driver::start().await;
    let c = connect(&driver).await;
    let base = &app.base;
    c.goto(&format!("{base}/care?on=1")).await.unwrap();
    phone_viewport(&c).await;
    wait_js(
        &c,
        "return document.body.classList.contains('care');",
        "长者模式",
    )
    .await;
    let share = header_share(&c).await;
    assert!(
        share <= 1.0 / 3.0,
        "public header takes {share:.2} of the screen"
    );
    // The folded menu opens without scripts and its links work.
    c.execute("return true;", vec![]).await.unwrap();
    c.find(Locator::XPath("//summary[normalize-space(.)='栏目导航']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let link = c
        .find(Locator::XPath(
            "//nav[@aria-label='栏目导航']//a[normalize-space(.)='政务动态']",
        ))
        .await
        .unwrap();
    assert!(
        link.is_displayed().await.unwrap(),
        "opened menu shows its links"
    );
    axe_check(&c, axe, "/ (长者模式, 360 px, menu open)").await;
    link.click().await.unwrap();
    wait_js(
        &c,
        "return location.pathname.indexOf('/c/') === 0;",
        "the channel",
    )
    .await;

    // Staff pages fold their menu the same way.
    c.goto(&format!("{base}/login")).await.unwrap();
    sign_in(&c, "bd-elder").await;
    wait_path(&c, "/admin").await;
    c.goto(&format!("{base}/admin/work")).await.unwrap();
    screenshots(&c, "care-work").await;
    phone_viewport(&c).await;
    let share = header_share(&c).await;
    assert!(
        share <= 1.0 / 3.0,
        "staff header takes {share:.2} of the screen"
    );
    axe_check(&c, axe, "/admin/work (长者模式, 360 px)").await;
}
