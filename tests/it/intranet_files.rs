//! 文件传输 (内网办公): the tus 1.0.0 server at /oa/files/ driven by hand over HTTP and by an
//! independent client (tuspy), quotas, the sweeper on the test clock, downloads with ranges,
//! the plain form, and who may reach /oa/ at all.

use std::time::Duration;

use gongkai::auth::model::Role;
use gongkai::intranet::files::{model::OaFile, store as fstore};
use reqwest::Method;
use sha2::{Digest, Sha256};

use crate::helpers::{Client, TestApp, main_of, multipart, staff};

/// A logged-in tus client: the session cookie, the session's CSRF token and tus 1.0.0 on
/// every request.
pub(crate) struct Tus {
    base: String,
    http: reqwest::Client,
    pub(crate) cookie: String,
    pub(crate) csrf: String,
}

impl Tus {
    pub(crate) async fn new(app: &TestApp, c: &Client) -> Tus {
        let page = c.get("/oa/transfer").await;
        assert_eq!(page.status, 200, "{}", page.body);
        Tus {
            base: app.base.clone(),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookie: c.cookie_header(),
            csrf: page.csrf(),
        }
    }

    pub(crate) fn url(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{path}", self.base)
        }
    }

    /// A request with the cookie only.
    pub(crate) fn bare(&self, m: Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(m, self.url(path))
            .header("cookie", &self.cookie)
    }

    /// A request with the cookie, the CSRF header and Tus-Resumable.
    pub(crate) fn req(&self, m: Method, path: &str) -> reqwest::RequestBuilder {
        self.bare(m, path)
            .header("x-csrf-token", &self.csrf)
            .header("tus-resumable", "1.0.0")
    }

    pub(crate) async fn create(&self, len: u64, name: &str) -> String {
        let r = self
            .req(Method::POST, "/oa/files/")
            .header("upload-length", len.to_string())
            .header("upload-metadata", meta(name))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201, "{:?}", r.text().await);
        hdr(&r, "location")
    }

    pub(crate) async fn patch(&self, url: &str, offset: u64, bytes: &[u8]) -> reqwest::Response {
        self.req(Method::PATCH, url)
            .header("content-type", "application/offset+octet-stream")
            .header("upload-offset", offset.to_string())
            .body(bytes.to_vec())
            .send()
            .await
            .unwrap()
    }

    pub(crate) async fn head(&self, url: &str) -> reqwest::Response {
        self.req(Method::HEAD, url).send().await.unwrap()
    }

    /// A whole upload in one PATCH.
    pub(crate) async fn upload(&self, name: &str, bytes: &[u8]) -> String {
        let url = self.create(bytes.len() as u64, name).await;
        let r = self.patch(&url, 0, bytes).await;
        assert_eq!(r.status(), 204, "{:?}", r.text().await);
        url
    }
}

pub(crate) fn meta(name: &str) -> String {
    format!(
        "filename {},filetype {}",
        data_encoding::BASE64.encode(name.as_bytes()),
        data_encoding::BASE64.encode(b"application/octet-stream")
    )
}

pub(crate) fn hdr(r: &reqwest::Response, name: &str) -> String {
    r.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

pub(crate) fn sha_hex(b: &[u8]) -> String {
    data_encoding::HEXLOWER.encode(&Sha256::digest(b))
}

fn b64(b: &[u8]) -> String {
    data_encoding::BASE64.encode(b)
}

/// Deterministic bytes that are not all alike.
pub(crate) fn bytes(n: usize, seed: u8) -> Vec<u8> {
    let mut x: u32 = 0x9e37_79b9 ^ u32::from(seed);
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 24) as u8
        })
        .collect()
}

pub(crate) async fn files_of(app: &TestApp, name: &str) -> Vec<OaFile> {
    let id = app.user(name).await.unwrap().id;
    app.state
        .store
        .read(move |txn| fstore::files_of(txn, id))
        .await
        .unwrap()
}

pub(crate) async fn upload_count(app: &TestApp) -> usize {
    app.state
        .store
        .read(fstore::all_uploads)
        .await
        .unwrap()
        .len()
}

pub(crate) fn part_files(app: &TestApp) -> usize {
    std::fs::read_dir(app.dir.path().join("uploads"))
        .map(|d| d.count())
        .unwrap_or(0)
}

/// Blob files (not the temp folder).
fn blob_files(app: &TestApp) -> usize {
    let mut n = 0;
    for d in std::fs::read_dir(app.dir.path().join("blobs"))
        .unwrap()
        .flatten()
    {
        if d.file_name() != "tmp" && d.path().is_dir() {
            n += std::fs::read_dir(d.path()).unwrap().count();
        }
    }
    n
}

pub(crate) async fn audit_actions(app: &TestApp) -> Vec<(String, String)> {
    app.state
        .store
        .read(|txn| {
            let t = txn.open_table(gongkai::store::tables::AUDIT)?;
            let mut out = Vec::new();
            for row in redb::ReadableTable::iter(&t)? {
                let (_, v) = row?;
                let r: gongkai::auth::audit::AuditRecord = serde_json::from_slice(v.value())?;
                out.push((r.action, r.detail));
            }
            Ok(out)
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn tus_core_create_head_patch_and_refusals() {
    let app = TestApp::start().await;
    let c = staff(&app, "zhang", Role::Reporter, "gov").await;
    let t = Tus::new(&app, &c).await;

    // OPTIONS: what the server speaks (no Tus-Resumable needed on it).
    let r = t.bare(Method::OPTIONS, "/oa/files/").send().await.unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(hdr(&r, "tus-version"), "1.0.0");
    assert_eq!(
        hdr(&r, "tus-extension"),
        "creation,creation-with-upload,creation-defer-length,expiration,checksum,termination"
    );
    assert_eq!(
        hdr(&r, "tus-max-size"),
        (20480u64 * 1024 * 1024).to_string()
    );
    assert_eq!(hdr(&r, "tus-checksum-algorithm"), "sha1,sha256");

    // Create, HEAD, two PATCHes.
    let data = bytes(300_000, 1);
    let url = t.create(data.len() as u64, "季度报表.xlsx").await;
    assert!(
        url.starts_with(&format!("{}/oa/files/", app.base)),
        "absolute Location: {url}"
    );
    let h = t.head(&url).await;
    assert_eq!(h.status(), 200);
    assert_eq!(hdr(&h, "upload-offset"), "0");
    assert_eq!(hdr(&h, "upload-length"), "300000");
    assert_eq!(hdr(&h, "cache-control"), "no-store");
    assert_eq!(hdr(&h, "tus-resumable"), "1.0.0");
    assert!(hdr(&h, "upload-expires").ends_with(" GMT"));

    let r = t.patch(&url, 0, &data[..100_000]).await;
    assert_eq!(r.status(), 204);
    assert_eq!(hdr(&r, "upload-offset"), "100000");
    assert_eq!(hdr(&r, "tus-resumable"), "1.0.0");
    assert!(!hdr(&r, "upload-expires").is_empty());

    // Wrong offset: 409, nothing written.
    let r = t.patch(&url, 5, &data[100_000..200_000]).await;
    assert_eq!(r.status(), 409);
    assert_eq!(hdr(&r, "tus-resumable"), "1.0.0");
    assert_eq!(hdr(&t.head(&url).await, "upload-offset"), "100000");
    // Wrong content type: 415.
    let r = t
        .req(Method::PATCH, &url)
        .header("content-type", "application/octet-stream")
        .header("upload-offset", "100000")
        .body(data[100_000..].to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 415);
    // Without Tus-Resumable, or another version: 412 with Tus-Version.
    for v in [None, Some("0.2.2")] {
        let mut rq = t.bare(Method::HEAD, &url).header("x-csrf-token", &t.csrf);
        if let Some(v) = v {
            rq = rq.header("tus-resumable", v);
        }
        let r = rq.send().await.unwrap();
        assert_eq!(r.status(), 412, "{v:?}");
        assert_eq!(hdr(&r, "tus-version"), "1.0.0");
    }
    let r = t
        .bare(Method::PATCH, &url)
        .header("x-csrf-token", &t.csrf)
        .header("content-type", "application/offset+octet-stream")
        .header("upload-offset", "100000")
        .body(data[100_000..].to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 412);
    assert_eq!(hdr(&t.head(&url).await, "upload-offset"), "100000");

    let r = t.patch(&url, 100_000, &data[100_000..]).await;
    assert_eq!(r.status(), 204);
    assert_eq!(hdr(&r, "upload-offset"), "300000");
    // Finished: the upload is gone, the file is there with the right hash.
    assert_eq!(t.head(&url).await.status(), 404);
    let files = files_of(&app, "zhang").await;
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].sha, sha_hex(&data));
    assert_eq!(files[0].size, 300_000);
    assert_eq!(files[0].name, "季度报表.xlsx");
    assert_eq!(upload_count(&app).await, 0);
    assert_eq!(part_files(&app), 0);
    let got = c
        .get_bytes(&format!("/oa/transfer/{}/download", files[0].id), &[])
        .await;
    assert_eq!(got.status, 200);
    assert_eq!(sha_hex(&got.body), sha_hex(&data));
    let page = c.get("/oa/transfer").await;
    let main = main_of(&page.body);
    assert!(main.contains("季度报表.xlsx"), "{main}");
    assert!(main.contains("删除 季度报表.xlsx"));
    assert!(main.contains("已用 293.0 KB"), "{main}");
    // The audit log has the hash and the size.
    let audit = audit_actions(&app).await;
    assert!(
        audit.iter().any(|(a, d)| a == "oa_file_upload"
            && d.contains(&sha_hex(&data))
            && d.contains("300000")),
        "{audit:?}"
    );
    assert!(audit.iter().any(|(a, _)| a == "oa_upload_start"));
    app.stop().await;
}

#[tokio::test]
async fn tus_checksums_creation_with_upload_defer_length_and_termination() {
    let app = TestApp::start().await;
    let c = staff(&app, "lisi", Role::Reporter, "gov").await;
    let t = Tus::new(&app, &c).await;
    let data = bytes(90_000, 2);
    let url = t.create(90_000, "校验.bin").await;
    let patch_sum = |off: u64, chunk: Vec<u8>, sum: String| {
        t.req(Method::PATCH, &url)
            .header("content-type", "application/offset+octet-stream")
            .header("upload-offset", off.to_string())
            .header("upload-checksum", sum)
            .body(chunk)
            .send()
    };
    // sha1 right.
    let c1 = &data[..30_000];
    let r = patch_sum(
        0,
        c1.to_vec(),
        format!("sha1 {}", b64(&sha1::Sha1::digest(c1))),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 204);
    // Wrong: 460 and the chunk discarded.
    let c2 = &data[30_000..60_000];
    let wrong = format!("sha256 {}", b64(&Sha256::digest(b"something else")));
    let r = patch_sum(30_000, c2.to_vec(), wrong).await.unwrap();
    assert_eq!(r.status(), 460);
    assert_eq!(hdr(&t.head(&url).await, "upload-offset"), "30000");
    // Unsupported algorithm: 400.
    let r = patch_sum(30_000, c2.to_vec(), "md5 AAAAAAAAAAAAAAAAAAAAAA==".into())
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    // sha256 right, then the rest without a checksum.
    let r = patch_sum(
        30_000,
        c2.to_vec(),
        format!("sha256 {}", b64(&Sha256::digest(c2))),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(hdr(&r, "upload-offset"), "60000");
    assert_eq!(t.patch(&url, 60_000, &data[60_000..]).await.status(), 204);
    assert_eq!(files_of(&app, "lisi").await[0].sha, sha_hex(&data));

    // Creation with upload: the POST carries the first bytes.
    let d2 = bytes(50_000, 3);
    let r = t
        .req(Method::POST, "/oa/files/")
        .header("upload-length", "50000")
        .header("upload-metadata", meta("随创建上传.bin"))
        .header("content-type", "application/offset+octet-stream")
        .body(d2[..20_000].to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    assert_eq!(hdr(&r, "upload-offset"), "20000");
    let url2 = hdr(&r, "location");
    assert_eq!(t.patch(&url2, 20_000, &d2[20_000..]).await.status(), 204);

    // Deferred length: bytes first, the length with a later PATCH, once.
    let d3 = bytes(40_000, 4);
    let r = t
        .req(Method::POST, "/oa/files/")
        .header("upload-defer-length", "1")
        .header("upload-metadata", meta("长度待定.bin"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let url3 = hdr(&r, "location");
    let h = t.head(&url3).await;
    assert_eq!(hdr(&h, "upload-defer-length"), "1");
    assert_eq!(hdr(&h, "upload-length"), "");
    assert_eq!(t.patch(&url3, 0, &d3[..10_000]).await.status(), 204);
    let r = t
        .req(Method::PATCH, &url3)
        .header("content-type", "application/offset+octet-stream")
        .header("upload-offset", "10000")
        .header("upload-length", "40000")
        .body(d3[10_000..25_000].to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(hdr(&t.head(&url3).await, "upload-length"), "40000");
    let r = t
        .req(Method::PATCH, &url3)
        .header("content-type", "application/offset+octet-stream")
        .header("upload-offset", "25000")
        .header("upload-length", "41000")
        .body(Vec::new())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400, "the length is set once");
    assert_eq!(t.patch(&url3, 25_000, &d3[25_000..]).await.status(), 204);
    let shas: Vec<String> = files_of(&app, "lisi")
        .await
        .into_iter()
        .map(|f| f.sha)
        .collect();
    assert!(shas.contains(&sha_hex(&d2)) && shas.contains(&sha_hex(&d3)));

    // Termination: 204, then 404; the part file and the quota are given back.
    let url4 = t.create(10_000, "取消.bin").await;
    assert_eq!(t.patch(&url4, 0, &bytes(5_000, 5)).await.status(), 204);
    assert_eq!(part_files(&app), 1);
    let r = t.req(Method::DELETE, &url4).send().await.unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(hdr(&r, "tus-resumable"), "1.0.0");
    assert_eq!(t.head(&url4).await.status(), 404);
    assert_eq!(
        t.req(Method::DELETE, &url4).send().await.unwrap().status(),
        404
    );
    assert_eq!(part_files(&app), 0);
    let me = app.user("lisi").await.unwrap().id;
    let used = app
        .state
        .store
        .read(move |txn| gongkai::intranet::files::quota::usage(txn, me, "gov"))
        .await
        .unwrap();
    assert_eq!(used.person, 90_000 + 50_000 + 40_000);
    app.stop().await;
}

#[tokio::test]
async fn unfinished_uploads_expire_and_are_swept() {
    let app = TestApp::start().await;
    let c = staff(&app, "wang", Role::Reporter, "gov").await;
    let t = Tus::new(&app, &c).await;
    let url = t.create(10_000, "未完成.bin").await;
    assert_eq!(t.patch(&url, 0, &bytes(4_000, 6)).await.status(), 204);
    assert_eq!(part_files(&app), 1);
    // Before its time the sweeper leaves it.
    let swept = gongkai::intranet::files::sweep::run(&app.state)
        .await
        .unwrap();
    assert_eq!(swept.uploads, 0);
    app.clock.advance(time::Duration::hours(25));
    // The session has ended by now too: sign in again.
    let c = staff(&app, "wang", Role::Reporter, "gov").await;
    let t = Tus::new(&app, &c).await;
    let h = t.head(&url).await;
    assert_eq!(h.status(), 410);
    assert_eq!(t.patch(&url, 4_000, &bytes(6_000, 7)).await.status(), 410);
    let swept = gongkai::intranet::files::sweep::run(&app.state)
        .await
        .unwrap();
    assert_eq!(swept.uploads, 1);
    assert_eq!(part_files(&app), 0, "the part file is removed");
    assert_eq!(upload_count(&app).await, 0);
    assert_eq!(t.head(&url).await.status(), 404);
    let audit = audit_actions(&app).await;
    assert!(audit.iter().any(|(a, _)| a == "oa_upload_expire"));
    app.stop().await;
}

/// Sends a creation request's head only (a body is announced but never sent) and reads
/// the answer: proof that the server refused without reading any of the body.
async fn refused_before_body(app: &TestApp, cookie: &str, csrf: &str, len: u64) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let head = format!(
        "POST /oa/files/ HTTP/1.1\r\nHost: {}\r\nCookie: {cookie}\r\nX-CSRF-Token: {csrf}\r\n\
         Tus-Resumable: 1.0.0\r\nUpload-Length: {len}\r\n\
         Content-Type: application/offset+octet-stream\r\nContent-Length: {len}\r\n\r\n",
        app.addr
    );
    s.write_all(head.as_bytes()).await.unwrap();
    let mut got = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !String::from_utf8_lossy(&got).contains("\"}") {
        let mut buf = vec![0u8; 4096];
        let n = tokio::time::timeout_at(deadline, s.read(&mut buf))
            .await
            .expect("answered without waiting for the body")
            .unwrap();
        if n == 0 {
            break;
        }
        got.extend_from_slice(&buf[..n]);
    }
    String::from_utf8_lossy(&got).into_owned()
}

#[tokio::test]
async fn quotas_and_the_largest_file_are_refused_before_any_byte() {
    let app = TestApp::start_with(|cfg| {
        cfg.intranet.user_quota_mib = 1;
        cfg.intranet.max_file_mib = 4;
    })
    .await;
    let c = staff(&app, "zhao", Role::Reporter, "gov").await;
    let t = Tus::new(&app, &c).await;
    let answer = refused_before_body(&app, &t.cookie, &t.csrf, 2 * 1024 * 1024).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("个人空间配额"), "{answer}");
    let answer = refused_before_body(&app, &t.cookie, &t.csrf, 5 * 1024 * 1024).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(
        answer
            .to_ascii_lowercase()
            .contains("tus-max-size: 4194304"),
        "{answer}"
    );
    assert_eq!(upload_count(&app).await, 0);
    assert_eq!(part_files(&app), 0);
    // Within the quota it works; the next one would pass it.
    let url = t.create(700_000, "a.bin").await;
    assert_eq!(t.patch(&url, 0, &bytes(700_000, 8)).await.status(), 204);
    let r = t
        .req(Method::POST, "/oa/files/")
        .header("upload-length", "400000")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    assert!(r.text().await.unwrap().contains("个人空间配额"));
    // A deferred upload is stopped as its bytes pass the quota.
    let r = t
        .req(Method::POST, "/oa/files/")
        .header("upload-defer-length", "1")
        .send()
        .await
        .unwrap();
    let url = hdr(&r, "location");
    let r = t.patch(&url, 0, &bytes(400_000, 9)).await;
    assert_eq!(r.status(), 413);
    let kept: u64 = hdr(&r, "upload-offset").parse().unwrap();
    assert!(kept <= 1024 * 1024 - 700_000, "{kept}");
    app.stop().await;

    // The unit's quota is named when it is the one passed.
    let app = TestApp::start_with(|cfg| cfg.intranet.unit_quota_mib = 1).await;
    let c = staff(&app, "qian", Role::Reporter, "gov").await;
    let t = Tus::new(&app, &c).await;
    let answer = refused_before_body(&app, &t.cookie, &t.csrf, 2 * 1024 * 1024).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("本单位空间配额"), "{answer}");
    app.stop().await;
}

#[tokio::test]
async fn uploads_belong_to_their_owner_and_need_the_csrf_header() {
    let app = TestApp::start().await;
    let a = staff(&app, "sun", Role::Reporter, "gov").await;
    let b = staff(&app, "zhou", Role::Reporter, "gov").await;
    let ta = Tus::new(&app, &a).await;
    let tb = Tus::new(&app, &b).await;
    let url = ta.create(1_000, "我的.bin").await;
    assert_eq!(tb.head(&url).await.status(), 404);
    assert_eq!(tb.patch(&url, 0, &bytes(1_000, 1)).await.status(), 404);
    assert_eq!(
        tb.req(Method::DELETE, &url).send().await.unwrap().status(),
        404
    );
    assert_eq!(ta.head(&url).await.status(), 200, "still there");
    // Without the token, or with another session's: refused.
    for token in [None, Some(tb.csrf.as_str())] {
        let mut rq = ta
            .bare(Method::POST, "/oa/files/")
            .header("tus-resumable", "1.0.0")
            .header("upload-length", "10");
        if let Some(tok) = token {
            rq = rq.header("x-csrf-token", tok);
        }
        let r = rq.send().await.unwrap();
        assert_eq!(r.status(), 403, "{token:?}");
        assert!(r.text().await.unwrap().contains("请求来源校验失败"));
        let mut rq = ta
            .bare(Method::PATCH, &url)
            .header("tus-resumable", "1.0.0")
            .header("content-type", "application/offset+octet-stream")
            .header("upload-offset", "0")
            .body(bytes(1_000, 1));
        if let Some(tok) = token {
            rq = rq.header("x-csrf-token", tok);
        }
        assert_eq!(rq.send().await.unwrap().status(), 403);
        let mut rq = ta
            .bare(Method::DELETE, &url)
            .header("tus-resumable", "1.0.0");
        if let Some(tok) = token {
            rq = rq.header("x-csrf-token", tok);
        }
        assert_eq!(rq.send().await.unwrap().status(), 403);
    }
    assert_eq!(hdr(&ta.head(&url).await, "upload-offset"), "0");
    // Anonymous: the intranet does not exist.
    let anon = reqwest::Client::new();
    let r = anon
        .request(Method::HEAD, &url)
        .header("tus-resumable", "1.0.0")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    app.stop().await;
}

#[tokio::test]
async fn identical_files_are_stored_once_and_deleting_releases_quota() {
    let app = TestApp::start().await;
    let c = staff(&app, "wuyi", Role::Reporter, "gov").await;
    let t = Tus::new(&app, &c).await;
    let data = bytes(120_000, 10);
    t.upload("一.bin", &data).await;
    t.upload("二.bin", &data).await;
    let files = files_of(&app, "wuyi").await;
    assert_eq!(files.len(), 2);
    assert_eq!(files[0].sha, files[1].sha);
    assert_eq!(blob_files(&app), 1, "one blob for both");
    let sha = files[0].sha.clone();
    let refs = |app: &TestApp| {
        let (st, sha) = (app.state.clone(), sha.clone());
        async move {
            st.store
                .read(move |txn| {
                    Ok(txn
                        .open_table(gongkai::store::tables::BLOB_REFS)?
                        .get(sha.as_str())?
                        .map(|v| v.value()))
                })
                .await
                .unwrap()
        }
    };
    assert_eq!(refs(&app).await, Some(2));
    // Deleting one keeps the bytes for the other; deleting both removes them.
    let page = c.get("/oa/transfer").await;
    assert!(main_of(&page.body).contains("已用 234.4 KB"));
    let r = c
        .post_raw(
            &format!("/oa/transfer/{}/delete", files[0].id),
            &[("csrf", &page.csrf())],
        )
        .await;
    assert_eq!(r.location(), Some("/oa/transfer?done=delete"));
    assert_eq!(refs(&app).await, Some(1));
    assert_eq!(blob_files(&app), 1);
    let r = c
        .post_raw(
            &format!("/oa/transfer/{}/delete", files[1].id),
            &[("csrf", &page.csrf())],
        )
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(refs(&app).await, None);
    assert_eq!(blob_files(&app), 0);
    let page = c.get("/oa/transfer?done=delete").await;
    let main = main_of(&page.body);
    assert!(main.contains("个人：已用 0 B"), "{main}");
    assert!(main.contains("还没有上传文件"));
    assert!(
        audit_actions(&app)
            .await
            .iter()
            .any(|(a, _)| a == "oa_file_delete")
    );
    app.stop().await;
}

#[tokio::test]
async fn downloads_honour_ranges_and_name_the_file() {
    let app = TestApp::start().await;
    let c = staff(&app, "zheng", Role::Reporter, "gov").await;
    let other = staff(&app, "feng", Role::Reporter, "gov").await;
    let t = Tus::new(&app, &c).await;
    let data = bytes(50_000, 11);
    t.upload("会议纪要（定稿）.pdf", &data).await;
    let f = &files_of(&app, "zheng").await[0];
    let path = format!("/oa/transfer/{}/download", f.id);
    let full = c.get_bytes(&path, &[]).await;
    assert_eq!(full.status, 200);
    assert_eq!(full.body, data);
    assert_eq!(full.header("accept-ranges"), "bytes");
    assert_eq!(full.header("etag"), format!("\"{}\"", f.sha));
    assert_eq!(full.header("x-content-type-options"), "nosniff");
    assert!(
        full.header("content-security-policy")
            .starts_with("sandbox")
    );
    assert_eq!(full.header("cache-control"), "private, no-store");
    assert_eq!(full.header("content-type"), "application/octet-stream");
    let cd = full.header("content-disposition");
    assert!(cd.starts_with("attachment; filename=\""), "{cd}");
    assert!(
        cd.ends_with("filename*=UTF-8''%E4%BC%9A%E8%AE%AE%E7%BA%AA%E8%A6%81%EF%BC%88%E5%AE%9A%E7%A8%BF%EF%BC%89.pdf"),
        "{cd}"
    );
    let part = c.get_bytes(&path, &[("range", "bytes=1000-1999")]).await;
    assert_eq!(part.status, 206);
    assert_eq!(part.header("content-range"), "bytes 1000-1999/50000");
    assert_eq!(part.body, &data[1000..2000]);
    let tail = c.get_bytes(&path, &[("range", "bytes=-10")]).await;
    assert_eq!(tail.status, 206);
    assert_eq!(tail.body, &data[49_990..]);
    let etag = format!("\"{}\"", f.sha);
    let same = c
        .get_bytes(&path, &[("range", "bytes=0-9"), ("if-range", &etag)])
        .await;
    assert_eq!(same.status, 206);
    let changed = c
        .get_bytes(&path, &[("range", "bytes=0-9"), ("if-range", "\"other\"")])
        .await;
    assert_eq!(changed.status, 200, "If-Range not matching: the whole file");
    assert_eq!(changed.body.len(), 50_000);
    let beyond = c.get_bytes(&path, &[("range", "bytes=60000-")]).await;
    assert_eq!(beyond.status, 416);
    assert_eq!(beyond.header("content-range"), "bytes */50000");
    // Someone else: no such file.
    assert_eq!(other.get_bytes(&path, &[]).await.status, 404);
    app.stop().await;
}

#[tokio::test]
async fn the_sweeper_reclaims_old_files_but_not_while_downloading() {
    let app = TestApp::start().await;
    let c = staff(&app, "chen", Role::Reporter, "gov").await;
    let t = Tus::new(&app, &c).await;
    let data = bytes(24 * 1024 * 1024, 12);
    t.upload("大文件.bin", &data).await;
    let f = files_of(&app, "chen").await.remove(0);
    // A download that has started and is not read on.
    let resp = t
        .bare(Method::GET, &format!("/oa/transfer/{}/download", f.id))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    app.clock.advance(time::Duration::days(31));
    let swept = gongkai::intranet::files::sweep::run(&app.state)
        .await
        .unwrap();
    assert_eq!(swept.deferred, 1);
    assert_eq!(swept.files, 0);
    assert_eq!(blob_files(&app), 1);
    drop(resp);
    let mut done = false;
    for _ in 0..100 {
        let s = gongkai::intranet::files::sweep::run(&app.state)
            .await
            .unwrap();
        if s.files == 1 {
            done = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(done, "swept once the download ended");
    assert_eq!(blob_files(&app), 0);
    assert!(files_of(&app, "chen").await.is_empty());
    assert!(
        audit_actions(&app)
            .await
            .iter()
            .any(|(a, _)| a == "oa_file_expire")
    );
    app.stop().await;
}

#[tokio::test]
async fn the_plain_form_uploads_without_script() {
    let app = TestApp::start().await;
    let c = staff(&app, "hexin", Role::Reporter, "gov").await;
    let page = c.get("/oa/transfer").await;
    assert_eq!(page.status, 200);
    let main = main_of(&page.body);
    for want in [
        "严禁处理涉密信息",
        "action=\"/oa/transfer/upload\"",
        "<label for=\"f-file\">",
        "<label for=\"oa-progress\">上传进度</label>",
        "data-tus=\"/oa/files/\"",
        "个人：已用 0 B / 配额 20.0 GB",
    ] {
        assert!(main.contains(want), "{want}: {main}");
    }
    assert!(page.body.contains("/js/oa-upload.js"));
    let data = b"%PDF-1.4 plain form".to_vec();
    let token = page.csrf();
    let body = multipart(
        "application/pdf",
        &[
            ("csrf", None, token.as_bytes()),
            ("file", Some("通知.pdf"), &data),
        ],
    );
    let r = c.post_multipart("/oa/transfer/upload", body, &[]).await;
    assert_eq!(r.location(), Some("/oa/transfer?done=upload"), "{}", r.body);
    let files = files_of(&app, "hexin").await;
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].sha, sha_hex(&data));
    assert_eq!(files[0].kind, "PDF 文档");
    let page = c.get("/oa/transfer?done=upload").await;
    assert!(main_of(&page.body).contains("下载 通知.pdf"));
    // No file chosen: the page again with the message at the field.
    let body = multipart(
        "application/octet-stream",
        &[("csrf", None, token.as_bytes()), ("file", Some(""), b"")],
    );
    let r = c.post_multipart("/oa/transfer/upload", body, &[]).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("请选择要上传的文件"));
    // Token not first: refused.
    let body = multipart(
        "application/pdf",
        &[
            ("file", Some("x.pdf"), &data),
            ("csrf", None, token.as_bytes()),
        ],
    );
    let r = c.post_multipart("/oa/transfer/upload", body, &[]).await;
    assert_eq!(r.status, 403);
    app.stop().await;
}

#[tokio::test]
async fn the_intranet_answers_only_inside_and_on_its_listener() {
    // Default networks: loopback is inside.
    let app = TestApp::start().await;
    let c = staff(&app, "lin", Role::Reporter, "gov").await;
    assert_eq!(c.get("/oa/").await.status, 200);
    assert_eq!(c.get("/oa/transfer").await.status, 200);
    assert_eq!(
        app.client().get("/oa/transfer").await.status,
        404,
        "no session"
    );
    app.stop().await;

    // Only 10/8 inside: loopback gets 404 even when logged in.
    let app = TestApp::start_with(|cfg| cfg.intranet.networks = vec!["10.0.0.0/8".into()]).await;
    let c = staff(&app, "lin", Role::Reporter, "gov").await;
    for p in ["/oa/", "/oa/transfer"] {
        assert_eq!(c.get(p).await.status, 404, "{p}");
    }
    let r = reqwest::Client::new()
        .request(Method::OPTIONS, format!("{}/oa/files/", app.base))
        .header("cookie", c.cookie_header())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    app.stop().await;

    // Its own listener: only that address serves /oa/.
    let app = TestApp::start_with(|cfg| cfg.intranet.listen = "127.0.0.1:0".into()).await;
    let inner = app
        .state
        .parts
        .get::<gongkai::http::zone::IntranetListener>()
        .expect("intranet listener")
        .0;
    let c = staff(&app, "lin", Role::Reporter, "gov").await;
    assert_eq!(c.get("/oa/").await.status, 404, "the ordinary address");
    assert_eq!(c.get("/oa/transfer").await.status, 404);
    let ci = Client::new(&format!("http://{inner}"));
    *ci.cookies.lock().unwrap() = c.cookies.lock().unwrap().clone();
    assert_eq!(ci.get("/oa/").await.status, 200);
    assert_eq!(ci.get("/oa/transfer").await.status, 200);
    app.stop().await;
}

#[tokio::test]
async fn tus_interop_with_tuspy() {
    let python = match std::env::var("GONGKAI_TUS_PYTHON") {
        Ok(p) if !p.is_empty() => p,
        _ => {
            assert!(
                std::env::var("CI").is_err(),
                "CI must run the tuspy interop test: set GONGKAI_TUS_PYTHON (.ci/run does)"
            );
            eprintln!("SKIPPED tus_interop_with_tuspy: GONGKAI_TUS_PYTHON is not set");
            return;
        }
    };
    let app = TestApp::start().await;
    let c = staff(&app, "tuspy", Role::Reporter, "gov").await;
    let t = Tus::new(&app, &c).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("interop.bin");
    let data = bytes(1_500_000, 13);
    std::fs::write(&file, &data).unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/tus/client.py");
    let base = app.base.clone();
    let (cookie, csrf, f2) = (t.cookie.clone(), t.csrf.clone(), file.clone());
    let out = tokio::task::spawn_blocking(move || {
        // The client is a tool, like the browser: under the suite's libfaketime run its own
        // sleeps fail (EINVAL), so it runs on the real clock; only the server's is faked.
        std::process::Command::new(python)
            .env_remove("LD_PRELOAD")
            .env_remove("FAKETIME")
            .env_remove("FAKETIME_DONT_FAKE_MONOTONIC")
            .arg(script)
            .arg(format!("{base}/oa/files/"))
            .arg(&f2)
            .env("TUS_COOKIE", cookie)
            .env("TUS_CSRF", csrf)
            .output()
    })
    .await
    .unwrap()
    .expect("run the tuspy client");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "tuspy client failed\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    // Three uploads, each the same bytes: the full one, the resumed one, the one that met
    // a checksum mismatch on the way.
    let files = files_of(&app, "tuspy").await;
    assert_eq!(files.len(), 3, "{stdout}");
    for f in &files {
        assert_eq!(f.sha, sha_hex(&data), "{}", f.name);
        assert_eq!(f.size, data.len() as u64);
    }
    assert!(stdout.contains("resumed from"), "{stdout}");
    assert!(
        stdout.contains("checksum mismatch answered 460"),
        "{stdout}"
    );
    app.stop().await;
}

#[tokio::test]
async fn one_patch_at_a_time_and_resuming_after_a_restart() {
    use tokio::io::AsyncWriteExt;
    let app = TestApp::start().await;
    let c = staff(&app, "cao", Role::Reporter, "gov").await;
    let t = Tus::new(&app, &c).await;
    let data = bytes(200_000, 14);
    let url = t.create(200_000, "重启续传.bin").await;
    assert_eq!(t.patch(&url, 0, &data[..50_000]).await.status(), 204);
    // A PATCH whose body is still arriving holds the upload: a second one is refused.
    let path = url.trim_start_matches(&app.base).to_owned();
    let mut slow = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let head = format!(
        "PATCH {path} HTTP/1.1\r\nHost: {}\r\nCookie: {}\r\nX-CSRF-Token: {}\r\n\
         Tus-Resumable: 1.0.0\r\nUpload-Offset: 50000\r\n\
         Content-Type: application/offset+octet-stream\r\nContent-Length: 50000\r\n\r\n",
        app.addr, t.cookie, t.csrf
    );
    slow.write_all(head.as_bytes()).await.unwrap();
    slow.write_all(&data[50_000..60_000]).await.unwrap();
    // Wait (bounded) until the server has taken that PATCH up, however loaded the machine.
    let id = path.rsplit('/').next().unwrap().to_owned();
    for _ in 0..500 {
        if app.state.transfers().is_busy(&id) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(
        app.state.transfers().is_busy(&id),
        "the slow PATCH is under way"
    );
    let mut busy = false;
    for _ in 0..100 {
        let r = t.patch(&url, 50_000, &data[50_000..100_000]).await;
        if r.status() == 423 {
            busy = true;
            break;
        }
        assert_eq!(r.status(), 409, "while the first PATCH runs");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(busy, "a second PATCH at once is refused with 423");
    // The connection breaks: what arrived is kept.
    drop(slow);
    let mut kept = 0;
    for _ in 0..100 {
        let h = t.head(&url).await;
        kept = hdr(&h, "upload-offset").parse().unwrap();
        if kept == 60_000 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(kept, 60_000, "the bytes of the broken PATCH are kept");

    // A restart loses the running hash; the server hashes the part file again.
    let dir = app.stop().await;
    let app = TestApp::start_in(dir, |_| {}).await;
    let c = staff(&app, "cao", Role::Reporter, "gov").await;
    let t = Tus::new(&app, &c).await;
    let url = format!("{}{path}", app.base);
    assert_eq!(hdr(&t.head(&url).await, "upload-offset"), "60000");
    assert_eq!(t.patch(&url, 60_000, &data[60_000..]).await.status(), 204);
    let files = files_of(&app, "cao").await;
    assert_eq!(files[0].sha, sha_hex(&data));
    app.stop().await;
}
