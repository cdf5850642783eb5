//! 百件实事网上查 in a real browser, by names alone, on the demo district: from the portal's
//! navigation to the year's list, filtered by unit and status with the form (no script
//! needed), to a project's page with its timeline; then 东山街道's reviewer finds the waiting
//! update in 我的工作 and approves it. axe-core on each page; nothing scrolls sideways at
//! 360 px.

use gongkai::auth::model::Role;

use crate::browser::{
    Driver, axe_source, check_page, click_button, click_link, connect, fill, input_by_label,
    require_chromedriver, screenshots, text_of, wait_path,
};
use crate::helpers::{PASSWORD, demo_portal};

/// Waits (bounded) until the page's query string holds `needle` (the GET form was sent and
/// its answer loaded); returns the query string.
async fn wait_query(c: &fantoccini::Client, needle: &str) -> String {
    let deadline = std::time::Instant::now() + crate::browser::WAIT;
    loop {
        let u = c.current_url().await.unwrap();
        if let Some(q) = u.query().filter(|q| q.contains(needle)) {
            return q.to_owned();
        }
        assert!(
            std::time::Instant::now() < deadline,
            "never reached ?{needle}: {u}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resident_filters_the_list_and_reads_a_project() {
    require_chromedriver();
    let axe = axe_source();
    let axe = axe.as_str();
    let app = demo_portal().await;
    app.seed_user("bp-rev", Role::Reviewer, "sd-east").await;
    let driver = Driver::start().await;
    let c = connect(&driver).await;
    let base = app.base.clone();

    c.goto(&format!("{base}/")).await.unwrap();
    click_link(&c, "百件实事").await;
    wait_path(&c, "/projects/").await;
    check_page(&c, axe, "/projects/").await;
    let summary = text_of(&c, "ul.pj-summary").await;
    assert!(summary.contains("项目总数 12"), "{summary}");

    input_by_label(&c, "责任单位")
        .await
        .select_by_label("东山街道办事处")
        .await
        .unwrap();
    input_by_label(&c, "状态")
        .await
        .select_by_label("进行中")
        .await
        .unwrap();
    click_button(&c, "查询项目").await;
    // The form's answer, not the page it was sent from.
    let q = wait_query(&c, "status=in_progress").await;
    assert!(
        q.contains("unit=sd-east") && q.contains("status=in_progress"),
        "{q}"
    );
    let list = text_of(&c, "table.pj-list").await;
    assert!(list.contains("幸福里等3个老旧小区综合改造"), "{list}");
    assert!(!list.contains("向阳社区长者食堂"), "finished: filtered out");
    assert!(
        !list.contains("湖滨路口袋公园"),
        "another unit: filtered out"
    );
    check_page(&c, axe, "/projects/ filtered").await;

    fill(&c, "关键词", "q", "便民").await;
    click_button(&c, "查询项目").await;
    wait_query(&c, "q=%").await;
    let list = text_of(&c, "table.pj-list").await;
    assert!(list.contains("东山街道便民停车位"), "{list}");
    assert!(!list.contains("幸福里"), "{list}");

    click_link(&c, "东山街道便民停车位").await;
    let _ = wait_path(&c, "/projects/12").await;
    check_page(&c, axe, "a project's page").await;
    let page = text_of(&c, "main").await;
    assert!(page.contains("实施进展") && page.contains("85%"), "{page}");
    assert!(page.contains("更新日期"), "{page}");
    screenshots(&c, "projects-page").await;

    // 东山街道's reviewer: 我的工作 → the waiting update → 审核通过.
    c.goto(&format!("{base}/login")).await.unwrap();
    fill(&c, "用户名", "username", "bp-rev").await;
    fill(&c, "密码", "password", PASSWORD).await;
    click_button(&c, "登录").await;
    wait_path(&c, "/admin").await;
    click_link(&c, "我的工作").await;
    wait_path(&c, "/admin/work").await;
    let work = text_of(&c, "main").await;
    assert!(work.contains("待审核的项目进展"), "{work}");
    // Its own tab (another source's list may come first).
    c.goto(&format!("{base}/admin/work?list=pj_review"))
        .await
        .unwrap();
    check_page(&c, axe, "我的工作, projects").await;
    let text =
        "棉纺厂宿舍外墙保温全部完成，三个小区楼道照明改造完成，正在进行停车位施划和绿化补植。";
    let excerpt: String = text.chars().take(30).collect();
    click_link(&c, &format!("幸福里等3个老旧小区综合改造：{excerpt}…")).await;
    let deadline = std::time::Instant::now() + crate::browser::WAIT;
    while !c
        .current_url()
        .await
        .unwrap()
        .path()
        .starts_with("/admin/projects/updates/")
    {
        assert!(
            std::time::Instant::now() < deadline,
            "never reached the update"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    check_page(&c, axe, "the waiting update").await;
    click_button(&c, "审核通过").await;
    let deadline = std::time::Instant::now() + crate::browser::WAIT;
    while !text_of(&c, "main").await.contains("待发布") {
        assert!(std::time::Instant::now() < deadline, "never approved");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    c.goto(&format!("{base}/admin/projects")).await.unwrap();
    check_page(&c, axe, "/admin/projects").await;
    click_link(&c, "幸福里等3个老旧小区综合改造").await;
    wait_path(&c, "/admin/projects/1").await;
    check_page(&c, axe, "the staff project page").await;
    click_link(&c, "报送进展").await;
    wait_path(&c, "/admin/projects/1/updates/new").await;
    check_page(&c, axe, "the update form").await;
}
