//! `/search`: full-text search over every public item and attachment name, with
//! filters by kind, site, channel and date, highlighted snippets and pagination. The kinds
//! offered are the ones registered with the indexer.

use axum::extract::{RawQuery, State};
use axum::response::Response;
use maud::{PreEscaped, html};

use super::pages::{breadcrumbs, date};
use super::routes::chrome;
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::Ctx;
use crate::http::respond::{html as page, html_invalid};
use crate::http::routes::Routes;
use crate::search::{Query, clean_query};
use crate::views::{PageMeta, public_page};

pub const PER_PAGE: usize = 10;
const MAX_PAGE: usize = 100;

pub fn router() -> Routes {
    Routes::new().get("/search", search)
}

/// The form's fields, parsed leniently: a bad filter is dropped with a note, never a 500.
#[derive(Default)]
struct Params {
    q: String,
    kind: String,
    site: String,
    channel: String,
    from: String,
    to: String,
    page: String,
}

fn parse(raw: Option<&str>) -> Result<Params> {
    let raw = raw.unwrap_or("");
    if raw.len() > 2048 {
        return Err(Error::BadRequest("查询参数过长。".into()));
    }
    let mut p = Params::default();
    for (k, v) in form_urlencoded::parse(raw.as_bytes()) {
        let v = v.into_owned();
        match k.as_ref() {
            "q" => p.q = v,
            "kind" => p.kind = v,
            "site" => p.site = v,
            "channel" => p.channel = v,
            "from" => p.from = v,
            "to" => p.to = v,
            "page" => p.page = v,
            _ => {}
        }
    }
    Ok(p)
}

/// `2026-11-26` as the start (or end) of that day in Beijing time, in UTC ms.
fn day_ms(s: &str, end: bool) -> Option<i64> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    let d = time::Date::parse(s.trim(), &fmt).ok()?;
    let t = if end {
        time::Time::from_hms_milli(23, 59, 59, 999).ok()?
    } else {
        time::Time::MIDNIGHT
    };
    Some(crate::clock::to_ms(
        time::PrimitiveDateTime::new(d, t).assume_offset(crate::clock::CST),
    ))
}

async fn search(State(st): State<Shared>, ctx: Ctx, RawQuery(raw): RawQuery) -> Result<Response> {
    let p = parse(raw.as_deref())?;
    let snap = st.portal().snapshot();
    let site = snap.site(&p.site).or(snap.main_site()).cloned();
    let mut notes: Vec<&str> = Vec::new();
    let page_no = match p.page.as_str() {
        "" => 1,
        s => match s.parse::<usize>() {
            Ok(n) if (1..=MAX_PAGE).contains(&n) => n,
            _ => {
                notes.push("页码无效，已显示第 1 页。");
                1
            }
        },
    };
    let from_ms = if p.from.is_empty() {
        None
    } else {
        day_ms(&p.from, false)
    };
    let to_ms = if p.to.is_empty() {
        None
    } else {
        day_ms(&p.to, true)
    };
    if (!p.from.is_empty() && from_ms.is_none()) || (!p.to.is_empty() && to_ms.is_none()) {
        notes.push("日期应形如 2026-11-26，已忽略无效的日期。");
    }
    let channel = p
        .channel
        .parse::<u64>()
        .ok()
        .filter(|c| snap.channel(*c).is_some());
    let site_filter = snap.site(&p.site).map(|s| s.unit.to_string());
    let kinds = st.search.get().map(|ix| ix.kinds()).unwrap_or_default();
    let kind = kinds.iter().find(|k| k.key == p.kind);
    if !p.kind.is_empty() && kind.is_none() {
        notes.push("没有这个类别，已显示全部类别的结果。");
    }
    let cleaned = clean_query(&p.q);
    let (results, problem) = match (&cleaned, st.search.get()) {
        (Ok(text), Some(ix)) => {
            let q = Query {
                text: text.clone(),
                kind: kind.map(|k| k.key.to_owned()),
                site: site_filter.clone(),
                channel,
                unit: None,
                from_ms,
                to_ms,
                page: page_no,
                per_page: PER_PAGE,
            };
            let index = ix.index.clone();
            let r = tokio::task::spawn_blocking(move || index.search(&q)).await??;
            (Some(r), None)
        }
        (Ok(_), None) => (None, Some("站内搜索暂不可用，请稍后再试。".to_owned())),
        (Err(e), _) => (
            None,
            if p.q.is_empty() {
                None
            } else {
                Some(e.to_string())
            },
        ),
    };
    let mut chrome = match &site {
        Some(s) => chrome(&snap, s, None),
        None => Default::default(),
    };
    chrome.query = p.q.chars().take(64).collect();
    let href = |n: usize| {
        let mut s = form_urlencoded::Serializer::new(String::new());
        s.append_pair("q", &p.q);
        for (k, v) in [
            ("kind", &kind.map(|k| k.key.to_owned()).unwrap_or_default()),
            ("site", &p.site),
            ("channel", &p.channel),
            ("from", &p.from),
            ("to", &p.to),
        ] {
            if !v.is_empty() {
                s.append_pair(k, v);
            }
        }
        s.append_pair("page", &n.to_string());
        format!("/search?{}", s.finish())
    };
    let sites: Vec<(String, String)> = snap
        .sites
        .iter()
        .map(|s| (s.unit.to_string(), s.name.clone()))
        .collect();
    let body = html! {
        (breadcrumbs(&[("/".into(), st.site().name.clone()), (String::new(), "站内搜索".into())]))
        section.card.search-page {
            h1 { "站内搜索" }
            form.search-form method="get" action="/search" {
                div.field {
                    label for="q" { "关键词" }
                    input #q type="search" name="q" value=(p.q.chars().take(64).collect::<String>()) maxlength="64";
                }
                div.filters {
                    @if !kinds.is_empty() {
                        div.field {
                            label for="f-kind" { "类别" }
                            select #f-kind name="kind" {
                                option value="" { "全部" }
                                @for k in kinds { option value=(k.key) selected[Some(k) == kind] { (k.label) } }
                            }
                        }
                    }
                    div.field {
                        label for="f-site" { "站点" }
                        select #f-site name="site" {
                            option value="" { "全部站点" }
                            @for (v, l) in &sites { option value=(v) selected[*v == p.site] { (l) } }
                        }
                    }
                    div.field { label for="f-from" { "起始日期" } input #f-from type="date" name="from" value=(p.from.chars().take(10).collect::<String>()); }
                    div.field { label for="f-to" { "截止日期" } input #f-to type="date" name="to" value=(p.to.chars().take(10).collect::<String>()); }
                    @if let Some(c) = channel { input type="hidden" name="channel" value=(c); }
                }
                button.primary type="submit" { "搜索" }
            }
            @for n in &notes { p.notice { (n) } }
            @if let Some(m) = &problem { p.notice role="status" { (m) } }
            @if p.q.is_empty() && problem.is_none() {
                p.muted { "请输入要查找的内容，例如：营商环境、信息公开、通知。" }
            }
            @if let Some(r) = &results {
                p.search-summary role="status" { "找到约 " (r.total) " 条结果（用时 " (format!("{:.1}", r.took_us as f64 / 1000.0)) " 毫秒）" }
                @if r.total == 0 {
                    p { "没有找到相关信息。建议：检查错别字，换用更短或更常见的词语，或取消日期与站点筛选。" }
                }
                ol.search-results {
                    @for h in &r.hits {
                        li.hit {
                            h2 { a href=(h.url) { (PreEscaped(&h.title_html)) } }
                            p { (PreEscaped(&h.snippet_html)) }
                            p.muted {
                                span.kind { (kinds.iter().find(|k| k.key == h.kind).map_or("", |k| k.label)) }
                                " · "
                                time { (date(h.publish_ms)) }
                                " · " (snap.site(&h.site).map(|s| s.name.clone()).unwrap_or_default())
                            }
                        }
                    }
                }
                @let pages = r.total.div_ceil(PER_PAGE).min(MAX_PAGE);
                @if pages > 1 {
                    nav.pager aria-label="分页" {
                        @if page_no > 1 { a href=(href(page_no - 1)) rel="prev" { "上一页" } }
                        span { "第 " (page_no) " 页 / 共 " (pages) " 页" }
                        @if page_no < pages { a href=(href(page_no + 1)) rel="next" { "下一页" } }
                    }
                }
            }
        }
    };
    let m = PageMeta {
        title: if p.q.is_empty() {
            "站内搜索".into()
        } else {
            format!("{} - 站内搜索", chrome.query)
        },
        column: "站内搜索".into(),
        care: ctx.care,
        site: Some(chrome),
        ..Default::default()
    };
    let markup = public_page(&st.site(), &m, body);
    Ok(if problem.is_some() && !p.q.is_empty() {
        html_invalid(markup)
    } else {
        page(markup)
    })
}
