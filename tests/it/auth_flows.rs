//! Accounts end to end over real HTTP: first-run setup link, login, lockout, per-IP
//! throttle, two-factor login, sessions, CSRF refusal and 三员分立.

use gongkai::auth::audit::{self, AuditRecord, Outcome};
use gongkai::auth::model::{Grant, Role, UnitCode, User, Username, check_separation};
use gongkai::auth::store::{self as users, NewUser};
use gongkai::auth::totp;
use gongkai::clock::Clock;

use crate::helpers::{Client, PASSWORD, Resp, TestApp, main_of};

const NEW_PASSWORD: &str = "Fresh-Passw0rd-456";
const ADMIN_PASSWORD: &str = "Chief-Admin-2026!";

// ---------------------------------------------------------------- small helpers

/// The text of the element with `id` (up to the next tag).
pub(crate) fn element_text<'a>(body: &'a str, id: &str) -> Option<&'a str> {
    let marker = format!("id=\"{id}\"");
    let rest = &body[body.find(&marker)?..];
    let start = rest.find('>')? + 1;
    let end = rest[start..].find('<')? + start;
    Some(&rest[start..end])
}

/// The `value` attribute of the input with `id`.
pub(crate) fn input_value<'a>(body: &'a str, id: &str) -> Option<&'a str> {
    let marker = format!("id=\"{id}\"");
    let rest = &body[body.find(&marker)?..];
    let tag = &rest[..rest.find('>')?];
    let v = tag.find("value=\"")? + "value=\"".len();
    let e = tag[v..].find('"')? + v;
    Some(&tag[v..e])
}

/// The error message shown for form field `name`, asserting it sits in the same
/// field block as the input (next to the field, not only at the top of the form).
pub(crate) fn field_error(body: &str, name: &str) -> Option<String> {
    let err_marker = format!("id=\"f-{name}-err\"");
    let input_marker = format!("id=\"f-{name}\"");
    let e = body.find(&err_marker)?;
    let i = body.find(&input_marker)?;
    assert!(
        e < i && !body[e..i].contains("</div>"),
        "error for {name} is not next to its input"
    );
    element_text(body, &format!("f-{name}-err")).map(str::to_owned)
}

pub(crate) fn now_secs(app: &TestApp) -> i64 {
    app.clock.now().unix_timestamp()
}

pub(crate) fn current_code(app: &TestApp, secret: &str) -> String {
    totp::code(secret, totp::step_at(now_secs(app))).expect("valid secret")
}

/// A six-digit code that is valid for none of the steps the server accepts now.
pub(crate) fn wrong_code(app: &TestApp, secret: &str) -> String {
    let step = totp::step_at(now_secs(app));
    let valid: Vec<String> = [step - 1, step, step + 1]
        .iter()
        .filter_map(|s| totp::code(secret, *s))
        .collect();
    (0..10)
        .map(|d| d.to_string().repeat(6))
        .find(|c| !valid.contains(c))
        .expect("some repeated digit is not valid")
}

/// The secret shown on the enrol page, without the grouping spaces.
fn enrol_secret(page: &Resp) -> String {
    let shown = element_text(&page.body, "totp-secret").expect("enrol page shows the secret");
    assert!(
        shown.contains(' '),
        "secret is grouped for reading: {shown}"
    );
    let secret: String = shown.chars().filter(|c| !c.is_whitespace()).collect();
    assert_eq!(secret.len(), 32, "160-bit base32 secret: {secret}");
    secret
}

pub(crate) async fn audit_records(app: &TestApp) -> Vec<AuditRecord> {
    app.state
        .store
        .read(|txn| audit::page(txn, None, 100_000))
        .await
        .expect("audit readable")
}

pub(crate) async fn user_by_name(app: &TestApp, name: &str) -> Option<User> {
    let name = name.to_owned();
    app.state
        .store
        .read(move |txn| users::find_user(txn, &name))
        .await
        .expect("store readable")
}

/// A second client holding the same cookies (e.g. a stolen or copied session cookie).
fn same_cookies(app: &TestApp, c: &Client) -> Client {
    let other = app.client();
    let jar = c.cookies.lock().unwrap().clone();
    *other.cookies.lock().unwrap() = jar;
    other
}

/// POSTs a urlencoded form with extra request headers, using the client's cookies.
async fn post_with_headers(
    app: &TestApp,
    c: &Client,
    path: &str,
    fields: &[(&str, &str)],
    headers: &[(&str, &str)],
) -> Resp {
    let cookie = c
        .cookies
        .lock()
        .unwrap()
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut req = http
        .post(format!("{}{path}", app.base))
        .header("cookie", cookie)
        .form(fields);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let r = req.send().await.expect("POST");
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    let body = r.text().await.unwrap_or_default();
    Resp {
        status,
        headers,
        body,
    }
}

pub(crate) fn assert_redirect(r: &Resp, to: &str) {
    assert_eq!(r.status, 303, "expected 303 to {to}, body: {}", r.body);
    assert_eq!(r.location(), Some(to));
}

async fn logged_in(app: &TestApp, name: &str, password: &str) -> Client {
    let c = app.client();
    let r = app.sign_in(&c, name, password).await;
    assert_redirect(&r, "/admin");
    c
}

// ---------------------------------------------------------------- 1. setup link

#[tokio::test]
async fn setup_token_creates_first_sysadmin_once() {
    let app = TestApp::start().await;
    let token = app
        .setup_token
        .clone()
        .expect("a fresh data folder issues a setup token");
    let c = app.client();
    let page = format!("/setup?token={token}");

    let form = c.get(&page).await;
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(form.body.contains("name=\"token\""));
    assert!(form.body.contains("<label for=\"f-username\">用户名"));
    assert!(form.body.contains("<label for=\"f-password2\">确认密码"));

    // Wrong or missing token.
    let wrong = c.get(&format!("/setup?token={}", "ab".repeat(32))).await;
    assert_eq!(wrong.status, 403);
    assert!(wrong.body.contains("无效"), "{}", wrong.body);
    assert_eq!(c.get("/setup").await.status, 403);

    // Bad values re-render with the message next to the field and the input kept.
    let short = c
        .post_form(
            &page,
            "/setup",
            &[
                ("token", &token),
                ("username", "chief.admin"),
                ("display_name", "张主任"),
                ("password", "Sh0rt!x"),
                ("password2", "Sh0rt!x"),
            ],
        )
        .await;
    assert_eq!(short.status, 422, "{}", short.body);
    assert_eq!(
        field_error(&short.body, "password").as_deref(),
        Some("密码至少需要 10 个字符")
    );
    assert_eq!(input_value(&short.body, "f-username"), Some("chief.admin"));
    assert_eq!(input_value(&short.body, "f-display_name"), Some("张主任"));
    assert!(
        !short.body.contains("Sh0rt!x"),
        "passwords are never echoed"
    );

    let mismatch = c
        .post_form(
            &page,
            "/setup",
            &[
                ("token", &token),
                ("username", "chief.admin"),
                ("display_name", "张主任"),
                ("password", ADMIN_PASSWORD),
                ("password2", "Other-Admin-2026!"),
            ],
        )
        .await;
    assert_eq!(mismatch.status, 422, "{}", mismatch.body);
    assert_eq!(
        field_error(&mismatch.body, "password2").as_deref(),
        Some("两次输入的密码不一致")
    );
    assert_eq!(
        input_value(&mismatch.body, "f-username"),
        Some("chief.admin")
    );
    assert!(user_by_name(&app, "chief.admin").await.is_none());

    // The real thing.
    let done = c
        .post_form(
            &page,
            "/setup",
            &[
                ("token", &token),
                ("username", "chief.admin"),
                ("display_name", "张主任"),
                ("password", ADMIN_PASSWORD),
                ("password2", ADMIN_PASSWORD),
            ],
        )
        .await;
    assert_redirect(&done, "/login?setup=done");
    let admin = user_by_name(&app, "chief.admin")
        .await
        .expect("admin created");
    assert!(admin.has_role(Role::Sysadmin));
    assert!(!admin.must_change_password);

    let after = c.get("/login?setup=done").await;
    assert_eq!(after.status, 200);
    assert!(after.body.contains("系统管理员已创建"));
    assert_redirect(&c.login("chief.admin", ADMIN_PASSWORD).await, "/admin");
    // One of the three duties: two-factor login comes first.
    assert_redirect(&c.get("/admin").await, "/account/totp");
    app.enrol_totp(&c).await;
    let home = c.get("/admin").await;
    assert_eq!(home.status, 200, "{}", home.body);
    assert!(home.body.contains("张主任"));

    // Single use: the same link is refused afterwards, GET and POST alike.
    let other = app.client();
    let again = other.get(&page).await;
    assert_eq!(again.status, 403);
    assert!(!again.body.contains("过期"), "a used link is not 'expired'");
    let again = other
        .post_form(
            "/login",
            "/setup",
            &[
                ("token", &token),
                ("username", "second.admin"),
                ("display_name", "第二"),
                ("password", ADMIN_PASSWORD),
                ("password2", ADMIN_PASSWORD),
            ],
        )
        .await;
    assert_eq!(again.status, 403, "{}", again.body);
    assert!(user_by_name(&app, "second.admin").await.is_none());

    let records = audit_records(&app).await;
    assert!(
        records
            .iter()
            .any(|r| r.action == "setup_first_admin" && r.user == "chief.admin")
    );
    app.stop().await;
}

#[tokio::test]
async fn setup_token_expires_after_an_hour() {
    let app = TestApp::start().await;
    let token = app.setup_token.clone().expect("setup token");
    let c = app.client();
    let page = format!("/setup?token={token}");

    app.clock.advance(time::Duration::minutes(59));
    assert_eq!(c.get(&page).await.status, 200, "still valid at 59 minutes");

    app.clock.advance(time::Duration::minutes(2));
    let r = c.get(&page).await;
    assert_eq!(r.status, 403);
    assert!(r.body.contains("过期"), "{}", r.body);

    let r = c
        .post_form(
            "/login",
            "/setup",
            &[
                ("token", &token),
                ("username", "late.admin"),
                ("display_name", "迟到"),
                ("password", ADMIN_PASSWORD),
                ("password2", ADMIN_PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status, 403);
    assert!(r.body.contains("过期"), "{}", r.body);
    assert!(user_by_name(&app, "late.admin").await.is_none());
    app.stop().await;
}

// ---------------------------------------------------------------- 2. login

#[tokio::test]
async fn login_success_and_failure() {
    let app = TestApp::start().await;
    app.seed_user("li.ming", Role::Reporter, "gov").await;
    let c = app.client();

    let page = c.get("/login").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("<label for=\"f-username\">用户名"),
        "{}",
        page.body
    );
    assert!(page.body.contains("<label for=\"f-password\">密码"));
    assert!(page.body.contains("type=\"submit\">登录</button>"));

    let bad = c.login("li.ming", "Wrong-Password-1").await;
    assert_eq!(bad.status, 422);
    assert_eq!(
        field_error(&bad.body, "password").as_deref(),
        Some("用户名或密码错误")
    );
    assert_eq!(input_value(&bad.body, "f-username"), Some("li.ming"));
    assert!(!bad.body.contains("Wrong-Password-1"));
    assert!(
        bad.headers
            .get_all("set-cookie")
            .iter()
            .all(|v| !v.to_str().unwrap_or("").starts_with("gk_session=")),
        "no session for a failed login"
    );

    // An unknown user gets the same answer (no account enumeration).
    let unknown = c.login("no.such.user", PASSWORD).await;
    assert_eq!(unknown.status, 422);
    assert_eq!(
        field_error(&unknown.body, "password").as_deref(),
        Some("用户名或密码错误")
    );

    let empty = c.login("", "").await;
    assert_eq!(empty.status, 422);
    assert_eq!(
        field_error(&empty.body, "username").as_deref(),
        Some("请输入用户名")
    );

    assert_redirect(&c.get("/admin").await, "/login");

    let ok = c.login("li.ming", PASSWORD).await;
    assert_redirect(&ok, "/admin");
    let cookie = ok
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("gk_session="))
        .expect("session cookie set")
        .to_owned();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    let token = cookie["gk_session=".len()..].split(';').next().unwrap();
    assert_eq!(token.len(), 64, "256-bit token, hex");

    let home = c.get("/admin").await;
    assert_eq!(home.status, 200);
    assert!(home.body.contains("测试用户"));
    // A logged-in visitor to /login goes to the workbench.
    assert_redirect(&c.get("/login").await, "/admin");

    let records = audit_records(&app).await;
    let mine: Vec<_> = records
        .iter()
        .filter(|r| r.action == "login" && r.user == "li.ming")
        .collect();
    assert!(mine.iter().any(|r| r.outcome == Outcome::Success));
    assert!(mine.iter().any(|r| r.outcome == Outcome::Failure));
    assert!(
        records.iter().any(|r| r.action == "login"
            && r.user == "no.such.user"
            && r.outcome == Outcome::Failure)
    );
    assert!(mine.iter().all(|r| r.ip == "127.0.0.1"));
    app.stop().await;
}

// ---------------------------------------------------------------- 3. lockout

#[tokio::test]
async fn five_failures_lock_the_account_for_thirty_minutes() {
    let app = TestApp::start().await;
    app.seed_user("li.ming", Role::Reporter, "gov").await;
    let c = app.client();

    // The lock is never announced: every refusal reads like a wrong password.
    let refused = |r: &Resp, what: &str| {
        assert_eq!(r.status, 422, "{what}");
        assert_eq!(
            field_error(&r.body, "password").as_deref(),
            Some("用户名或密码错误"),
            "{what}"
        );
        assert!(!r.body.contains("锁定"), "{what}: {}", r.body);
    };
    for _ in 0..5 {
        refused(&c.login("li.ming", "Wrong-Password-1").await, "wrong");
    }
    // Now even the right password fails from this address.
    refused(
        &c.login("li.ming", PASSWORD).await,
        "locked, right password",
    );
    assert_redirect(&c.get("/admin").await, "/login");

    app.clock.advance(time::Duration::minutes(29));
    refused(&c.login("li.ming", PASSWORD).await, "still locked");

    app.clock.advance(time::Duration::minutes(2));
    // The count starts afresh: one more wrong password does not lock again.
    refused(
        &c.login("li.ming", "Wrong-Password-1").await,
        "wrong after expiry",
    );
    assert_redirect(&c.login("li.ming", PASSWORD).await, "/admin");
    assert_eq!(c.get("/admin").await.status, 200);

    let records = audit_records(&app).await;
    // Oldest first.
    let failures: Vec<_> = records
        .iter()
        .rev()
        .filter(|r| r.action == "login" && r.user == "li.ming" && r.outcome == Outcome::Failure)
        .collect();
    // 5 wrong + 2 refused while locked + 1 wrong after expiry; the log keeps the reason.
    assert_eq!(failures.len(), 8, "{failures:#?}");
    assert!(failures[4].detail.contains("已锁定"), "{failures:#?}");
    assert!(failures[5].detail.contains("已锁定"), "{failures:#?}");
    assert!(failures[7].detail.contains("密码错误"), "{failures:#?}");
    assert!(
        failures
            .iter()
            .all(|r| r.ip == "127.0.0.1" && r.unit == "gov")
    );
    assert!(
        records
            .iter()
            .any(|r| r.action == "login" && r.user == "li.ming" && r.outcome == Outcome::Success)
    );
    assert_eq!(audit::verify(&app.state.store).unwrap().broken, None);
    app.stop().await;
}

// ---------------------------------------------------------------- 4. per-IP throttle

#[tokio::test]
async fn per_ip_throttle_answers_429() {
    let app = TestApp::start_with(|cfg| cfg.auth.ip_attempts_per_minute = 3).await;
    app.seed_user("li.ming", Role::Reporter, "gov").await;
    let c = app.client();
    for name in ["li.ming", "someone.else", "li.ming"] {
        let r = c.login(name, "Wrong-Password-1").await;
        assert_eq!(r.status, 422, "{name}");
    }
    // The fourth attempt in the minute is refused, even with the right password.
    let fourth = c.login("li.ming", PASSWORD).await;
    assert_eq!(fourth.status, 429, "{}", fourth.body);
    assert!(fourth.body.contains("过于频繁"));
    assert_redirect(&c.get("/admin").await, "/login");
    // The throttle is per IP, not an account failure.
    assert_eq!(
        user_by_name(&app, "li.ming").await.unwrap().failed_logins,
        2
    );

    app.clock.advance(time::Duration::minutes(1));
    assert_redirect(&c.login("li.ming", PASSWORD).await, "/admin");
    app.stop().await;
}

// ---------------------------------------------------------------- 5. TOTP

#[tokio::test]
async fn totp_enrol_then_two_step_login_without_replay() {
    let app = TestApp::start().await;
    app.seed_user("wang.fang", Role::Reviewer, "gov").await;
    let c = logged_in(&app, "wang.fang", PASSWORD).await;

    let account = c.get("/account").await;
    assert_eq!(account.status, 200);
    assert!(account.body.contains("未启用"));

    let enrol = c.get("/account/totp").await;
    assert_eq!(enrol.status, 200, "{}", enrol.body);
    let secret = enrol_secret(&enrol);
    assert!(enrol.body.contains("otpauth://totp/"));
    let csrf = enrol.csrf();

    // A wrong code is refused and the same secret shown again.
    let bad_code = wrong_code(&app, &secret);
    let bad = c
        .post_raw("/account/totp", &[("csrf", &csrf), ("code", &bad_code)])
        .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(field_error(&bad.body, "code").is_some());
    assert_eq!(enrol_secret(&bad), secret);
    assert!(
        user_by_name(&app, "wang.fang")
            .await
            .unwrap()
            .totp_secret
            .is_none()
    );

    // The right code enables it.
    let good = c
        .post_raw(
            "/account/totp",
            &[("csrf", &csrf), ("code", &current_code(&app, &secret))],
        )
        .await;
    assert_redirect(&good, "/account");
    let u = user_by_name(&app, "wang.fang").await.unwrap();
    assert_eq!(u.totp_secret.as_deref(), Some(secret.as_str()));
    assert!(c.get("/account").await.body.contains("已启用"));

    assert_redirect(&c.post_form("/account", "/logout", &[]).await, "/");
    assert_redirect(&c.get("/admin").await, "/login");

    // Next time step: the enrolment code is spent.
    app.clock.advance(time::Duration::seconds(30));
    let first = c.login("wang.fang", PASSWORD).await;
    assert_redirect(&first, "/login/totp");
    // Half-way is not logged in.
    assert_redirect(&c.get("/admin").await, "/login");
    let step2 = c.get("/login/totp").await;
    assert_eq!(step2.status, 200);
    assert!(
        step2.body.contains("<label for=\"f-code\">动态验证码"),
        "{}",
        step2.body
    );

    let bad = c
        .post_form(
            "/login/totp",
            "/login/totp",
            &[("code", &wrong_code(&app, &secret))],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(field_error(&bad.body, "code").is_some());
    assert_redirect(&c.get("/admin").await, "/login");

    let code = current_code(&app, &secret);
    let ok = c
        .post_form("/login/totp", "/login/totp", &[("code", &code)])
        .await;
    assert_redirect(&ok, "/admin");
    assert_eq!(c.get("/admin").await.status, 200);
    assert_redirect(&c.post_form("/account", "/logout", &[]).await, "/");

    // Replaying the same code in a new login is refused.
    let c2 = app.client();
    assert_redirect(&c2.login("wang.fang", PASSWORD).await, "/login/totp");
    let replay = c2
        .post_form("/login/totp", "/login/totp", &[("code", &code)])
        .await;
    assert_eq!(replay.status, 422, "{}", replay.body);
    assert_redirect(&c2.get("/admin").await, "/login");

    // The next code works.
    app.clock.advance(time::Duration::seconds(30));
    let ok = c2
        .post_form(
            "/login/totp",
            "/login/totp",
            &[("code", &current_code(&app, &secret))],
        )
        .await;
    assert_redirect(&ok, "/admin");
    assert_eq!(c2.get("/admin").await.status, 200);

    let records = audit_records(&app).await;
    assert!(
        records
            .iter()
            .any(|r| r.action == "totp_enrol" && r.user == "wang.fang")
    );
    assert!(
        records
            .iter()
            .any(|r| r.action == "login_totp" && r.outcome == Outcome::Failure)
    );
    assert!(
        records
            .iter()
            .any(|r| r.action == "login_totp" && r.outcome == Outcome::Success)
    );
    app.stop().await;
}

#[tokio::test]
async fn totp_can_be_required_for_admins() {
    let app = TestApp::start_with(|cfg| cfg.auth.totp_required_for_admins = true).await;
    app.seed_user_without_totp("sys.admin", Role::Sysadmin, "gov")
        .await;
    app.seed_user("li.ming", Role::Reporter, "gov").await;
    app.seed_user("office.admin", Role::UnitAdmin, "gov").await;

    // The setting extends the requirement to unit admins.
    let unit_admin = logged_in(&app, "office.admin", PASSWORD).await;
    assert_redirect(&unit_admin.get("/admin").await, "/account/totp");
    assert_redirect(&unit_admin.get("/admin/checks").await, "/account/totp");

    let admin = logged_in(&app, "sys.admin", PASSWORD).await;
    assert_redirect(&admin.get("/admin").await, "/account/totp");
    assert_redirect(&admin.get("/admin/system").await, "/account/totp");
    let enrol = admin.get("/account/totp").await;
    assert_eq!(enrol.status, 200);
    assert!(enrol.body.contains("必须启用两步验证"));
    let secret = enrol_secret(&enrol);
    let r = admin
        .post_raw(
            "/account/totp",
            &[
                ("csrf", &enrol.csrf()),
                ("code", &current_code(&app, &secret)),
            ],
        )
        .await;
    assert_redirect(&r, "/account");
    assert_eq!(admin.get("/admin").await.status, 200);
    assert_eq!(admin.get("/admin/system").await.status, 200);

    // Not an admin role: no requirement.
    let reporter = logged_in(&app, "li.ming", PASSWORD).await;
    assert_eq!(reporter.get("/admin").await.status, 200);
    app.stop().await;
}

// ---------------------------------------------------------------- 6. sessions

#[tokio::test]
async fn idle_sessions_end() {
    let app = TestApp::start().await;
    app.seed_user("li.ming", Role::Reporter, "gov").await;
    let c = logged_in(&app, "li.ming", PASSWORD).await;
    assert_eq!(c.get("/admin").await.status, 200);
    // Activity keeps the session alive past 30 minutes in total...
    app.clock.advance(time::Duration::minutes(25));
    assert_eq!(c.get("/admin").await.status, 200);
    app.clock.advance(time::Duration::minutes(25));
    assert_eq!(c.get("/admin").await.status, 200);
    // ...but 31 idle minutes end it.
    app.clock.advance(time::Duration::minutes(31));
    assert_redirect(&c.get("/admin").await, "/login");
    app.stop().await;
}

#[tokio::test]
async fn logout_ends_the_session_on_the_server() {
    let app = TestApp::start().await;
    app.seed_user("li.ming", Role::Reporter, "gov").await;
    let c = logged_in(&app, "li.ming", PASSWORD).await;
    let copy = same_cookies(&app, &c);
    assert_eq!(copy.get("/admin").await.status, 200);

    let out = c.post_form("/account", "/logout", &[]).await;
    assert_redirect(&out, "/");
    assert!(
        !c.cookies.lock().unwrap().contains_key("gk_session"),
        "cookie cleared"
    );
    assert_redirect(&c.get("/admin").await, "/login");
    // The old cookie no longer works either.
    assert_redirect(&copy.get("/admin").await, "/login");
    assert!(
        audit_records(&app)
            .await
            .iter()
            .any(|r| r.action == "logout" && r.user == "li.ming")
    );
    app.stop().await;
}

#[tokio::test]
async fn logout_everywhere_keeps_only_this_session() {
    let app = TestApp::start().await;
    app.seed_user("li.ming", Role::Reporter, "gov").await;
    app.seed_user("zhang.wei", Role::Reporter, "gov").await;
    let here = logged_in(&app, "li.ming", PASSWORD).await;
    let elsewhere = logged_in(&app, "li.ming", PASSWORD).await;
    let bystander = logged_in(&app, "zhang.wei", PASSWORD).await;
    let old_here = same_cookies(&app, &here);

    let r = here.post_form("/account", "/account/logout-all", &[]).await;
    assert_redirect(&r, "/account");
    assert_eq!(here.get("/admin").await.status, 200, "current session kept");
    assert_redirect(&elsewhere.get("/admin").await, "/login");
    assert_redirect(&old_here.get("/admin").await, "/login");
    assert_eq!(
        bystander.get("/admin").await.status,
        200,
        "other users untouched"
    );
    app.stop().await;
}

#[tokio::test]
async fn password_change_ends_other_sessions() {
    let app = TestApp::start().await;
    app.seed_user("li.ming", Role::Reporter, "gov").await;
    let here = logged_in(&app, "li.ming", PASSWORD).await;
    let elsewhere = logged_in(&app, "li.ming", PASSWORD).await;

    let wrong = here
        .post_form(
            "/account/password",
            "/account/password",
            &[
                ("current_password", "Not-The-Password-1"),
                ("new_password", NEW_PASSWORD),
                ("new_password2", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(wrong.status, 422);
    assert_eq!(
        field_error(&wrong.body, "current_password").as_deref(),
        Some("当前密码不正确")
    );
    assert_eq!(
        elsewhere.get("/admin").await.status,
        200,
        "nothing changed yet"
    );

    let weak = here
        .post_form(
            "/account/password",
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "li.ming-Secret-1"),
                ("new_password2", "li.ming-Secret-1"),
            ],
        )
        .await;
    assert_eq!(weak.status, 422);
    assert_eq!(
        field_error(&weak.body, "new_password").as_deref(),
        Some("密码不能包含用户名")
    );

    let ok = here
        .post_form(
            "/account/password",
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", NEW_PASSWORD),
                ("new_password2", NEW_PASSWORD),
            ],
        )
        .await;
    assert_redirect(&ok, "/account");
    assert_eq!(here.get("/admin").await.status, 200);
    assert_redirect(&elsewhere.get("/admin").await, "/login");

    let c = app.client();
    assert_eq!(c.login("li.ming", PASSWORD).await.status, 422);
    assert_redirect(&c.login("li.ming", NEW_PASSWORD).await, "/admin");
    app.stop().await;
}

#[tokio::test]
async fn admin_reset_forces_a_password_change() {
    let app = TestApp::start().await;
    app.seed_user("sec.admin", Role::Secadmin, "gov").await;
    let uid = app.seed_user("zhao.lei", Role::Reporter, "gov").await;
    let user = logged_in(&app, "zhao.lei", PASSWORD).await;
    let sec = logged_in(&app, "sec.admin", PASSWORD).await;

    let detail = format!("/admin/users/{uid}");
    let reset = sec
        .post_form(&detail, &format!("{detail}/reset-password"), &[])
        .await;
    assert_eq!(reset.status, 200, "{}", reset.body);
    let marker = "临时密码（只显示这一次）：";
    let start = reset.body.find(marker).expect("temporary password shown") + marker.len();
    let temp: String = reset.body[start..]
        .chars()
        .take_while(|c| c.is_ascii_graphic())
        .collect();
    assert!(temp.len() >= 10, "temporary password: {temp:?}");

    // The reset ends the user's sessions and the old password.
    assert_redirect(&user.get("/admin").await, "/login");
    assert_eq!(user.login("zhao.lei", PASSWORD).await.status, 422);

    let r = user.login("zhao.lei", &temp).await;
    assert_eq!(r.status, 303);
    let first = r.location().unwrap().to_owned();
    assert!(
        first == "/account/password" || first == "/admin",
        "login goes to {first}"
    );
    // Every staff page sends the user to change the password first.
    assert_redirect(&user.get("/admin").await, "/account/password");
    assert_redirect(&user.get("/admin/users").await, "/account/password");
    let form = user.get("/account/password").await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("请先设置新密码"));

    let ok = user
        .post_form(
            "/account/password",
            "/account/password",
            &[
                ("current_password", &temp),
                ("new_password", NEW_PASSWORD),
                ("new_password2", NEW_PASSWORD),
            ],
        )
        .await;
    assert_redirect(&ok, "/account");
    assert_eq!(user.get("/admin").await.status, 200);
    assert!(
        !user_by_name(&app, "zhao.lei")
            .await
            .unwrap()
            .must_change_password
    );
    assert!(
        audit_records(&app)
            .await
            .iter()
            .any(|r| r.action == "password_reset"
                && r.user == "sec.admin"
                && r.object == "user:zhao.lei")
    );
    app.stop().await;
}

// ---------------------------------------------------------------- 7. CSRF

#[tokio::test]
async fn csrf_refusals() {
    let app = TestApp::start().await;
    app.seed_user("li.ming", Role::Reporter, "gov").await;
    let c = app.client();
    let token = c.get("/login").await.csrf();
    let creds = [("username", "li.ming"), ("password", PASSWORD)];

    let missing = c.post_raw("/login", &creds).await;
    assert_eq!(missing.status, 403);
    assert!(
        missing.body.contains("请求来源校验失败"),
        "{}",
        missing.body
    );
    // Inside <main>: the site name in the header links home on every page.
    assert!(
        main_of(&missing.body).contains("<a href=\"/\">返回网站首页</a>"),
        "a way back home"
    );
    assert!(
        missing
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"))
    );

    let bogus = "0".repeat(64);
    let wrong = c
        .post_raw("/login", &[("csrf", &bogus), creds[0], creds[1]])
        .await;
    assert_eq!(wrong.status, 403);
    assert!(wrong.body.contains("请求来源校验失败"));

    let with_token = [("csrf", token.as_str()), creds[0], creds[1]];
    let evil = post_with_headers(
        &app,
        &c,
        "/login",
        &with_token,
        &[("origin", "http://evil.example")],
    )
    .await;
    assert_eq!(evil.status, 403);
    assert!(evil.body.contains("请求来源校验失败"));
    let cross = post_with_headers(
        &app,
        &c,
        "/login",
        &with_token,
        &[("sec-fetch-site", "cross-site")],
    )
    .await;
    assert_eq!(cross.status, 403);
    assert!(cross.body.contains("请求来源校验失败"));
    assert_redirect(&c.get("/admin").await, "/login");

    // The same request from our own origin goes through.
    let own = format!("http://{}", app.addr);
    let fine = post_with_headers(
        &app,
        &c,
        "/login",
        &with_token,
        &[("origin", own.as_str()), ("sec-fetch-site", "same-origin")],
    )
    .await;
    assert_redirect(&fine, "/admin");
    let session = fine
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("gk_session="))
        .and_then(|v| v.split(';').next())
        .expect("session cookie")
        .to_owned();
    c.cookies
        .lock()
        .unwrap()
        .insert("gk_session".into(), session);
    assert_eq!(c.get("/admin").await.status, 200);

    // Logged in: the session's token is required; the anonymous one does not do.
    let other_device = logged_in(&app, "li.ming", PASSWORD).await;
    let anon_token = c.cookies.lock().unwrap().get("gk_csrf").cloned().unwrap();
    for fields in [
        vec![],
        vec![("csrf", anon_token.as_str())],
        vec![("csrf", bogus.as_str())],
    ] {
        let r = c.post_raw("/account/logout-all", &fields).await;
        assert_eq!(r.status, 403, "{fields:?}");
        assert!(r.body.contains("请求来源校验失败"));
    }
    let session_token = c.get("/account").await.csrf();
    let r = post_with_headers(
        &app,
        &c,
        "/account/logout-all",
        &[("csrf", &session_token)],
        &[("origin", "http://evil.example")],
    )
    .await;
    assert_eq!(r.status, 403);
    let r = post_with_headers(
        &app,
        &c,
        "/account/logout-all",
        &[("csrf", &session_token)],
        &[("sec-fetch-site", "cross-site")],
    )
    .await;
    assert_eq!(r.status, 403);
    // None of the refused requests did anything.
    assert_eq!(other_device.get("/admin").await.status, 200);
    assert_eq!(c.get("/admin").await.status, 200);
    app.stop().await;
}

// ---------------------------------------------------------------- 8. 三员分立

#[tokio::test]
async fn separation_of_the_three_admin_duties() {
    let app = TestApp::start().await;
    app.seed_user("sec.admin", Role::Secadmin, "gov").await;
    let uid = app.seed_user("liu.yang", Role::Reporter, "gov").await;
    let sec = logged_in(&app, "sec.admin", PASSWORD).await;
    let detail = format!("/admin/users/{uid}");
    let roles_path = format!("{detail}/roles");
    let roles_of = |u: &User| {
        let mut r: Vec<Role> = u.grants.iter().map(|g| g.role).collect();
        r.sort();
        r
    };

    for pair in [
        ["sysadmin", "auditor"],
        ["secadmin", "auditor"],
        ["sysadmin", "secadmin"],
    ] {
        let r = sec
            .post_form(
                &detail,
                &roles_path,
                &[("role", pair[0]), ("role", pair[1]), ("scope", "gov")],
            )
            .await;
        assert_eq!(r.status, 422, "{pair:?}: {}", r.body);
        assert!(r.body.contains("三员分立"), "{pair:?}");
        let u = user_by_name(&app, "liu.yang").await.unwrap();
        assert_eq!(
            roles_of(&u),
            vec![Role::Reporter],
            "{pair:?} left roles unchanged"
        );
    }

    // Allowed combinations go through (so the refusal above is about 三员).
    let r = sec
        .post_form(
            &detail,
            &roles_path,
            &[
                ("role", "reviewer"),
                ("role", "publisher"),
                ("scope", "gov"),
            ],
        )
        .await;
    assert_redirect(&r, &detail);
    let u = user_by_name(&app, "liu.yang").await.unwrap();
    assert_eq!(roles_of(&u), vec![Role::Reviewer, Role::Publisher]);
    // Giving an account one of the three duties is a request: nothing changes until a
    // second admin of another duty approves it (see `three_duties_need_a_second_admin`).
    let r = sec
        .post_form(
            &detail,
            &roles_path,
            &[("role", "auditor"), ("role", "reporter"), ("scope", "gov")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let request = r.location().unwrap().to_owned();
    assert!(request.starts_with("/admin/requests/"), "{request}");
    let u = user_by_name(&app, "liu.yang").await.unwrap();
    assert_eq!(roles_of(&u), vec![Role::Reviewer, Role::Publisher]);
    app.seed_user("sys.admin", Role::Sysadmin, "gov").await;
    let sys = logged_in(&app, "sys.admin", PASSWORD).await;
    let ok = sys
        .post_form(
            &request,
            &format!("{request}/flow"),
            &[("transition", "approve")],
        )
        .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    let u = user_by_name(&app, "liu.yang").await.unwrap();
    assert_eq!(roles_of(&u), vec![Role::Reporter, Role::Auditor]);

    // Store level: the model check, create_user and save_user all refuse.
    let gov = UnitCode::parse("gov").unwrap();
    let grant = |role| Grant {
        role,
        unit: gov.clone(),
    };
    let msg = check_separation(&[grant(Role::Sysadmin), grant(Role::Auditor)]).unwrap_err();
    assert!(msg.contains("三员分立"));
    assert!(check_separation(&[grant(Role::Sysadmin), grant(Role::Publisher)]).is_ok());

    let grants = vec![grant(Role::Sysadmin), grant(Role::Auditor)];
    let hash = gongkai::auth::password::hash(PASSWORD).unwrap();
    let created = app
        .state
        .store
        .write(move |txn| {
            users::create_user(
                txn,
                NewUser {
                    username: Username::parse("two.hats").unwrap(),
                    display_name: "两顶帽子".into(),
                    unit: UnitCode::parse("gov").unwrap(),
                    grants,
                    password_hash: hash,
                    must_change_password: false,
                },
                0,
            )
        })
        .await
        .unwrap();
    let err = created.expect_err("create_user refuses sysadmin + auditor");
    assert_eq!(err.field, "role");
    assert!(err.message.contains("三员分立"));
    assert!(user_by_name(&app, "two.hats").await.is_none());

    let mut u = user_by_name(&app, "liu.yang").await.unwrap();
    u.grants.push(grant(Role::Secadmin));
    let saved = app
        .state
        .store
        .write(move |txn| users::save_user(txn, &u))
        .await;
    assert!(saved.is_err(), "save_user refuses auditor + secadmin");
    let u = user_by_name(&app, "liu.yang").await.unwrap();
    assert_eq!(roles_of(&u), vec![Role::Reporter, Role::Auditor]);
    app.stop().await;
}

// ---------------------------------------------------------------- gates on POSTs too

/// A forced password change or a required two-factor enrolment must hold for form
/// submissions as well as for pages: an account in that state changes nothing.
#[tokio::test]
async fn pending_password_change_or_totp_enrolment_blocks_admin_posts() {
    let app = TestApp::start_with(|cfg| cfg.auth.totp_required_for_admins = true).await;
    app.seed_user_without_totp("sec.admin", Role::Secadmin, "gov")
        .await;
    app.seed_user_without_totp("sys.admin", Role::Sysadmin, "gov")
        .await;
    let uid = app.seed_user("liu.yang", Role::Reporter, "gov").await;

    // Admins without TOTP: pages and posts alike go to enrolment first.
    let sec = logged_in(&app, "sec.admin", PASSWORD).await;
    let roles_path = format!("/admin/users/{uid}/roles");
    let r = sec
        .post_form(
            "/account",
            &roles_path,
            &[("role", "publisher"), ("scope", "gov")],
        )
        .await;
    assert_redirect(&r, "/account/totp");
    let u = user_by_name(&app, "liu.yang").await.unwrap();
    assert!(u.has_role(Role::Reporter) && !u.has_role(Role::Publisher));
    let r = sec
        .post_form(
            "/account",
            &format!("/admin/users/{uid}/reset-password"),
            &[],
        )
        .await;
    assert_redirect(&r, "/account/totp");
    let r = sec
        .post_form(
            "/account",
            "/admin/users/new",
            &[
                ("username", "new.person"),
                ("display_name", "新人"),
                ("unit", "gov"),
                ("role", "reporter"),
                ("password", NEW_PASSWORD),
            ],
        )
        .await;
    assert_redirect(&r, "/account/totp");
    assert!(user_by_name(&app, "new.person").await.is_none());

    let sys = logged_in(&app, "sys.admin", PASSWORD).await;
    let unit = [
        ("code", "newdept"),
        ("name", "新部门"),
        ("kind", "department"),
        ("parent", "gov"),
    ];
    let r = sys.post_form("/account", "/admin/units", &unit).await;
    assert_redirect(&r, "/account/totp");
    let r = sys.post_form("/account", "/admin/system/backup", &[]).await;
    assert_redirect(&r, "/account/totp");
    let units = app.state.store.read(users::list_units).await.unwrap();
    assert!(units.iter().all(|u| u.code.as_str() != "newdept"));

    // After enrolment the same post works.
    let enrol = sys.get("/account/totp").await;
    let secret = enrol_secret(&enrol);
    let r = sys
        .post_raw(
            "/account/totp",
            &[
                ("csrf", &enrol.csrf()),
                ("code", &current_code(&app, &secret)),
            ],
        )
        .await;
    assert_redirect(&r, "/account");
    let r = sys.post_form("/account", "/admin/units", &unit).await;
    assert_redirect(&r, "/admin/units");

    // An admin whose password was reset must change it before changing anything. (A unit
    // admin: resetting one of the three duties is a request, and its owner then chooses the
    // password through a one-time link, so there is nothing to change afterwards.)
    let app2 = TestApp::start().await;
    app2.seed_user("sec.admin", Role::Secadmin, "gov").await;
    let admin_id = app2.seed_user("office.admin", Role::UnitAdmin, "gov").await;
    let sec = logged_in(&app2, "sec.admin", PASSWORD).await;
    let detail = format!("/admin/users/{admin_id}");
    let reset = sec
        .post_form(&detail, &format!("{detail}/reset-password"), &[])
        .await;
    assert_eq!(reset.status, 200);
    let marker = "临时密码（只显示这一次）：";
    let start = reset.body.find(marker).unwrap() + marker.len();
    let temp: String = reset.body[start..]
        .chars()
        .take_while(|c| c.is_ascii_graphic())
        .collect();
    let admin = app2.client();
    assert_eq!(admin.login("office.admin", &temp).await.status, 303);
    assert_redirect(&admin.get("/admin/checks").await, "/account/password");
    let rules = [("op", "save"), ("rules", "禁用词 测试")];
    let r = admin.post_form("/account", "/admin/checks", &rules).await;
    assert_redirect(&r, "/account/password");
    let saved = app2
        .state
        .store
        .read(|txn| {
            Ok(txn
                .open_table(gongkai::store::tables::META)?
                .get("check_rules")?
                .is_some())
        })
        .await
        .unwrap();
    assert!(!saved, "nothing saved while the password change is pending");
    app2.stop().await;
    app.stop().await;
}

/// The `<input …>` tag of the field with this id.
fn input_tag<'a>(body: &'a str, id: &str) -> &'a str {
    let at = body
        .find(&format!("<input id=\"{id}\""))
        .unwrap_or_else(|| panic!("no input #{id}"));
    let end = body[at..].find('>').map_or(body.len(), |e| at + e);
    &body[at..end]
}

#[tokio::test]
async fn login_page_starts_where_typing_begins() {
    let app = TestApp::start().await;
    app.seed_user("focus1", Role::Reporter, "gov").await;
    let c = app.client();
    let page = c.get("/login").await;
    assert!(input_tag(&page.body, "f-username").contains(" autofocus"));
    assert!(!input_tag(&page.body, "f-password").contains(" autofocus"));
    // A wrong password brings the name back: the cursor goes to the password.
    let r = c.login("focus1", "wrong-password-1").await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(!input_tag(&r.body, "f-username").contains(" autofocus"));
    assert!(input_tag(&r.body, "f-password").contains(" autofocus"));
    app.stop().await;
}
