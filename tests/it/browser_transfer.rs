//! 文件传输 in a real browser: the page's own tus uploader (embedded/static/js/oa-upload.js)
//! sends a file in chunks with its progress bar and lands it in 我的文件; an upload broken
//! off earlier (its address kept in localStorage, half its bytes on the server) continues
//! from the server's offset when the same file is chosen again; axe-core on the page, and
//! no sideways scrolling at 360 px.

use std::time::{Duration, UNIX_EPOCH};

use gongkai::auth::model::Role;
use serde_json::json;

use crate::browser::{
    Driver, WAIT, axe_check, axe_source, click_button, connect, fill, require_chromedriver,
    screenshots, wait_path,
};
use crate::helpers::{PASSWORD, TestApp, main_of, staff};
use crate::intranet_files::{
    Tus, audit_actions, bytes, files_of, part_files, sha_hex, upload_count,
};

async fn wait_js(c: &fantoccini::Client, script: &str, what: &str) {
    crate::browser::wait_js_within(c, script, what, Duration::from_secs(60)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_uploader_sends_in_chunks_and_resumes_in_chromium() {
    require_chromedriver();
    let axe = axe_source();
    let axe = axe.as_str();
    let app = TestApp::start().await;
    app.seed_user("bt-uploader", Role::Reporter, "gov").await;
    let dir = tempfile::tempdir().unwrap();
    // Larger than one 8 MiB chunk, so the uploader sends two PATCHes.
    let first = bytes(9 * 1024 * 1024, 21);
    let first_path = dir.path().join("季度汇总表.bin");
    std::fs::write(&first_path, &first).unwrap();
    let second = bytes(3 * 1024 * 1024, 22);
    let second_path = dir.path().join("会议材料.bin");
    std::fs::write(&second_path, &second).unwrap();

    let driver = Driver::start().await;
    let c = connect(&driver).await;
    let base = &app.base;
    c.goto(&format!("{base}/login")).await.unwrap();
    fill(&c, "用户名", "username", "bt-uploader").await;
    fill(&c, "密码", "password", PASSWORD).await;
    click_button(&c, "登录").await;
    wait_path(&c, "/admin").await;
    c.goto(&format!("{base}/oa/transfer")).await.unwrap();
    axe_check(&c, axe, "/oa/transfer").await;

    // A plain upload through the script.
    c.find(fantoccini::Locator::Id("f-file"))
        .await
        .unwrap()
        .send_keys(first_path.to_str().unwrap())
        .await
        .unwrap();
    click_button(&c, "上传").await;
    wait_js(
        &c,
        "return location.search.indexOf('done=upload') >= 0;",
        "the page after the upload",
    )
    .await;
    let files = files_of(&app, "bt-uploader").await;
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].sha, sha_hex(&first));
    assert_eq!(files[0].name, "季度汇总表.bin");
    let page = c.source().await.unwrap();
    assert!(main_of(&page).contains("下载 季度汇总表.bin"));

    // An upload broken off earlier: half of the second file is on the server, and the page
    // kept its address (as the uploader does) under the file's name, size and date.
    let rust = staff(&app, "bt-uploader", Role::Reporter, "gov").await;
    let t = Tus::new(&app, &rust).await;
    let url = t.create(second.len() as u64, "会议材料.bin").await;
    assert_eq!(t.patch(&url, 0, &second[..1024 * 1024]).await.status(), 204);
    let modified = std::fs::metadata(&second_path)
        .unwrap()
        .modified()
        .unwrap()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis();
    let key = format!("oa-upload:会议材料.bin:{}:{modified}", second.len());
    c.execute(
        "localStorage.setItem(arguments[0], arguments[1]); return true;",
        vec![json!(key), json!(url)],
    )
    .await
    .unwrap();
    c.find(fantoccini::Locator::Id("f-file"))
        .await
        .unwrap()
        .send_keys(second_path.to_str().unwrap())
        .await
        .unwrap();
    click_button(&c, "上传").await;
    wait_js(
        &c,
        "return document.querySelectorAll('form[action$=\"/delete\"]').length === 2;",
        "both files listed",
    )
    .await;
    let files = files_of(&app, "bt-uploader").await;
    assert_eq!(files.len(), 2);
    assert_eq!(files[0].sha, sha_hex(&second), "resumed to the right bytes");
    let starts = audit_actions(&app)
        .await
        .into_iter()
        .filter(|(a, _)| a == "oa_upload_start")
        .count();
    assert_eq!(
        starts, 2,
        "the second file continued its upload, no new one"
    );
    assert_eq!(upload_count(&app).await, 0);
    assert_eq!(part_files(&app), 0);
    let left = c
        .execute("return localStorage.length;", vec![])
        .await
        .unwrap();
    assert_eq!(left, json!(0), "finished uploads are forgotten");

    // A phone's width: nothing scrolls sideways; still clean for axe.
    c.set_window_size(360, 740).await.unwrap();
    crate::browser::no_sideways_scroll(&c, "/oa/transfer").await;
    screenshots(&c, "oa-transfer").await;
    axe_check(&c, axe, "/oa/transfer?done=upload").await;
    let _ = WAIT;
    c.close().await.unwrap();
    app.stop().await;
}
