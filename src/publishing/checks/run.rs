//! Running the checks against the store: the rules in force (`rules_store`) and every internal
//! link of the body resolved as the public would meet it.
//!
//! Links are resolved before `check` runs (one read snapshot, errors propagated), so the
//! resolver the engine calls is a plain lookup. How an href is judged:
//! - `https://HOST/…`: internal only when HOST (port ignored) is `site.domain`, the main site's
//!   bound host, or a sub-site's bound host; a bound host's `/a/…` and `/c/…` are that sub-site's.
//! - `/u/CODE/…` names sub-site CODE on any host (a missing or main-site code: `Missing`).
//! - Other site-relative paths (`/a/5`, `/c/news/`) are the main site's; when the item's own
//!   site has a bound host, readers there resolve them on that sub-site, so either will do.
//! - An item: `Ok` when public (`Article::is_public`) and shown on that site (home channel or a
//!   placement there); was public once (`publish_ms` set) but not now → `Withdrawn`; never
//!   published, absent, or public but not on that site → `Missing`. A link to the checked item
//!   itself is `Ok`.
//! - A channel: `Ok` when the slug exists on that site, else `Missing`.
//! - Anything else (`/files/…`, `/search`, other hosts) is not internal and not asked about.

use std::collections::HashMap;

use redb::ReadTransaction;

use super::content::{self as checks, CheckRules, Finding, Input, InternalRef, LinkStatus};
use super::rules_store;
use crate::auth::model::UnitCode;
use crate::error::Result;
use crate::http::Shared;
use crate::portal::model::{Article, Site};
use crate::portal::store as pstore;

/// Runs the checks on `a` with the rules in force.
pub async fn run(st: &Shared, a: &Article) -> Result<Vec<Finding>> {
    let a = a.clone();
    let host = st.cfg().site.domain.clone();
    st.store
        .read(move |txn| {
            let rules = rules_store::load(txn)?;
            check_in(txn, &rules, &a, &host)
        })
        .await
}

/// Runs the checks on `a` with the given rules (e.g. rules being edited, not yet saved).
pub async fn run_with(st: &Shared, rules: CheckRules, a: &Article) -> Result<Vec<Finding>> {
    let a = a.clone();
    let host = st.cfg().site.domain.clone();
    st.store
        .read(move |txn| check_in(txn, &rules, &a, &host))
        .await
}

/// The checks on one snapshot, for callers already on a blocking thread. `main_host` is the
/// portal's public domain (`site.domain`).
pub fn check_in(
    txn: &ReadTransaction,
    rules: &CheckRules,
    a: &Article,
    main_host: &str,
) -> Result<Vec<Finding>> {
    let links = link_statuses(txn, a, main_host)?;
    let resolver = |href: &str| links.get(href).copied().unwrap_or(LinkStatus::NotInternal);
    Ok(checks::check(rules, &Input::from_article(a, &resolver)))
}

/// What each href of `a`'s body points to (keys as `checks::scan` gives them, which is what
/// the engine asks about).
pub fn link_statuses(
    txn: &ReadTransaction,
    a: &Article,
    main_host: &str,
) -> Result<HashMap<String, LinkStatus>> {
    let sites = pstore::list_sites(txn)?;
    let ctx = Ctx {
        sites: &sites,
        main_host,
        home: &a.site,
        self_id: a.id,
    };
    let mut out = HashMap::new();
    for l in checks::scan(&a.body_html).links {
        if out.contains_key(&l.href) {
            continue;
        }
        let s = ctx.status(txn, &l.href)?;
        out.insert(l.href, s);
    }
    Ok(out)
}

struct Ctx<'a> {
    sites: &'a [Site],
    main_host: &'a str,
    home: &'a UnitCode,
    /// The checked item (0 for one never saved).
    self_id: u64,
}

impl Ctx<'_> {
    fn main(&self) -> Option<&Site> {
        self.sites.iter().find(|s| s.is_main)
    }

    fn sub(&self, code: &str) -> Option<&Site> {
        self.sites
            .iter()
            .find(|s| !s.is_main && s.unit.as_str() == code)
    }

    /// The site a host name serves, if it is one of ours.
    fn site_for_host(&self, host: &str) -> Option<&Site> {
        let bare = host.split(':').next().unwrap_or(host);
        let bound = |s: &&Site| {
            s.host
                .as_deref()
                .is_some_and(|h| h.eq_ignore_ascii_case(bare))
        };
        if bare.eq_ignore_ascii_case(self.main_host) {
            return self.main();
        }
        self.sites
            .iter()
            .find(|s| s.is_main && bound(s))
            .or_else(|| self.sites.iter().find(bound))
    }

    fn status(&self, txn: &ReadTransaction, href: &str) -> Result<LinkStatus> {
        let (r, mut candidates) = match href
            .strip_prefix("https://")
            .or_else(|| href.strip_prefix("http://"))
        {
            Some(rest) => {
                let host = &rest[..rest.find('/').unwrap_or(rest.len())];
                let Some(site) = self.site_for_host(host) else {
                    return Ok(LinkStatus::NotInternal);
                };
                let Some(r) = InternalRef::parse(href, &[host]) else {
                    return Ok(LinkStatus::NotInternal);
                };
                (r, vec![site])
            }
            None => {
                let Some(r) = InternalRef::parse(href, &[]) else {
                    return Ok(LinkStatus::NotInternal);
                };
                let mut c: Vec<&Site> = self.main().into_iter().collect();
                if let Some(home) = self.sub(self.home.as_str())
                    && home.host.is_some()
                {
                    c.push(home);
                }
                (r, c)
            }
        };
        let named = match &r {
            InternalRef::Article { site, .. } | InternalRef::Channel { site, .. } => site,
        };
        if let Some(code) = named {
            candidates = self.sub(code).into_iter().collect();
        }
        let mut first = None;
        for site in candidates {
            let s = match &r {
                InternalRef::Article { id, .. } => self.article(txn, site, *id)?,
                InternalRef::Channel { slug, .. } => {
                    match pstore::channel_by_slug(txn, &site.unit, slug)? {
                        Some(_) => LinkStatus::Ok,
                        None => LinkStatus::Missing,
                    }
                }
            };
            if s == LinkStatus::Ok {
                return Ok(s);
            }
            first.get_or_insert(s);
        }
        Ok(first.unwrap_or(LinkStatus::Missing))
    }

    fn article(&self, txn: &ReadTransaction, site: &Site, id: u64) -> Result<LinkStatus> {
        if id == self.self_id && id != 0 {
            return Ok(LinkStatus::Ok);
        }
        let Some(a) = pstore::get_article(txn, id)? else {
            return Ok(LinkStatus::Missing);
        };
        if !a.is_public() {
            return Ok(if a.publish_ms.is_some() {
                LinkStatus::Withdrawn
            } else {
                LinkStatus::Missing
            });
        }
        if a.site == site.unit {
            return Ok(LinkStatus::Ok);
        }
        for c in a.all_channels() {
            if pstore::get_channel(txn, c)?.is_some_and(|c| c.site == site.unit) {
                return Ok(LinkStatus::Ok);
            }
        }
        Ok(LinkStatus::Missing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::portal::model::Channel;
    use crate::publishing::checks::content::FindingKind;
    use crate::store::Store;

    const DOMAIN: &str = "www.example.gov.cn";

    fn code(s: &str) -> UnitCode {
        UnitCode::parse(s).unwrap()
    }

    // Built from JSON so fields added later with defaults need no change here.
    fn site(unit: &str, main: bool, host: Option<&str>) -> Site {
        serde_json::from_value(serde_json::json!({
            "unit": unit, "name": unit, "theme": "red", "host": host, "is_main": main,
        }))
        .unwrap()
    }

    fn channel(site: &str, slug: &str) -> Channel {
        serde_json::from_value(serde_json::json!({
            "id": 0, "site": site, "slug": slug, "name": slug, "kind": "list", "parent": null,
            "order": 0, "description": "", "link": "", "page_html": "", "on_home": false,
            "in_nav": false,
        }))
        .unwrap()
    }

    struct World {
        _dir: tempfile::TempDir,
        store: Store,
        /// Published on gov (news), also placed in the commerce channel.
        public: u64,
        /// Published on commerce only.
        commerce_only: u64,
        withdrawn: u64,
        draft: u64,
    }

    /// Sites gov (main), commerce (bound to shop.example.gov.cn) and edu; a channel each.
    fn world() -> World {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(
            dir.path(),
            &*crate::clock::ManualClock::new(crate::clock::TEST_START),
        )
        .unwrap();
        let ids = store
            .write_blocking(|t| {
                pstore::put_site(t, &site("gov", true, None))?;
                pstore::put_site(t, &site("commerce", false, Some("shop.example.gov.cn")))?;
                pstore::put_site(t, &site("edu", false, None))?;
                let news = pstore::create_channel(t, channel("gov", "news"))?.unwrap();
                let biz = pstore::create_channel(t, channel("commerce", "biz"))?.unwrap();
                pstore::create_channel(t, channel("edu", "school"))?.unwrap();
                let new = |ch: u64, site: &str, placements: Vec<u64>| {
                    let a = Article {
                        title: "测试".into(),
                        body_html: "<p>正文</p>".into(),
                        placements,
                        ..Article::blank(ch, code(site), "t")
                    };
                    crate::publishing::store::save_article(t, a, 0, 1).map(|a| a.id)
                };
                let public = new(news, "gov", vec![biz])?;
                let commerce_only = new(biz, "commerce", vec![])?;
                let withdrawn = new(news, "gov", vec![])?;
                let draft = new(news, "gov", vec![])?;
                for id in [public, commerce_only, withdrawn] {
                    crate::publishing::store::publish(t, id, 2)?;
                }
                crate::publishing::store::withdraw(t, withdrawn, "过时", 3)?;
                Ok((public, commerce_only, withdrawn, draft))
            })
            .unwrap();
        World {
            _dir: dir,
            store,
            public: ids.0,
            commerce_only: ids.1,
            withdrawn: ids.2,
            draft: ids.3,
        }
    }

    fn statuses(w: &World, home: &str, hrefs: &[String]) -> Vec<LinkStatus> {
        let body: String = hrefs
            .iter()
            .map(|h| format!("<p><a href=\"{h}\">链接</a></p>"))
            .collect();
        let a = Article {
            body_html: body,
            ..Article::blank(1, code(home), "t")
        };
        let m = w
            .store
            .read_blocking(|t| link_statuses(t, &a, DOMAIN))
            .unwrap();
        hrefs.iter().map(|h| m[h.as_str()]).collect()
    }

    #[test]
    fn articles_resolve_as_the_public_sees_them() {
        use LinkStatus::*;
        let w = world();
        let hrefs = [
            format!("/a/{}", w.public),
            format!("/a/{}/print", w.public),
            format!("/u/commerce/a/{}", w.public),
            format!("/u/edu/a/{}", w.public),
            format!("/a/{}", w.commerce_only),
            format!("/u/commerce/a/{}", w.commerce_only),
            format!("/a/{}", w.withdrawn),
            format!("/a/{}#top", w.draft),
            "/a/999".to_owned(),
            format!("/u/nosuch/a/{}", w.public),
            format!("/u/gov/a/{}", w.public),
        ];
        assert_eq!(
            statuses(&w, "gov", &hrefs),
            [
                Ok, Ok, Ok, Missing, Missing, Ok, Withdrawn, Missing, Missing, Missing, Missing
            ]
        );
    }

    #[test]
    fn channels_and_hosts() {
        use LinkStatus::*;
        let w = world();
        let hrefs: Vec<String> = [
            "/c/news/",
            "/c/news/page/2/",
            "/c/biz/",
            "/u/commerce/c/biz/",
            "/u/edu/c/biz/",
            "/c/nosuch/",
            "https://www.example.gov.cn/c/news/",
            "http://WWW.EXAMPLE.GOV.CN:8080/c/nosuch/",
            "https://shop.example.gov.cn/c/biz/",
            "https://shop.example.gov.cn/c/news/",
            "https://elsewhere.example.com/c/nosuch/",
            "/files/abc/x.pdf",
            "//www.example.gov.cn/c/nosuch/",
        ]
        .map(str::to_owned)
        .to_vec();
        assert_eq!(
            statuses(&w, "gov", &hrefs),
            [
                Ok,
                Ok,
                Missing,
                Ok,
                Missing,
                Missing,
                Ok,
                Missing,
                Ok,
                Missing,
                NotInternal,
                NotInternal,
                NotInternal
            ]
        );
        // An item of the bound sub-site: its readers resolve `/c/biz/` there.
        assert_eq!(statuses(&w, "commerce", &["/c/biz/".to_owned()]), [Ok]);
        // Without a bound host, `/c/…` is the main site's.
        assert_eq!(statuses(&w, "edu", &["/c/school/".to_owned()]), [Missing]);
    }

    #[test]
    fn check_in_reports_broken_links_with_the_stored_rules() {
        let w = world();
        let a = Article {
            id: w.draft,
            title: "通知".into(),
            body_html: format!(
                "<p>见<a href=\"/a/{}\">旧文</a>、<a href=\"/a/{}\">本文</a>和<a href=\"/a/{}\">新文</a>。</p>",
                w.withdrawn, w.draft, w.public
            ),
            ..Article::blank(1, code("gov"), "t")
        };
        let f = w
            .store
            .read_blocking(|t| {
                let rules = rules_store::load(t)?;
                check_in(t, &rules, &a, DOMAIN)
            })
            .unwrap();
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(
            f[0].kind,
            FindingKind::BrokenInternalLink {
                status: LinkStatus::Withdrawn
            }
        );
        assert_eq!(f[0].text, format!("/a/{}", w.withdrawn));
    }
}
