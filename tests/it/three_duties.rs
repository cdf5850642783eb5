//! 三员分立 in practice (issue 9, defect 4): one person must not be able to hold the powers
//! of two of 系统管理员 / 安全管理员 / 审计管理员 through the panel. Creating, re-roling or
//! resetting such an account waits for a second admin of another duty; nobody is shown the
//! password of such an account (the owner sets it through a one-time link); and those
//! accounts enrol two-factor login before their first action. The CLI on the server stays
//! the path that needs no approval.

use gongkai::auth::audit::{self, AuditRecord};
use gongkai::auth::model::Role;

use crate::cli::gongkai;
use crate::helpers::{Client, PASSWORD, Resp, TestApp, main_of, tag_text};

const NEW_PASSWORD: &str = "Own-Choice-Pass-77";

async fn audit_records(app: &TestApp) -> Vec<AuditRecord> {
    app.state
        .store
        .read(|txn| audit::page(txn, None, 100_000))
        .await
        .unwrap()
}

async fn signed_in(app: &TestApp, name: &str) -> Client {
    let c = app.client();
    let r = app.sign_in(&c, name, PASSWORD).await;
    assert_eq!(r.location(), Some("/admin"), "login {name}: {}", r.body);
    c
}

/// The request page a submission led to.
fn request_path(r: &Resp) -> String {
    assert_eq!(r.status, 303, "a request was made: {}", r.body);
    let to = r.location().unwrap().to_owned();
    assert!(to.starts_with("/admin/requests/"), "{to}");
    to
}

async fn decide(c: &Client, request: &str, transition: &str, comment: &str) -> Resp {
    c.post_form(
        request,
        &format!("{request}/flow"),
        &[("transition", transition), ("comment", comment)],
    )
    .await
}

/// The one-time link shown on an approval page, as a path on this server.
fn link_on(r: &Resp) -> String {
    let shown = tag_text(&r.body, "id=\"password-link\"").expect("a one-time link is shown");
    let at = shown.find("/set-password?token=").expect("link path");
    shown[at..].to_owned()
}

async fn state_of(app: &TestApp, request: &str) -> String {
    let id: u64 = request.rsplit('/').next().unwrap().parse().unwrap();
    app.state
        .store
        .read(move |txn| gongkai::admin::request_store::get(txn, id))
        .await
        .unwrap()
        .expect("request stored")
        .flow
        .state
}

async fn three_admins(app: &TestApp) {
    app.seed_user("sec.admin", Role::Secadmin, "gov").await;
    app.seed_user("sys.admin", Role::Sysadmin, "gov").await;
    app.seed_user("aud.admin", Role::Auditor, "gov").await;
}

#[tokio::test]
async fn a_new_sysadmin_waits_for_a_second_admin_and_sets_its_own_password_once() {
    let app = TestApp::start().await;
    three_admins(&app).await;
    app.seed_user("sec.two", Role::Secadmin, "gov").await;
    let sec = signed_in(&app, "sec.admin").await;
    let form = |password: &'static str| {
        [
            ("username", "new.sys"),
            ("display_name", "新系统管理员"),
            ("unit", "gov"),
            ("role", "sysadmin"),
            ("password", password),
        ]
    };

    // The secadmin may not choose the password of such an account.
    let r = sec
        .post_form("/admin/users/new", "/admin/users/new", &form(NEW_PASSWORD))
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("不由管理员设置密码"));
    // Without one: a request, and nothing created.
    let r = sec
        .post_form("/admin/users/new", "/admin/users/new", &form(""))
        .await;
    let request = request_path(&r);
    assert!(
        app.user("new.sys").await.is_none(),
        "created before approval"
    );
    let page = sec.get(&request).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("须由另一位担任不同管理员角色的人批准"));
    // A second request about the same account is refused while this one waits.
    let again = sec
        .post_form("/admin/users/new", "/admin/users/new", &form(""))
        .await;
    assert_eq!(again.status, 422);
    assert!(again.body.contains("已有待审批的申请"));

    // The requester cannot approve it, nor can another holder of the same duty.
    let own = decide(&sec, &request, "approve", "").await;
    assert_eq!(own.status, 422, "{}", own.body);
    assert!(own.body.contains("不能批准或驳回自己提出的申请"));
    let sec2 = signed_in(&app, "sec.two").await;
    let same = decide(&sec2, &request, "approve", "").await;
    assert_eq!(same.status, 422, "{}", same.body);
    assert!(same.body.contains("不同的管理员角色"));
    assert_eq!(state_of(&app, &request).await, "pending");
    assert!(app.user("new.sys").await.is_none());

    // It is in the to-do of those who may approve it: workbench, list, bell.
    let aud = signed_in(&app, "aud.admin").await;
    let home = aud.get("/admin").await;
    assert!(
        main_of(&home.body).contains("1</span> 件账号申请待我审批"),
        "{}",
        main_of(&home.body)
    );
    let list = aud.get("/admin/requests").await;
    assert!(list.body.contains("待我审批（1）"));
    let notices = aud.get("/admin/notifications").await;
    assert!(notices.body.contains("账号审批：新建账号 new.sys"));
    let sec_home = sec.get("/admin").await;
    assert!(main_of(&sec_home.body).contains("0</span> 件账号申请待我审批"));

    // A second person of another duty approves: the account exists, no password is shown,
    // only a one-time link.
    let ok = decide(&aud, &request, "approve", "已核实本人").await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert!(!ok.body.contains("临时密码"));
    let link = link_on(&ok);
    let u = app.user("new.sys").await.expect("created on approval");
    assert!(u.has_role(Role::Sysadmin));
    assert!(!u.must_change_password);
    assert_eq!(state_of(&app, &request).await, "approved");
    // Nobody can log in with anything an admin typed or saw.
    for pw in [NEW_PASSWORD, PASSWORD, ""] {
        assert_ne!(
            app.client().login("new.sys", pw).await.location(),
            Some("/admin")
        );
    }
    // Decided once: a second approval is refused.
    let twice = decide(&sec2, &request, "approve", "").await;
    assert_eq!(twice.status, 422);

    // The owner opens the link, chooses a password under the usual policy, once.
    let owner = app.client();
    let open = owner.get(&link).await;
    assert_eq!(open.status, 200, "{}", open.body);
    assert!(open.body.contains("new.sys"));
    let token = link.split('=').nth(1).unwrap().to_owned();
    let weak = owner
        .post_form(
            &link,
            "/set-password",
            &[
                ("token", &token),
                ("new_password", "short"),
                ("new_password2", "short"),
            ],
        )
        .await;
    assert_eq!(weak.status, 422);
    assert!(weak.body.contains("密码至少需要"));
    let set = owner
        .post_form(
            &link,
            "/set-password",
            &[
                ("token", &token),
                ("new_password", NEW_PASSWORD),
                ("new_password2", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(set.status, 200, "{}", set.body);
    assert!(set.body.contains("密码已设置"));
    // Dead afterwards, for opening and for posting.
    let reuse = app.client().get(&link).await;
    assert_eq!(reuse.status, 403);
    assert!(reuse.body.contains("无效或已被使用"));
    let repost = owner
        .post_form(
            "/login",
            "/set-password",
            &[
                ("token", &token),
                ("new_password", "Another-Pass-99"),
                ("new_password2", "Another-Pass-99"),
            ],
        )
        .await;
    assert_eq!(repost.status, 403);

    // The owner logs in with their own password and must enrol two-factor login first.
    let c = app.client();
    assert_eq!(
        c.login("new.sys", NEW_PASSWORD).await.location(),
        Some("/admin")
    );
    assert_eq!(
        c.get("/admin/units").await.location(),
        Some("/account/totp")
    );

    let records = audit_records(&app).await;
    let has = |action: &str, user: &str| {
        records
            .iter()
            .any(|r| r.action == action && r.user == user && r.outcome == audit::Outcome::Success)
    };
    assert!(has("account_request", "sec.admin"));
    assert!(has("account_request_approve", "aud.admin"));
    assert!(has("user_create", "aud.admin"));
    assert!(has("password_link_issue", "aud.admin"));
    assert!(has("password_link_use", "new.sys"));
    app.stop().await;
}

#[tokio::test]
async fn resetting_the_auditors_password_shows_no_password_and_needs_approval() {
    let app = TestApp::start().await;
    three_admins(&app).await;
    let aud_id = app.user("aud.admin").await.unwrap().id;
    let auditor = signed_in(&app, "aud.admin").await;
    let sec = signed_in(&app, "sec.admin").await;
    let detail = format!("/admin/users/{aud_id}");

    let r = sec
        .post_form(&detail, &format!("{detail}/reset-password"), &[])
        .await;
    let request = request_path(&r);
    let page = sec.get(&request).await;
    assert!(!page.body.contains("临时密码"), "no password shown");
    assert!(
        !page.body.contains("set-password"),
        "no link for the requester"
    );
    // Nothing happened yet: the auditor is still signed in and the password still works.
    assert_eq!(auditor.get("/admin/audit").await.status, 200);
    let u = app.user("aud.admin").await.unwrap();
    assert!(gongkai::auth::password::verify(PASSWORD, &u.password_hash));

    // The auditor may not approve a request about their own account.
    let own = decide(&auditor, &request, "approve", "").await;
    assert_eq!(own.status, 422);
    assert!(own.body.contains("涉及您本人的账号"));

    // The sysadmin approves: the link is shown to the approver only, the old password and
    // sessions end.
    let sys = signed_in(&app, "sys.admin").await;
    let ok = decide(&sys, &request, "approve", "").await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert!(!ok.body.contains("临时密码"));
    let link = link_on(&ok);
    assert_eq!(auditor.get("/admin/audit").await.location(), Some("/login"));
    let u = app.user("aud.admin").await.unwrap();
    assert!(!gongkai::auth::password::verify(PASSWORD, &u.password_hash));
    assert!(u.totp_secret.is_some(), "two-factor login kept");
    // The requester's page still shows no link.
    assert!(!sec.get(&request).await.body.contains("set-password"));
    assert!(
        audit_records(&app)
            .await
            .iter()
            .any(|r| r.action == "password_reset" && r.user == "sys.admin")
    );

    // The link lasts 24 hours.
    app.clock
        .advance(time::Duration::hours(24) + time::Duration::minutes(1));
    let late = app.client().get(&link).await;
    assert_eq!(late.status, 403);
    assert!(late.body.contains("已过期"));
    app.stop().await;
}

#[tokio::test]
async fn requests_can_be_rejected_withdrawn_or_expire() {
    let app = TestApp::start().await;
    three_admins(&app).await;
    let rep = app.seed_user("li.ming", Role::Reporter, "gov").await;
    let sec = signed_in(&app, "sec.admin").await;
    let sys = signed_in(&app, "sys.admin").await;
    let detail = format!("/admin/users/{rep}");
    let promote = async |sec: &Client| {
        let r = sec
            .post_form(
                &detail,
                &format!("{detail}/roles"),
                &[("role", "auditor"), ("scope", "gov")],
            )
            .await;
        request_path(&r)
    };

    // Rejecting needs a reason, shown next to the field.
    let request = promote(&sec).await;
    let bare = decide(&sys, &request, "reject", "").await;
    assert_eq!(bare.status, 422);
    assert!(bare.body.contains("id=\"f-comment-err\""), "{}", bare.body);
    let r = decide(&sys, &request, "reject", "未经领导小组同意").await;
    assert_eq!(r.location(), Some(request.as_str()));
    assert_eq!(state_of(&app, &request).await, "rejected");
    assert!(!app.user("li.ming").await.unwrap().has_role(Role::Auditor));
    assert!(
        sec.get("/admin/notifications")
            .await
            .body
            .contains("账号申请已驳回")
    );

    // The requester may withdraw; nobody else may.
    let request = promote(&sec).await;
    let r = decide(&sys, &request, "withdraw", "").await;
    assert_eq!(r.status, 422);
    let r = decide(&sec, &request, "withdraw", "").await;
    assert_eq!(r.location(), Some(request.as_str()));
    assert_eq!(state_of(&app, &request).await, "withdrawn");

    // Unanswered for more than 3 days: expired, and can no longer be approved.
    let request = promote(&sec).await;
    app.clock.advance(time::Duration::hours(73));
    // (Three days idle end every session: sign in again.)
    let sec = signed_in(&app, "sec.admin").await;
    let sys = signed_in(&app, "sys.admin").await;
    let late = decide(&sys, &request, "approve", "").await;
    assert_eq!(late.status, 422);
    // Expired at this touch, or a moment earlier by the scheduler's sweep.
    assert!(late.body.contains("已过期"), "{}", late.body);
    assert_eq!(state_of(&app, &request).await, "expired");
    assert!(!app.user("li.ming").await.unwrap().has_role(Role::Auditor));
    assert!(
        audit_records(&app)
            .await
            .iter()
            .any(|r| r.action == "account_request_expire")
    );

    // Approved, a promotion replaces the account's credentials: what the requester may
    // have known about the account does not carry over.
    let request = promote(&sec).await;
    let ok = decide(&sys, &request, "approve", "").await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    link_on(&ok);
    let u = app.user("li.ming").await.unwrap();
    assert!(u.has_role(Role::Auditor));
    assert!(!gongkai::auth::password::verify(PASSWORD, &u.password_hash));
    app.stop().await;
}

#[tokio::test]
async fn the_three_duties_enrol_two_factor_before_anything_else() {
    // The default settings: `totp_required_for_admins` is off, the rule holds regardless.
    let app = TestApp::start().await;
    let target = app.seed_user("li.ming", Role::Reporter, "gov").await;
    for (name, role) in [
        ("sys.new", Role::Sysadmin),
        ("sec.new", Role::Secadmin),
        ("aud.new", Role::Auditor),
    ] {
        app.seed_user_without_totp(name, role, "gov").await;
        let c = app.client();
        // The password is enough to sign in; the session is held at enrolment.
        assert_eq!(c.login(name, PASSWORD).await.location(), Some("/admin"));
        for page in [
            "/admin",
            "/admin/users",
            "/admin/units",
            "/admin/audit",
            "/admin/requests",
            "/admin/system",
            "/admin/notifications",
            "/admin/checks",
            &format!("/admin/users/{target}"),
        ] {
            assert_eq!(
                c.get(page).await.location(),
                Some("/account/totp"),
                "{name} GET {page}"
            );
        }
        let posts: [(&str, Vec<(&str, &str)>); 5] = [
            (
                "/admin/units",
                vec![
                    ("code", "newdept"),
                    ("name", "新部门"),
                    ("kind", "department"),
                    ("parent", "gov"),
                ],
            ),
            (
                "/admin/users/new",
                vec![
                    ("username", "new.person"),
                    ("display_name", "新人"),
                    ("unit", "gov"),
                    ("role", "reporter"),
                    ("password", NEW_PASSWORD),
                ],
            ),
            ("/admin/system/backup", vec![]),
            ("/account/logout-all", vec![]),
            ("/admin/requests/1/flow", vec![("transition", "approve")]),
        ];
        for (path, fields) in &posts {
            let r = c.post_form("/account", path, fields).await;
            assert_eq!(r.location(), Some("/account/totp"), "{name} POST {path}");
        }
        assert!(app.user("new.person").await.is_none());
        let units = app
            .state
            .store
            .read(gongkai::auth::store::list_units)
            .await
            .unwrap();
        assert!(units.iter().all(|u| u.code.as_str() != "newdept"));
        // The enrolment page says why.
        let enrol = c.get("/account/totp").await;
        assert_eq!(enrol.status, 200);
        assert!(enrol.body.contains("必须启用两步验证后才能继续"));
        // Enrolled, the account works, and may not turn two-factor login off.
        app.enrol_totp(&c).await;
        assert_eq!(c.get("/admin").await.status, 200);
        let off = c
            .post_form("/account", "/account/totp/disable", &[("code", "000000")])
            .await;
        assert_eq!(off.status, 403);
        assert!(app.user(name).await.unwrap().totp_secret.is_some());
        // Logging out is always possible.
        assert_eq!(
            c.post_form("/account", "/logout", &[]).await.location(),
            Some("/")
        );
    }
    // Accounts without one of the three are not held.
    let c = app.client();
    assert_eq!(
        c.login("li.ming", PASSWORD).await.location(),
        Some("/admin")
    );
    assert_eq!(c.get("/admin").await.status, 200);
    app.stop().await;
}

#[tokio::test]
async fn the_cli_creates_and_resets_the_three_duties_without_approval() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    gongkai(
        &[
            "admin",
            "create",
            "--username",
            "root1",
            "--password-stdin",
            "--data",
            d,
        ],
        &[],
        Some(PASSWORD),
    )
    .succeeds();
    let out = gongkai(
        &[
            "user",
            "add",
            "--username",
            "aud1",
            "--unit",
            "gov",
            "--role",
            "auditor",
            "--password-stdin",
            "--data",
            d,
        ],
        &[],
        Some(PASSWORD),
    );
    assert!(out.succeeds().contains("启用两步验证"), "{out:?}");
    let out = gongkai(
        &[
            "user",
            "reset",
            "--username",
            "aud1",
            "--totp",
            "--password-stdin",
            "--data",
            d,
        ],
        &[],
        Some(NEW_PASSWORD),
    );
    let said = out.succeeds();
    assert!(said.contains("已重置账号 aud1"), "{said}");
    assert!(said.contains("启用两步验证"), "{said}");
    let out = gongkai(
        &[
            "user",
            "reset",
            "--username",
            "nobody",
            "--totp",
            "--data",
            d,
        ],
        &[],
        None,
    );
    assert!(out.fails().contains("不存在"));

    let app = TestApp::start_in(dir, |_| {}).await;
    let c = app.client();
    assert_eq!(
        c.login("aud1", NEW_PASSWORD).await.location(),
        Some("/admin")
    );
    // Set by the operator: changed at once, then two-factor login.
    assert_eq!(c.get("/admin").await.location(), Some("/account/password"));
    assert!(
        audit_records(&app)
            .await
            .iter()
            .any(|r| r.action == "password_reset" && r.user == "命令行")
    );
    app.stop().await;
}
