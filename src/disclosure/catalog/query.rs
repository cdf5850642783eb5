//! What the catalog lists: the public items with an index number of one unit (or, on the
//! district's `/gk/`, of every obligated unit), as rows of catalog fields, filtered by the
//! GET form's fields. The page and the two downloads read the same rows.

use serde::Deserialize;

use super::super::page::Area;
use super::super::units;
use crate::auth::model::UnitCode;
use crate::auth::units::Units;
use crate::clock::{CST, from_ms};
use crate::error::Result;
use crate::http::Shared;
use crate::portal::Snapshot;
use crate::portal::model::Article;
use crate::publishing::catalog::fields::validity_of;
use crate::views::form::FormState;

/// Rows on one page.
pub const PER_PAGE: usize = 20;

/// The filter form's fields as sent (all optional).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CatalogQuery {
    #[serde(default)]
    pub topic: String,
    #[serde(default)]
    pub genre: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub validity: String,
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub page: String,
}

/// The filter, checked.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub topic: String,
    pub genre: String,
    pub unit: Option<UnitCode>,
    pub year: Option<i32>,
    pub category: String,
    pub validity: String,
    pub q: String,
    pub page: usize,
}

impl Filter {
    /// The query string for these filters (without the page), for links and downloads.
    pub fn query(&self) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        let year = self.year.map(|y| y.to_string()).unwrap_or_default();
        let unit = self
            .unit
            .as_ref()
            .map(|u| u.to_string())
            .unwrap_or_default();
        for (k, v) in [
            ("topic", &self.topic),
            ("genre", &self.genre),
            ("unit", &unit),
            ("year", &year),
            ("category", &self.category),
            ("validity", &self.validity),
            ("q", &self.q),
        ] {
            if !v.is_empty() {
                s.append_pair(k, v);
            }
        }
        s.finish()
    }
}

fn clip(s: &str, n: usize) -> String {
    s.trim().chars().take(n).collect()
}

/// Checks the sent filters; a bad year, unit or page is named beside its field in `fs` and
/// left out of the filter.
pub fn parse(q: &CatalogQuery, area: &Area, units: &Units, fs: &mut FormState) -> Filter {
    let year = match q.year.trim() {
        "" => None,
        y => match y.parse::<i32>() {
            Ok(n) if (1949..=2100).contains(&n) => Some(n),
            _ => {
                fs.add_error("year", "年份请填写四位数字，如 2026");
                None
            }
        },
    };
    let unit = match q.unit.trim() {
        "" => None,
        _ if !area.is_root => None,
        c => match units::find(units, c) {
            Some(u) => Some(u.code.clone()),
            None => {
                fs.add_error("unit", "没有这个发布机构");
                None
            }
        },
    };
    let page = match q.page.trim() {
        "" => 1,
        p => match p.parse::<usize>() {
            Ok(n) if n >= 1 => n,
            _ => {
                fs.add_error("page", "页码无效");
                1
            }
        },
    };
    fs.values = vec![
        ("topic".into(), clip(&q.topic, 60)),
        ("genre".into(), clip(&q.genre, 60)),
        (
            "unit".into(),
            unit.as_ref().map(|u| u.to_string()).unwrap_or_default(),
        ),
        ("year".into(), clip(&q.year, 4)),
        ("category".into(), clip(&q.category, 80)),
        ("validity".into(), clip(&q.validity, 4)),
        ("q".into(), clip(&q.q, 60)),
    ];
    Filter {
        topic: clip(&q.topic, 60),
        genre: clip(&q.genre, 60),
        unit,
        year,
        category: clip(&q.category, 80),
        validity: clip(&q.validity, 4),
        q: clip(&q.q, 60),
        page,
    }
}

/// One catalog entry.
#[derive(Debug, Clone)]
pub struct Row {
    pub id: u64,
    pub index_no: String,
    pub title: String,
    pub url: String,
    pub doc_no: String,
    /// 发布机构: the 发文机关 as written, else the unit's name.
    pub issuer: String,
    pub unit: UnitCode,
    pub written_date: String,
    /// 发布日期 (Beijing), YYYY-MM-DD.
    pub published: String,
    pub publish_ms: i64,
    pub year: i32,
    pub topic: String,
    pub genre: String,
    pub category: String,
    pub normative: String,
    pub validity: String,
    pub validity_date: String,
    pub summary: String,
    pub on_request: bool,
}

impl Row {
    fn of(a: &Article, snap: &Snapshot, units: &Units) -> Row {
        let ms = a.publish_ms.unwrap_or(0);
        let t = from_ms(ms).to_offset(CST);
        let m = &a.meta;
        Row {
            id: a.id,
            index_no: m.index_no.clone(),
            title: a.title.clone(),
            url: snap.article_url(a),
            doc_no: m.doc_no.clone(),
            issuer: if m.issuer.is_empty() {
                units.name(a.owner())
            } else {
                m.issuer.clone()
            },
            unit: a.owner().clone(),
            written_date: m.written_date.clone(),
            published: crate::calendar::iso(t.date()),
            publish_ms: ms,
            year: t.year(),
            topic: m.topic.clone(),
            genre: m.genre.clone(),
            category: m.category.clone(),
            normative: m.normative.clone(),
            validity: validity_of(&m.validity).to_owned(),
            validity_date: m.validity_date.clone(),
            summary: a.summary_or_body(),
            on_request: m.mode == crate::publishing::catalog::fields::ON_REQUEST,
        }
    }

    /// The 有效性 with its date, as shown.
    pub fn validity_label(&self) -> String {
        if self.validity_date.is_empty() || self.validity.is_empty() {
            self.validity.clone()
        } else {
            format!("{}（{}）", self.validity, self.validity_date)
        }
    }

    /// The top level of its 主题分类.
    pub fn topic_top(&self) -> &str {
        self.topic.split('\\').next().unwrap_or("")
    }

    fn matches(&self, f: &Filter) -> bool {
        let topic_ok = f.topic.is_empty()
            || self.topic == f.topic
            || (!f.topic.contains('\\') && self.topic_top() == f.topic);
        let q_ok = f.q.is_empty() || {
            let q = f.q.to_lowercase();
            [&self.title, &self.doc_no, &self.index_no, &self.summary]
                .iter()
                .any(|s| s.to_lowercase().contains(&q))
        };
        topic_ok
            && q_ok
            && (f.genre.is_empty() || self.genre == f.genre)
            && f.unit.as_ref().is_none_or(|u| &self.unit == u)
            && f.year.is_none_or(|y| self.year == y)
            && (f.category.is_empty() || self.category == f.category)
            && (f.validity.is_empty() || self.validity == f.validity)
    }
}

/// Every public catalog row, newest first, kept between requests: rebuilt only when the
/// public pages' generation (`http::page_cache`, bumped by every change to a public item and
/// every reload) or the unit tree has moved on, so a catalog page filters rows in memory
/// instead of reading and decoding every item (226 ms a page at 20,000 items before).
#[derive(Default)]
pub struct RowCache {
    inner: std::sync::Mutex<Option<Cached>>,
}

/// The rows with the generation and units they were built from.
type Cached = (u64, String, std::sync::Arc<Vec<Row>>);

impl crate::http::AppState {
    /// The catalog's row cache, put in by the composition root (`lib.rs`).
    pub fn catalog_rows(&self) -> &RowCache {
        // Only a composition-root bug can leave it out, and every test would show it.
        #[allow(clippy::expect_used)]
        self.parts
            .get::<RowCache>()
            .expect("the composition root registers the catalog's row cache")
    }
}

/// What the rows depend on besides the items: the units' codes and names.
fn units_key(units: &Units) -> String {
    units
        .units
        .iter()
        .map(|u| format!("{}={}", u.code, u.name))
        .collect::<Vec<_>>()
        .join("|")
}

async fn all_rows(st: &Shared, units: std::sync::Arc<Units>) -> Result<std::sync::Arc<Vec<Row>>> {
    // The generation is read before the store, so a change made while rebuilding is never
    // hidden: it bumps the generation, and the next request rebuilds again.
    let generation = st.pages.generation();
    let key = units_key(&units);
    if let Ok(g) = st.catalog_rows().inner.lock()
        && let Some((gen_, k, rows)) = g.as_ref()
        && *gen_ == generation
        && *k == key
    {
        return Ok(rows.clone());
    }
    let snap = st.portal().snapshot();
    let rows = st
        .store
        .read(move |txn| {
            let mut rows: Vec<Row> = crate::publishing::catalog::index_no::published(txn)?
                .iter()
                .map(|a| Row::of(a, &snap, &units))
                .collect();
            rows.sort_by(|a, b| b.publish_ms.cmp(&a.publish_ms).then(b.id.cmp(&a.id)));
            Ok(rows)
        })
        .await?;
    let rows = std::sync::Arc::new(rows);
    if let Ok(mut g) = st.catalog_rows().inner.lock() {
        *g = Some((generation, key, rows.clone()));
    }
    Ok(rows)
}

/// Every catalog row of the area, newest first.
pub async fn scope_rows(
    st: &Shared,
    area: &Area,
    units: std::sync::Arc<Units>,
) -> Result<Vec<Row>> {
    let (root, code) = (area.is_root, area.unit.code.clone());
    let obligated: Vec<UnitCode> = units::obligated(&units)
        .into_iter()
        .map(|u| u.code.clone())
        .collect();
    let all = all_rows(st, units).await?;
    Ok(all
        .iter()
        .filter(|r| {
            if root {
                obligated.contains(&r.unit)
            } else {
                r.unit == code
            }
        })
        .cloned()
        .collect())
}

/// The rows the filter keeps.
pub fn filtered<'a>(rows: &'a [Row], f: &Filter) -> Vec<&'a Row> {
    rows.iter().filter(|r| r.matches(f)).collect()
}

/// How many rows of the scope have each value of `key` (in first-seen order for years and
/// units, else as the caller orders them).
pub fn counts<'a>(rows: &'a [Row], key: impl Fn(&'a Row) -> Vec<&'a str>) -> Vec<(&'a str, usize)> {
    let mut out: Vec<(&str, usize)> = Vec::new();
    for r in rows {
        for k in key(r) {
            if k.is_empty() {
                continue;
            }
            match out.iter_mut().find(|(x, _)| *x == k) {
                Some((_, n)) => *n += 1,
                None => out.push((k, 1)),
            }
        }
    }
    out
}
