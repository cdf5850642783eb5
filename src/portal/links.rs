//! Which links in published text lead nowhere: the links of an item or page are read out of
//! its (sanitized) HTML, and each one on this site is resolved against the portal's own
//! address scheme (`portal::routes`) — without a request, so a whole site is checked in one
//! read transaction. Links to other hosts are counted, not fetched (the server may have no
//! way out, and a government box usually has none).

use redb::ReadTransaction;

use super::Snapshot;
use super::model::ArticleState;
use crate::error::Result;

/// Where a link points, as far as this site can tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A page of this site that answers.
    Found,
    /// A page of this site that does not exist (a missing item, channel, site or file).
    Missing,
    /// Another host.
    External,
    /// Not a page address (mailto:, tel:, a fragment) or one this check does not know.
    Other,
}

/// Every `href` and `src` value in an HTML fragment, entities for `&` undone.
pub fn links_in(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let Some(end) = rest.find('"') else { break };
            let v = rest[..end].replace("&amp;", "&");
            if !v.is_empty() {
                out.push(v);
            }
            rest = &rest[end..];
        }
    }
    out
}

/// The path of a link on this site (`own_hosts` are this site's host names), without query
/// or fragment; `None` for another host or a non-page link.
fn own_path<'a>(link: &'a str, own_hosts: &[String]) -> Result<Option<&'a str>, ()> {
    let strip = |s: &'a str| s.split(['?', '#']).next().unwrap_or(s);
    if link.starts_with("//") || link.starts_with("http://") || link.starts_with("https://") {
        let after = link.split_once("//").map(|x| x.1).unwrap_or_default();
        let (host, path) = match after.find('/') {
            Some(i) => (&after[..i], &after[i..]),
            None => (after, "/"),
        };
        let host = host.split(':').next().unwrap_or(host).to_ascii_lowercase();
        if own_hosts.iter().any(|h| h.eq_ignore_ascii_case(&host)) {
            return Ok(Some(strip(path)));
        }
        return Err(());
    }
    if link.starts_with('/') {
        return Ok(Some(strip(link)));
    }
    Ok(None)
}

/// Resolves one link.
pub fn resolve(
    txn: &ReadTransaction,
    snap: &Snapshot,
    own_hosts: &[String],
    link: &str,
) -> Result<Target> {
    let path = match own_path(link.trim(), own_hosts) {
        Ok(Some(p)) => p,
        Ok(None) => return Ok(Target::Other),
        Err(()) => return Ok(Target::External),
    };
    let parts: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let (site, rest) = match parts.as_slice() {
        ["u", code, rest @ ..] => (snap.site(code), rest),
        ["files", sha, ..] => {
            let t = txn.open_table(crate::store::tables::BLOB_REFS)?;
            return Ok(found(t.get(*sha)?.is_some_and(|n| n.value() > 0)));
        }
        rest => (snap.main_site(), rest),
    };
    let Some(site) = site else {
        return Ok(Target::Missing);
    };
    Ok(match rest {
        [] => Target::Found,
        ["c", slug, ..] => found(
            snap.channels_of(&site.unit)
                .any(|c| c.slug.as_str() == *slug),
        ),
        ["a", id, ..] => match id.parse::<u64>() {
            Ok(id) => found(
                super::store::get_article(txn, id)?
                    .is_some_and(|a| a.state == ArticleState::Published),
            ),
            Err(_) => Target::Missing,
        },
        ["care" | "sitemap" | "contact" | "search"] if site.is_main => Target::Found,
        _ => Target::Other,
    })
}

fn found(b: bool) -> Target {
    if b { Target::Found } else { Target::Missing }
}
