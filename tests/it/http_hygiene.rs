//! HTTP hygiene: size limits, slowloris timeout, hashed immutable assets with
//! ETag/304 and compression, security headers, IPv6 and several listeners.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{Client, TestApp};

fn asset_urls(body: &str) -> Vec<String> {
    body.split("\"/static/")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(|s| format!("/static/{s}"))
        .collect()
}

#[tokio::test]
async fn security_headers_on_every_page() {
    let app = TestApp::start().await;
    let c = app.client();
    for path in ["/", "/login", "/nope", "/healthz"] {
        let r = c.get(path).await;
        let h = |k: &str| {
            r.headers
                .get(k)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned()
        };
        let csp = h("content-security-policy");
        assert!(csp.contains("script-src 'self'"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}");
        assert_eq!(h("x-content-type-options"), "nosniff", "{path}");
        assert!(!h("referrer-policy").is_empty(), "{path}");
        assert_eq!(h("x-request-id").len(), 12, "{path}");
    }
    // No inline script anywhere on the pages.
    let home = c.get("/").await.body;
    assert!(!home.contains("<script>"), "inline script found");
    app.stop().await;
}

#[tokio::test]
async fn assets_are_hashed_immutable_cached_and_compressed() {
    let app = TestApp::start().await;
    let c = app.client();
    let urls = asset_urls(&c.get("/").await.body);
    assert!(urls.iter().any(|u| u.ends_with("css/site.css")), "{urls:?}");
    let css = urls.iter().find(|u| u.ends_with(".css")).unwrap();
    let r = c.get(css).await;
    assert_eq!(r.status, 200);
    assert!(
        r.headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    assert!(
        r.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
    let etag = r.headers["etag"].to_str().unwrap().to_owned();

    let http = reqwest::Client::new();
    let r304 = http
        .get(format!("{}{css}", app.base))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r304.status(), 304);

    for enc in ["gzip", "br"] {
        let r = http
            .get(format!("{}{css}", app.base))
            .header("accept-encoding", enc)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(
            r.headers()
                .get("content-encoding")
                .and_then(|v| v.to_str().ok()),
            Some(enc)
        );
    }
    // An unknown asset is a 404 page; an old hash is served but not cached forever.
    assert_eq!(c.get("/static/abc/css/none.css").await.status, 404);
    let stale = c.get("/static/000000000000/css/site.css").await;
    assert_eq!(stale.status, 200);
    assert_eq!(stale.headers["cache-control"], "no-cache");
    app.stop().await;
}

#[tokio::test]
async fn oversized_bodies_and_heads_are_refused() {
    let app = TestApp::start_with(|c| c.server.max_body_bytes = 4096).await;
    let c = app.client();
    let token = c.get("/login").await.csrf();
    let big = "x".repeat(20_000);
    let r = c
        .post_raw(
            "/login",
            &[
                ("csrf", token.as_str()),
                ("username", big.as_str()),
                ("password", "x"),
            ],
        )
        .await;
    assert_eq!(r.status, 413, "{}", r.body);
    assert!(r.body.contains("过大"), "a clear page: {}", r.body);

    // A request head larger than the limit is refused, not buffered: hyper answers 431
    // and closes. Only that answer counts; a connection error without it does not.
    let mut s = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let huge = format!(
        "GET / HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
        "a".repeat(64 * 1024)
    );
    // The server may stop reading (and close) before all of it is sent.
    let _ = s.write_all(huge.as_bytes()).await;
    let (got, end) = read_until_closed(&mut s, Duration::from_secs(5)).await;
    let head = String::from_utf8_lossy(&got);
    assert!(
        head.starts_with("HTTP/1.1 431 "),
        "head too large: expected a 431 answer, got {head:?} then {end:?}"
    );
    app.stop().await;
}

/// Reads until the peer closes (or resets) the connection, at most `limit`; returns the
/// bytes read and how the connection ended (`Ok` for a clean close). Panics if it is still
/// open after `limit`.
async fn read_until_closed(
    s: &mut tokio::net::TcpStream,
    limit: Duration,
) -> (Vec<u8>, std::io::Result<()>) {
    let mut got = Vec::new();
    let end = tokio::time::timeout(limit, async {
        let mut buf = [0u8; 4096];
        loop {
            match s.read(&mut buf).await {
                Ok(0) => return Ok(()),
                Ok(n) => got.extend_from_slice(&buf[..n]),
                Err(e) => return Err(e),
            }
        }
    })
    .await
    .unwrap_or_else(|_| {
        panic!(
            "connection still open after {limit:?}; read {:?}",
            String::from_utf8_lossy(&got)
        )
    });
    (got, end)
}

#[tokio::test]
async fn slow_request_heads_are_cut_off() {
    let limit = Duration::from_secs(1);
    let app = TestApp::start_with(|c| c.server.header_read_timeout_secs = limit.as_secs()).await;
    // Timed from before the connection exists, so the server's timer starts after ours.
    // (A monotonic interval, not the wall clock: the limit is real time in the server.)
    let started = std::time::Instant::now();
    let mut s = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    // Never finish the head: the server must close the connection by itself, after the
    // limit and not much later. The bound is twice the limit plus a second of slack for a
    // loaded machine: a limit not enforced, or several times longer, fails here.
    let bound = limit * 2 + Duration::from_secs(1);
    let (got, end) = read_until_closed(&mut s, bound).await;
    let took = started.elapsed();
    // hyper closes a connection whose head timed out without answering; everything sent
    // was read, so the close is a clean one (no reset).
    end.expect("a clean close, not a connection error");
    assert!(
        got.is_empty(),
        "closed without an answer: {:?}",
        String::from_utf8_lossy(&got)
    );
    assert!(
        took >= limit,
        "cut off after {took:?}, before the {limit:?} limit"
    );
    assert!(took < bound, "cut off after {took:?}, limit {limit:?}");
    app.stop().await;
}

#[tokio::test]
async fn listens_on_ipv4_and_ipv6_together() {
    // The IPv6 listener is required, not tried: a machine without an IPv6 loopback fails
    // this test with the reason rather than passing it without testing IPv6.
    if let Err(e) = std::net::TcpListener::bind("[::1]:0") {
        panic!(
            "this test needs an IPv6 loopback, but [::1] cannot be bound here: {e} \
             (enable IPv6 on lo, e.g. sysctl net.ipv6.conf.lo.disable_ipv6=0)"
        );
    }
    let app = TestApp::start_with(|c| {
        c.server.listen = vec!["127.0.0.1:0".into(), "[::1]:0".into()];
    })
    .await;
    assert_eq!(app.addrs.len(), 2);
    let (v4, v6) = (app.addrs[0], app.addrs[1]);
    assert!(v4.is_ipv4(), "{v4}");
    assert!(v6.is_ipv6(), "{v6}");
    for a in [v4, v6] {
        let r = Client::new(&format!("http://{a}")).get("/healthz").await;
        assert_eq!(r.status, 200, "{a}");
    }
    app.stop().await;
}

#[tokio::test]
async fn forms_keep_input_and_show_errors_in_chinese() {
    let app = TestApp::start().await;
    let c: Client = app.client();
    let r = c.login("someone", "").await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("请输入密码"), "{}", r.body);
    assert!(r.body.contains("value=\"someone\""), "input kept");
    app.stop().await;
}
