//! Stored files and uploads (issue 9, defects 1 and 5).
//!
//! - `/files/{sha}/{name}` sends what the stored bytes are, never what the URL's name says:
//!   raster pictures inline, everything else (SVG, script, HTML…) as a download with
//!   `Content-Security-Policy: sandbox` and `nosniff`.
//! - A file is public only while a public item uses it; a draft's files are for the staff who
//!   may see the draft; withdrawal ends public access (and revalidation) at once.
//! - The upload routes answer anyone but a fully logged-in staff member before reading the
//!   body, and stream files to disk; a broken upload leaves nothing behind.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use gongkai::auth::model::Role;
use gongkai::portal::model::Article;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::{
    Bytes, Client, PASSWORD, Part, TestApp, channel_id, demo_filled, multipart, png,
    publish_via_flow, staff, stored, take,
};

const OCTETS: &str = "application/octet-stream";

/// What a writer's script would do once it runs on the site's origin.
const SCRIPT: &[u8] = b"fetch('/admin/users').then(function (r) { return r.text(); });";

/// An SVG loading a script stored as another attachment.
fn svg_loading(script_sha: &str) -> Vec<u8> {
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg"><script href="/files/{script_sha}/p.js"/><script>alert(document.domain)</script></svg>"#
    )
    .into_bytes()
}

/// A draft in commerce's 工作动态, saved through the form by `c`.
async fn new_draft(app: &TestApp, c: &Client, title: &str) -> Article {
    let ch = channel_id(app, "commerce", "work").to_string();
    let r = c
        .post_form(
            "/admin/articles/new",
            "/admin/articles/new",
            &[
                ("title", title),
                ("source", "区商务局"),
                ("body", "第一段。"),
                ("channel", &ch),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let id: u64 = r
        .location()
        .and_then(|l| l.strip_prefix("/admin/articles/"))
        .and_then(|s| s.split('?').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{:?}", r.location()));
    stored(app, id).await
}

/// Sends files (field, name, bytes) through the item's attachment form.
async fn upload(c: &Client, app: &TestApp, id: u64, files: &[(&str, &str, &[u8])]) -> u16 {
    let token = c.get("/account").await.csrf();
    let rev = stored(app, id).await.revision.to_string();
    let mut parts: Vec<Part<'_>> = vec![
        ("csrf", None, token.as_bytes()),
        ("revision", None, rev.as_bytes()),
    ];
    for (field, name, data) in files {
        parts.push((field, Some(name), data));
    }
    let r = c
        .post_multipart(
            &format!("/admin/articles/{id}/files"),
            multipart(OCTETS, &parts),
            &[],
        )
        .await;
    r.status
}

fn sha_of(a: &Article, name: &str) -> String {
    a.attachments
        .iter()
        .chain(a.cover.iter())
        .find(|x| x.name == name)
        .unwrap_or_else(|| panic!("{name} stored on the item"))
        .sha
        .clone()
}

fn has_sandbox(r: &Bytes) -> bool {
    r.header("content-security-policy")
        .split(';')
        .any(|d| d.trim() == "sandbox")
}

/// A download no browser will render or run on this site's origin.
fn assert_download(r: &Bytes, what: &str) {
    assert_eq!(r.status, 200, "{what}");
    let ct = r.header("content-type");
    assert!(
        !ct.starts_with("image/") && !ct.contains("html") && !ct.contains("script"),
        "{what}: served as {ct}"
    );
    assert!(
        r.header("content-disposition").starts_with("attachment;"),
        "{what}: {}",
        r.header("content-disposition")
    );
    assert_eq!(r.header("x-content-type-options"), "nosniff", "{what}");
    assert!(
        has_sandbox(r),
        "{what}: {}",
        r.header("content-security-policy")
    );
}

#[tokio::test]
async fn script_and_svg_attachments_are_sandboxed_downloads_whatever_the_url_says() {
    let app = demo_filled().await;
    let writer = staff(&app, "t-rep", Role::Reporter, "commerce").await;
    let secadmin = staff(&app, "t-sec", Role::Secadmin, "gov").await;
    let draft = new_draft(&app, &writer, "带附件的草稿").await;
    let script_sha = gongkai::ids::sha256_hex(SCRIPT);
    let svg = svg_loading(&script_sha);
    let status = upload(
        &writer,
        &app,
        draft.id,
        &[
            ("attachments", "脚本.txt", SCRIPT),
            ("attachments", "图表.txt", &svg),
        ],
    )
    .await;
    assert_eq!(status, 303);
    // A picture's name on bytes that are no picture is refused at the door (issue 11:
    // files are typed by content); what gets in is still served as below.
    let status = upload(
        &writer,
        &app,
        draft.id,
        &[("attachments", "示意图.png", &svg)],
    )
    .await;
    assert_eq!(status, 422);
    let a = stored(&app, draft.id).await;
    assert_eq!(sha_of(&a, "脚本.txt"), script_sha);
    let svg_sha = sha_of(&a, "图表.txt");
    for sha in [&script_sha, &svg_sha] {
        for name in ["x.svg", "x.html", "x.js", "x.png", "x.txt"] {
            let url = format!("/files/{sha}/{name}");
            let r = writer.get_bytes(&url, &[]).await;
            assert_download(&r, &url);
            assert_eq!(r.header("cache-control"), "private, no-store", "{url}");
        }
    }
    // The recorded type is what the bytes are, not what the name says.
    assert!(
        a.attachments
            .iter()
            .all(|x| x.mime == "application/octet-stream"),
        "{:?}",
        a.attachments
    );

    // The stored name, not the URL's, names the download.
    let r = writer
        .get_bytes(&format!("/files/{svg_sha}/evil.svg"), &[])
        .await;
    assert!(
        r.header("content-disposition")
            .ends_with("filename*=UTF-8''%E5%9B%BE%E8%A1%A8.txt"),
        "{}",
        r.header("content-disposition")
    );
    // The 安全管理员 the script was aimed at does not get a writer's draft file at all.
    let r = secadmin
        .get_bytes(&format!("/files/{svg_sha}/x.svg"), &[])
        .await;
    assert_eq!(r.status, 404);

    // A cover is shown as a picture, so its bytes must be one, whatever its name.
    let before = stored(&app, draft.id).await;
    let token = writer.get("/account").await.csrf();
    let rev = before.revision.to_string();
    let r = writer
        .post_multipart(
            &format!("/admin/articles/{}/files", draft.id),
            multipart(
                OCTETS,
                &[
                    ("csrf", None, token.as_bytes()),
                    ("revision", None, rev.as_bytes()),
                    ("cover", Some("封面.png"), &svg),
                ],
            ),
            &[],
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.body.contains("“封面.png”不是有效的图片文件"),
        "{}",
        r.body
    );
    assert_eq!(stored(&app, draft.id).await, before, "nothing changed");
    app.stop().await;
}

#[tokio::test]
async fn the_url_name_cannot_change_the_served_type() {
    let app = demo_filled().await;
    let writer = staff(&app, "t-rep", Role::Reporter, "commerce").await;
    let draft = new_draft(&app, &writer, "配图和说明").await;
    let png = png();
    let html = b"<!doctype html><script>alert(1)</script>".to_vec();
    let status = upload(
        &writer,
        &app,
        draft.id,
        &[
            ("cover", "封面.png", &png),
            ("attachments", "说明.txt", &html),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let a = stored(&app, draft.id).await;
    assert_eq!(a.cover.as_ref().map(|c| c.mime.as_str()), Some("image/png"));
    let (png_sha, html_sha) = (sha_of(&a, "封面.png"), sha_of(&a, "说明.txt"));
    let r = take(&writer, &app, draft.id, "submit", &[]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    publish_via_flow(&app, draft.id).await;

    let anon = app.client();
    for name in ["x.svg", "x.html", "x.png", "x"] {
        let r = anon
            .get_bytes(&format!("/files/{png_sha}/{name}"), &[])
            .await;
        assert_eq!(r.status, 200, "{name}");
        assert_eq!(r.header("content-type"), "image/png", "{name}");
        assert_eq!(
            r.header("content-disposition"),
            "inline; filename*=UTF-8''%E5%B0%81%E9%9D%A2.png",
            "{name}"
        );
        assert_eq!(r.header("x-content-type-options"), "nosniff");
        assert!(has_sandbox(&r), "{name}");
        assert_eq!(r.body, png);

        let r = anon
            .get_bytes(&format!("/files/{html_sha}/{name}"), &[])
            .await;
        assert_download(&r, name);
        assert_eq!(r.header("content-type"), "application/octet-stream");
        assert_eq!(r.body, html);
    }
    app.stop().await;
}

#[tokio::test]
async fn a_file_is_public_only_while_its_item_is() {
    let app = demo_filled().await;
    let writer = staff(&app, "t-rep", Role::Reporter, "commerce").await;
    let draft = new_draft(&app, &writer, "通知草稿").await;
    let pdf = b"%PDF-1.4 gongkai".repeat(100);
    assert_eq!(
        upload(
            &writer,
            &app,
            draft.id,
            &[("attachments", "通知.pdf", &pdf)]
        )
        .await,
        303
    );
    let sha = sha_of(&stored(&app, draft.id).await, "通知.pdf");
    let url = format!("/files/{sha}/%E9%80%9A%E7%9F%A5.pdf");
    let anon = app.client();

    // A draft's file: its writer has it, privately; nobody else does.
    assert_eq!(anon.get_bytes(&url, &[]).await.status, 404, "anonymous");
    let r = writer.get_bytes(&url, &[]).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), "application/pdf");
    assert_eq!(r.header("cache-control"), "private, no-store");
    assert_eq!(r.body, pdf);
    for (user, role, unit) in [
        ("t-edu-rep", Role::Reporter, "edu"),
        ("t-commerce-admin", Role::UnitAdmin, "commerce"),
        ("t-sec", Role::Secadmin, "gov"),
        ("t-sys", Role::Sysadmin, "gov"),
    ] {
        let c = staff(&app, user, role, unit).await;
        assert_eq!(c.get_bytes(&url, &[]).await.status, 404, "{user}");
    }

    // Published: everyone, cached only with revalidation.
    let r = take(&writer, &app, draft.id, "submit", &[]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    publish_via_flow(&app, draft.id).await;
    let r = anon.get_bytes(&url, &[]).await;
    assert_eq!(r.status, 200);
    assert_download(&r, "a published PDF");
    assert_eq!(r.header("content-type"), "application/pdf");
    let cache = r.header("cache-control");
    assert!(
        cache.contains("no-cache") && !cache.contains("immutable"),
        "{cache}"
    );
    let etag = r.header("etag").to_owned();
    assert_eq!(etag, format!("\"{sha}\""));
    let again = anon
        .get_bytes(&url, &[("if-none-match", etag.as_str())])
        .await;
    assert_eq!(again.status, 304);

    // Withdrawn: gone for the public at once, revalidation included; still there for staff.
    let publisher = staff(&app, "wf-pub-commerce", Role::Publisher, "commerce").await;
    let r = take(
        &publisher,
        &app,
        draft.id,
        "withdraw",
        &[("comment", "已过时效")],
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(anon.get_bytes(&url, &[]).await.status, 404);
    let again = anon
        .get_bytes(&url, &[("if-none-match", etag.as_str())])
        .await;
    assert_eq!(again.status, 404, "a cache asking again is told it is gone");
    let r = writer.get_bytes(&url, &[]).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("cache-control"), "private, no-store");
    app.stop().await;
}

// ---- uploads: the session before the body, and the body to disk

const BOUNDARY: &str = "gongkai-raw-boundary-7f3a";

/// The start of a multipart body: the token, then the head of a file part.
fn body_start(token: &str) -> Vec<u8> {
    format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{token}\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"attachments\"; filename=\"big.pdf\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n%PDF-1.4 "
    )
    .into_bytes()
}

/// Opens a connection and sends a POST's head declaring `declared` body bytes, then `first`.
async fn start_post(
    app: &TestApp,
    path: &str,
    cookie: &str,
    extra: &str,
    declared: usize,
    first: &[u8],
) -> TcpStream {
    let mut s = TcpStream::connect(app.addr).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: multipart/form-data; boundary={BOUNDARY}\r\n\
         Content-Length: {declared}\r\nCookie: {cookie}\r\n{extra}\r\n",
        app.addr
    );
    s.write_all(head.as_bytes()).await.unwrap();
    s.write_all(first).await.unwrap();
    s
}

/// The status line and headers of the answer, waiting at most `within`.
async fn answer_head(s: &mut TcpStream, within: Duration) -> Option<String> {
    let mut got = Vec::new();
    let deadline = Instant::now() + within;
    let mut buf = [0u8; 4096];
    while !got.windows(4).any(|w| w == b"\r\n\r\n") {
        let left = deadline.checked_duration_since(Instant::now())?;
        match tokio::time::timeout(left, s.read(&mut buf)).await {
            Ok(Ok(n)) if n > 0 => got.extend_from_slice(&buf[..n]),
            _ => return None,
        }
    }
    Some(String::from_utf8_lossy(&got).into_owned())
}

#[tokio::test]
async fn uploads_from_anyone_but_staff_are_answered_before_the_body_is_read() {
    let app = demo_filled().await;
    let writer = staff(&app, "t-rep", Role::Reporter, "commerce").await;
    let draft = new_draft(&app, &writer, "草稿").await;
    // A double-submit token the client made up: the cookie and the field agree.
    let forged = "a".repeat(64);
    let declared = 60 * 1024 * 1024;
    let mut first = body_start(&forged);
    first.extend(std::iter::repeat_n(b'x', 64 * 1024));

    // Someone half-way through two-factor login (password given, code not yet).
    app.seed_user("t-half", Role::Reporter, "commerce").await;
    app.state
        .store
        .write(|txn| {
            let mut u = gongkai::auth::store::find_user_w(txn, "t-half")?.unwrap();
            u.totp_secret = Some("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP".into());
            gongkai::auth::store::save_user(txn, &u)
        })
        .await
        .unwrap();
    let half = app.client();
    let r = half.login("t-half", PASSWORD).await;
    assert_eq!(r.location(), Some("/login/totp"), "{}", r.body);
    let half_cookie = format!("{}; gk_csrf={forged}", half.cookie_header());

    let anon_cookie = format!("gk_csrf={forged}");
    let cases = [
        ("files", "", &anon_cookie, "303", "location: /login"),
        (
            "images",
            "Accept: application/json\r\n",
            &anon_cookie,
            "401",
            "登录已失效",
        ),
        ("files", "", &half_cookie, "303", "location: /login"),
    ];
    for (route, extra, cookie, status, says) in cases {
        let path = format!("/admin/articles/{}/{route}", draft.id);
        let mut s = start_post(&app, &path, cookie, extra, declared, &first).await;
        // Only a sliver of the declared 60 MiB was sent, and nothing more will be: an answer
        // can only come from a server that decided without the body.
        let head = answer_head(&mut s, Duration::from_secs(10))
            .await
            .unwrap_or_else(|| panic!("{route}: no answer while the body is unsent"));
        let first_line = head.lines().next().unwrap_or("");
        assert!(
            first_line.starts_with(&format!("HTTP/1.1 {status}")),
            "{route}: {head}"
        );
        if says.starts_with("location") {
            assert!(head.to_ascii_lowercase().contains(says), "{route}: {head}");
        } else {
            let mut rest = Vec::new();
            let _ = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut rest)).await;
            let all = head.clone() + &String::from_utf8_lossy(&rest);
            assert!(all.contains(says), "{route}: {all}");
        }
    }
    assert_eq!(stored(&app, draft.id).await, draft, "nothing changed");
    assert!(tmp_files(&app).is_empty(), "{:?}", tmp_files(&app));
    app.stop().await;
}

/// What is in the blob store's temp folder.
fn tmp_files(app: &TestApp) -> Vec<(PathBuf, u64)> {
    std::fs::read_dir(app.dir.path().join("blobs").join("tmp"))
        .unwrap()
        .flatten()
        .map(|e| (e.path(), e.metadata().map(|m| m.len()).unwrap_or(0)))
        .collect()
}

/// Waits (up to 20 s) until `ok` holds for the temp folder.
async fn wait_tmp(app: &TestApp, what: &str, ok: impl Fn(&[(PathBuf, u64)]) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let now = tmp_files(app);
        if ok(&now) {
            return;
        }
        assert!(Instant::now() < deadline, "{what}: {now:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn uploads_stream_to_disk_and_a_broken_one_leaves_nothing_behind() {
    let app = demo_filled().await;
    let writer = staff(&app, "t-rep", Role::Reporter, "commerce").await;
    let draft = new_draft(&app, &writer, "大附件").await;
    let token = writer.get("/account").await.csrf();
    let path = format!("/admin/articles/{}/files", draft.id);

    // Half of a 4 MiB file sent: it is on disk, in the temp folder, as it arrives.
    let mut s = start_post(
        &app,
        &path,
        &writer.cookie_header(),
        "",
        8 * 1024 * 1024,
        &body_start(&token),
    )
    .await;
    let chunk = vec![b'x'; 64 * 1024];
    for _ in 0..32 {
        s.write_all(&chunk).await.unwrap();
    }
    s.flush().await.unwrap();
    wait_tmp(&app, "the file being received is on disk", |f| {
        f.iter().any(|(_, len)| *len >= 1024 * 1024)
    })
    .await;
    // The sender gives up: the partial file goes.
    drop(s);
    wait_tmp(&app, "the broken upload left a temp file", <[_]>::is_empty).await;

    // A body cut short inside the file: refused, nothing stored or left over.
    let pdf = b"%PDF-1.4 cut".repeat(1000);
    let rev = draft.revision.to_string();
    let (ct, mut body) = multipart(
        OCTETS,
        &[
            ("csrf", None, token.as_bytes()),
            ("revision", None, rev.as_bytes()),
            ("attachments", Some("半截.pdf"), &pdf),
        ],
    );
    body.truncate(body.len() - 100);
    let r = writer.post_multipart(&path, (ct, body), &[]).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(tmp_files(&app).is_empty(), "{:?}", tmp_files(&app));
    let cut_sha = gongkai::ids::sha256_hex(&pdf);
    assert!(
        !app.state
            .store
            .blobs()
            .path(&cut_sha)
            .is_some_and(|p| p.exists()),
        "a broken upload is not stored"
    );

    // A whole one: stored under its SHA-256, nothing left in the temp folder.
    assert_eq!(
        upload(
            &writer,
            &app,
            draft.id,
            &[("attachments", "整份.pdf", &pdf)]
        )
        .await,
        303
    );
    let a = stored(&app, draft.id).await;
    assert_eq!(sha_of(&a, "整份.pdf"), cut_sha);
    assert_eq!(app.state.store.blobs().get(&cut_sha).unwrap(), pdf);
    assert!(tmp_files(&app).is_empty(), "{:?}", tmp_files(&app));
    app.stop().await;
}
