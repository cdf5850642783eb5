//! The public portal: the site group (the main portal and units' sub-sites), channels,
//! articles, the page cache, and the public pages.

pub mod access;
pub mod feeds;
pub mod files;
pub mod host;
pub mod links;
pub mod lookup_cookie;
pub mod model;
pub mod pages;
pub mod public_form;
pub mod public_guard;
pub mod routes;
pub mod sanitize;
pub mod search_docs;
pub mod search_page;
pub mod store;

use std::sync::{Arc, RwLock};

use model::{Article, Channel, Site};

use crate::auth::model::UnitCode;
use crate::error::Result;
use crate::http::AppState;

impl AppState {
    /// The portal's state, put in by the composition root (`lib.rs`) before serving.
    pub fn portal(&self) -> &Portal {
        // Only a composition-root bug can leave it out, and every test would show it.
        #[allow(clippy::expect_used)]
        self.parts
            .get::<Portal>()
            .expect("the composition root registers the portal's state")
    }
}

/// Sites and channels change rarely and are read on every public request, so a
/// snapshot is kept in memory and replaced whole after each change.
#[derive(Default)]
pub struct Snapshot {
    pub sites: Vec<Site>,
    pub channels: Vec<Channel>,
}

impl Snapshot {
    pub fn main_site(&self) -> Option<&Site> {
        self.sites.iter().find(|s| s.is_main)
    }
    pub fn site(&self, code: &str) -> Option<&Site> {
        self.sites.iter().find(|s| s.unit.as_str() == code)
    }
    pub fn site_for_host(&self, host: &str) -> Option<&Site> {
        let host = host.split(':').next().unwrap_or(host);
        self.sites.iter().find(|s| {
            s.host
                .as_deref()
                .is_some_and(|h| h.eq_ignore_ascii_case(host))
        })
    }
    pub fn channel(&self, id: u64) -> Option<&Channel> {
        self.channels.iter().find(|c| c.id == id)
    }
    pub fn channels_of<'a>(&'a self, site: &'a UnitCode) -> impl Iterator<Item = &'a Channel> + 'a {
        self.channels.iter().filter(move |c| &c.site == site)
    }
    /// The path of a channel from its site's top level down (for breadcrumbs).
    pub fn channel_path(&self, id: u64) -> Vec<&Channel> {
        let mut out = Vec::new();
        let mut cur = self.channel(id);
        while let Some(c) = cur {
            if out.len() > 16 {
                break;
            }
            out.push(c);
            cur = c.parent.and_then(|p| self.channel(p));
        }
        out.reverse();
        out
    }
    /// The public URL of a channel on its own site.
    pub fn channel_url(&self, c: &Channel) -> String {
        let prefix = self
            .site(c.site.as_str())
            .map(Site::prefix)
            .unwrap_or_default();
        format!("{prefix}/c/{}/", c.slug)
    }
    /// The one canonical URL of an article: on its home channel's site.
    pub fn article_url(&self, a: &Article) -> String {
        let prefix = self
            .site(a.site.as_str())
            .map(Site::prefix)
            .unwrap_or_default();
        format!("{prefix}/a/{}", a.id)
    }
}

/// The portal's part of the shared state (`http::parts`): the snapshot and the search
/// indexer. Rendered pages live in the foundation's page cache (`AppState::pages`).
#[derive(Default)]
pub struct Portal {
    snapshot: RwLock<Arc<Snapshot>>,
}

impl Portal {
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.snapshot.read().map(|s| s.clone()).unwrap_or_default()
    }

    /// Re-reads sites and channels after a change and drops the pages that show them.
    pub fn reload(&self, st: &AppState) -> Result<()> {
        self.reload_dropping(st, None)
    }

    /// Re-reads sites and channels; drops only the cached pages tagged `tags` when given
    /// (a change only they show, such as a site's home-page blocks), else every page.
    pub fn reload_dropping(&self, st: &AppState, tags: Option<&[String]>) -> Result<()> {
        let mut snap = st.store.read_blocking(|txn| {
            Ok(Snapshot {
                sites: store::list_sites(txn)?,
                channels: store::all_channels(txn)?,
            })
        })?;
        // One name shown everywhere: the portal's is the setting (系统设置), in staff labels
        // as in the public header and titles.
        let name = st.cfg().site.name.clone();
        for site in snap.sites.iter_mut().filter(|x| x.is_main) {
            site.name.clone_from(&name);
        }
        if let Ok(mut s) = self.snapshot.write() {
            *s = Arc::new(snap);
        }
        match tags {
            Some(t) => st.pages.invalidate(t),
            None => st.pages.clear(),
        }
        Ok(())
    }

    /// Drops the cached pages that show an article, before and after a change, and
    /// updates the search index.
    pub fn article_changed(&self, st: &AppState, before: Option<&Article>, after: &Article) {
        if let Some(ix) = st.search.get() {
            search_docs::index_article(ix, &self.snapshot(), after);
        }
        let mut tags = vec![format!("a:{}", after.id), "feeds".to_owned()];
        for a in before.into_iter().chain(std::iter::once(after)) {
            for c in a.all_channels() {
                tags.push(format!("c:{c}"));
            }
            for r in a
                .related
                .iter()
                .chain(a.interpretations.iter())
                .chain(a.interprets.iter())
            {
                tags.push(format!("a:{r}"));
            }
        }
        st.pages.invalidate(&tags);
    }
}
