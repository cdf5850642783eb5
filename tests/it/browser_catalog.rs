//! 公开目录 in a real browser: its pages pass axe at desktop width and at 360 px without
//! sideways scrolling, and the filter form (a plain GET form) works by its labels alone.

use fantoccini::{Client, Locator};

use crate::browser::{
    Driver, WAIT, axe_check, axe_source, click_button, connect, no_sideways_scroll,
    require_chromedriver,
};
use crate::helpers::demo_portal;

/// A 360 px wide viewport.
async fn phone(c: &Client) {
    c.set_window_size(360, 740).await.expect("resize");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn catalog_pages_pass_axe_on_desktop_and_phone() {
    require_chromedriver();
    let axe = axe_source();
    let axe = axe.as_str();
    let app = demo_portal().await;
    let driver = Driver::start().await;
    let c = connect(&driver).await;
    let base = &app.base;

    // Filter by label: 体裁分类 → 通知, then 筛选.
    c.goto(&format!("{base}/gk/catalog")).await.unwrap();
    let genre = c
        .find(Locator::XPath("//label[normalize-space(.)='体裁分类']"))
        .await
        .unwrap()
        .attr("for")
        .await
        .unwrap()
        .unwrap();
    c.find(Locator::XPath(&format!(
        "//select[@id='{genre}']/option[starts-with(normalize-space(.), '通知（')]"
    )))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    click_button(&c, "筛选").await;
    crate::browser::wait_js_within(
        &c,
        "return location.search.indexOf('genre=') >= 0;",
        "the filtered catalog",
        WAIT,
    )
    .await;
    let item = c
        .find(Locator::XPath("//table[contains(@class,'gk-catalog')]//a"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();

    let pages = [
        "/gk/catalog".to_owned(),
        "/gk/catalog?genre=%E9%80%9A%E7%9F%A5".to_owned(),
        "/u/commerce/gk/catalog".to_owned(),
        "/gk/statutory".to_owned(),
        "/gk/rules".to_owned(),
        item,
    ];
    for p in &pages {
        c.goto(&format!("{base}{p}")).await.unwrap();
        axe_check(&c, axe, p).await;
    }
    phone(&c).await;
    for p in &pages {
        c.goto(&format!("{base}{p}")).await.unwrap();
        no_sideways_scroll(&c, p).await;
        axe_check(&c, axe, &format!("{p} (360 px)")).await;
    }
}
