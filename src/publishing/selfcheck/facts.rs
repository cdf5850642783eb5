//! What the self-check rules read about each site, gathered cheaply: a channel's count and
//! its newest item are one key each (`CHANNEL_COUNTS`, the head of `CHANNEL_ITEMS`).

use redb::ReadTransaction;

use crate::auth::model::UnitCode;
use crate::error::Result;
use crate::portal::Snapshot;
use crate::portal::model::{ChannelKind, UpdateClass};
use crate::portal::store;

/// One channel, as the rules need it.
#[derive(Debug, Clone)]
pub struct ChannelFacts {
    pub id: u64,
    pub name: String,
    pub kind: ChannelKind,
    pub class: UpdateClass,
    pub archived: bool,
    /// Public items in it.
    pub count: u64,
    /// When its newest public item was published.
    pub latest_ms: Option<i64>,
    /// A single-page channel with no text.
    pub page_empty: bool,
    /// The channel's settings page.
    pub edit_url: String,
}

/// One site, as the rules need it.
#[derive(Debug, Clone)]
pub struct SiteFacts {
    pub unit: UnitCode,
    pub name: String,
    pub is_main: bool,
    /// The identifiers its pages show (its own, else the portal's).
    pub footer: crate::views::Site,
    pub channels: Vec<ChannelFacts>,
}

/// Every site's facts; `portal_chrome` is the portal's own name and identifiers.
pub fn gather(
    txn: &ReadTransaction,
    snap: &Snapshot,
    portal_chrome: &crate::views::Site,
) -> Result<Vec<SiteFacts>> {
    let mut out = Vec::new();
    for site in &snap.sites {
        let footer = if site.is_main {
            portal_chrome.clone()
        } else {
            site.footer.over(portal_chrome)
        };
        let mut channels = Vec::new();
        for c in snap.channels_of(&site.unit) {
            let latest_ms = if c.kind == ChannelKind::List {
                store::channel_page(txn, c.id, 1, 1)?
                    .first()
                    .and_then(|a| a.publish_ms)
            } else {
                None
            };
            channels.push(ChannelFacts {
                id: c.id,
                name: c.name.clone(),
                kind: c.kind,
                class: c.update_class(),
                archived: c.archived,
                count: store::channel_count(txn, c.id)?,
                latest_ms,
                page_empty: c.kind == ChannelKind::Page && plain_empty(&c.page_html),
                edit_url: format!("/admin/sites/{}/channels/{}", site.unit, c.id),
            });
        }
        out.push(SiteFacts {
            unit: site.unit.clone(),
            name: site.name.clone(),
            is_main: site.is_main,
            footer,
            channels,
        });
    }
    Ok(out)
}

/// Whether HTML has no text and no image.
fn plain_empty(html: &str) -> bool {
    if html.contains("<img") {
        return false;
    }
    let mut text = String::new();
    let mut in_tag = false;
    for ch in html.chars() {
        match ch {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&nbsp;", "").trim().is_empty()
}
