//! 内网办公 in a real browser, by names alone: a sender uploads a file with the page's own
//! uploader (its progress bar reaches 100%) and sends it to a unit; a person of that unit
//! finds it, signs for it and downloads it; the sender sees both. axe-core on the intranet's
//! key pages, and nothing scrolls sideways at 360 px.

use std::time::Duration;

use fantoccini::Locator;
use gongkai::auth::model::Role;
use serde_json::json;

use crate::browser::{
    Driver, axe_check, axe_source, click_button, click_link, connect, fill, input_by_label,
    require_chromedriver, screenshots, text_of, wait_path,
};
use crate::helpers::{PASSWORD, TestApp};
use crate::intranet_files::bytes;

async fn wait_js(c: &fantoccini::Client, script: &str, what: &str) {
    crate::browser::wait_js_within(c, script, what, Duration::from_secs(60)).await;
}

async fn log_in(c: &fantoccini::Client, base: &str, name: &str) {
    c.delete_all_cookies().await.unwrap();
    c.goto(&format!("{base}/login")).await.unwrap();
    fill(c, "用户名", "username", name).await;
    fill(c, "密码", "password", PASSWORD).await;
    click_button(c, "登录").await;
    wait_path(c, "/admin").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_is_uploaded_sent_signed_for_and_downloaded_and_the_sender_sees_both() {
    require_chromedriver();
    let axe = axe_source();
    let axe = axe.as_str();
    let app = TestApp::start().await;
    app.seed_user("bi-sender", Role::Reporter, "office").await;
    app.seed_user("bi-reader", Role::Reporter, "bureau").await;
    let dir = tempfile::tempdir().unwrap();
    // Two chunks of the uploader.
    let data = bytes(9 * 1024 * 1024, 7);
    let path = dir.path().join("年度工作总结.bin");
    std::fs::write(&path, &data).unwrap();

    let driver = Driver::start().await;
    let c = connect(&driver).await;
    let base = app.base.clone();
    log_in(&c, &base, "bi-sender").await;

    // 内网办公 from the staff navigation, then 文件传输 from its menu.
    c.find(Locator::XPath("//nav//a[normalize-space(.)='内网办公']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_path(&c, "/oa/").await;
    axe_check(&c, axe, "/oa/").await;
    click_link(&c, "文件传输").await;
    wait_path(&c, "/oa/transfer").await;
    input_by_label(&c, "选择文件")
        .await
        .send_keys(path.to_str().unwrap())
        .await
        .unwrap();
    click_button(&c, "上传").await;
    wait_js(
        &c,
        "return location.search.indexOf('done=upload') >= 0;",
        "the upload finished",
    )
    .await;

    // Send it to the bureau, by the file's own link.
    click_link(&c, "发送 年度工作总结.bin").await;
    wait_path(&c, "/oa/sends/new").await;
    axe_check(&c, axe, "/oa/sends/new").await;
    input_by_label(&c, "单位bureau")
        .await
        .click()
        .await
        .unwrap();
    fill(&c, "附言", "message", "请于周五前反馈意见").await;
    click_button(&c, "发送文件").await;
    wait_js(
        &c,
        "return location.search.indexOf('done=sent') >= 0;",
        "the send's page",
    )
    .await;
    let send_path = c.current_url().await.unwrap().path().to_owned();
    assert!(
        text_of(&c, "main")
            .await
            .contains("共 1 个收件方：已签收 0，已下载 0。")
    );
    axe_check(&c, axe, &send_path).await;

    // The reader finds it in 我的工作, signs for it and downloads it.
    log_in(&c, &base, "bi-reader").await;
    c.goto(&format!("{base}/admin/work?list=oa_files_receive"))
        .await
        .unwrap();
    click_link(&c, "年度工作总结.bin").await;
    wait_path(&c, &send_path).await;
    assert!(text_of(&c, "main").await.contains("请于周五前反馈意见"));
    click_button(&c, "签收文件").await;
    wait_js(
        &c,
        "return location.search.indexOf('done=signed') >= 0;",
        "signed",
    )
    .await;
    // The download link, fetched as the browser would (same session), whole.
    let got = c
        .execute_async(
            "var done = arguments[0];
             var a = Array.from(document.querySelectorAll('a')).find(function (x) { return x.textContent.trim() === '下载 年度工作总结.bin'; });
             fetch(a.href).then(function (r) { return r.arrayBuffer().then(function (b) { done([r.status, b.byteLength, r.headers.get('content-disposition')]); }); });",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(got[0], json!(200));
    assert_eq!(got[1], json!(data.len()));
    assert!(got[2].as_str().unwrap_or("").starts_with("attachment"));
    axe_check(&c, axe, &send_path).await;
    c.set_window_size(360, 740).await.unwrap();
    crate::browser::no_sideways_scroll(&c, &send_path).await;
    c.set_window_size(1280, 900).await.unwrap();

    // The sender sees both.
    log_in(&c, &base, "bi-sender").await;
    c.goto(&format!("{base}{send_path}")).await.unwrap();
    let main = text_of(&c, "main").await;
    assert!(
        main.contains("共 1 个收件方：已签收 1，已下载 1。"),
        "{main}"
    );
    assert!(main.contains("1 次，最近"), "{main}");
    screenshots(&c, "intranet-send").await;

    // The progress bar, on a file small enough to watch in one page: it ends at 100%.
    c.goto(&format!("{base}/oa/transfer")).await.unwrap();
    let small = dir.path().join("会议纪要.bin");
    std::fs::write(&small, bytes(3 * 1024 * 1024, 9)).unwrap();
    c.execute(
        "var p = document.getElementById('oa-progress'); window.__max = 0;
         new MutationObserver(function () { window.__max = Math.max(window.__max, Number(p.value)); })
           .observe(p, { attributes: true, attributeFilter: ['value'] });
         window.addEventListener('beforeunload', function () { sessionStorage.setItem('oa-max', String(window.__max)); });
         return true;",
        vec![],
    )
    .await
    .unwrap();
    input_by_label(&c, "选择文件")
        .await
        .send_keys(small.to_str().unwrap())
        .await
        .unwrap();
    click_button(&c, "上传").await;
    wait_js(
        &c,
        "return location.search.indexOf('done=upload') >= 0;",
        "the second upload",
    )
    .await;
    let max = c
        .execute("return sessionStorage.getItem('oa-max');", vec![])
        .await
        .unwrap();
    assert_eq!(max, json!("100"), "the progress bar reached 100%");

    // The other intranet pages a newcomer opens first are clean for axe and fit a phone.
    for page in [
        "/oa/docs",
        "/oa/docs/new",
        "/oa/meetings",
        "/oa/meetings/new",
        "/oa/sends",
    ] {
        c.goto(&format!("{base}{page}")).await.unwrap();
        axe_check(&c, axe, page).await;
        c.set_window_size(360, 740).await.unwrap();
        crate::browser::no_sideways_scroll(&c, page).await;
        c.set_window_size(1280, 900).await.unwrap();
    }
    c.close().await.ok();
    drop(driver);
    app.stop().await;
}
