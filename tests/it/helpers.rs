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

pub fn test_config(dir: &std::path::Path) -> Config {
    let mut cfg = Config::default();
    cfg.server.data_dir = dir.display().to_string();
    cfg.server.listen = vec!["127.0.0.1:0".into()];
    cfg.log.level = "warn".into();
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
        let mut cfg = test_config(dir.path());
        tweak(&mut cfg);
        let clock = ManualClock::new(time::macros::datetime!(2026-11-26 09:00 UTC));
        let app = gongkai::App::build(cfg, clock.clone())
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

    /// Creates an account with one role directly in the store (password `PASSWORD`).
    pub async fn seed_user(&self, username: &str, role: Role, unit: &str) -> u64 {
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

/// A browser-like client: keeps cookies, never follows redirects.
pub struct Client {
    base: String,
    http: reqwest::Client,
    pub cookies: Mutex<BTreeMap<String, String>>,
}

impl Client {
    pub fn new(base: &str) -> Client {
        Client {
            base: base.to_owned(),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookies: Mutex::new(BTreeMap::new()),
        }
    }

    fn cookie_header(&self) -> String {
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

    pub async fn login(&self, username: &str, password: &str) -> Resp {
        self.post_form(
            "/login",
            "/login",
            &[("username", username), ("password", password)],
        )
        .await
    }
}

/// A running app holding the demo district, its portal snapshot loaded and every demo
/// item in the search index (the demo is written behind the server's back, so it is
/// indexed here as the editor would).
pub async fn demo_portal() -> TestApp {
    let app = TestApp::start().await;
    let st = app.state.clone();
    tokio::task::spawn_blocking(move || {
        gongkai::demo::fill(&st.store, &st.cfg).unwrap();
        st.portal.reload(&st.store).unwrap();
        for a in st
            .store
            .read_blocking(gongkai::portal::store::all_articles)
            .unwrap()
        {
            st.portal.article_changed(None, &a);
        }
        st.portal.indexer.get().unwrap().flush();
    })
    .await
    .unwrap();
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
    use gongkai::portal::model::{Article, ArticleState};
    use gongkai::portal::store;
    let st = app.state.clone();
    let (site, slug, title, body) = (
        site.to_owned(),
        slug.to_owned(),
        title.to_owned(),
        body.to_owned(),
    );
    tokio::task::spawn_blocking(move || {
        let snap = st.portal.snapshot();
        let channel = snap
            .channels
            .iter()
            .find(|c| c.site.as_str() == site && c.slug.as_str() == slug)
            .expect("channel exists")
            .id;
        let now = st.now_ms();
        let a = Article {
            id: 0,
            channel,
            site: UnitCode::parse(&site).unwrap(),
            placements: vec![],
            title,
            subtitle: String::new(),
            source: "测试".into(),
            author: String::new(),
            keywords: String::new(),
            summary: String::new(),
            body_html: format!("<p>{body}</p>"),
            cover: None,
            attachments: vec![],
            related: vec![],
            interprets: None,
            interpretations: vec![],
            state: ArticleState::Draft,
            publish_ms: None,
            created_ms: 0,
            updated_ms: 0,
            created_by: "test".into(),
            revision: 0,
        };
        let a = st
            .store
            .write_blocking(|t| {
                let saved = store::save_article(t, a, 0, now)?;
                store::publish(t, saved.id, now)
            })
            .unwrap();
        st.portal.article_changed(None, &a);
        st.portal.indexer.get().unwrap().flush();
        a
    })
    .await
    .unwrap()
}
