//! What each capability registers with the staff side: its navigation entries (which are
//! also the workbench tiles) and its 待办 sources. The composition root builds one
//! `Registry` (`app::registry`) and puts it in the shared state; the shell, the workbench and
//! 我的工作 read it, so a new capability never edits them.

use crate::auth::model::User;
use crate::http::AppState;

pub use super::shows::Shows;
use super::todo::TodoSource;

/// One place in the staff navigation and, with a blurb, a tile on the workbench.
#[derive(Clone, Copy)]
pub struct NavEntry {
    pub href: &'static str,
    pub label: &'static str,
    /// The tile's one-line description; `None`: no tile.
    pub tile: Option<&'static str>,
    /// Whether it appears in the navigation bar (some entries are tiles only).
    pub in_bar: bool,
    pub shows: Shows,
    /// Shown only on requests that may reach the intranet (`http::zone::inside`), so the
    /// staff side never points outsiders at `/oa/`.
    pub intranet: bool,
}

impl NavEntry {
    pub const fn new(href: &'static str, label: &'static str, shows: Shows) -> NavEntry {
        NavEntry {
            href,
            label,
            tile: None,
            in_bar: true,
            shows,
            intranet: false,
        }
    }

    pub const fn tile(mut self, blurb: &'static str) -> NavEntry {
        self.tile = Some(blurb);
        self
    }

    pub const fn intranet(mut self) -> NavEntry {
        self.intranet = true;
        self
    }

    pub const fn tile_only(mut self, blurb: &'static str) -> NavEntry {
        self.tile = Some(blurb);
        self.in_bar = false;
        self
    }
}

#[derive(Default)]
pub struct Registry {
    /// In the order they appear.
    pub nav: Vec<NavEntry>,
    pub todo: Vec<Box<dyn TodoSource>>,
    /// Rows capabilities add to the self-check (`site_checks`).
    pub site_checks: Vec<super::site_checks::SiteCheck>,
}

impl Registry {
    /// The navigation bar for a user: the workbench first, then what their roles show
    /// (intranet entries only when the request is `inside`).
    pub fn bar(&self, st: &AppState, u: &User, inside: bool) -> Vec<(&'static str, &'static str)> {
        std::iter::once(("/admin", "工作台"))
            .chain(
                self.nav
                    .iter()
                    .filter(|e| e.in_bar && self.shows(e, st, u, inside))
                    .map(|e| (e.href, e.label)),
            )
            .collect()
    }

    /// Whether an entry shows for `u` on a request from inside the intranet or not.
    fn shows(&self, e: &NavEntry, st: &AppState, u: &User, inside: bool) -> bool {
        (inside || !e.intranet)
            && match e.shows {
                Shows::Work => self.has_work(st, u, inside),
                s => s.allows(st, u),
            }
    }

    /// Whether any registered 待办 source is `u`'s (the intranet's only from inside).
    pub fn has_work(&self, st: &AppState, u: &User, inside: bool) -> bool {
        self.todo
            .iter()
            .any(|s| (inside || !s.inside_only()) && s.shows().allows(st, u))
    }

    /// The workbench tiles for a user: (href, label, blurb).
    pub fn tiles(
        &self,
        st: &AppState,
        u: &User,
        inside: bool,
    ) -> Vec<(&'static str, &'static str, &'static str)> {
        self.nav
            .iter()
            .filter(|e| self.shows(e, st, u, inside))
            .filter_map(|e| e.tile.map(|t| (e.href, e.label, t)))
            .collect()
    }
}

static EMPTY: Registry = Registry {
    nav: Vec::new(),
    todo: Vec::new(),
    site_checks: Vec::new(),
};

impl AppState {
    /// The staff registrations (`app::registry`); empty if none were made.
    pub fn staff_registry(&self) -> &Registry {
        self.parts.get::<Registry>().unwrap_or(&EMPTY)
    }
}
