//! The whole-site scan: every published item's and page's links resolved
//! (`portal::links`), and every published item without a publish date. It reads every item,
//! so it runs once a day (`daily`) and when an admin asks; the result is kept in `meta`.

use std::collections::HashMap;

use redb::{ReadTransaction, WriteTransaction};
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::portal::Snapshot;
use crate::portal::links::{self, Target};
use crate::portal::model::ArticleState;
use crate::store::{get_json, put_json, tables};

const KEY: &str = "selfcheck_scan";
/// Items read per step.
const BATCH: usize = 500;

/// An item or page the scan names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    /// The site's unit code.
    pub site: String,
    pub title: String,
    /// Where staff fix it.
    pub edit_url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Broken {
    pub place: Place,
    pub link: String,
}

/// The scan's result.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scan {
    pub at_ms: i64,
    /// Links on this site that were resolved (each distinct address once per place).
    pub links_checked: u64,
    /// Links to other hosts (counted, not fetched).
    pub external: u64,
    pub broken: Vec<Broken>,
    pub undated: Vec<Place>,
}

/// Reads every published item and page and resolves their links.
pub fn run(
    txn: &ReadTransaction,
    snap: &Snapshot,
    own_hosts: &[String],
    now_ms: i64,
) -> Result<Scan> {
    let mut scan = Scan {
        at_ms: now_ms,
        ..Default::default()
    };
    let mut known: HashMap<String, Target> = HashMap::new();
    let mut check = |scan: &mut Scan, place: &Place, html: &str| -> Result<()> {
        let mut seen: Vec<String> = Vec::new();
        for link in links::links_in(html) {
            if seen.contains(&link) {
                continue;
            }
            seen.push(link.clone());
            let target = match known.get(&link) {
                Some(t) => t.clone(),
                None => {
                    let t = links::resolve(txn, snap, own_hosts, &link)?;
                    known.insert(link.clone(), t.clone());
                    t
                }
            };
            match target {
                Target::Found => scan.links_checked += 1,
                Target::Missing => {
                    scan.links_checked += 1;
                    scan.broken.push(Broken {
                        place: place.clone(),
                        link,
                    });
                }
                Target::External => scan.external += 1,
                Target::Other => {}
            }
        }
        Ok(())
    };
    for c in &snap.channels {
        if !c.page_html.is_empty() {
            let place = Place {
                site: c.site.to_string(),
                title: format!("栏目“{}”", c.name),
                edit_url: format!("/admin/sites/{}/channels/{}", c.site, c.id),
            };
            check(&mut scan, &place, &c.page_html)?;
        }
    }
    let mut after = None;
    loop {
        let batch = crate::portal::store::articles_after(txn, after, BATCH)?;
        let Some(last) = batch.last() else { break };
        after = Some(last.id);
        for a in batch.iter().filter(|a| a.state == ArticleState::Published) {
            let place = Place {
                site: a.site.to_string(),
                title: a.title.clone(),
                edit_url: format!("/admin/articles/{}", a.id),
            };
            if a.publish_ms.is_none() {
                scan.undated.push(place.clone());
            }
            check(&mut scan, &place, &a.body_html)?;
        }
    }
    Ok(scan)
}

/// The last scan, if one ran.
pub fn last(txn: &ReadTransaction) -> Result<Option<Scan>> {
    get_json(&txn.open_table(tables::META)?, KEY)
}

pub fn keep(txn: &WriteTransaction, scan: &Scan) -> Result<()> {
    put_json(txn, tables::META, KEY, scan)
}

/// This site's host names: the portal's domain and every site's bound host.
pub fn own_hosts(cfg: &crate::config::Config, snap: &Snapshot) -> Vec<String> {
    let mut hosts: Vec<String> = snap.sites.iter().filter_map(|s| s.host.clone()).collect();
    if !cfg.site.domain.is_empty() {
        hosts.push(cfg.site.domain.clone());
    }
    hosts
}
