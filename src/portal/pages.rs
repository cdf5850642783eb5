//! Views of the public portal. They take plain data (a snapshot and articles), never a
//! transaction.

use maud::{Markup, PreEscaped, html};

use super::Snapshot;
use super::model::{Article, Channel, ChannelKind, Site, excerpt, plain_text};
use crate::clock;

pub fn date(ms: i64) -> String {
    clock::show(ms).chars().take(10).collect()
}

pub fn size_label(n: u64) -> String {
    if n >= 1024 * 1024 {
        format!("{:.1} MB", n as f64 / 1024.0 / 1024.0)
    } else if n >= 1024 {
        format!("{:.0} KB", n as f64 / 1024.0)
    } else {
        format!("{n} B")
    }
}

pub fn breadcrumbs(items: &[(String, String)]) -> Markup {
    html! {
        nav.breadcrumbs aria-label="当前位置" {
            ol {
                @for (i, (href, label)) in items.iter().enumerate() {
                    li {
                        @if i + 1 == items.len() { span aria-current="page" { (label) } }
                        @else { a href=(href) { (label) } }
                    }
                }
            }
        }
    }
}

/// A list of items with their publish dates.
pub fn item_list(snap: &Snapshot, items: &[Article]) -> Markup {
    html! {
        ul.items {
            @for a in items {
                li {
                    a href=(snap.article_url(a)) { (a.title) }
                    time datetime=(a.publish_ms.map(date).unwrap_or_default()) { (a.publish_ms.map(date).unwrap_or_default()) }
                }
            }
        }
    }
}

/// Entrance tiles of the main portal, by channel slug (政府信息公开, 网上办事, 区长信箱,
/// 百件实事网上查, 招商引资). Each shows its channel's own name, and only when the channel
/// exists, so there are never links into nothing.
const TILES: &[&str] = &["disclosure", "services", "mailbox", "pledges", "investment"];

pub struct HomeData {
    pub headlines: Vec<Article>,
    pub blocks: Vec<(Channel, Vec<Article>)>,
    pub sub_sites: Vec<Site>,
}

pub fn home(snap: &Snapshot, site: &Site, d: &HomeData) -> Markup {
    let tiles: Vec<(String, &str)> = if site.is_main {
        TILES
            .iter()
            .filter_map(|slug| {
                snap.channels_of(&site.unit)
                    .find(|c| c.slug.as_str() == *slug)
                    .map(|c| (channel_href(snap, c), c.name.as_str()))
            })
            .collect()
    } else {
        Vec::new()
    };
    html! {
        h1.sr-only { (site.name) }
        @if !d.headlines.is_empty() {
            section.headlines aria-labelledby="hl-title" {
                h2 #hl-title { "要闻" }
                div.headline-grid {
                    @for a in &d.headlines {
                        article.headline {
                            @if let Some(c) = &a.cover {
                                img src=(format!("/files/{}/{}", c.sha, c.name)) alt=(a.title) loading="lazy";
                            }
                            h3 { a href=(snap.article_url(a)) { (a.title) } }
                            p { (excerpt(&a.summary_or_body(), 60)) }
                            time datetime=(a.publish_ms.map(date).unwrap_or_default()) { (a.publish_ms.map(date).unwrap_or_default()) }
                        }
                    }
                }
            }
        }
        @if !tiles.is_empty() {
            nav.tiles-bar aria-label="服务入口" {
                ul { @for (href, label) in &tiles { li { a href=(href) { (label) } } } }
            }
        }
        div.blocks {
            @for (c, items) in &d.blocks {
                section.block aria-labelledby=(format!("blk-{}", c.id)) {
                    div.block-head {
                        h2 id=(format!("blk-{}", c.id)) { (c.name) }
                        a.more href=(snap.channel_url(c)) aria-label=(format!("{}更多", c.name)) { "更多" }
                    }
                    @if items.is_empty() { p.muted { "暂无信息" } } @else { (item_list(snap, items)) }
                }
            }
        }
        @if !d.sub_sites.is_empty() {
            section.card aria-labelledby="subsites" {
                h2 #subsites { "部门与街道子站" }
                ul.columns { @for s in &d.sub_sites { li { a href=(format!("{}/", s.prefix())) { (s.name) } } } }
            }
        }
    }
}

fn channel_href(snap: &Snapshot, c: &Channel) -> String {
    if c.kind == ChannelKind::Link && !c.link.is_empty() {
        c.link.clone()
    } else {
        snap.channel_url(c)
    }
}

pub fn channel_crumbs(snap: &Snapshot, site: &Site, c: &Channel) -> Vec<(String, String)> {
    let mut v = vec![(format!("{}/", site.prefix()), site.name.clone())];
    for p in snap.channel_path(c.id) {
        v.push((snap.channel_url(p), p.name.clone()));
    }
    v
}

pub fn channel_list(
    snap: &Snapshot,
    site: &Site,
    c: &Channel,
    items: &[Article],
    page: usize,
    pages: usize,
) -> Markup {
    let base = snap.channel_url(c);
    let href = |n: usize| {
        if n <= 1 {
            base.clone()
        } else {
            format!("{base}page/{n}/")
        }
    };
    let children: Vec<&Channel> = snap
        .channels_of(&site.unit)
        .filter(|x| x.parent == Some(c.id))
        .collect();
    html! {
        (breadcrumbs(&channel_crumbs(snap, site, c)))
        div.channel-layout {
            @if !children.is_empty() {
                nav.subnav aria-label="下级栏目" {
                    ul { @for x in children.iter().filter(|x| !x.archived) { li { a href=(channel_href(snap, x)) { (x.name) } } } }
                }
            }
            section.channel {
                h1 { (c.name) }
                @if c.archived { p.notice role="note" { "本栏目已归档，不再更新；以下信息仍可查阅。" } }
                @if !c.description.is_empty() { p.muted { (c.description) } }
                @if items.is_empty() { p.muted { "本栏目暂无信息。" } } @else { (item_list(snap, items)) }
                @if pages > 1 {
                    nav.pager aria-label="分页" {
                        @if page > 1 { a href=(href(page - 1)) rel="prev" { "上一页" } }
                        span { "第 " (page) " 页 / 共 " (pages) " 页" }
                        @if page < pages { a href=(href(page + 1)) rel="next" { "下一页" } }
                    }
                }
                p.feed-link { a href=(format!("{base}feed.xml")) { "订阅本栏目（Atom）" } }
            }
        }
    }
}

pub fn channel_single(snap: &Snapshot, site: &Site, c: &Channel) -> Markup {
    html! {
        (breadcrumbs(&channel_crumbs(snap, site, c)))
        article.article {
            h1 { (c.name) }
            div.article-body { (PreEscaped(&c.page_html)) }
        }
    }
}

pub struct ArticleData {
    pub article: Article,
    pub related: Vec<Article>,
    pub interpretations: Vec<Article>,
    pub policy: Option<Article>,
}

pub fn article(
    snap: &Snapshot,
    site: &Site,
    d: &ArticleData,
    shown_in: u64,
    print: bool,
) -> Markup {
    let a = &d.article;
    let mut crumbs = match snap.channel(shown_in) {
        Some(c) => channel_crumbs(snap, site, c),
        None => vec![(format!("{}/", site.prefix()), site.name.clone())],
    };
    crumbs.push((String::new(), "正文".into()));
    html! {
        @if !print { (breadcrumbs(&crumbs)) }
        article.article {
            (catalog_meta(a))
            h1 { (a.title) }
            @if !a.subtitle.is_empty() { p.subtitle { (a.subtitle) } }
            p.article-meta {
                span { "发布时间：" time datetime=(a.publish_ms.map(clock::show).unwrap_or_default()) { (a.publish_ms.map(clock::show).unwrap_or_else(|| "尚未发布".into())) } }
                @if !a.original_date.is_empty() { span { "原始日期：" time datetime=(a.original_date) { (a.original_date) } } }
                @if !a.source.is_empty() { span { "来源：" (a.source) } }
                @if !a.author.is_empty() { span { "作者：" (a.author) } }
            }
            @if let Some(p) = &d.policy {
                p.notice { "本文是对《" a href=(snap.article_url(p)) { (p.title) } "》的解读。" }
            }
            div.article-body { (PreEscaped(&a.body_html)) }
            @if !a.attachments.is_empty() {
                section.attachments aria-labelledby="att-title" {
                    h2 #att-title { "附件" }
                    ul {
                        @for f in &a.attachments {
                            li { a href=(format!("/files/{}/{}", f.sha, f.name)) download=(f.name) { (f.name) } " （" (size_label(f.size)) "）" }
                        }
                    }
                }
            }
            @if !d.interpretations.is_empty() {
                section.related aria-labelledby="interp-title" {
                    h2 #interp-title { "政策解读" }
                    (item_list(snap, &d.interpretations))
                }
            }
            @if !d.related.is_empty() {
                section.related aria-labelledby="rel-title" {
                    h2 #rel-title { "相关信息" }
                    (item_list(snap, &d.related))
                }
            }
            @if !print {
                p.article-tools { a href=(format!("{}/print", snap.article_url(a))) { "打印本页" } }
            }
        }
    }
}

/// The 政府信息公开目录 block heading an item that is in the catalog (it has an index
/// number, or at least a 文号), laid out as gov.cn does: two fields a row, 名称 and 内容概述
/// across.
fn catalog_meta(a: &Article) -> Markup {
    let m = &a.meta;
    if m.index_no.is_empty() && m.doc_no.is_empty() {
        return html! {};
    }
    // Older data said 已废止 / 已修改; the catalog says 废止 / 有效.
    let validity = match m.validity.as_str() {
        "已废止" => "废止",
        "已修改" => "有效",
        v => v,
    };
    let validity = if m.validity_date.is_empty() || validity.is_empty() {
        validity.to_owned()
    } else {
        format!("{validity}（{}）", m.validity_date)
    };
    let published = a
        .publish_ms
        .map(|ms| clock::show(ms).chars().take(10).collect::<String>())
        .unwrap_or_default();
    html! {
        table.doc-meta {
            caption.visually-hidden { "政府信息公开目录信息" }
            tbody {
                tr {
                    th scope="row" { "索引号" } td { (m.index_no) }
                    th scope="row" { "主题分类" } td { (m.topic) }
                }
                tr {
                    th scope="row" { "发布机构" } td { (m.issuer) }
                    th scope="row" { "成文日期" } td { (m.written_date) }
                }
                tr {
                    th scope="row" { "名称" } td colspan="3" { (a.title) }
                }
                tr {
                    th scope="row" { "文号" } td { (m.doc_no) }
                    th scope="row" { "发布日期" } td { (published) }
                }
                tr {
                    th scope="row" { "体裁分类" } td { (m.genre) }
                    th scope="row" { "有效性" } td { (validity) }
                }
                tr {
                    th scope="row" { "内容概述" } td colspan="3" { (a.summary_or_body()) }
                }
            }
        }
    }
}

impl Article {
    /// The summary, or the start of the body's text when no summary was written.
    pub fn summary_or_body(&self) -> String {
        if self.summary.is_empty() {
            excerpt(&plain_text(&self.body_html), 120)
        } else {
            self.summary.clone()
        }
    }
}

/// The description meta text of an article.
pub fn summary_text(a: &Article) -> String {
    excerpt(&a.summary_or_body(), 100)
}

/// Schema.org description of an article (JSON-LD).
pub fn json_ld(snap: &Snapshot, a: &Article, domain: &str, site_name: &str) -> String {
    serde_json::json!({
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": a.title,
        "datePublished": a.publish_ms.map(|ms| clock::from_ms(ms).format(&time::format_description::well_known::Rfc3339).unwrap_or_default()),
        "dateModified": clock::from_ms(a.updated_ms).format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
        "author": {"@type": "GovernmentOrganization", "name": if a.source.is_empty() { site_name } else { &a.source }},
        "publisher": {"@type": "GovernmentOrganization", "name": site_name},
        "mainEntityOfPage": format!("https://{domain}{}", snap.article_url(a)),
    })
    .to_string()
}
