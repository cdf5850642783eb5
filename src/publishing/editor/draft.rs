//! The item form's fields, parsed and checked (`Draft`), and applied to an article. Which
//! channels an item may be placed in is `review::levels`' question; this file asks it.

use crate::auth::model::UnitCode;
use crate::error::Result;
use crate::http::Shared;
use crate::http::extract::{Posted, Staff};
use crate::portal::model::{Article, Channel, ChannelKind, DisclosureMeta};
use crate::portal::store;
use crate::publishing::review::levels::{self, Units};
use crate::views::form::FormState;

/// The longest title, in characters.
pub const TITLE_MAX: usize = 200;

/// The form's fields, checked.
#[derive(Clone)]
pub struct Draft {
    title: String,
    subtitle: String,
    source: String,
    author: String,
    keywords: String,
    summary: String,
    body_html: String,
    pub channel: Channel,
    placements: Vec<u64>,
    related: Vec<u64>,
    interprets: Option<u64>,
    remove: Vec<String>,
    remove_cover: bool,
    /// The unit the item belongs to (fixed when it is created).
    pub owner: UnitCode,
    original_date: String,
    meta: DisclosureMeta,
}

fn parse_ids(s: &str) -> Option<Vec<u64>> {
    let mut out = Vec::new();
    for part in s.split([',', '，', '、', ' ', ';', '；']) {
        let t = part.trim().trim_start_matches('#');
        if t.is_empty() {
            continue;
        }
        let n: u64 = t.parse().ok()?;
        if !out.contains(&n) {
            out.push(n);
        }
    }
    Some(out)
}

fn text(p: &Posted, name: &str, max: usize, label: &str, fs: &mut FormState) -> String {
    let v = p.get(name).trim().to_owned();
    if v.chars().count() > max {
        fs.add_error(name, format!("{label}不超过 {max} 个字"));
    }
    v
}

/// A `YYYY-MM-DD` date, or empty.
fn date_field(p: &Posted, name: &str, label: &str, fs: &mut FormState) -> String {
    let v = p.get(name).trim().to_owned();
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    if !v.is_empty() && time::Date::parse(&v, &fmt).is_err() {
        fs.add_error(name, format!("{label}请按 2026-11-26 的格式填写"));
    }
    v
}

pub async fn parse_draft(
    st: &Shared,
    units: &Units,
    s: &Staff,
    p: &Posted,
    self_id: u64,
    existing_owner: Option<&UnitCode>,
    fs: &mut FormState,
) -> Result<Option<Draft>> {
    let title = p.get("title").trim().to_owned();
    if title.is_empty() {
        fs.add_error("title", "请填写标题");
    } else if title.chars().count() > TITLE_MAX {
        fs.add_error("title", format!("标题不超过 {TITLE_MAX} 个字"));
    }
    let subtitle = text(p, "subtitle", 200, "副标题", fs);
    let source = text(p, "source", 60, "来源", fs);
    if source.is_empty() {
        fs.add_error("source", "请填写来源");
    }
    let author = text(p, "author", 60, "作者", fs);
    let keywords = text(p, "keywords", 200, "关键词", fs);
    let summary = text(p, "summary", 500, "摘要", fs);
    let body = p.get("body");
    if body.len() > 2_000_000 {
        fs.add_error("body", "正文过长");
    }
    let snap = st.portal().snapshot();
    // An archived channel takes no new items; one the item is already in may stay.
    let held: Vec<u64> = if self_id == 0 {
        Vec::new()
    } else {
        st.store
            .read(move |txn| crate::portal::store::get_article(txn, self_id))
            .await?
            .map(|a| a.all_channels())
            .unwrap_or_default()
    };
    let closed = |c: &crate::portal::model::Channel| c.archived && !held.contains(&c.id);
    let channel = p
        .get("channel")
        .parse::<u64>()
        .ok()
        .and_then(|id| snap.channel(id).cloned())
        .filter(|c| c.kind == ChannelKind::List);
    let mut owner = existing_owner.cloned();
    let channel = match channel {
        None => {
            fs.add_error("channel", "请选择所属栏目");
            None
        }
        Some(c) if closed(&c) => {
            fs.add_error("channel", format!("“{}”已归档，不再接收新信息", c.name));
            None
        }
        Some(c) => {
            if owner.is_none() {
                owner = levels::owner_for_new(&s.user, &c, units);
            }
            match &owner {
                Some(o) if levels::may_place(&c, o, &snap, units) => Some(c),
                _ => {
                    fs.add_error("channel", "您所在单位不能在该栏目发布信息");
                    None
                }
            }
        }
    };
    let mut placements = Vec::new();
    for v in p.all("placements") {
        match v.parse::<u64>().ok().and_then(|id| snap.channel(id)) {
            Some(c) if c.kind == ChannelKind::List && closed(c) => {
                fs.add_error("placements", format!("“{}”已归档，不再接收新信息", c.name));
            }
            Some(c) if c.kind == ChannelKind::List => {
                if owner
                    .as_ref()
                    .is_some_and(|o| !levels::may_place(c, o, &snap, units))
                {
                    fs.add_error(
                        "placements",
                        format!("“{}”不是本单位可以发布的栏目", c.name),
                    );
                } else if channel.as_ref().is_none_or(|h| h.id != c.id)
                    && !placements.contains(&c.id)
                {
                    placements.push(c.id);
                }
            }
            _ => fs.add_error("placements", "所选栏目不存在或不是信息列表栏目"),
        }
    }
    let related = match parse_ids(p.get("related")) {
        Some(v) => v.into_iter().filter(|x| *x != self_id).collect(),
        None => {
            fs.add_error("related", "请填写信息编号（数字），多个用逗号分隔");
            Vec::new()
        }
    };
    let interprets = match parse_ids(p.get("interprets")).as_deref() {
        Some([]) => None,
        Some([one]) if *one != self_id => Some(*one),
        Some([_]) => {
            fs.add_error("interprets", "不能解读本信息自己");
            None
        }
        _ => {
            fs.add_error("interprets", "请填写一个信息编号");
            None
        }
    };
    // The ids must name items the writer may see: public ones, or ones `may_view` lets
    // them open. Another unit's unpublished item answers exactly like a missing one, so the
    // form does not tell which ids exist. Ids the item already holds stay allowed (the
    // writer sees them in the form anyway).
    let check: Vec<u64> = related.iter().copied().chain(interprets).collect();
    let (held, found) = st
        .store
        .read(move |txn| {
            let held: Vec<u64> = match store::get_article(txn, self_id)? {
                Some(me) if self_id != 0 => me.related.into_iter().chain(me.interprets).collect(),
                _ => Vec::new(),
            };
            let mut found = Vec::new();
            for id in check {
                found.push((id, store::get_article(txn, id)?));
            }
            Ok((held, found))
        })
        .await?;
    let missing: Vec<u64> = found
        .into_iter()
        .filter(|(id, a)| {
            !held.contains(id)
                && !a
                    .as_ref()
                    .is_some_and(|a| a.is_public() || levels::may_view(&s.user, a, units))
        })
        .map(|(id, _)| id)
        .collect();
    if let Some(i) = interprets
        && missing.contains(&i)
    {
        fs.add_error("interprets", format!("编号为 {i} 的信息不存在"));
    }
    let bad: Vec<String> = related
        .iter()
        .filter(|r| missing.contains(r))
        .map(u64::to_string)
        .collect();
    if !bad.is_empty() {
        fs.add_error(
            "related",
            format!("这些编号的信息不存在：{}", bad.join("、")),
        );
    }
    let original_date = date_field(p, "original_date", "原始日期", fs);
    // The catalog fields: checked against the code tables; what the item holds stays allowed.
    let stored_meta = if self_id == 0 {
        DisclosureMeta::default()
    } else {
        st.store
            .read(move |txn| crate::portal::store::get_article(txn, self_id))
            .await?
            .map(|a| a.meta)
            .unwrap_or_default()
    };
    let codes = crate::publishing::catalog::codes::load_all(st).await?;
    let meta = crate::publishing::catalog::form::parse(p, &codes, &stored_meta, fs);
    let (Some(channel), Some(owner), false) = (channel, owner, fs.has_errors()) else {
        return Ok(None);
    };
    Ok(Some(Draft {
        title,
        subtitle,
        source,
        author,
        keywords,
        summary,
        body_html: super::body_html(body),
        channel,
        placements,
        related,
        interprets,
        remove: p.all("remove").into_iter().map(str::to_owned).collect(),
        remove_cover: !p.get("remove_cover").is_empty(),
        owner,
        original_date,
        meta,
    }))
}

pub fn apply(a: &mut Article, d: Draft) {
    a.title = d.title;
    a.subtitle = d.subtitle;
    a.source = d.source;
    a.author = d.author;
    a.keywords = d.keywords;
    a.summary = d.summary;
    a.body_html = d.body_html;
    a.channel = d.channel.id;
    a.site = d.channel.site;
    a.placements = d.placements;
    a.related = d.related;
    a.interprets = d.interprets;
    a.attachments.retain(|x| !d.remove.contains(&x.sha));
    if d.remove_cover {
        a.cover = None;
    }
    a.original_date = d.original_date;
    // The 索引号 is the system's: whatever the form carried, the item keeps its own.
    let index_no = std::mem::take(&mut a.meta.index_no);
    a.meta = DisclosureMeta { index_no, ..d.meta };
    // Pictures uploaded into the body but no longer in it are let go (their blobs with them).
    let body = &a.body_html;
    a.images.retain(|i| body.contains(&i.sha));
}
