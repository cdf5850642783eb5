//! 年度报告 in a real browser, by names alone and without any script of ours (the pages
//! have none): a handler opens 单位sw's 2025 report from the list, enters a figure, 定稿 and
//! 发布; the public reads it in 公开年报. axe-core on each page; nothing scrolls sideways at
//! 360 px (the wide tables scroll inside their own region).

use gongkai::auth::model::Role;

use crate::browser::{
    Driver, axe_source, check_page, click_button, click_link, connect, fill, require_chromedriver,
    screenshots, wait_path,
};
use crate::helpers::{PASSWORD, TestApp};

/// Waits (bounded) until the page is the report's with `?done={done}`.
async fn wait_done(c: &fantoccini::Client, done: &str) {
    let want = format!("done={done}");
    let deadline = std::time::Instant::now() + crate::browser::WAIT;
    loop {
        let u = c.current_url().await.unwrap();
        if u.path() == "/admin/gk/reports/sw/2025" && u.query() == Some(want.as_str()) {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "still at {u}, waiting for {want}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_is_filled_finalised_published_and_read() {
    require_chromedriver();
    let axe = axe_source();
    let axe = axe.as_str();
    let app = TestApp::start().await;
    crate::annual_report::fixture(&app).await;
    app.seed_user("br-rev", Role::Reviewer, "gov").await;
    let driver = Driver::start().await;
    let c = connect(&driver).await;
    let base = app.base.clone();
    c.goto(&format!("{base}/login")).await.unwrap();
    fill(&c, "用户名", "username", "br-rev").await;
    fill(&c, "密码", "password", PASSWORD).await;
    click_button(&c, "登录").await;
    wait_path(&c, "/admin").await;

    c.goto(&format!("{base}/admin/gk/reports")).await.unwrap();
    check_page(&c, axe, "/admin/gk/reports").await;
    click_link(&c, "打开单位sw2025年政府信息公开工作年度报告").await;
    wait_path(&c, "/admin/gk/reports/sw/2025").await;
    check_page(&c, axe, "report edit page").await;
    screenshots(&c, "gk-report-edit").await;
    fill(&c, "行政许可：本年处理决定数量", "permits", "12").await;
    fill(&c, "一、总体情况", "overview", "全年主动公开政府信息。").await;
    click_button(&c, "保存报告").await;
    wait_done(&c, "saved").await;
    click_button(&c, "定稿").await;
    wait_done(&c, "finalise").await;
    click_button(&c, "发布").await;
    wait_done(&c, "publish").await;
    check_page(&c, axe, "published report's staff page").await;

    c.delete_all_cookies().await.unwrap();
    c.goto(&format!("{base}/u/sw/gk/reports")).await.unwrap();
    check_page(&c, axe, "/u/sw/gk/reports").await;
    click_link(&c, "单位sw2025年政府信息公开工作年度报告").await;
    wait_path(&c, "/u/sw/gk/reports/2025").await;
    check_page(&c, axe, "/u/sw/gk/reports/2025").await;
    screenshots(&c, "gk-report-public").await;
    click_link(&c, "打印版").await;
    wait_path(&c, "/u/sw/gk/reports/2025").await;
    check_page(&c, axe, "print view").await;
    c.goto(&format!("{base}/gk/reports")).await.unwrap();
    check_page(&c, axe, "/gk/reports").await;
    drop(driver);
    app.stop().await;
}
