//! 网站自查 (issue 12): the thresholds with a test clock, each unit admin's own sites and the
//! office's all, the whole-site scan finding a link that leads nowhere, and the daily run
//! telling the responsible unit admins once a day.

use std::time::{Duration as StdDuration, Instant};

use gongkai::auth::model::Role;
use time::Duration;

use crate::helpers::{Client, TestApp, demo_portal, main_of, publish_new, staff};

const PAGE: &str = "/admin/selfcheck";

/// The section of one site on the page.
fn section<'a>(body: &'a str, unit: &str) -> &'a str {
    let start = body
        .find(&format!("id=\"site-{unit}\""))
        .unwrap_or_else(|| panic!("no section for {unit}: {}", main_of(body)));
    let rest = &body[start..];
    &rest[..rest.find("</section>").unwrap_or(rest.len())]
}

/// The verdict of the row `check` about `subject` in a site's section.
fn verdict(sec: &str, check: &str, subject: &str) -> String {
    let row = sec
        .split("<tr>")
        .find(|r| r.contains(&format!("<td>{check}</td><td>{subject}</td>")))
        .unwrap_or_else(|| panic!("no row {check}/{subject} in {sec}"));
    ["不合格", "有风险", "合格"]
        .into_iter()
        .find(|v| row.contains(&format!(">{v}</span>")))
        .unwrap_or("?")
        .to_owned()
}

async fn page(c: &Client) -> String {
    let r = c.get(PAGE).await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.body
}

#[tokio::test]
async fn the_home_page_goes_at_risk_after_7_days_and_fails_after_14() {
    let app = demo_portal().await;
    // Signed in afresh after each jump of the clock (a session idles out in 30 minutes).
    let look = || async { page(&staff(&app, "sc-sys", Role::Sysadmin, "gov").await).await };
    publish_new(
        &app,
        "commerce",
        "work",
        "区商务局召开外贸形势座谈会",
        "正文。",
    )
    .await;
    let body = look().await;
    assert_eq!(
        verdict(section(&body, "commerce"), "首页更新", "区商务局"),
        "合格"
    );
    app.clock.advance(Duration::days(7));
    let body = look().await;
    assert_eq!(
        verdict(section(&body, "commerce"), "首页更新", "区商务局"),
        "有风险"
    );
    // The news channel it went into: at risk at 10 days, failing at 14.
    app.clock.advance(Duration::days(3));
    let body = look().await;
    let sec = section(&body, "commerce");
    assert_eq!(verdict(sec, "栏目更新", "工作动态"), "有风险", "{sec}");
    app.clock.advance(Duration::days(4));
    let body = look().await;
    let sec = section(&body, "commerce");
    assert_eq!(verdict(sec, "首页更新", "区商务局"), "不合格");
    assert_eq!(verdict(sec, "栏目更新", "工作动态"), "不合格");
    assert!(sec.contains("区商务局 <span class=\"verdict verdict-fail\">不合格</span>"));
}

#[tokio::test]
async fn unit_admins_see_their_own_sites_and_the_office_sees_all() {
    let app = demo_portal().await;
    let commerce = staff(&app, "sc-commerce-admin", Role::UnitAdmin, "commerce").await;
    let body = page(&commerce).await;
    assert!(body.contains("id=\"site-commerce\""));
    assert!(!body.contains("id=\"site-gov\"") && !body.contains("id=\"site-sd-east\""));
    let office = staff(&app, "sc-office-admin", Role::UnitAdmin, "office").await;
    let body = page(&office).await;
    for unit in ["gov", "commerce", "sd-east"] {
        assert!(body.contains(&format!("id=\"site-{unit}\"")), "{unit}");
    }
    // The demo shows findings from the start: a stale news channel, an empty one, a link
    // that leads nowhere, and the shipped placeholder identifiers.
    let gov = section(&body, "gov");
    assert_eq!(verdict(gov, "空白栏目", "规范性文件"), "有风险", "{gov}");
    assert_eq!(verdict(gov, "页脚标识", "示范区人民政府"), "有风险");
    let sec = section(&body, "gov");
    assert!(
        sec.contains("链接 /c/zhaoshang-2024/ 指向的页面不存在"),
        "{sec}"
    );
    // A writer has no self-check.
    let writer = staff(&app, "sc-writer", Role::Reporter, "commerce").await;
    assert_eq!(writer.get(PAGE).await.status, 403);
}

#[tokio::test]
async fn the_scan_finds_a_new_link_that_leads_nowhere_and_is_audited() {
    let app = demo_portal().await;
    let admin = staff(&app, "sc-sys2", Role::Sysadmin, "gov").await;
    let good = publish_new(&app, "sd-east", "work", "街道开展冬季消防演练", "正文。").await;
    publish_new(
        &app,
        "sd-east",
        "work",
        "街道召开居民议事会",
        &format!(
            "详见<a href=\"/u/sd-east/a/{}\">消防演练</a>和<a href=\"/u/sd-east/a/987654\">旧通知</a>。",
            good.id
        ),
    )
    .await;
    let body = page(&admin).await;
    assert!(!body.contains("/u/sd-east/a/987654"), "not scanned yet");
    let r = admin.post_form(PAGE, &format!("{PAGE}/scan"), &[]).await;
    assert_eq!(
        r.location(),
        Some("/admin/selfcheck?done=scan"),
        "{}",
        r.body
    );
    let body = page(&admin).await;
    let sec = section(&body, "sd-east");
    assert_eq!(
        verdict(sec, "站内链接", "街道召开居民议事会"),
        "不合格",
        "{sec}"
    );
    assert!(sec.contains("链接 /u/sd-east/a/987654 指向的页面不存在"));
    assert!(
        !sec.contains(&format!("/u/sd-east/a/{} 指向", good.id)),
        "a link to a published item is fine"
    );
    let auditor = staff(&app, "sc-aud", Role::Auditor, "gov").await;
    let log = auditor.get("/admin/audit?action=selfcheck_scan").await;
    assert!(log.body.contains("不可用"), "{}", main_of(&log.body));
}

/// The notices about the self-check a user has.
async fn selfcheck_notices(app: &TestApp, user: &str) -> usize {
    let id = app.user(user).await.expect("user").id;
    app.state
        .store
        .read(move |txn| gongkai::notify::store::list(txn, id, None, 200))
        .await
        .unwrap()
        .iter()
        .filter(|n| n.title.starts_with("网站自查："))
        .count()
}

async fn wait_for(app: &TestApp, user: &str, n: usize) {
    let deadline = Instant::now() + StdDuration::from_secs(30);
    while selfcheck_notices(app, user).await < n {
        assert!(Instant::now() < deadline, "{user} never got notice {n}");
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn the_daily_run_tells_the_responsible_unit_admins_once_a_day() {
    let app = demo_portal().await;
    staff(&app, "sc-commerce-admin2", Role::UnitAdmin, "commerce").await;
    // Directly: a second run the same day tells nobody again.
    let st = app.state.clone();
    assert!(
        gongkai::publishing::selfcheck::daily::run(&st, "2026-11-28")
            .await
            .unwrap()
    );
    assert!(
        !gongkai::publishing::selfcheck::daily::run(&st, "2026-11-28")
            .await
            .unwrap()
    );
    assert_eq!(selfcheck_notices(&app, "sc-commerce-admin2").await, 1);
    // The portal's findings go to the office's unit admin, the commerce site's to its own.
    assert_eq!(selfcheck_notices(&app, "office-admin").await, 1);
    // The scheduler, once switched on: the next day's run, once.
    let mut cfg = (*app.state.cfg()).clone();
    cfg.ops.selfcheck_daily = true;
    app.state.set_config(cfg);
    app.clock.advance(Duration::days(1));
    wait_for(&app, "sc-commerce-admin2", 2).await;
    let c = staff(&app, "sc-commerce-admin2", Role::UnitAdmin, "commerce").await;
    let notices = c.get("/admin/notifications").await;
    assert!(
        notices.body.contains("网站自查：区商务局有"),
        "{}",
        main_of(&notices.body)
    );
    assert!(
        !notices.body.contains("网站自查：示范区人民政府"),
        "only its own site"
    );
}
