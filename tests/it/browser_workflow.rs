//! The publishing workflow in a real browser (issue 4): one item from draft to published on
//! the main portal through two review levels, with one return in between. Each person signs
//! in, finds the item in 我的工作 and presses the buttons a person would press; axe-core runs
//! on the work list and the item page. Screenshots go to `target/screenshots/`.

use fantoccini::{Client, Locator};
use gongkai::auth::model::Role;
use serde_json::json;

use crate::browser::{
    Driver, WAIT, axe_check, axe_source, click_button, connect, fill, require_chromedriver,
    screenshots, text_of, wait_item_page, wait_path,
};
use crate::helpers::{PASSWORD, TestApp, channel_id, demo_portal, flow_state};

async fn sign_in(c: &Client, base: &str, user: &str) {
    c.goto(&format!("{base}/login")).await.unwrap();
    fill(c, "用户名", "username", user).await;
    fill(c, "密码", "password", PASSWORD).await;
    click_button(c, "登录").await;
    wait_path(c, "/admin").await;
}

async fn sign_out(c: &Client) {
    click_button(c, "退出").await;
    wait_path(c, "/").await;
}

/// Opens the item from the named work list by its title.
async fn open_from_work(c: &Client, base: &str, list: &str, title: &str) {
    c.goto(&format!("{base}/admin/work?list={list}"))
        .await
        .unwrap();
    let xpath = format!("//table//a[normalize-space(.)='{title}']");
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::XPath(&xpath))
        .await
        .unwrap_or_else(|e| panic!("{title} not in {list}: {e}"))
        .click()
        .await
        .unwrap();
    text_of(c, "#flow-actions-h").await;
}

/// Waits (bounded) until the item is in `state`.
async fn wait_state(app: &TestApp, id: u64, state: &str) {
    let deadline = std::time::Instant::now() + WAIT;
    while flow_state(app, id).await != state {
        assert!(
            std::time::Instant::now() < deadline,
            "item never reached {state}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_item_goes_from_draft_to_the_portal_through_two_reviews_and_one_return() {
    require_chromedriver();
    let axe = axe_source();
    let axe = axe.as_str();
    let app = demo_portal().await;
    for (u, r, unit) in [
        ("bw-writer", Role::Reporter, "commerce"),
        ("bw-reviewer", Role::Reviewer, "commerce"),
        ("bw-office-rev", Role::Reviewer, "office"),
        ("bw-office-pub", Role::Publisher, "office"),
    ] {
        app.seed_user(u, r, unit).await;
    }
    let gov_news = channel_id(&app, "gov", "gov-news");
    let driver = Driver::start().await;
    let c = connect(&driver).await;
    let base = &app.base;
    let title = "商务局举办外贸政策宣讲会";

    // The writer drafts it for the main portal's 政务动态 and submits.
    sign_in(&c, base, "bw-writer").await;
    c.goto(&format!("{base}/admin/articles/new")).await.unwrap();
    fill(&c, "标题", "title", title).await;
    // The body: through the rich editor where it runs, else the plain box.
    c.execute(
        "var html = arguments[0]; var ta = document.querySelector('textarea[name=body]');
         var j = window.Jodit && window.Jodit.instances ? Object.values(window.Jodit.instances) : [];
         if (j.length) { j[0].value = html; } else { ta.value = html; } return true;",
        vec![json!("<p>宣讲会介绍了出口信用保险和展会补贴政策。</p>")],
    )
    .await
    .unwrap();
    c.execute(
        "document.getElementById('f-channel').value = arguments[0]; return true;",
        vec![json!(gov_news.to_string())],
    )
    .await
    .unwrap();
    screenshots(&c, "workflow-new").await;
    click_button(&c, "保存并报送").await;
    let id = wait_item_page(&c).await;
    assert!(text_of(&c, ".notice.ok").await.contains("已报送"));
    assert_eq!(flow_state(&app, id).await, "unit_review");
    sign_out(&c).await;

    // The unit reviewer returns it with a comment.
    sign_in(&c, base, "bw-reviewer").await;
    // The bell says exactly one thing waits (its count is the badge's whole text, and its
    // name says the same in words); the notice names the item.
    assert_eq!(text_of(&c, ".bell .bell-count").await, "1");
    let bell = c
        .find(Locator::Css(".bell"))
        .await
        .unwrap()
        .attr("aria-label")
        .await
        .unwrap();
    assert_eq!(bell.as_deref(), Some("消息通知，1 条未读"));
    c.goto(&format!("{base}/admin/notifications"))
        .await
        .unwrap();
    // The notice names the item (waited for: the page may still be arriving).
    let notice = format!("//main//button[normalize-space(.)='{title}']");
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::XPath(&notice))
        .await
        .unwrap_or_else(|e| panic!("no notice about {title}: {e}"));
    axe_check(&c, axe, "/admin/notifications").await;
    screenshots(&c, "workflow-notices").await;
    c.goto(&format!("{base}/admin/work?list=review"))
        .await
        .unwrap();
    axe_check(&c, axe, "/admin/work").await;
    screenshots(&c, "workflow-worklist").await;
    no_cell_narrower_than_three_characters(&c, "/admin/work").await;
    c.goto(&format!("{base}/admin/articles")).await.unwrap();
    no_cell_narrower_than_three_characters(&c, "/admin/articles").await;
    open_from_work(&c, base, "review", title).await;
    axe_check(&c, axe, "/admin/articles/{id} (review)").await;
    screenshots(&c, "workflow-review").await;
    fill(
        &c,
        "办理意见",
        "comment",
        "请补充宣讲会的时间和参加企业数量",
    )
    .await;
    click_button(&c, "退回").await;
    wait_state(&app, id, "returned").await;
    // The work is done: the reviewer's notice about it settles (已办结, out of the count).
    c.goto(&format!("{base}/admin/notifications"))
        .await
        .unwrap();
    let settled = c
        .wait()
        .at_most(WAIT)
        .for_element(Locator::XPath(&format!(
            "//li[.//button[normalize-space(.)='{title}']]//*[contains(@class, 'notify-kind')]"
        )))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(settled, "已办结", "the notice resolved itself");
    sign_out(&c).await;

    // The writer sees it returned (with the comment), adds the facts and submits again.
    sign_in(&c, base, "bw-writer").await;
    c.goto(&format!("{base}/admin/work?list=returned"))
        .await
        .unwrap();
    let row = text_of(&c, "main table tbody tr").await;
    assert!(
        row.contains(title) && row.contains("退回意见：请补充宣讲会的时间和参加企业数量"),
        "the reason in the row: {row}"
    );
    open_from_work(&c, base, "returned", title).await;
    let page = c.source().await.unwrap();
    assert!(page.contains("请补充宣讲会的时间和参加企业数量"));
    c.execute(
        "var html = arguments[0]; var ta = document.querySelector('textarea[name=body]');
         var j = window.Jodit && window.Jodit.instances ? Object.values(window.Jodit.instances) : [];
         if (j.length) { j[0].value = html; } else { ta.value = html; } return true;",
        vec![json!("<p>11月25日，宣讲会介绍了出口信用保险和展会补贴政策，82家企业参加。</p>")],
    )
    .await
    .unwrap();
    click_button(&c, "保存并报送").await;
    wait_state(&app, id, "unit_review").await;
    sign_out(&c).await;

    // Unit review passes; the office reviews and its publisher publishes.
    sign_in(&c, base, "bw-reviewer").await;
    open_from_work(&c, base, "review", title).await;
    // What changed since the return comes first, by default.
    let since = text_of(&c, "#since-return-h").await;
    assert!(since.contains("退回后的修改"), "{since}");
    let diff = text_of(&c, "#since-return-h ~ .diff-body").await;
    assert!(diff.contains("82"), "the added facts are marked: {diff}");
    click_button(&c, "审核通过").await;
    wait_state(&app, id, "office_review").await;
    sign_out(&c).await;
    sign_in(&c, base, "bw-office-rev").await;
    open_from_work(&c, base, "review", title).await;
    click_button(&c, "办公室审核通过").await;
    wait_state(&app, id, "approved").await;
    sign_out(&c).await;
    sign_in(&c, base, "bw-office-pub").await;
    open_from_work(&c, base, "publish", title).await;
    screenshots(&c, "workflow-publish").await;
    click_button(&c, "发布").await;
    // 发布 asks first, naming the item and where the public will see it.
    let confirm = text_of(&c, ".confirm").await;
    assert!(
        confirm.contains(title) && confirm.contains("政务动态"),
        "{confirm}"
    );
    axe_check(&c, axe, "the publish confirmation").await;
    click_button(&c, "确认发布").await;
    wait_state(&app, id, "published").await;
    assert!(text_of(&c, ".notice.ok").await.contains("已发布"));
    // The whole way is on the item's page: the 操作 cell of each history row, in order and
    // each compared whole (审核通过 is also part of 办公室审核通过).
    text_of(&c, "#flow-history-h ~ table").await;
    let steps = c
        .execute(
            "return Array.from(document.querySelectorAll('#flow-history-h ~ table tbody tr'))
                 .map(function (tr) { return tr.cells[2].textContent.trim(); });",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        steps,
        json!(["报送", "退回", "报送", "审核通过", "办公室审核通过", "发布"]),
        "the history's steps"
    );
    axe_check(&c, axe, "/admin/articles/{id} (published)").await;
    screenshots(&c, "workflow-published").await;

    // The public sees it on the portal, with the corrected text.
    c.goto(&format!("{base}/a/{id}")).await.unwrap();
    assert_eq!(text_of(&c, "article h1").await, title);
    assert!(text_of(&c, ".article-body").await.contains("82家企业"));
    c.close().await.unwrap();
    app.stop().await;
}

/// On a 360 px phone a staff list is cards: no cell is narrower than three characters of
/// its own text (a table squeezed into six columns wraps 已退回 one character a line).
async fn no_cell_narrower_than_three_characters(c: &Client, page: &str) {
    c.set_window_size(360, 800).await.expect("resize");
    let r = c
        .execute(
            "var cells = document.querySelectorAll('main table td');
             var worst = null;
             cells.forEach(function (td) {
               var em = parseFloat(getComputedStyle(td).fontSize);
               var w = td.getBoundingClientRect().width;
               if (worst === null || w / em < worst[0]) { worst = [w / em, td.textContent.trim().slice(0, 20)]; }
             });
             return [cells.length, worst];",
            vec![],
        )
        .await
        .expect("measure");
    c.set_window_size(1280, 1000).await.expect("resize back");
    assert!(
        r[0].as_u64().unwrap_or(0) > 0,
        "{page}: no cells to measure"
    );
    let ems = r[1][0].as_f64().unwrap_or(0.0);
    assert!(
        ems >= 3.0,
        "{page} at 360 px: a cell only {ems:.1} characters wide ({})",
        r[1][1]
    );
}
