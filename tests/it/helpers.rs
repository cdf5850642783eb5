//! Start the app in-process on port 0 with a temp data folder and a manual clock;
//! a small cookie-keeping HTTP client that does not follow redirects.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use gongkai::auth::model::{Grant, Role, UnitCode, Username};
use gongkai::auth::store::{self as users, NewUser};
use gongkai::clock::ManualClock;
use gongkai::config::Config;
use tempfile::TempDir;
use tokio::sync::watch;

pub const PASSWORD: &str = "Test-Password-123";

pub struct TestApp {
    pub addr: SocketAddr,
    /// Every bound address, in `server.listen` order.
    pub addrs: Vec<SocketAddr>,
    pub base: String,
    pub dir: TempDir,
    pub clock: Arc<ManualClock>,
    pub setup_token: Option<String>,
    pub state: gongkai::http::Shared,
    stop: watch::Sender<bool>,
    handle: tokio::task::JoinHandle<()>,
}

/// A settable clock at the fixed instant every test starts from.
pub fn test_clock() -> Arc<ManualClock> {
    ManualClock::new(gongkai::clock::TEST_START)
}

pub fn test_config(dir: &std::path::Path) -> Config {
    let mut cfg = Config::default();
    cfg.server.data_dir = dir.display().to_string();
    cfg.server.listen = vec!["127.0.0.1:0".into()];
    cfg.log.level = "warn".into();
    // The daily self-check would race the test's own steps; tests that want it run it.
    cfg.ops.selfcheck_daily = false;
    cfg
}

impl TestApp {
    pub async fn start() -> TestApp {
        Self::start_with(|_| {}).await
    }

    pub async fn start_with(tweak: impl FnOnce(&mut Config)) -> TestApp {
        let dir = tempfile::tempdir().expect("tempdir");
        Self::start_in(dir, tweak).await
    }

    /// Starts on an existing data folder (e.g. after a restart or restore).
    pub async fn start_in(dir: TempDir, tweak: impl FnOnce(&mut Config)) -> TestApp {
        Self::start_full(dir, tweak, gongkai::app::registry::staff()).await
    }

    /// Starts with the staff registrations given (a capability plugged in by a test).
    pub async fn start_with_registry(registry: gongkai::staff::registry::Registry) -> TestApp {
        let dir = tempfile::tempdir().expect("tempdir");
        Self::start_full(dir, |_| {}, registry).await
    }

    async fn start_full(
        dir: TempDir,
        tweak: impl FnOnce(&mut Config),
        registry: gongkai::staff::registry::Registry,
    ) -> TestApp {
        let mut cfg = test_config(dir.path());
        tweak(&mut cfg);
        let clock = test_clock();
        let app = gongkai::App::build_with(cfg, clock.clone(), registry)
            .await
            .expect("app builds");
        let addr = app.addrs()[0];
        let addrs = app.addrs().to_vec();
        let setup_token = app.setup_token.clone();
        let state = app.state.clone();
        let (tx, rx) = watch::channel(false);
        let handle = tokio::spawn(async move {
            app.run(rx).await.expect("app runs");
        });
        TestApp {
            addr,
            addrs,
            base: format!("http://{addr}"),
            dir,
            clock,
            setup_token,
            state,
            stop: tx,
            handle,
        }
    }

    /// Stops the server (graceful) and returns its data folder.
    pub async fn stop(self) -> TempDir {
        let _ = self.stop.send(true);
        let _ = self.handle.await;
        drop(self.state);
        self.dir
    }

    pub fn client(&self) -> Client {
        Client::new(&self.base)
    }

    /// A client whose connections come from another loopback address (`127.0.0.2` …), as
    /// a second machine would.
    pub fn client_from(&self, local: &str) -> Client {
        self.client_via(Some(local), &[])
    }

    /// A client that sends `headers` (e.g. `x-forwarded-for`) with every request, from the
    /// loopback address `local` (default 127.0.0.1).
    pub fn client_via(&self, local: Option<&str>, headers: &[(&str, &str)]) -> Client {
        let mut h = reqwest::header::HeaderMap::new();
        for (k, v) in headers {
            h.append(
                reqwest::header::HeaderName::from_bytes(k.as_bytes()).expect("header name"),
                v.parse().expect("header value"),
            );
        }
        let local = local.map(|a| a.parse().expect("address"));
        Client::with(
            &self.base,
            reqwest::Client::builder()
                .local_address(local)
                .default_headers(h),
        )
    }

    /// Creates an account with one role directly in the store (password `PASSWORD`). The
    /// three separated admin duties must use two-factor login, so those accounts are seeded
    /// with it enrolled: sign them in with [`TestApp::sign_in`] (or [`staff`]).
    pub async fn seed_user(&self, username: &str, role: Role, unit: &str) -> u64 {
        let id = self.seed_user_without_totp(username, role, unit).await;
        if role.is_separated_admin() {
            let secret = gongkai::auth::totp::new_secret();
            self.state
                .store
                .write(move |txn| {
                    let mut u = users::get_user_w(txn, id)?.expect("seeded");
                    u.totp_secret = Some(secret);
                    users::save_user(txn, &u)
                })
                .await
                .unwrap();
        }
        id
    }

    /// Creates an account as [`TestApp::seed_user`] does, but never with two-factor login
    /// enrolled (a privileged account then lands on the enrolment page first).
    pub async fn seed_user_without_totp(&self, username: &str, role: Role, unit: &str) -> u64 {
        self.ensure_unit(unit).await;
        let hash = gongkai::auth::password::hash(PASSWORD).unwrap();
        let name = Username::parse(username).unwrap();
        let unit = UnitCode::parse(unit).unwrap();
        self.state
            .store
            .write(move |txn| {
                Ok(users::create_user(
                    txn,
                    NewUser {
                        username: name,
                        display_name: "测试用户".into(),
                        unit: unit.clone(),
                        grants: vec![Grant { role, unit }],
                        password_hash: hash,
                        must_change_password: false,
                    },
                    0,
                )?
                .expect("user created"))
            })
            .await
            .unwrap()
    }

    /// The stored account `name`.
    pub async fn user(&self, name: &str) -> Option<gongkai::auth::model::User> {
        let name = name.to_owned();
        self.state
            .store
            .read(move |txn| users::find_user(txn, &name))
            .await
            .unwrap()
    }

    /// A current 动态验证码 for `name`'s enrolled secret that the server has not accepted yet:
    /// the earliest step in the server's window (one either side of now) after the last one
    /// used. When all three were used, the test clock moves on 30 seconds.
    pub async fn totp_code(&self, name: &str) -> String {
        use gongkai::auth::totp;
        use gongkai::clock::Clock;
        let u = self.user(name).await.expect("account exists");
        let secret = u.totp_secret.expect("two-factor login enrolled");
        loop {
            let now = totp::step_at(self.clock.now().unix_timestamp());
            if let Some(step) = [now - 1, now, now + 1]
                .into_iter()
                .find(|s| *s > u.totp_last_step)
            {
                return totp::code(&secret, step).expect("valid secret");
            }
            self.clock.advance(time::Duration::seconds(totp::STEP_SECS));
        }
    }

    /// Signs `c` in as `name`, entering the 动态验证码 when the account has two-factor login;
    /// returns the last answer (a redirect to `/admin` when all went well).
    pub async fn sign_in(&self, c: &Client, name: &str, password: &str) -> Resp {
        let r = c.login(name, password).await;
        if r.location() != Some("/login/totp") {
            return r;
        }
        let code = self.totp_code(name).await;
        c.post_form("/login/totp", "/login/totp", &[("code", &code)])
            .await
    }

    /// Enrols two-factor login for the account signed in on `c` through the enrolment page,
    /// as its owner would; returns the secret.
    pub async fn enrol_totp(&self, c: &Client) -> String {
        use gongkai::clock::Clock;
        let page = c.get("/account/totp").await;
        assert_eq!(page.status, 200, "enrolment page: {}", page.body);
        let shown = tag_text(&page.body, "id=\"totp-secret\"").expect("the secret is shown");
        let secret: String = shown.chars().filter(|c| !c.is_whitespace()).collect();
        let step = gongkai::auth::totp::step_at(self.clock.now().unix_timestamp());
        let code = gongkai::auth::totp::code(&secret, step).expect("valid secret");
        let r = c
            .post_raw("/account/totp", &[("csrf", &page.csrf()), ("code", &code)])
            .await;
        assert_eq!(r.location(), Some("/account"), "enrolled: {}", r.body);
        secret
    }

    /// Makes sure a unit exists (creating the root `gov` first if needed).
    pub async fn ensure_unit(&self, code: &str) {
        let code = code.to_owned();
        self.state
            .store
            .write(move |txn| {
                let root = gongkai::admin::setup::ensure_root_unit(txn, "测试区人民政府", 0)?;
                let c = UnitCode::parse(&code).unwrap();
                if users::get_unit_w(txn, &c)?.is_none() {
                    users::create_unit(
                        txn,
                        gongkai::auth::model::Unit {
                            code: c,
                            name: format!("单位{code}"),
                            kind: gongkai::auth::model::UnitKind::Department,
                            parent: Some(root),
                            created_ms: 0,
                            profile: Default::default(),
                            retired: false,
                        },
                    )?
                    .unwrap();
                }
                Ok(())
            })
            .await
            .unwrap();
    }
}

#[derive(Debug, Clone)]
pub struct Resp {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Resp {
    pub fn location(&self) -> Option<&str> {
        self.headers.get("location").and_then(|v| v.to_str().ok())
    }
    /// The CSRF token of the first form on the page.
    pub fn csrf(&self) -> String {
        let marker = "name=\"csrf\" value=\"";
        let i = self.body.find(marker).expect("page has a csrf field") + marker.len();
        self.body[i..i + 64].to_owned()
    }
}

/// An answer whose body is kept as bytes (a file).
#[derive(Debug, Clone)]
pub struct Bytes {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
}

impl Bytes {
    /// A header's value ("" when absent).
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

/// The content of the page's `<main>` element: what the page itself shows, without the
/// header, search box, navigation and footer that every page carries, so a check on it
/// cannot be satisfied by that chrome.
pub fn main_of(body: &str) -> &str {
    let start = body
        .find("<main")
        .unwrap_or_else(|| panic!("no <main> on the page: {body}"));
    let open_end = start + body[start..].find('>').expect("<main> tag closes") + 1;
    let end = open_end
        + body[open_end..]
            .find("</main>")
            .unwrap_or_else(|| panic!("no </main> on the page: {body}"));
    &body[open_end..end]
}

/// The text of the first element whose opening tag contains `attrs` (e.g.
/// `class="notice" role="status"`), up to the next tag: for elements holding plain text.
pub fn tag_text<'a>(html: &'a str, attrs: &str) -> Option<&'a str> {
    let at = html.find(attrs)?;
    let start = at + html[at..].find('>')? + 1;
    let end = start + html[start..].find('<')?;
    Some(&html[start..end])
}

/// A browser-like client: keeps cookies, never follows redirects.
pub struct Client {
    base: String,
    http: reqwest::Client,
    pub cookies: Mutex<BTreeMap<String, String>>,
}

impl Client {
    pub fn new(base: &str) -> Client {
        Client::with(base, reqwest::Client::builder())
    }

    /// A client made from `builder` (redirects are never followed).
    pub fn with(base: &str, builder: reqwest::ClientBuilder) -> Client {
        Client {
            base: base.to_owned(),
            http: builder
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookies: Mutex::new(BTreeMap::new()),
        }
    }

    /// The `cookie` header this client sends.
    pub fn cookie_header(&self) -> String {
        self.cookies
            .lock()
            .unwrap()
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn finish(&self, r: reqwest::Response) -> Resp {
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        for v in headers.get_all("set-cookie") {
            let s = v.to_str().unwrap_or("");
            let first = s.split(';').next().unwrap_or("");
            if let Some((k, val)) = first.split_once('=') {
                let mut c = self.cookies.lock().unwrap();
                if val.is_empty() || s.contains("Max-Age=0") {
                    c.remove(k);
                } else {
                    c.insert(k.to_owned(), val.to_owned());
                }
            }
        }
        let body = r.text().await.unwrap_or_default();
        Resp {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str) -> Resp {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .send()
            .await
            .expect("GET");
        self.finish(r).await
    }

    /// GETs `path` with this client's cookies and extra headers (e.g. `if-none-match`);
    /// the body as bytes, for files.
    pub async fn get_bytes(&self, path: &str, headers: &[(&str, &str)]) -> Bytes {
        let mut req = self
            .http
            .get(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header());
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let r = req.send().await.expect("GET");
        Bytes {
            status: r.status().as_u16(),
            headers: r.headers().clone(),
            body: r.bytes().await.unwrap_or_default().to_vec(),
        }
    }

    /// POSTs a form as-is (caller supplies the csrf field, or not).
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> Resp {
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .form(fields)
            .send()
            .await
            .expect("POST");
        self.finish(r).await
    }

    /// GETs `page` for its CSRF token, then POSTs the form with it.
    pub async fn post_form(&self, page: &str, path: &str, fields: &[(&str, &str)]) -> Resp {
        let token = self.get(page).await.csrf();
        let mut all: Vec<(&str, &str)> = vec![("csrf", token.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, &all).await
    }

    /// POSTs a `multipart/form-data` body as made by [`multipart`] (and maybe damaged on
    /// purpose) with this client's cookies and extra headers such as `accept` or `origin`;
    /// like every request here, cookies set in the answer are kept.
    pub async fn post_multipart(
        &self,
        path: &str,
        (content_type, body): (String, Vec<u8>),
        headers: &[(&str, &str)],
    ) -> Resp {
        let mut req = self
            .http
            .post(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .header("content-type", content_type)
            .body(body);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let r = req.send().await.expect("POST multipart");
        self.finish(r).await
    }

    pub async fn login(&self, username: &str, password: &str) -> Resp {
        self.post_form(
            "/login",
            "/login",
            &[("username", username), ("password", password)],
        )
        .await
    }
}

/// One part of a `multipart/form-data` body: (field, file name, bytes); a file when it
/// has a file name.
pub type Part<'a> = (&'a str, Option<&'a str>, &'a [u8]);

/// A `multipart/form-data` body built by hand, the parts in the given order, each file
/// part declared as `file_type`. Returns (content type, body) for
/// [`Client::post_multipart`].
pub fn multipart(file_type: &str, parts: &[Part<'_>]) -> (String, Vec<u8>) {
    let boundary = "----gongkai-test-boundary-51c7";
    let mut body = Vec::new();
    for (name, file, data) in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match file {
            Some(f) => body.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: {file_type}\r\n\r\n"
                )
                .as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        body.extend_from_slice(data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A 1×1 PNG.
pub fn png() -> Vec<u8> {
    const PNG_B64: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";
    data_encoding::BASE64.decode(PNG_B64.as_bytes()).unwrap()
}

/// A running app holding the demo district with its portal snapshot loaded; the clock
/// is not moved and nothing is in the search index.
pub async fn demo_filled() -> TestApp {
    let app = TestApp::start().await;
    let st = app.state.clone();
    let now = app.state.now_ms();
    tokio::task::spawn_blocking(move || gongkai::demo::fill(&st.store, &st.cfg(), now))
        .await
        .unwrap()
        .unwrap()
        .expect("demo filled an empty store");
    app.state.portal().reload(&app.state).unwrap();
    app
}

/// The id of the channel `slug` on the site `site`.
pub fn channel_id(app: &TestApp, site: &str, slug: &str) -> u64 {
    app.state
        .portal()
        .snapshot()
        .channels
        .iter()
        .find(|c| c.site.as_str() == site && c.slug.as_str() == slug)
        .unwrap_or_else(|| panic!("channel {site}/{slug}"))
        .id
}

/// A running app holding the demo district, its portal snapshot loaded and every demo
/// item in the search index (the demo is written behind the server's back, so it is
/// indexed here as the editor would).
pub async fn demo_portal() -> TestApp {
    let app = demo_filled().await;
    let st = app.state.clone();
    tokio::task::spawn_blocking(move || {
        for a in st
            .store
            .read_blocking(gongkai::portal::store::all_articles)
            .unwrap()
        {
            st.portal().article_changed(&st, None, &a);
        }
        st.search.get().unwrap().flush();
    })
    .await
    .unwrap();
    // The demo is stamped with the test clock; items the test adds come after it.
    app.clock.advance(time::Duration::days(2));
    app
}

/// Publishes a new item in the channel `site/slug` as the editor would: cache
/// invalidated and search index updated before this returns.
pub async fn publish_new(
    app: &TestApp,
    site: &str,
    slug: &str,
    title: &str,
    body: &str,
) -> gongkai::portal::model::Article {
    use gongkai::portal::model::Article;

    let st = app.state.clone();
    let channel = channel_id(app, site, slug);
    let (site, title, body) = (site.to_owned(), title.to_owned(), body.to_owned());
    tokio::task::spawn_blocking(move || {
        let now = st.now_ms();
        let a = Article {
            title,
            source: "测试".into(),
            body_html: format!("<p>{body}</p>"),
            ..Article::blank(channel, UnitCode::parse(&site).unwrap(), "test")
        };
        let a = st
            .store
            .write_blocking(|t| {
                let saved = gongkai::publishing::store::save_article(t, a, 0, now)?;
                gongkai::publishing::store::publish(t, saved.id, now)
            })
            .unwrap();
        st.portal().article_changed(&st, None, &a);
        st.search.get().unwrap().flush();
        a
    })
    .await
    .unwrap()
}

/// Signs in as `name`, creating the account (with `role` at `unit`) the first time.
pub async fn staff(app: &TestApp, name: &str, role: Role, unit: &str) -> Client {
    let n = name.to_owned();
    let exists = app
        .state
        .store
        .read(move |txn| users::find_user(txn, &n))
        .await
        .unwrap()
        .is_some();
    if !exists {
        app.seed_user(name, role, unit).await;
    }
    let c = app.client();
    let r = app.sign_in(&c, name, PASSWORD).await;
    assert_eq!(r.location(), Some("/admin"), "login {name}: {}", r.body);
    c
}

/// The stored article.
pub async fn stored(app: &TestApp, id: u64) -> gongkai::portal::model::Article {
    app.state
        .store
        .read(move |txn| gongkai::portal::store::get_article(txn, id))
        .await
        .unwrap()
        .expect("article stored")
}

/// Its flow state id (draft, unit_review, …).
pub async fn flow_state(app: &TestApp, id: u64) -> String {
    gongkai::publishing::review::instance_of(&stored(app, id).await).state
}

/// Takes a flow transition over HTTP, as the item page's 办理 form does.
pub async fn take(
    c: &Client,
    app: &TestApp,
    id: u64,
    transition: &str,
    extra: &[(&str, &str)],
) -> Resp {
    let rev = stored(app, id).await.revision.to_string();
    let mut f: Vec<(&str, &str)> = vec![("transition", transition), ("revision", &rev)];
    f.extend_from_slice(extra);
    c.post_form("/account", &format!("/admin/articles/{id}/flow"), &f)
        .await
}

/// Drives a submitted item to published through its review levels, with reviewers and
/// publishers of its own unit and of the office (`office`), seeded as needed.
pub async fn publish_via_flow(app: &TestApp, id: u64) {
    let owner = stored(app, id).await.owner().to_string();
    for _ in 0..4 {
        let state = flow_state(app, id).await;
        let r = match state.as_str() {
            "unit_review" => {
                let c = staff(app, &format!("wf-rev-{owner}"), Role::Reviewer, &owner).await;
                take(&c, app, id, "approve_unit", &[]).await
            }
            "office_review" => {
                let c = staff(app, "wf-office-rev", Role::Reviewer, "office").await;
                take(&c, app, id, "approve_office", &[]).await
            }
            "approved" => {
                let c = staff(app, &format!("wf-pub-{owner}"), Role::Publisher, &owner).await;
                let r = take(&c, app, id, "publish", &[]).await;
                if r.status == 303 {
                    r
                } else {
                    let c = staff(app, "wf-office-pub", Role::Publisher, "office").await;
                    take(&c, app, id, "publish", &[]).await
                }
            }
            "published" => return,
            other => panic!("item {id} is {other}: submit it first"),
        };
        assert_eq!(r.status, 303, "{state}: {}", r.body);
    }
    assert_eq!(flow_state(app, id).await, "published");
}

/// The item id in a redirect to `/admin/articles/<id>?done=…`.
pub fn item_id(r: &Resp) -> u64 {
    let loc = r
        .location()
        .unwrap_or_else(|| panic!("{} {}", r.status, r.body));
    loc.strip_prefix("/admin/articles/")
        .and_then(|s| s.split('?').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{loc}"))
}

/// The stored channel.
pub async fn stored_channel(app: &TestApp, id: u64) -> gongkai::portal::model::Channel {
    app.state
        .store
        .read(move |txn| gongkai::portal::store::get_channel(txn, id))
        .await
        .unwrap()
        .expect("channel stored")
}

/// The `<input>` fields of a page as its form would send them: text, number and hidden
/// values, checked boxes as "1"; never the token or a file.
pub fn form_inputs(body: &str) -> Vec<(String, String)> {
    let mut f = Vec::new();
    for part in body.split("<input").skip(1) {
        let tag = &part[..part.find('>').unwrap_or(part.len())];
        let attr = |a: &str| {
            tag.split(&format!(" {a}=\""))
                .nth(1)
                .and_then(|v| v.split('"').next())
                .map(str::to_owned)
        };
        let Some(name) = attr("name") else { continue };
        if name == "csrf" || tag.contains("type=\"file\"") {
            continue;
        }
        if tag.contains("type=\"checkbox\"") {
            if tag.contains("checked") {
                f.push((name, "1".into()));
            }
        } else {
            f.push((name, attr("value").unwrap_or_default()));
        }
    }
    f
}
