//! 发布检查规则 (`/admin/checks`): saving rules (audited), errors with line numbers and the
//! input kept, who may edit, the 试一试 box, CSRF, concurrent saves.

use gongkai::auth::audit;
use gongkai::auth::model::{Role, Unit, UnitCode, UnitKind};
use gongkai::publishing::checks::content::CheckRules;
use gongkai::publishing::checks::rules_store;

use crate::helpers::{Client, PASSWORD, Resp, TestApp, main_of};

const PAGE: &str = "/admin/checks";

async fn stored(app: &TestApp) -> CheckRules {
    app.state.store.read(rules_store::load).await.unwrap()
}

async fn last_audit(app: &TestApp) -> audit::AuditRecord {
    app.state
        .store
        .read(|t| audit::page(t, None, 1))
        .await
        .unwrap()
        .remove(0)
}

async fn logged_in(app: &TestApp, user: &str, role: Role, unit: &str) -> Client {
    app.seed_user(user, role, unit).await;
    let c = app.client();
    let r = app.sign_in(&c, user, PASSWORD).await;
    assert_eq!(r.location(), Some("/admin"), "login {user}: {}", r.body);
    c
}

/// The value of a hidden input on the page.
fn hidden(r: &Resp, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let i = r.body.find(&marker).expect("hidden field") + marker.len();
    let j = r.body[i..].find('"').unwrap() + i;
    r.body[i..j].to_owned()
}

/// Posts the rules form as a browser would: the csrf token and `base` from a fresh GET.
async fn post(c: &Client, fields: &[(&str, &str)]) -> Resp {
    let page = c.get(PAGE).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let (csrf, base) = (page.csrf(), hidden(&page, "base"));
    let mut all = vec![("csrf", csrf.as_str()), ("base", base.as_str())];
    all.extend_from_slice(fields);
    c.post_raw(PAGE, &all).await
}

#[tokio::test]
async fn admin_saves_rules_and_the_change_is_audited() {
    let app = TestApp::start().await;
    let c = logged_in(&app, "sys", Role::Sysadmin, "gov").await;
    let r = c.get(PAGE).await;
    assert_eq!(r.status, 200);
    // The page's own heading (the navigation names it too).
    assert!(main_of(&r.body).contains("<h1>发布检查规则</h1>"));
    assert!(r.body.contains("href=\"/admin/checks\""), "nav entry");
    assert!(r.body.contains("附件类型 pdf"), "the defaults as text");
    assert!(r.body.contains("规则写法"), "the help box");

    let text = "禁用词 博彩 涉赌内容\n规范 示范区人民政府 = 示范县人民政府\n附件类型 pdf ofd\n";
    let r = post(&c, &[("op", "save"), ("rules", text)]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.location(), Some("/admin/checks?done=saved"));
    assert_eq!(stored(&app).await, CheckRules::parse(text).unwrap());

    let rec = last_audit(&app).await;
    assert_eq!(rec.action, "check_rules_update");
    assert_eq!(rec.user, "sys");
    assert!(
        rec.detail.contains("禁用词 博彩 涉赌内容"),
        "{}",
        rec.detail
    );
    assert!(audit::verify(&app.state.store).unwrap().broken.is_none());

    let r = c.get("/admin/checks?done=saved").await;
    assert!(r.body.contains("规则已保存"), "{}", r.body);
    assert!(r.body.contains("禁用词 博彩 涉赌内容"));

    // Saving the same rules again changes nothing and records nothing.
    let seq = rec.seq;
    let r = post(&c, &[("op", "save"), ("rules", text)]).await;
    assert_eq!(r.location(), Some("/admin/checks?done=unchanged"));
    assert_eq!(last_audit(&app).await.seq, seq);
    app.stop().await;
}

#[tokio::test]
async fn bad_rules_show_line_numbers_keep_the_input_and_save_nothing() {
    let app = TestApp::start().await;
    let c = logged_in(&app, "sys", Role::Sysadmin, "gov").await;
    let text = "禁用词 好词\n不认识 某词\n规范 甲乙 = 甲乙\n";
    let r = post(&c, &[("op", "save"), ("rules", text)]).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("第 2 行：无法识别「不认识」"), "{}", r.body);
    assert!(r.body.contains("第 3 行：错误写法「甲乙」与正确写法相同"));
    assert!(
        r.body
            .contains("禁用词 好词\n不认识 某词\n规范 甲乙 = 甲乙"),
        "input kept"
    );
    assert!(r.body.contains("aria-invalid=\"true\""));
    assert_eq!(stored(&app).await, CheckRules::default());
    app.stop().await;
}

#[tokio::test]
async fn who_may_edit_the_rules() {
    let app = TestApp::start().await;
    // A government office under the root, and a department.
    app.ensure_unit("gov").await;
    app.state
        .store
        .write(|t| {
            gongkai::auth::store::create_unit(
                t,
                Unit {
                    code: UnitCode::parse("office").unwrap(),
                    name: "区人民政府办公室".into(),
                    kind: UnitKind::Office,
                    parent: Some(UnitCode::parse("gov").unwrap()),
                    created_ms: 0,
                    profile: Default::default(),
                    retired: false,
                },
            )?
            .unwrap();
            Ok(())
        })
        .await
        .unwrap();

    let reporter = logged_in(&app, "rep", Role::Reporter, "gov").await;
    let r = reporter.get(PAGE).await;
    assert_eq!(r.status, 403);
    assert!(!reporter.get("/admin").await.body.contains("/admin/checks"));
    let token = reporter.get("/account").await.csrf();
    let r = reporter
        .post_raw(
            PAGE,
            &[("csrf", &token), ("op", "save"), ("rules", "禁用词 甲乙\n")],
        )
        .await;
    assert_eq!(r.status, 403);

    let dept_admin = logged_in(&app, "dept", Role::UnitAdmin, "commerce").await;
    assert_eq!(dept_admin.get(PAGE).await.status, 403);
    assert!(
        !dept_admin
            .get("/admin")
            .await
            .body
            .contains("/admin/checks")
    );

    let office_admin = logged_in(&app, "off", Role::UnitAdmin, "office").await;
    assert_eq!(office_admin.get(PAGE).await.status, 200);
    assert!(
        office_admin
            .get("/admin")
            .await
            .body
            .contains("/admin/checks")
    );
    let r = post(&office_admin, &[("op", "save"), ("rules", "禁用词 甲乙\n")]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(stored(&app).await.words[0].word, "甲乙");
    app.stop().await;
}

#[tokio::test]
async fn try_box_highlights_with_the_rules_in_the_box_and_saves_nothing() {
    let app = TestApp::start().await;
    let c = logged_in(&app, "sys", Role::Sysadmin, "gov").await;
    let r = post(
        &c,
        &[
            ("op", "try"),
            ("rules", "禁用词 博彩 涉赌\n敏感词 网传\n附件类型 pdf\n"),
            ("try_title", "关于网传消息的说明"),
            (
                "try_body",
                "近日有人发布博彩广告。\n\n特此说明<script>x</script>。",
            ),
            ("try_files", "说明.pdf\n工具.exe"),
        ],
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("<mark class=\"check-hit\""), "{}", r.body);
    assert!(r.body.contains(">博彩</mark>"));
    assert!(r.body.contains(">网传</mark>"));
    assert!(r.body.contains(">工具.exe</mark>"));
    assert!(r.body.contains("阻止发布"));
    assert!(!r.body.contains("<script>x"), "pasted HTML is cleaned");
    // The input stays in the boxes; nothing was saved.
    assert!(r.body.contains("关于网传消息的说明</textarea>"));
    assert_eq!(stored(&app).await, CheckRules::default());

    // Nothing to find.
    let r = post(
        &c,
        &[
            ("op", "try"),
            ("rules", "禁用词 博彩\n"),
            ("try_body", "正常的通知"),
        ],
    )
    .await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("未发现问题"));

    // Bad rules: the errors, no panel.
    let r = post(
        &c,
        &[("op", "try"), ("rules", "禁用词\n"), ("try_body", "正文")],
    )
    .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("第 1 行：缺少词语"), "{}", r.body);
    assert!(!r.body.contains("check-findings"));
    app.stop().await;
}

#[tokio::test]
async fn post_without_csrf_is_refused() {
    let app = TestApp::start().await;
    let c = logged_in(&app, "sys", Role::Sysadmin, "gov").await;
    let r = c
        .post_raw(PAGE, &[("op", "save"), ("rules", "禁用词 甲乙\n")])
        .await;
    assert_eq!(r.status, 403);
    assert!(r.body.contains("请求来源校验失败"));
    let r = c
        .post_raw(
            PAGE,
            &[
                ("csrf", &"0".repeat(64)),
                ("op", "save"),
                ("rules", "禁用词 甲乙\n"),
            ],
        )
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(stored(&app).await, CheckRules::default());
    app.stop().await;
}

/// Saves from a page fetched earlier (its csrf token and `base`).
async fn send(c: &Client, p: &Resp, rules: &str) -> Resp {
    let (csrf, base) = (p.csrf(), hidden(p, "base"));
    c.post_raw(
        PAGE,
        &[
            ("csrf", csrf.as_str()),
            ("base", base.as_str()),
            ("op", "save"),
            ("rules", rules),
        ],
    )
    .await
}

#[tokio::test]
async fn a_concurrent_save_is_not_overwritten() {
    let app = TestApp::start().await;
    let a = logged_in(&app, "sys1", Role::Sysadmin, "gov").await;
    let b = logged_in(&app, "off", Role::UnitAdmin, "gov").await;
    // Both open the page; A saves first.
    let pa = a.get(PAGE).await;
    let pb = b.get(PAGE).await;
    assert_eq!(send(&a, &pa, "禁用词 甲乙\n").await.status, 303);
    let r = send(&b, &pb, "禁用词 丙丁\n").await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("已被他人修改"));
    assert!(r.body.contains("禁用词 丙丁"), "B's input kept");
    assert_eq!(stored(&app).await.words[0].word, "甲乙");
    app.stop().await;
}
