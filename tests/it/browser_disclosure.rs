//! 依申请公开 in a real browser, by names alone: a citizen asks for information online (with
//! a copy of an identity card), keeps the 查询码 and password; a handler of the unit confirms
//! the request and replies with a document; the citizen reads the reply with the code.
//! axe-core on each page; nothing scrolls sideways at 360 px.

use fantoccini::Locator;
use gongkai::auth::model::Role;

use crate::browser::{
    Driver, axe_source, check_page, click_button, click_link, connect, fill, input_by_label,
    require_chromedriver, screenshots, text_of, wait_path,
};
use crate::helpers::{PASSWORD, TestApp, png};

async fn click_label(c: &fantoccini::Client, name: &str) {
    let xpath = format!("//label[normalize-space(.)='{name}']");
    c.find(Locator::XPath(&xpath))
        .await
        .unwrap_or_else(|e| panic!("no label {name}: {e}"))
        .click()
        .await
        .unwrap();
}

/// Waits (bounded) until the page shows `text`.
async fn wait_text(c: &fantoccini::Client, text: &str) {
    let deadline = std::time::Instant::now() + crate::browser::WAIT;
    loop {
        if c.source().await.unwrap().contains(text) {
            return;
        }
        assert!(std::time::Instant::now() < deadline, "never showed {text}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_citizen_asks_staff_confirm_and_reply_the_citizen_reads_the_reply() {
    require_chromedriver();
    let axe = axe_source();
    let axe = axe.as_str();
    let app = TestApp::start().await;
    app.ensure_unit("finance").await;
    app.seed_user("bd-rev", Role::Reviewer, "finance").await;
    let dir = tempfile::tempdir().unwrap();
    let proof = dir.path().join("身份证.png");
    std::fs::write(&proof, png()).unwrap();
    let reply = dir.path().join("答复书.pdf");
    std::fs::write(&reply, b"%PDF-1.4\n% reply\n").unwrap();

    let driver = Driver::start().await;
    let c = connect(&driver).await;
    let base = app.base.clone();

    // The citizen: from the district's disclosure area to the form.
    c.goto(&format!("{base}/gk/")).await.unwrap();
    check_page(&c, axe, "/gk/").await;
    click_link(&c, "在线申请政府信息").await;
    wait_path(&c, "/gk/apply").await;
    check_page(&c, axe, "/gk/apply").await;
    input_by_label(&c, "受理机关")
        .await
        .select_by_label("单位finance")
        .await
        .unwrap();
    fill(&c, "姓名或名称", "name", "王小明").await;
    fill(&c, "证件号码", "id_number", "11010519491231002X").await;
    fill(&c, "联系电话", "phone", "13800000000").await;
    fill(&c, "电子邮箱", "email", "wang@example.com").await;
    fill(
        &c,
        "所需信息的内容描述",
        "description",
        "2025年本区财政预算执行情况",
    )
    .await;
    click_label(&c, "电子文件").await;
    click_label(&c, "网上查询下载").await;
    input_by_label(&c, "身份证明")
        .await
        .send_keys(proof.to_str().unwrap())
        .await
        .unwrap();
    click_button(&c, "提交申请").await;
    wait_text(&c, "请保存查询码和查询密码").await;
    check_page(&c, axe, "the submitted page").await;
    screenshots(&c, "gk-request-submitted").await;
    let shown = c.find_all(Locator::Css("code.big")).await.unwrap();
    assert_eq!(shown.len(), 2);
    let code = shown[0].text().await.unwrap();
    let password = shown[1].text().await.unwrap();

    // The handler: 政务公开 → the request → confirm → reply with a document.
    c.delete_all_cookies().await.unwrap();
    c.goto(&format!("{base}/login")).await.unwrap();
    fill(&c, "用户名", "username", "bd-rev").await;
    fill(&c, "密码", "password", PASSWORD).await;
    click_button(&c, "登录").await;
    wait_path(&c, "/admin").await;
    click_link(&c, "政务公开").await;
    wait_path(&c, "/admin/gk/").await;
    check_page(&c, axe, "/admin/gk/").await;
    click_link(&c, "办理公开申请").await;
    wait_path(&c, "/admin/gk/requests").await;
    check_page(&c, axe, "/admin/gk/requests").await;
    click_link(&c, &code).await;
    wait_text(&c, "确认收到申请").await;
    check_page(&c, axe, "the request, waiting").await;
    click_button(&c, "确认收到申请").await;
    wait_text(&c, "答复期限的计算").await;
    input_by_label(&c, "处理结果")
        .await
        .select_by_label("予以公开")
        .await
        .unwrap();
    fill(&c, "理由与说明", "reply_reason", "所需信息见答复书附件。").await;
    input_by_label(&c, "答复书")
        .await
        .send_keys(reply.to_str().unwrap())
        .await
        .unwrap();
    click_button(&c, "作出答复").await;
    wait_text(&c, "已答复").await;
    check_page(&c, axe, "the request, answered").await;
    screenshots(&c, "gk-request-staff").await;

    // The citizen reads the reply with the code.
    c.delete_all_cookies().await.unwrap();
    c.goto(&format!("{base}/gk/lookup")).await.unwrap();
    check_page(&c, axe, "/gk/lookup").await;
    fill(&c, "查询码", "code", &code).await;
    fill(&c, "查询密码", "password", &password).await;
    click_button(&c, "查询").await;
    wait_text(&c, "处理结果").await;
    check_page(&c, axe, "the requester's page").await;
    let reply_text = text_of(&c, ".gk-reply").await;
    assert!(reply_text.contains("予以公开"), "{reply_text}");
    assert!(
        reply_text.contains("下载答复书：答复书.pdf"),
        "{reply_text}"
    );
    screenshots(&c, "gk-request-lookup").await;
    drop(driver);
    app.stop().await;
}
