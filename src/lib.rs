//! gongkai: one binary that runs a district government's web presence.
//!
//! `App::build` opens the data folder, binds the listeners (port 0 allowed) and returns
//! the bound addresses; `App::run` serves until shutdown. `main.rs` is only the CLI.

pub mod admin;
pub mod app;
pub mod auth;
pub mod calendar;
pub mod clock;
pub mod config;
pub mod demo;
pub mod disclosure;
pub mod error;
pub mod flow;
pub mod http;
pub mod ids;
pub mod intranet;
pub mod mailbox;
pub mod notify;
pub mod ops;
pub mod portal;
pub mod projects;
pub mod publishing;
pub mod search;
pub mod staff;
pub mod store;
pub mod views;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::AtomicI64;

use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::auth::model::Role;
use crate::clock::SharedClock;
use crate::config::Config;
use crate::http::{AppState, Shared};
use crate::store::Store;

/// Why start-up failed: one line for the console, exit code 2.
#[derive(Debug)]
pub struct StartError(pub String);

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

pub struct App {
    pub state: Shared,
    listeners: Vec<TcpListener>,
    addrs: Vec<SocketAddr>,
    tls: Option<tokio_rustls::TlsAcceptor>,
    /// The first-run setup link's token, when no administrator exists yet.
    pub setup_token: Option<String>,
}

impl App {
    /// Opens the store, binds every listen address and prepares (but does not start) serving.
    pub async fn build(cfg: Config, clock: SharedClock) -> Result<App, StartError> {
        Self::build_with(cfg, clock, app::registry::staff()).await
    }

    /// `build` with the staff registrations given (tests plug in a capability this way).
    pub async fn build_with(
        cfg: Config,
        clock: SharedClock,
        registry: staff::registry::Registry,
    ) -> Result<App, StartError> {
        let tls = if cfg.tls.cert_file.is_empty() {
            None
        } else {
            Some(
                http::server::tls_acceptor(&cfg.tls.cert_file, &cfg.tls.key_file)
                    .map_err(StartError)?,
            )
        };
        let addrs = cfg.listen_addrs().map_err(|e| StartError(e.0))?;
        let trusted_proxies = cfg.trusted_proxies().map_err(|e| StartError(e.0))?;
        let dir = cfg.data_dir();
        // A restore staged in the panel is swapped in now, before the store opens.
        let stamp = clock::file_stamp(clock::to_ms(clock.now()));
        let swapped = ops::restore::swap_in_if_staged(&dir, &stamp)
            .map_err(|e| StartError(format!("恢复备份失败：{e}")))?;
        if let Some(kept) = &swapped {
            tracing::warn!(
                "已换入管理后台上传的备份；原有数据保留在 {}",
                kept.display()
            );
        }
        let clock_for_open = clock.clone();
        let cache = cfg.store_cache_bytes();
        let store = tokio::task::spawn_blocking(move || {
            Store::open_with_cache(&dir, &*clock_for_open, cache)
        })
        .await
        .map_err(|e| StartError(e.to_string()))?
        .map_err(|e| StartError(format!("配置错误：server.data_dir：{e}")))?;
        // Settings saved in the panel, over the defaults where nothing locks them; if they no
        // longer make a valid whole (an older panel value against a newer rule), none apply.
        let saved = store
            .read(admin::settings::saved)
            .await
            .map_err(|e| StartError(e.to_string()))?;
        let mut cfg = cfg;
        let mut with_panel = cfg.clone();
        for why in with_panel.apply_panel(&saved) {
            tracing::warn!("管理后台保存的设置未采用：{why}");
        }
        match with_panel.check() {
            Ok(()) => cfg = with_panel,
            Err(e) => tracing::error!("管理后台保存的设置未采用：{e}"),
        }
        let calendar = store
            .read(admin::calendar::effective)
            .await
            .map_err(|e| StartError(e.to_string()))?;
        if let Some(kept) = swapped {
            let now = clock::to_ms(clock.now());
            let ev = auth::audit::Event {
                user: "系统".into(),
                unit: String::new(),
                action: "restore_done",
                object: kept.display().to_string(),
                ip: String::new(),
                outcome: auth::audit::Outcome::Success,
                detail: "已换入管理后台上传的备份，原有数据保留在此目录".into(),
            };
            store
                .write(move |txn| auth::audit::append(txn, ev, now).map(|_| ()))
                .await
                .map_err(|e| StartError(e.to_string()))?;
        }
        store
            .write(auth::csrf::load_or_make_key)
            .await
            .map_err(|e| StartError(e.to_string()))?;
        let mut listeners = http::server::bind(&addrs).await.map_err(StartError)?;
        let addrs = listeners
            .iter()
            .filter_map(|l| l.local_addr().ok())
            .collect();
        // The intranet's own address, when set: served like the others, and the only one
        // that reaches /oa/ (`http::zone`).
        let intranet_listener = match cfg.intranet_listen().map_err(|e| StartError(e.0))? {
            Some(a) => {
                let l = http::server::bind(&[a])
                    .await
                    .map_err(|e| StartError(e.replace("server.listen", "intranet.listen")))?
                    .remove(0);
                let bound = l.local_addr().map_err(|e| StartError(e.to_string()))?;
                listeners.push(l);
                Some(http::zone::IntranetListener(bound))
            }
            None => None,
        };
        let assets = views::assets::Assets::load();
        let site = views::Site::from_config(&cfg, &assets);
        let started_ms = clock::to_ms(clock.now());
        let state = Arc::new(AppState {
            tls: tls.is_some(),
            trusted_proxies,
            config: std::sync::RwLock::new(Arc::new(cfg)),
            store,
            clock,
            assets,
            site_chrome: std::sync::RwLock::new(Arc::new(site)),
            work_calendar: std::sync::RwLock::new(Arc::new(calendar)),
            started_ms,
            reindex: Default::default(),
            login_throttle: Default::default(),
            kept_throttle: Default::default(),
            login_tries: Default::default(),
            metrics: Default::default(),
            scheduler_beat_ms: AtomicI64::new(0),
            pages: Default::default(),
            unread: notify::store::unread_count,
            parts: {
                let parts = http::parts::Parts::default()
                    .with(portal::Portal::default())
                    .with(intranet::files::Transfers::default())
                    .with(disclosure::requests::guard::DisclosureGuard::default())
                    .with(mailbox::pow::MailboxGuard::default())
                    .with(mailbox::stats::Cache::default())
                    .with(disclosure::catalog::query::RowCache::default())
                    .with(registry);
                match intranet_listener {
                    Some(l) => parts.with(l),
                    None => parts,
                }
            },
            search: Default::default(),
        });
        state.pages.set_limit(state.cfg().page_cache_bytes());
        state
            .portal()
            .reload(&state)
            .map_err(|e| StartError(e.to_string()))?;
        let (st2, data) = (state.clone(), state.cfg().data_dir());
        let mem = state.cfg().search_memory();
        match tokio::task::spawn_blocking(move || {
            search::indexer::open(&data, &st2.store, mem, app::registry::SEARCH_SOURCES)
        })
        .await
        .map_err(|e| StartError(e.to_string()))?
        {
            Ok((index, rebuilt)) => {
                if let Some(n) = rebuilt {
                    tracing::info!("search index rebuilt: {n} items");
                    // The rebuild's buffers are gone; so should their memory be.
                    ops::memory::release_free_memory();
                }
                let _ = state
                    .search
                    .set(search::Indexer::start(index, app::registry::SEARCH_SOURCES));
            }
            // Search is derived data: the portal still serves without it.
            Err(e) => tracing::error!("search unavailable: {e}"),
        }
        let setup_token = issue_setup_token_if_needed(&state)
            .await
            .map_err(|e| StartError(e.to_string()))?;
        Ok(App {
            state,
            listeners,
            addrs,
            tls,
            setup_token,
        })
    }

    pub fn addrs(&self) -> &[SocketAddr] {
        &self.addrs
    }

    /// The intranet's own listen address (`intranet.listen`), when one is set.
    pub fn intranet_addr(&self) -> Option<SocketAddr> {
        self.state
            .parts
            .get::<http::zone::IntranetListener>()
            .map(|l| l.0)
    }

    /// The setup link for the first listen address, if one was issued.
    pub fn setup_url(&self) -> Option<String> {
        let t = self.setup_token.as_ref()?;
        let a = self.addrs.first()?;
        let scheme = if self.tls.is_some() { "https" } else { "http" };
        Some(format!("{scheme}://{a}/setup?token={t}"))
    }

    /// Serves until `stop` becomes true, then drains and closes the database.
    pub async fn run(self, stop: watch::Receiver<bool>) -> Result<(), StartError> {
        let st = self.state.clone();
        let jobs = app::jobs::spawn(st.clone(), stop.clone());
        let control = ops::control::listen(st.clone(), stop.clone())
            .map_err(|e| StartError(format!("控制套接字无法创建：{e}")))?;
        let router = app::router::build(st.clone());
        let limits = http::server::Limits::from_config(&st.cfg());
        http::server::serve(self.listeners, router, self.tls, limits, stop).await;
        // Wait for the background tasks so the database is closed when `run` returns.
        let _ = jobs.await;
        let _ = control.await;
        Ok(())
    }
}

async fn issue_setup_token_if_needed(st: &Shared) -> error::Result<Option<String>> {
    let has_admin = st
        .store
        .read(|txn| auth::store::any_with_role(txn, Role::Sysadmin))
        .await?;
    if has_admin {
        return Ok(None);
    }
    let now = st.now_ms();
    let valid = i64::try_from(st.cfg().auth.setup_token_minutes)
        .unwrap_or(60)
        .saturating_mul(60_000);
    let token = st
        .store
        .write(move |txn| auth::setup::issue(txn, now, valid))
        .await?;
    Ok(Some(token))
}
