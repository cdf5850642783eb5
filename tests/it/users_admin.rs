//! 账号与角色 for the 安全管理员 (issue 12, item 5): the list's filters (unit with the units
//! under it, role, state, name) and pages, last login and failed attempts, resetting
//! two-factor login, and the CSV import (dry run, GBK files, all or nothing, the three
//! duties refused, size limit, who may use it).

use gongkai::auth::audit::{self, AuditRecord};
use gongkai::auth::model::{Grant, Role, UnitCode, Username};
use gongkai::auth::store::{self as users, NewUser};

use crate::helpers::{Client, PASSWORD, Resp, TestApp, demo_filled, main_of, multipart, staff};

const IMPORT: &str = "/admin/users/import";

async fn audit_records(app: &TestApp) -> Vec<AuditRecord> {
    app.state
        .store
        .read(|txn| audit::page(txn, None, 100_000))
        .await
        .unwrap()
}

/// Whether the list page shows the account `name` (its link in the table).
fn lists(r: &Resp, name: &str) -> bool {
    main_of(&r.body).contains(&format!(">{name}</a>"))
}

/// Changes the stored account `name`.
async fn change(
    app: &TestApp,
    name: &str,
    f: impl FnOnce(&mut gongkai::auth::model::User) + Send + 'static,
) {
    let name = name.to_owned();
    app.state
        .store
        .write(move |txn| {
            let mut u = users::find_user_w(txn, &name)?.expect("account exists");
            f(&mut u);
            users::save_user(txn, &u)
        })
        .await
        .unwrap();
}

#[tokio::test]
async fn the_list_filters_by_unit_with_its_subunits_role_state_and_name() {
    let app = demo_filled().await;
    let sec = staff(&app, "sec.test", Role::Secadmin, "office").await;
    // Under 东山街道 (sd-east): its own staff and a community's.
    app.seed_user("dongshan.writer", Role::Reporter, "c-dongshan")
        .await;
    change(&app, "east-reviewer", |u| u.disabled = true).await;
    change(&app, "commerce-writer", |u| {
        u.locked_until_ms = Some(i64::MAX)
    })
    .await;
    change(&app, "hubin-writer", |u| u.must_change_password = true).await;

    let all = sec.get("/admin/users").await;
    assert_eq!(all.status, 200);
    assert!(main_of(&all.body).contains("共 15 个账号"), "{}", all.body);

    let east = sec.get("/admin/users?unit=sd-east").await;
    assert_eq!(east.status, 200, "{}", east.body);
    for name in [
        "east-writer",
        "east-reviewer",
        "east-publisher",
        "dongshan.writer",
    ] {
        assert!(lists(&east, name), "sd-east lists {name}");
    }
    for name in ["hubin-writer", "commerce-writer", "sec.test"] {
        assert!(!lists(&east, name), "sd-east leaves out {name}");
    }
    // The filter stays in the form.
    assert!(east.body.contains("<option value=\"sd-east\" selected>"));

    let publishers = sec.get("/admin/users?role=publisher").await;
    for name in ["office-publisher", "commerce-publisher", "east-publisher"] {
        assert!(lists(&publishers, name), "{name}");
    }
    assert!(!lists(&publishers, "east-writer"));

    let both = sec.get("/admin/users?unit=sd-east&role=reporter").await;
    assert!(lists(&both, "east-writer") && lists(&both, "dongshan.writer"));
    assert!(!lists(&both, "east-publisher"));

    for (state, yes, no) in [
        ("disabled", "east-reviewer", "east-writer"),
        ("locked", "commerce-writer", "east-writer"),
        ("must_change", "hubin-writer", "east-writer"),
        ("no_totp", "east-writer", "sec.test"),
        ("normal", "east-writer", "east-reviewer"),
    ] {
        let r = sec.get(&format!("/admin/users?state={state}")).await;
        assert_eq!(r.status, 200, "{state}");
        assert!(lists(&r, yes), "{state} lists {yes}");
        assert!(!lists(&r, no), "{state} leaves out {no}");
    }
    let normal = sec.get("/admin/users?state=normal").await;
    assert!(!lists(&normal, "commerce-writer") && !lists(&normal, "hubin-writer"));

    // The name: username or display name, any case.
    let named = sec.get("/admin/users?q=%E5%AE%A1%E6%A0%B8").await; // 审核
    for name in ["office-reviewer", "commerce-reviewer", "east-reviewer"] {
        assert!(lists(&named, name), "审核 finds {name}");
    }
    assert!(!lists(&named, "east-writer"));
    let upper = sec.get("/admin/users?q=EAST-W").await;
    assert!(lists(&upper, "east-writer") && !lists(&upper, "east-reviewer"));
    assert!(
        upper.body.contains("value=\"EAST-W\""),
        "the search stays in its field"
    );
    assert!(main_of(&upper.body).contains("符合条件的账号 1 个"));

    // Values that name nothing: said beside the field, 422, the list unfiltered by them.
    let bad = sec
        .get("/admin/users?unit=nowhere&role=boss&state=normal")
        .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    let main = main_of(&bad.body);
    assert!(main.contains("id=\"f-unit-err\""), "{main}");
    assert!(main.contains("没有单位代码为“nowhere”的单位"));
    assert!(main.contains("id=\"f-role-err\""));
    assert!(main.contains("没有“boss”这个角色"));
    assert!(lists(&bad, "east-writer"), "the state filter still applies");
    assert!(!lists(&bad, "east-reviewer"));
    let odd = sec.get("/admin/users?state=%3Cscript%3E&page=-3").await;
    assert_eq!(odd.status, 422);
    assert!(
        main_of(&odd.body).contains("没有“&lt;script&gt;”这个状态"),
        "escaped"
    );
    app.stop().await;
}

#[tokio::test]
async fn more_than_a_hundred_accounts_come_in_pages_that_keep_the_filters() {
    let app = TestApp::start().await;
    let sec = staff(&app, "sec.test", Role::Secadmin, "gov").await;
    app.state
        .store
        .write(|txn| {
            for i in 1..=120 {
                users::create_user(
                    txn,
                    NewUser {
                        username: Username::parse(&format!("bulk{i:03}")).unwrap(),
                        display_name: format!("批量{i}"),
                        unit: UnitCode::parse("gov").unwrap(),
                        grants: vec![Grant {
                            role: Role::Reporter,
                            unit: UnitCode::parse("gov").unwrap(),
                        }],
                        password_hash: "x".into(),
                        must_change_password: false,
                    },
                    0,
                )?
                .unwrap();
            }
            Ok(())
        })
        .await
        .unwrap();
    let first = sec.get("/admin/users?q=bulk&role=reporter").await;
    assert_eq!(first.status, 200);
    let main = main_of(&first.body);
    assert!(
        main.contains("符合条件的账号 120 个，第 1 页 / 共 2 页"),
        "{main}"
    );
    assert!(lists(&first, "bulk001") && lists(&first, "bulk100"));
    assert!(!lists(&first, "bulk101"));
    let next = "/admin/users?role=reporter&amp;q=bulk&amp;page=2";
    assert!(
        main.contains(&format!("<a href=\"{next}\" rel=\"next\">下一页</a>")),
        "{main}"
    );
    assert!(!main.contains("上一页"));
    let second = sec.get(&next.replace("&amp;", "&")).await;
    assert!(lists(&second, "bulk101") && lists(&second, "bulk120"));
    assert!(!lists(&second, "bulk100"));
    assert!(
        main_of(&second.body)
            .contains("<a href=\"/admin/users?role=reporter&amp;q=bulk\" rel=\"prev\">上一页</a>")
    );
    app.stop().await;
}

#[tokio::test]
async fn last_login_and_failed_attempts_are_shown() {
    let app = TestApp::start().await;
    let sec = staff(&app, "sec.test", Role::Secadmin, "gov").await;
    let id = app.seed_user("li.ming", Role::Reporter, "gov").await;
    let detail = format!("/admin/users/{id}");
    let page = sec.get(&detail).await;
    assert!(
        main_of(&page.body).contains("<dt>最近登录</dt><dd>从未登录</dd>"),
        "{}",
        page.body
    );
    assert!(main_of(&sec.get("/admin/users").await.body).contains("从未登录"));

    // Two wrong passwords, then the right one an hour later.
    let c = app.client();
    for _ in 0..2 {
        assert_eq!(c.login("li.ming", "Wrong-Password-1").await.status, 422);
    }
    let page = sec.get(&detail).await;
    assert!(
        main_of(&page.body).contains("<dt>登录失败次数</dt><dd>2</dd>"),
        "{}",
        page.body
    );
    app.clock.advance(time::Duration::hours(1));
    assert_eq!(
        c.login("li.ming", PASSWORD).await.location(),
        Some("/admin")
    );
    let when = gongkai::clock::show(app.state.now_ms());
    // The admin's own session idled out meanwhile.
    let sec = staff(&app, "sec.test", Role::Secadmin, "gov").await;
    let page = sec.get(&detail).await;
    assert!(
        main_of(&page.body).contains(&format!("<dt>最近登录</dt><dd>{when}</dd>")),
        "{}",
        page.body
    );
    let list = sec.get("/admin/users?q=li.ming").await;
    assert!(main_of(&list.body).contains(&format!("<td data-label=\"最近登录\">{when}</td>")));

    // With two-factor login it is the code step that logs in, not the password.
    app.clock.advance(time::Duration::hours(1));
    let password_at = app.state.now_ms();
    let two = app.client();
    assert_eq!(
        two.login("sec.test", PASSWORD).await.location(),
        Some("/login/totp")
    );
    assert!(app.user("sec.test").await.unwrap().last_login_ms < Some(password_at));
    app.clock.advance(time::Duration::minutes(1));
    let code = app.totp_code("sec.test").await;
    let r = two
        .post_form("/login/totp", "/login/totp", &[("code", &code)])
        .await;
    assert_eq!(r.location(), Some("/admin"));
    let at = app.user("sec.test").await.unwrap().last_login_ms.unwrap();
    assert!(at > password_at);
    app.stop().await;
}

#[tokio::test]
async fn resetting_two_factor_login_asks_first_and_makes_the_owner_enrol_again() {
    let app = TestApp::start().await;
    let sec = staff(&app, "sec.test", Role::Secadmin, "gov").await;
    let id = app.seed_user("li.ming", Role::Reporter, "gov").await;
    let user = staff(&app, "li.ming", Role::Reporter, "gov").await;
    app.enrol_totp(&user).await;
    let detail = format!("/admin/users/{id}");

    let page = sec.get(&detail).await;
    let main = main_of(&page.body);
    assert!(main.contains("原身份验证器立即失效"), "{main}");
    assert!(main.contains("请先核实确是本人提出"));
    assert!(main.contains(&format!("action=\"{detail}/reset-totp\"")));
    assert!(main.contains(">确认重置两步验证</button>"));

    let r = sec
        .post_form(&detail, &format!("{detail}/reset-totp"), &[])
        .await;
    assert_eq!(
        r.location(),
        Some(format!("{detail}?done=totp").as_str()),
        "{}",
        r.body
    );
    let done = sec.get(&format!("{detail}?done=totp")).await;
    assert!(main_of(&done.body).contains("已重置两步验证"));
    assert!(main_of(&done.body).contains("此账号未启用两步验证，无需重置"));
    assert!(app.user("li.ming").await.unwrap().totp_secret.is_none());
    // The owner's sessions ended; the password alone signs in now.
    assert_eq!(user.get("/admin").await.location(), Some("/login"));
    assert_eq!(
        user.login("li.ming", PASSWORD).await.location(),
        Some("/admin")
    );
    assert!(
        audit_records(&app)
            .await
            .iter()
            .any(|r| r.action == "totp_reset"
                && r.user == "sec.test"
                && r.object == "user:li.ming")
    );
    app.stop().await;
}

// ── CSV import ────────────────────────────────────────────────────────────────────────

/// The "检查" post with `file`.
async fn check(c: &Client, file: &[u8]) -> Resp {
    let token = c.get(IMPORT).await.csrf();
    c.post_multipart(
        IMPORT,
        multipart(
            "text/csv",
            &[
                ("csrf", None, token.as_bytes()),
                ("step", None, b"check"),
                ("file", Some("accounts.csv"), file),
            ],
        ),
        &[],
    )
    .await
}

/// The checked text the confirmation form carries.
fn carried(r: &Resp) -> String {
    let marker = "name=\"csv_text\" value=\"";
    let at = r.body.find(marker).expect("a confirmation form") + marker.len();
    let end = at + r.body[at..].find('"').unwrap();
    r.body[at..end]
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The "确认导入" post with the checked text.
async fn confirm(c: &Client, text: &str) -> Resp {
    let token = c.get(IMPORT).await.csrf();
    c.post_multipart(
        IMPORT,
        multipart(
            "text/plain",
            &[
                ("csrf", None, token.as_bytes()),
                ("step", None, b"commit"),
                ("csv_text", None, text.as_bytes()),
            ],
        ),
        &[],
    )
    .await
}

async fn setup_import() -> (TestApp, Client) {
    let app = TestApp::start().await;
    app.ensure_unit("commerce").await;
    app.ensure_unit("edu").await;
    let sec = staff(&app, "sec.test", Role::Secadmin, "gov").await;
    (app, sec)
}

#[tokio::test]
async fn a_dry_run_lists_every_row_and_saves_nothing() {
    let (app, sec) = setup_import().await;
    let page = sec.get(IMPORT).await;
    assert_eq!(page.status, 200);
    let main = main_of(&page.body);
    assert!(main.contains("<label for=\"f-file\">CSV 文件</label>"));
    assert!(main.contains(">下载导入模板（CSV）</a>"));
    let t = sec.get_bytes("/admin/users/import/template.csv", &[]).await;
    assert_eq!(t.status, 200);
    assert!(t.header("content-type").starts_with("text/csv"));
    assert!(t.header("content-disposition").starts_with("attachment"));
    let text = String::from_utf8(t.body).unwrap();
    assert!(
        text.starts_with("\u{feff}用户名,姓名,单位代码,角色,初始密码\r\n"),
        "{text}"
    );
    assert!(text.contains(",信息员,"));

    let file = "\u{feff}用户名,姓名,单位代码,角色,初始密码\r\n\
                wang.fang,王芳,commerce,信息员,\r\n\
                zhao.lei,赵磊,nowhere,审核人,Zhao-Lei-Pass-1\r\n\
                sun.li,孙丽,edu,publisher,\r\n";
    let r = check(&sec, file.as_bytes()).await;
    assert_eq!(r.status, 422, "{}", r.body);
    let main = main_of(&r.body);
    assert!(main.contains("3 行中有 1 行不能导入"), "{main}");
    assert!(main.contains("文件编码 UTF-8"));
    assert!(
        main.contains("<td class=\"card-title\">第 3 行</td>"),
        "{main}"
    );
    assert!(main.contains("单位代码“nowhere”不存在"));
    assert_eq!(main.matches("可导入").count(), 2, "{main}");
    assert!(
        !main.contains("name=\"csv_text\"") && !main.contains(">确认导入"),
        "no confirmation while a row is wrong"
    );
    assert!(main.contains(">检查</button>"), "the form again");
    for name in ["wang.fang", "zhao.lei", "sun.li"] {
        assert!(app.user(name).await.is_none(), "{name} not created");
    }
    assert!(
        !audit_records(&app)
            .await
            .iter()
            .any(|r| r.action == "user_import")
    );
    app.stop().await;
}

#[tokio::test]
async fn a_gbk_file_is_imported_after_its_dry_run_and_the_accounts_sign_in() {
    let (app, sec) = setup_import().await;
    let text = "用户名,姓名,单位代码,角色,初始密码\r\n\
                wang.fang,王芳,commerce,信息员,Wang-Fang-Pass-1\r\n\
                \"sun.li\",\"孙丽\",edu,审核人,\r\n";
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(text);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&gbk).is_err(), "really GBK bytes");
    let r = check(&sec, &gbk).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let main = main_of(&r.body);
    assert!(main.contains("文件编码 GBK"), "{main}");
    assert!(
        main.contains("<td data-label=\"姓名\">孙丽</td>"),
        "decoded: {main}"
    );
    assert!(main.contains(">确认导入 2 个账号</button>"), "{main}");
    assert!(
        app.user("wang.fang").await.is_none(),
        "nothing saved by the dry run"
    );
    let back = carried(&r);
    assert_eq!(back.replace("\r\n", "\n"), text.replace("\r\n", "\n"));

    let done = confirm(&sec, &back).await;
    assert_eq!(done.status, 200, "{}", done.body);
    let main = main_of(&done.body);
    assert!(main.contains("已导入 2 个账号"), "{main}");
    assert!(main.contains("文件中填写的密码"));
    let marker = "<code class=\"password\">";
    let at = main.find(marker).expect("the generated password shown") + marker.len();
    let generated = &main[at..at + main[at..].find('<').unwrap()];
    assert!(generated.len() >= 10, "{generated}");

    let wang = app.user("wang.fang").await.expect("created");
    assert!(wang.must_change_password);
    assert_eq!(wang.display_name, "王芳");
    assert!(wang.has_role(Role::Reporter) && wang.unit.as_str() == "commerce");
    let sun = app.user("sun.li").await.expect("created");
    assert!(sun.must_change_password && sun.has_role(Role::Reviewer));
    for (name, pw) in [("wang.fang", "Wang-Fang-Pass-1"), ("sun.li", generated)] {
        let c = app.client();
        let r = c.login(name, pw).await;
        assert_eq!(r.status, 303, "{name}: {}", r.body);
        assert_eq!(
            c.get("/admin").await.location(),
            Some("/account/password"),
            "{name}"
        );
    }
    let records = audit_records(&app).await;
    let import = records
        .iter()
        .find(|r| r.action == "user_import")
        .expect("one user_import record");
    assert_eq!(import.user, "sec.test");
    assert!(import.detail.contains("2 个账号") && import.detail.contains("wang.fang"));
    assert!(import.detail.contains("sun.li"));
    assert_eq!(
        records.iter().filter(|r| r.action == "user_create").count(),
        2
    );
    // The result page is not a form to post twice: a second commit finds the names taken.
    let again = confirm(&sec, &back).await;
    assert_eq!(again.status, 422);
    assert!(main_of(&again.body).contains("该用户名已被使用"));
    app.stop().await;
}

#[tokio::test]
async fn an_account_made_between_check_and_commit_stops_the_whole_import() {
    let (app, sec) = setup_import().await;
    let text = "username,display_name,unit,role,password\n\
                a.one,甲,commerce,reporter,\n\
                b.two,乙,edu,reporter,\n";
    let r = check(&sec, text.as_bytes()).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let back = carried(&r);
    // Someone else takes the second name meanwhile.
    app.seed_user("B.Two", Role::Reporter, "gov").await;
    let r = confirm(&sec, &back).await;
    assert_eq!(r.status, 422, "{}", r.body);
    let main = main_of(&r.body);
    assert!(main.contains("未导入"), "{main}");
    assert!(main.contains("第 3 行"));
    assert!(main.contains("该用户名已被使用"));
    assert!(app.user("a.one").await.is_none(), "all or nothing");
    assert!(
        !audit_records(&app)
            .await
            .iter()
            .any(|r| r.action == "user_import")
    );
    app.stop().await;
}

#[tokio::test]
async fn the_three_duties_are_never_imported() {
    let (app, sec) = setup_import().await;
    let text = "用户名,姓名,单位代码,角色\n\
                ok.user,某人,commerce,信息员\n\
                new.audit,新审计,gov,审计管理员\n\
                new.sys,新系统,gov,sysadmin\n";
    let r = check(&sec, text.as_bytes()).await;
    assert_eq!(r.status, 422);
    let main = main_of(&r.body);
    assert!(
        main.contains("三员分立：审计管理员账号不能批量导入"),
        "{main}"
    );
    assert!(main.contains("三员分立：系统管理员账号不能批量导入"));
    // Posting the commit anyway, without the page: checked again, refused.
    let r = confirm(&sec, text).await;
    assert_eq!(r.status, 422);
    assert!(main_of(&r.body).contains("未导入"));
    for name in ["ok.user", "new.audit", "new.sys"] {
        assert!(app.user(name).await.is_none(), "{name}");
    }
    app.stop().await;
}

#[tokio::test]
async fn only_the_security_administrator_imports() {
    let (app, sec) = setup_import().await;
    drop(sec);
    let file = "用户名,姓名,单位代码,角色\nsneaky,某,gov,信息员\n";
    for (name, role) in [("w.writer", Role::Reporter), ("s.sys", Role::Sysadmin)] {
        let c = staff(&app, name, role, "gov").await;
        assert_eq!(c.get(IMPORT).await.status, 403, "{name}");
        assert_eq!(
            c.get("/admin/users/import/template.csv").await.status,
            403,
            "{name}"
        );
        // A well-formed post with the right token: still refused.
        let token = c.get("/account").await.csrf();
        let r = c
            .post_multipart(
                IMPORT,
                multipart(
                    "text/csv",
                    &[
                        ("csrf", None, token.as_bytes()),
                        ("step", None, b"commit"),
                        ("csv_text", None, file.as_bytes()),
                    ],
                ),
                &[],
            )
            .await;
        assert_eq!(r.status, 403, "{name}: {}", r.body);
    }
    assert!(app.user("sneaky").await.is_none());
    // Anonymous: sent to log in, the body unread.
    let anon = app.client();
    let r = anon
        .post_multipart(
            IMPORT,
            multipart("text/csv", &[("file", Some("a.csv"), file.as_bytes())]),
            &[],
        )
        .await;
    assert_eq!(r.location(), Some("/login"));
    app.stop().await;
}

#[tokio::test]
async fn a_file_over_two_megabytes_is_refused_with_a_message() {
    let (app, sec) = setup_import().await;
    let mut big = "用户名,姓名,单位代码,角色\n".as_bytes().to_vec();
    while big.len() <= 2 * 1024 * 1024 {
        big.extend_from_slice(b"someone,some name,gov,reporter\n");
    }
    let r = check(&sec, &big).await;
    assert_eq!(r.status, 422, "{}", r.body);
    let main = main_of(&r.body);
    assert!(main.contains("id=\"f-file-err\""), "{main}");
    assert!(main.contains("文件超过 2 MB"));
    // A file that is no text at all, and a post without a file.
    let r = check(&sec, b"PK\x03\x04\xff\xfe\x00\x00binary").await;
    assert_eq!(r.status, 422);
    assert!(main_of(&r.body).contains("无法识别文件的编码"));
    let r = sec.post_form(IMPORT, IMPORT, &[]).await;
    assert_eq!(r.status, 422);
    assert!(main_of(&r.body).contains("请选择要导入的 CSV 文件"));
    app.stop().await;
}

#[tokio::test]
async fn the_last_system_or_security_administrator_cannot_be_disabled() {
    let app = TestApp::start().await;
    let only = app.seed_user("only-sys", Role::Sysadmin, "gov").await;
    let sec = staff(&app, "one-sec", Role::Secadmin, "gov").await;
    let path = format!("/admin/users/{only}");
    let r = sec.post_form(&path, &format!("{path}/disable"), &[]).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(
        main_of(&r.body).contains("是唯一可用的系统管理员"),
        "{}",
        main_of(&r.body)
    );
    assert!(!app.user("only-sys").await.unwrap().disabled);
    // With a second one, the first may be disabled.
    app.seed_user("second-sys", Role::Sysadmin, "gov").await;
    let r = sec.post_form(&path, &format!("{path}/disable"), &[]).await;
    assert_eq!(r.location(), Some(path.as_str()), "{}", r.body);
    assert!(app.user("only-sys").await.unwrap().disabled);
}
