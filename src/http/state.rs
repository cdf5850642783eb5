//! The one shared context every handler gets.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicU64};
use std::sync::{Arc, Mutex, RwLock};

use crate::calendar::WorkCalendar;
use crate::clock::SharedClock;
use crate::config::Config;
use crate::store::Store;
use crate::views::Site;

pub type Shared = Arc<AppState>;

pub struct AppState {
    /// The effective configuration; settings saved in the panel replace it while the
    /// server runs (`set_config`). Read it with `cfg()`.
    pub config: RwLock<Arc<Config>>,
    pub store: Store,
    pub clock: SharedClock,
    pub assets: crate::views::assets::Assets,
    /// The site's name and footer identifiers, made from the configuration. Read it with
    /// `site()`.
    pub site_chrome: RwLock<Arc<Site>>,
    /// The working-day calendar in effect: the built-in schedules with the years entered in
    /// the panel over them. Read it with `calendar()`.
    pub work_calendar: RwLock<Arc<WorkCalendar>>,
    /// When this process started serving (ms), for the system page's uptime.
    pub started_ms: i64,
    /// A search index rebuild asked for in the panel: running, and how far.
    pub reindex: crate::search::indexer::Progress,
    pub tls: bool,
    /// `server.trusted_proxies`, parsed: whose forwarding headers are believed.
    pub trusted_proxies: crate::config::NetList,
    /// Login attempts (password and code steps) per client address in the current minute,
    /// keyed by `http::client::bucket`: (minute, count).
    pub login_throttle: Mutex<HashMap<String, (i64, u64)>>,
    /// What the login page says about tries left, per "{address bucket}\n{typed name}"
    /// (`auth::lockout::Tries`).
    pub login_tries: Mutex<HashMap<String, crate::auth::lockout::Tries>>,
    /// Forms kept after their session ended (`kept`), per client address in the current
    /// hour: (hour, count).
    pub kept_throttle: Mutex<HashMap<String, (i64, u64)>>,
    pub metrics: Metrics,
    /// When the scheduler last woke (ms), for /readyz.
    pub scheduler_beat_ms: AtomicI64,
    /// Rendered public pages, dropped by tag when what they show changes.
    pub pages: super::page_cache::PageCache,
    /// How many unread notices a user has (the bell in the staff bar), registered by the
    /// composition root so the extractor need not know where notices live.
    pub unread: UnreadCount,
    /// Each capability's own long-lived state (`parts::Parts`).
    pub parts: super::parts::Parts,
    /// The one search indexer, set once at start-up (absent only if the index could not be
    /// opened: search is derived data, the site serves without it).
    pub search: std::sync::OnceLock<crate::search::Indexer>,
}

pub type UnreadCount = fn(&redb::ReadTransaction, u64) -> crate::error::Result<u64>;

#[derive(Default)]
pub struct Metrics {
    pub requests: AtomicU64,
    pub errors_5xx: AtomicU64,
    pub logins_ok: AtomicU64,
    pub logins_failed: AtomicU64,
    pub latency_us_sum: AtomicU64,
}

impl AppState {
    pub fn now_ms(&self) -> i64 {
        crate::clock::to_ms(self.clock.now())
    }

    /// The configuration in effect now.
    pub fn cfg(&self) -> Arc<Config> {
        match self.config.read() {
            Ok(c) => c.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// The site's name and footer identifiers in effect now.
    pub fn site(&self) -> Arc<Site> {
        match self.site_chrome.read() {
            Ok(c) => c.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// The working-day calendar in effect now.
    pub fn calendar(&self) -> Arc<WorkCalendar> {
        match self.work_calendar.read() {
            Ok(c) => c.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Puts a calendar in effect at once: every deadline is counted with it from now on.
    pub fn set_calendar(&self, cal: WorkCalendar) {
        match self.work_calendar.write() {
            Ok(mut c) => *c = Arc::new(cal),
            Err(poisoned) => *poisoned.into_inner() = Arc::new(cal),
        }
    }

    /// Puts a new configuration in effect at once (settings saved in the panel): the site's
    /// chrome is made again from it and every cached public page dropped, since each one
    /// shows the name and the footer.
    pub fn set_config(&self, cfg: Config) {
        let site = Site::from_config(&cfg, &self.assets);
        self.pages.set_limit(cfg.page_cache_bytes());
        match self.config.write() {
            Ok(mut c) => *c = Arc::new(cfg),
            Err(poisoned) => *poisoned.into_inner() = Arc::new(cfg),
        }
        match self.site_chrome.write() {
            Ok(mut c) => *c = Arc::new(site),
            Err(poisoned) => *poisoned.into_inner() = Arc::new(site),
        }
        self.pages.clear();
    }
}
