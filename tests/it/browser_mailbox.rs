//! 区长信箱 in a real browser, by names alone: a resident writes a letter (the page's proof
//! of work solved by its script in the browser), keeps the 查询码 and password; the mailbox
//! office assigns it to a bureau; the bureau answers; the office approves the answer; the
//! resident reads it and rates it; the office publishes it and anyone reads it with the name
//! masked; the statistics count it. axe-core on each page; nothing scrolls sideways at 360 px.

use fantoccini::Locator;
use gongkai::auth::model::{Role, Unit, UnitCode, UnitKind};

use crate::browser::{
    Driver, axe_source, check_page, click_button, click_link, connect, fill, input_by_label,
    require_chromedriver, screenshots, text_of, wait_path,
};
use crate::helpers::{PASSWORD, TestApp};

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

async fn sign_in(c: &fantoccini::Client, base: &str, user: &str) {
    c.delete_all_cookies().await.unwrap();
    c.goto(&format!("{base}/login")).await.unwrap();
    fill(c, "用户名", "username", user).await;
    fill(c, "密码", "password", PASSWORD).await;
    click_button(c, "登录").await;
    wait_path(c, "/admin").await;
}

async fn unit(app: &TestApp, code: &str, name: &str, kind: UnitKind) {
    app.ensure_unit("gov").await;
    let (code, name) = (code.to_owned(), name.to_owned());
    app.state
        .store
        .write(move |txn| {
            let c = UnitCode::parse(&code).unwrap();
            let p = UnitCode::parse("gov").unwrap();
            if gongkai::auth::store::get_unit_w(txn, &c)?.is_none() {
                gongkai::auth::store::create_unit(txn, Unit::new(c, name, kind, Some(p), 0))?
                    .unwrap();
            }
            Ok(())
        })
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resident_writes_the_office_assigns_the_bureau_answers_the_resident_rates() {
    require_chromedriver();
    let axe = axe_source();
    let axe = axe.as_str();
    let app = TestApp::start().await;
    unit(&app, "office", "区政府办公室", UnitKind::Office).await;
    unit(&app, "commerce", "区商务局", UnitKind::Department).await;
    app.seed_user("bm-office", Role::Reviewer, "office").await;
    app.seed_user("bm-bureau", Role::Reviewer, "commerce").await;

    let driver = Driver::start().await;
    let c = connect(&driver).await;
    let base = app.base.clone();

    // The resident writes; the page's script does the proof of work before sending.
    c.goto(&format!("{base}/mailbox/")).await.unwrap();
    check_page(&c, axe, "/mailbox/").await;
    fill(&c, "姓名", "name", "李明").await;
    fill(&c, "手机号码", "phone", "13800000000").await;
    click_label(&c, "建议").await;
    fill(&c, "标题", "title", "建议增设社区图书角").await;
    fill(
        &c,
        "内容",
        "content",
        "东山社区老年人较多，建议在社区服务中心增设图书角，方便居民就近阅读。",
    )
    .await;
    let counter = text_of(&c, "#f-content-count").await;
    assert!(counter.contains("已输入"), "the counter counts: {counter}");
    click_label(&c, "同意公开（隐去个人信息）").await;
    click_button(&c, "提交信件").await;
    wait_text(&c, "请保存查询码和查询密码").await;
    check_page(&c, axe, "the letter sent").await;
    screenshots(&c, "mailbox-sent").await;
    let shown = c.find_all(Locator::Css("code.big")).await.unwrap();
    assert_eq!(shown.len(), 2);
    let code = shown[0].text().await.unwrap();
    let password = shown[1].text().await.unwrap();

    // The office: 区长信箱 → the letter → 转办 to the bureau.
    sign_in(&c, &base, "bm-office").await;
    click_link(&c, "区长信箱").await;
    wait_path(&c, "/admin/mailbox/").await;
    check_page(&c, axe, "/admin/mailbox/").await;
    click_link(&c, "建议增设社区图书角").await;
    wait_text(&c, "写信人").await;
    check_page(&c, axe, "the letter, new").await;
    input_by_label(&c, "承办单位")
        .await
        .select_by_label("区商务局")
        .await
        .unwrap();
    click_button(&c, "转办").await;
    // Only an assigned letter offers 改派 (the page before it already says 答复期限).
    wait_text(&c, "改派承办单位").await;

    // The bureau answers.
    sign_in(&c, &base, "bm-bureau").await;
    click_link(&c, "区长信箱").await;
    wait_path(&c, "/admin/mailbox/").await;
    click_link(&c, "建议增设社区图书角").await;
    wait_text(&c, "答复内容").await;
    check_page(&c, axe, "the letter, assigned").await;
    fill(
        &c,
        "答复内容",
        "answer",
        "感谢您的建议。社区服务中心将于下月开设图书角，首批图书五百册。",
    )
    .await;
    click_button(&c, "提交答复审核").await;
    wait_text(&c, "答复（待审核）").await;

    // The office approves it.
    sign_in(&c, &base, "bm-office").await;
    click_link(&c, "区长信箱").await;
    wait_path(&c, "/admin/mailbox/").await;
    click_link(&c, "答复待审核 (1)").await;
    click_link(&c, "建议增设社区图书角").await;
    wait_text(&c, "审核答复").await;
    check_page(&c, axe, "the letter, in review").await;
    click_button(&c, "审核通过并答复").await;
    wait_text(&c, "等待写信人评价").await;
    screenshots(&c, "mailbox-staff").await;

    // The resident reads the answer and rates it.
    c.delete_all_cookies().await.unwrap();
    c.goto(&format!("{base}/mailbox/lookup")).await.unwrap();
    check_page(&c, axe, "/mailbox/lookup").await;
    fill(&c, "查询码", "code", &code).await;
    fill(&c, "查询密码", "password", &password).await;
    click_button(&c, "查询").await;
    wait_text(&c, "评价答复").await;
    check_page(&c, axe, "the writer's page").await;
    let answer = text_of(&c, ".mb-answer").await;
    assert!(answer.contains("首批图书五百册"), "{answer}");
    click_label(&c, "满意").await;
    click_button(&c, "提交评价").await;
    wait_text(&c, "已办结").await;
    screenshots(&c, "mailbox-lookup").await;

    // The office publishes it (the writer agreed); the public page shows the masked name.
    sign_in(&c, &base, "bm-office").await;
    click_link(&c, "区长信箱").await;
    wait_path(&c, "/admin/mailbox/").await;
    click_link(&c, "已结束 (1)").await;
    click_link(&c, "建议增设社区图书角").await;
    wait_text(&c, "公开信件").await;
    check_page(&c, axe, "the letter, closed").await;
    click_button(&c, "公开").await;
    wait_text(&c, "查看公开页面").await;
    c.delete_all_cookies().await.unwrap();
    c.goto(&format!("{base}/mailbox/letters")).await.unwrap();
    check_page(&c, axe, "/mailbox/letters").await;
    click_link(&c, "建议增设社区图书角").await;
    wait_text(&c, "答复内容").await;
    check_page(&c, axe, "a published letter").await;
    let page = text_of(&c, "main").await;
    assert!(page.contains("李*") && !page.contains("李明"), "{page}");
    assert!(!page.contains("13800000000"), "{page}");
    c.goto(&format!("{base}/mailbox/stats")).await.unwrap();
    check_page(&c, axe, "/mailbox/stats").await;
    let stats = text_of(&c, "#mb-months").await;
    assert!(stats.contains("合计"), "{stats}");
    drop(driver);
    app.stop().await;
}
