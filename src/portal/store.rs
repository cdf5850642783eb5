//! Sites, channels and articles in redb. Publishing maintains the per-channel index
//! (`CHANNEL_ITEMS`, `CHANNEL_COUNTS`) and blob reference counts in the same
//! transaction as the change.

use redb::{ReadTransaction, ReadableTable, WriteTransaction};

use super::model::{Article, Channel, Site, Slug};
use crate::auth::model::UnitCode;
use crate::auth::store::FieldError;
use crate::error::{Error, Result};
use crate::store::{get_json, get_json_u64, next_id, put_json, put_json_u64, tables};

// ---- sites

pub fn put_site(txn: &WriteTransaction, site: &Site) -> Result<()> {
    put_json(txn, tables::SITES, site.unit.as_str(), site)
}

pub fn list_sites(txn: &ReadTransaction) -> Result<Vec<Site>> {
    let t = txn.open_table(tables::SITES)?;
    let mut out = Vec::new();
    for row in t.iter()? {
        let (_, v) = row?;
        out.push(serde_json::from_slice(v.value())?);
    }
    Ok(out)
}

pub fn get_site_w(txn: &WriteTransaction, unit: &UnitCode) -> Result<Option<Site>> {
    get_json(&txn.open_table(tables::SITES)?, unit.as_str())
}

// ---- channels

fn slug_key(site: &UnitCode, slug: &Slug) -> String {
    format!("{site}/{slug}")
}

/// Creates a channel; the slug must be unique within its site and the parent must exist there.
pub fn create_channel(
    txn: &WriteTransaction,
    mut ch: Channel,
) -> Result<std::result::Result<u64, FieldError>> {
    if get_site_w(txn, &ch.site)?.is_none() {
        return Ok(Err(FieldError::new("site", "站点不存在")));
    }
    let key = slug_key(&ch.site, &ch.slug);
    if txn
        .open_table(tables::CHANNEL_SLUGS)?
        .get(key.as_str())?
        .is_some()
    {
        return Ok(Err(FieldError::new("slug", "本站点已有同名栏目标识")));
    }
    if let Some(p) = ch.parent {
        match get_channel_w(txn, p)? {
            Some(pc) if pc.site == ch.site => {}
            _ => return Ok(Err(FieldError::new("parent", "上级栏目不存在"))),
        }
    }
    ch.id = next_id(txn, "channel")?;
    put_json_u64(txn, tables::CHANNELS, ch.id, &ch)?;
    txn.open_table(tables::CHANNEL_SLUGS)?
        .insert(key.as_str(), ch.id)?;
    Ok(Ok(ch.id))
}

/// Saves changes to a channel (its slug and site never change: URLs are stable).
pub fn update_channel(txn: &WriteTransaction, ch: &Channel) -> Result<()> {
    let old = get_channel_w(txn, ch.id)?.ok_or(Error::NotFound)?;
    if old.slug != ch.slug || old.site != ch.site {
        return Err(Error::Conflict("栏目标识和所属站点发布后不能修改".into()));
    }
    put_json_u64(txn, tables::CHANNELS, ch.id, ch)
}

pub fn get_channel(txn: &ReadTransaction, id: u64) -> Result<Option<Channel>> {
    get_json_u64(&txn.open_table(tables::CHANNELS)?, id)
}

pub fn get_channel_w(txn: &WriteTransaction, id: u64) -> Result<Option<Channel>> {
    get_json_u64(&txn.open_table(tables::CHANNELS)?, id)
}

pub fn channel_by_slug(
    txn: &ReadTransaction,
    site: &UnitCode,
    slug: &str,
) -> Result<Option<Channel>> {
    let Ok(slug) = Slug::parse(slug) else {
        return Ok(None);
    };
    let id = match txn
        .open_table(tables::CHANNEL_SLUGS)?
        .get(slug_key(site, &slug).as_str())?
    {
        Some(v) => v.value(),
        None => return Ok(None),
    };
    get_channel(txn, id)
}

/// Every channel (the table is small: a few hundred rows for a whole district).
pub fn all_channels(txn: &ReadTransaction) -> Result<Vec<Channel>> {
    let t = txn.open_table(tables::CHANNELS)?;
    let mut out = Vec::new();
    for row in t.iter()? {
        let (_, v) = row?;
        out.push(serde_json::from_slice(v.value())?);
    }
    out.sort_by_key(|c: &Channel| (c.order, c.id));
    Ok(out)
}

// ---- articles

pub fn get_article(txn: &ReadTransaction, id: u64) -> Result<Option<Article>> {
    get_json_u64(&txn.open_table(tables::ARTICLES)?, id)
}

pub fn get_article_w(txn: &WriteTransaction, id: u64) -> Result<Option<Article>> {
    get_json_u64(&txn.open_table(tables::ARTICLES)?, id)
}

fn item_key(channel: u64, publish_ms: i64, id: u64) -> String {
    // Newest first: invert the time so ascending keys run from new to old.
    // Items published in the same millisecond: the later one (higher id) first.
    let inv = u64::MAX - u64::try_from(publish_ms.max(0)).unwrap_or(0);
    let inv_id = u64::MAX - id;
    format!("{channel:016x}/{inv:016x}/{inv_id:016x}")
}

fn count_key(channel: u64) -> String {
    channel.to_string()
}

pub fn index_add(txn: &WriteTransaction, a: &Article) -> Result<()> {
    let Some(ms) = a.publish_ms else {
        return Ok(());
    };
    let mut items = txn.open_table(tables::CHANNEL_ITEMS)?;
    let mut counts = txn.open_table(tables::CHANNEL_COUNTS)?;
    for c in a.all_channels() {
        let k = item_key(c, ms, a.id);
        if items.insert(k.as_str(), a.id)?.is_none() {
            let ck = count_key(c);
            let n = counts.get(ck.as_str())?.map(|v| v.value()).unwrap_or(0);
            counts.insert(ck.as_str(), n + 1)?;
        }
    }
    Ok(())
}

pub fn index_remove(txn: &WriteTransaction, a: &Article) -> Result<()> {
    let Some(ms) = a.publish_ms else {
        return Ok(());
    };
    let mut items = txn.open_table(tables::CHANNEL_ITEMS)?;
    let mut counts = txn.open_table(tables::CHANNEL_COUNTS)?;
    for c in a.all_channels() {
        let k = item_key(c, ms, a.id);
        if items.remove(k.as_str())?.is_some() {
            let ck = count_key(c);
            let n = counts.get(ck.as_str())?.map(|v| v.value()).unwrap_or(0);
            counts.insert(ck.as_str(), n.saturating_sub(1))?;
        }
    }
    Ok(())
}

pub fn blob_shas(a: &Article) -> Vec<String> {
    a.attachments
        .iter()
        .chain(a.images.iter())
        .chain(a.cover.iter())
        .map(|x| x.sha.clone())
        .collect()
}

pub fn adjust_refs(txn: &WriteTransaction, old: &[String], new: &[String]) -> Result<()> {
    let mut t = txn.open_table(tables::BLOB_REFS)?;
    for s in new.iter().filter(|s| !old.contains(s)) {
        let n = t.get(s.as_str())?.map(|v| v.value()).unwrap_or(0);
        t.insert(s.as_str(), n + 1)?;
    }
    for s in old.iter().filter(|s| !new.contains(s)) {
        let n = t.get(s.as_str())?.map(|v| v.value()).unwrap_or(0);
        if n <= 1 {
            t.remove(s.as_str())?;
        } else {
            t.insert(s.as_str(), n - 1)?;
        }
    }
    Ok(())
}

pub fn link_interpretation(
    txn: &WriteTransaction,
    old: Option<u64>,
    new: Option<u64>,
    id: u64,
) -> Result<()> {
    if old == new {
        return Ok(());
    }
    if let Some(o) = old
        && let Some(mut p) = get_article_w(txn, o)?
    {
        p.interpretations.retain(|x| *x != id);
        put_json_u64(txn, tables::ARTICLES, p.id, &p)?;
    }
    if let Some(n) = new {
        let mut p = get_article_w(txn, n)?
            .ok_or_else(|| Error::BadRequest("所解读的政策文件不存在".into()))?;
        if !p.interpretations.contains(&id) {
            p.interpretations.push(id);
        }
        put_json_u64(txn, tables::ARTICLES, p.id, &p)?;
    }
    Ok(())
}

pub fn channel_count(txn: &ReadTransaction, channel: u64) -> Result<u64> {
    Ok(txn
        .open_table(tables::CHANNEL_COUNTS)?
        .get(count_key(channel).as_str())?
        .map(|v| v.value())
        .unwrap_or(0))
}

/// One page (1-based) of a channel's public items, newest first.
pub fn channel_page(
    txn: &ReadTransaction,
    channel: u64,
    page: usize,
    per_page: usize,
) -> Result<Vec<Article>> {
    let from = format!("{channel:016x}/");
    let to = format!("{channel:016x}0");
    let items = txn.open_table(tables::CHANNEL_ITEMS)?;
    let arts = txn.open_table(tables::ARTICLES)?;
    let skip = page.saturating_sub(1).saturating_mul(per_page);
    let mut out = Vec::new();
    for row in items
        .range(from.as_str()..to.as_str())?
        .skip(skip)
        .take(per_page)
    {
        let (_, id) = row?;
        if let Some(a) = get_json_u64::<Article>(&arts, id.value())? {
            out.push(a);
        }
    }
    Ok(out)
}

/// All articles, for rebuilding the search index and the staff list.
pub fn all_articles(txn: &ReadTransaction) -> Result<Vec<Article>> {
    decode_all(&txn.open_table(tables::ARTICLES)?)
}

/// Every article, inside a write transaction (index rebuilds in migrations).
pub fn all_articles_w(txn: &WriteTransaction) -> Result<Vec<Article>> {
    decode_all(&txn.open_table(tables::ARTICLES)?)
}

fn decode_all(t: &impl ReadableTable<u64, &'static [u8]>) -> Result<Vec<Article>> {
    let mut out = Vec::new();
    for row in t.iter()? {
        let (_, v) = row?;
        out.push(serde_json::from_slice(v.value())?);
    }
    Ok(out)
}

/// Up to `limit` articles in id order, after the id `after` (from the first when `None`).
pub fn articles_after(
    txn: &ReadTransaction,
    after: Option<u64>,
    limit: usize,
) -> Result<Vec<Article>> {
    let t = txn.open_table(tables::ARTICLES)?;
    let range = match after {
        Some(a) => match a.checked_add(1) {
            Some(from) => t.range(from..)?,
            None => return Ok(Vec::new()),
        },
        None => t.range(0..)?,
    };
    let mut out = Vec::with_capacity(limit.min(1024));
    for row in range.take(limit) {
        let (_, v) = row?;
        out.push(serde_json::from_slice(v.value())?);
    }
    Ok(out)
}

/// Newest articles first, a page at a time, for the staff list.
pub fn articles_newest(
    txn: &ReadTransaction,
    before: Option<u64>,
    limit: usize,
) -> Result<Vec<Article>> {
    let t = txn.open_table(tables::ARTICLES)?;
    let range = match before {
        Some(b) => t.range(..b)?,
        None => t.range(0..)?,
    };
    let mut out = Vec::new();
    for row in range.rev().take(limit) {
        let (_, v) = row?;
        out.push(serde_json::from_slice(v.value())?);
    }
    Ok(out)
}

// ---- revisions (修订): every saved version is kept

fn revision_key(id: u64, rev: u64) -> String {
    format!("{id:016x}/{rev:016x}")
}

pub fn put_revision(txn: &WriteTransaction, a: &Article) -> Result<()> {
    put_json(
        txn,
        tables::ARTICLE_REVISIONS,
        &revision_key(a.id, a.revision),
        a,
    )
}

/// Every saved version of an article, oldest first.
pub fn revisions(txn: &ReadTransaction, id: u64) -> Result<Vec<Article>> {
    let from = format!("{id:016x}/");
    let to = format!("{id:016x}0");
    let t = txn.open_table(tables::ARTICLE_REVISIONS)?;
    let mut out = Vec::new();
    for row in t.range(from.as_str()..to.as_str())? {
        let (_, v) = row?;
        out.push(serde_json::from_slice(v.value())?);
    }
    Ok(out)
}

pub fn revision(txn: &ReadTransaction, id: u64, rev: u64) -> Result<Option<Article>> {
    get_json(
        &txn.open_table(tables::ARTICLE_REVISIONS)?,
        &revision_key(id, rev),
    )
}

// ---- scheduled publishing (定时发布), run by the in-process scheduler

fn due_key(at_ms: i64, id: u64) -> String {
    format!(
        "t/{:016x}/{id:016x}",
        u64::try_from(at_ms.max(0)).unwrap_or(0)
    )
}

fn sched_key(id: u64) -> String {
    format!("a/{id:016x}")
}

/// Sets (or moves) an article's scheduled publish time.
pub fn schedule(txn: &WriteTransaction, id: u64, at_ms: i64) -> Result<()> {
    unschedule(txn, id)?;
    let mut t = txn.open_table(tables::SCHEDULED)?;
    t.insert(due_key(at_ms, id).as_str(), id)?;
    t.insert(
        sched_key(id).as_str(),
        u64::try_from(at_ms.max(0)).unwrap_or(0),
    )?;
    Ok(())
}

/// Cancels an article's schedule, if any.
pub fn unschedule(txn: &WriteTransaction, id: u64) -> Result<()> {
    let mut t = txn.open_table(tables::SCHEDULED)?;
    let at = t.remove(sched_key(id).as_str())?.map(|v| v.value());
    if let Some(at) = at {
        t.remove(due_key(i64::try_from(at).unwrap_or(0), id).as_str())?;
    }
    Ok(())
}

pub fn scheduled_at(txn: &ReadTransaction, id: u64) -> Result<Option<i64>> {
    Ok(txn
        .open_table(tables::SCHEDULED)?
        .get(sched_key(id).as_str())?
        .and_then(|v| i64::try_from(v.value()).ok()))
}

/// Articles whose scheduled time has come, oldest first.
pub fn due(txn: &ReadTransaction, now_ms: i64) -> Result<Vec<u64>> {
    let to = due_key(now_ms, u64::MAX);
    let t = txn.open_table(tables::SCHEDULED)?;
    let mut out = Vec::new();
    for row in t.range("t/"..=to.as_str())? {
        let (_, v) = row?;
        out.push(v.value());
    }
    Ok(out)
}
