//! Behind a TLS-terminating reverse proxy (issue 9, defect 9): `X-Forwarded-For` and
//! `X-Forwarded-Proto` count only from `server.trusted_proxies`, and every address-based
//! feature (login throttle, /metrics networks, audit) uses the one resolved client;
//! `server.secure_cookies` forces `Secure` on the cookies.

use gongkai::auth::model::Role;

use crate::auth_flows::{assert_redirect, audit_records};
use crate::helpers::{PASSWORD, Resp, TestApp};

fn set_cookie(r: &Resp, name: &str) -> String {
    r.headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no {name} cookie set: {:?}", r.headers))
        .to_owned()
}

/// The address of the newest `login` audit record.
async fn last_login_ip(app: &TestApp) -> String {
    audit_records(app)
        .await
        .into_iter()
        .find(|r| r.action == "login")
        .expect("a login record")
        .ip
}

#[tokio::test]
async fn forwarded_headers_count_only_from_trusted_proxies() {
    let app = TestApp::start_with(|cfg| {
        cfg.set_text("server.trusted_proxies", "127.0.0.1, 10.0.0.0/8", "test")
            .expect("setting exists");
        cfg.ops.metrics_networks = vec!["127.0.0.1/32".into()];
        cfg.auth.ip_attempts_per_minute = 2;
    })
    .await;
    app.seed_user("li.ming", Role::Reporter, "gov").await;

    // Through the proxy at 127.0.0.1: the client is the right-most address that is not a
    // trusted proxy (the first entry is the client's own, and may be forged), and it came
    // over HTTPS.
    let via = app.client_via(
        None,
        &[
            ("x-forwarded-for", "127.0.0.1, 203.0.113.7, 10.1.2.3"),
            ("x-forwarded-proto", "https"),
        ],
    );
    let r = via.login("li.ming", PASSWORD).await;
    assert_redirect(&r, "/admin");
    assert!(set_cookie(&r, "gk_session").contains("; Secure"), "{r:?}");
    assert!(r.headers.get("strict-transport-security").is_some());
    assert_eq!(last_login_ip(&app).await, "203.0.113.7");
    // That client is not in metrics_networks, though the proxy is.
    assert_eq!(via.get("/metrics").await.status, 403);
    assert_eq!(app.client().get("/metrics").await.status, 200);

    // The login throttle counts clients, not the proxy they share.
    let a = app.client_via(None, &[("x-forwarded-for", "203.0.113.8")]);
    for _ in 0..2 {
        assert_eq!(a.login("li.ming", "Wrong-Password-1").await.status, 422);
    }
    assert_eq!(a.login("li.ming", "Wrong-Password-1").await.status, 429);
    let b = app.client_via(None, &[("x-forwarded-for", "203.0.113.9")]);
    assert_eq!(b.login("li.ming", "Wrong-Password-1").await.status, 422);

    // From an address that is not a trusted proxy the headers are ignored: no HTTPS, no
    // other address, no way into /metrics by claiming to be 127.0.0.1.
    let direct = app.client_via(
        Some("127.0.0.2"),
        &[
            ("x-forwarded-for", "127.0.0.1"),
            ("x-forwarded-proto", "https"),
        ],
    );
    let r = direct.login("li.ming", PASSWORD).await;
    assert_redirect(&r, "/admin");
    assert!(!set_cookie(&r, "gk_session").contains("Secure"), "{r:?}");
    assert!(r.headers.get("strict-transport-security").is_none());
    assert_eq!(last_login_ip(&app).await, "127.0.0.2");
    assert_eq!(direct.get("/metrics").await.status, 403);
    app.stop().await;
}

#[tokio::test]
async fn secure_cookies_can_be_forced() {
    // Plain HTTP, no proxy: not Secure (a browser would drop it).
    let plain = TestApp::start().await;
    plain.seed_user("li.ming", Role::Reporter, "gov").await;
    let c = plain.client();
    assert!(!set_cookie(&c.get("/login").await, "gk_csrf").contains("Secure"));
    assert!(!set_cookie(&c.login("li.ming", PASSWORD).await, "gk_session").contains("Secure"));
    plain.stop().await;

    let app = TestApp::start_with(|cfg| {
        cfg.set_text("server.secure_cookies", "true", "test")
            .expect("setting exists");
    })
    .await;
    app.seed_user("li.ming", Role::Reporter, "gov").await;
    let c = app.client();
    let page = c.get("/login").await;
    assert!(
        set_cookie(&page, "gk_csrf").contains("; Secure"),
        "{page:?}"
    );
    let r = c.login("li.ming", PASSWORD).await;
    assert_redirect(&r, "/admin");
    assert!(set_cookie(&r, "gk_session").contains("; Secure"), "{r:?}");
    let out = c.post_form("/account", "/logout", &[]).await;
    let cleared = set_cookie(&out, "gk_session");
    assert!(
        cleared.contains("Max-Age=0") && cleared.contains("; Secure"),
        "{cleared}"
    );
    app.stop().await;
}
