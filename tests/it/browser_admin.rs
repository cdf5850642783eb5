//! The admin panel in a real browser (issue 12): the 系统管理员 changes the site name and the
//! 网站标识码 in 系统设置, and the public home page shows both at once; 统计分析 passes axe-core.

use fantoccini::Locator;
use gongkai::auth::model::Role;

use crate::browser::{
    Driver, axe_check, axe_source, click_button, connect, fill, require_chromedriver, screenshots,
    text_of, wait_path,
};
use crate::helpers::{PASSWORD, demo_portal};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_system_administrator_renames_the_site_and_sets_its_code_in_the_panel() {
    require_chromedriver();
    let axe = axe_source();
    let axe = axe.as_str();
    let app = demo_portal().await;
    app.seed_user("ba-sys", Role::Sysadmin, "gov").await;
    let driver = Driver::start().await;
    let c = connect(&driver).await;
    let base = &app.base;

    c.goto(&format!("{base}/login")).await.unwrap();
    fill(&c, "用户名", "username", "ba-sys").await;
    fill(&c, "密码", "password", PASSWORD).await;
    click_button(&c, "登录").await;
    wait_path(&c, "/login/totp").await;
    let code = app.totp_code("ba-sys").await;
    fill(&c, "动态验证码", "code", &code).await;
    click_button(&c, "验证").await;
    wait_path(&c, "/admin").await;

    // From the workbench to 系统设置, by name.
    c.find(Locator::XPath("//nav//a[normalize-space(.)='系统设置']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_path(&c, "/admin/settings").await;
    axe_check(&c, axe, "/admin/settings").await;
    fill(&c, "网站名称", "site.name", "滨江区人民政府").await;
    fill(&c, "网站标识码", "site.site_id_code", "3201150001").await;
    click_button(&c, "保存网站名称与页脚设置").await;
    wait_path(&c, "/admin/settings").await;
    assert!(text_of(&c, "main .notice.ok").await.contains("已保存"));
    screenshots(&c, "settings").await;

    c.goto(&format!("{base}/")).await.unwrap();
    let header = text_of(&c, "header .site-name").await;
    assert!(header.contains("滨江区人民政府"), "{header}");
    let footer = text_of(&c, "footer").await;
    assert!(footer.contains("3201150001"), "{footer}");
    assert!(c.title().await.unwrap().contains("滨江区人民政府"));

    // 网站自查, by name from the staff navigation: the whole-site scan run from the page.
    c.goto(&format!("{base}/admin")).await.unwrap();
    c.find(Locator::XPath("//nav//a[normalize-space(.)='网站自查']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_path(&c, "/admin/selfcheck").await;
    click_button(&c, "立即全站检查").await;
    crate::browser::wait_js_within(
        &c,
        "return location.search.indexOf('done=scan') >= 0 && !!document.querySelector('main .notice.ok');",
        "the scan's result",
        crate::browser::WAIT,
    )
    .await;
    let main = text_of(&c, "main").await;
    assert!(
        main.contains("/c/zhaoshang-2024/ 指向的页面不存在"),
        "{main}"
    );
    axe_check(&c, axe, "/admin/selfcheck").await;
    screenshots(&c, "selfcheck").await;

    // 工作日历: the 2026 schedule open for editing and a preview across 国庆节.
    c.find(Locator::XPath("//nav//a[normalize-space(.)='工作日历']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_path(&c, "/admin/calendar").await;
    c.find(Locator::XPath("//a[normalize-space(.)='编辑2026年安排']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    crate::browser::wait_js_within(
        &c,
        "return !!document.getElementById('f-text');",
        "the year's editor",
        crate::browser::WAIT,
    )
    .await;
    axe_check(&c, axe, "/admin/calendar?year=2026").await;
    c.goto(&format!("{base}/admin/calendar?from=2026-09-30&n=5"))
        .await
        .unwrap();
    assert!(
        text_of(&c, "main")
            .await
            .contains("第5个工作日是 2026年10月13日")
    );
    axe_check(&c, axe, "/admin/calendar (preview)").await;

    // 统计分析 (issue 12): its charts and wide tables pass axe-core too.
    c.goto(&format!("{base}/admin/stats")).await.unwrap();
    wait_path(&c, "/admin/stats").await;
    axe_check(&c, axe, "/admin/stats").await;
    screenshots(&c, "stats").await;

    // The 审计管理员 finds the change in the audit log by its action.
    app.seed_user("ba-audit", Role::Auditor, "gov").await;
    c.goto(&format!("{base}/admin")).await.unwrap();
    click_button(&c, "退出").await;
    wait_path(&c, "/").await;
    c.goto(&format!("{base}/login")).await.unwrap();
    fill(&c, "用户名", "username", "ba-audit").await;
    fill(&c, "密码", "password", PASSWORD).await;
    click_button(&c, "登录").await;
    wait_path(&c, "/login/totp").await;
    let code = app.totp_code("ba-audit").await;
    fill(&c, "动态验证码", "code", &code).await;
    click_button(&c, "验证").await;
    wait_path(&c, "/admin").await;
    c.goto(&format!("{base}/admin/audit")).await.unwrap();
    c.find(Locator::Css("#f-action"))
        .await
        .unwrap()
        .select_by_label("修改系统设置（settings_change）")
        .await
        .unwrap();
    click_button(&c, "查询").await;
    crate::browser::wait_js_within(
        &c,
        "return location.search.indexOf('action=settings_change') >= 0;",
        "the filtered audit page",
        crate::browser::WAIT,
    )
    .await;
    let table = text_of(&c, "main table tbody").await;
    assert!(
        table.contains("site.site_id_code") && table.contains("3201150001"),
        "{table}"
    );
    axe_check(&c, axe, "/admin/audit (filtered)").await;
}
