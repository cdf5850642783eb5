//! The two layouts. Every page, error pages included, carries the footer identifiers
//! the site inspection rules require and the page meta tags crawlers read.

use maud::{DOCTYPE, Markup, html};

use crate::config::Config;

/// Site identity from config, shown on every page.
#[derive(Debug, Clone, Default)]
pub struct Site {
    pub name: String,
    pub sponsor: String,
    pub phone: String,
    pub address: String,
    pub site_id_code: String,
    pub organizer: String,
    pub domain: String,
    pub emblem: String,
    pub icp_no: String,
    pub psb_no: String,
    pub psb_link: String,
    pub conac_link: String,
    pub postcode: String,
    pub css: String,
    pub js: String,
    /// Staff forms: put back a kept form, warn before leaving unsaved changes, autosave.
    pub forms_js: String,
    /// The browser tab's icon: the emblem when one is configured, else the embedded one.
    pub icon: String,
    /// The home-screen icon phones use (180×180 PNG).
    pub touch_icon: String,
}

impl Site {
    pub fn from_config(c: &Config, assets: &crate::views::assets::Assets) -> Site {
        Site {
            name: c.site.name.clone(),
            sponsor: c.site.sponsor.clone(),
            phone: c.site.phone.clone(),
            address: c.site.address.clone(),
            site_id_code: c.site.site_id_code.clone(),
            organizer: c.site.organizer.clone(),
            domain: c.site.domain.clone(),
            emblem: c.site.emblem.clone(),
            icp_no: c.site.icp_no.clone(),
            psb_no: c.site.psb_no.clone(),
            psb_link: c.site.psb_link.clone(),
            conac_link: c.site.conac_link.clone(),
            postcode: c.site.postcode.clone(),
            css: assets.url("css/site.css"),
            js: assets.url("js/site.js"),
            forms_js: assets.url("js/forms.js"),
            icon: if c.site.emblem.is_empty() {
                assets.url(crate::views::assets::FAVICON)
            } else {
                c.site.emblem.clone()
            },
            touch_icon: assets.url("img/icon-180.png"),
        }
    }
}

/// Per-page values for the meta tags.
#[derive(Debug, Clone, Default)]
pub struct PageMeta {
    pub title: String,
    pub column: String,
    pub description: String,
    /// 适老化 mode: larger type, higher contrast.
    pub care: bool,
    /// The portal's navigation and sub-site identity, when the page belongs to a site.
    pub site: Option<SiteChrome>,
    /// The one canonical URL of what this page shows (path; made absolute with the domain).
    pub canonical: Option<String>,
    pub keywords: String,
    /// Set on article pages: the government-site article tags and Open Graph `article`.
    pub article: Option<ArticleMeta>,
    /// JSON-LD describing the page (data only; never executed, so the CSP allows it).
    pub json_ld: Option<super::ScriptJson>,
}

/// A site of the site group as the header shows it.
#[derive(Debug, Clone, Default)]
pub struct SiteChrome {
    /// The sub-site's name (None on the main portal).
    pub sub_name: Option<String>,
    pub home: String,
    /// A theme class from the fixed palette (CSP forbids inline colours).
    pub theme: String,
    /// (href, label, current)
    pub nav: Vec<(String, String, bool)>,
    pub search_action: String,
    pub query: String,
    /// The sub-site's own footer identifiers (empty ones are the portal's).
    pub footer: Footer,
    /// 简称, shown instead of the name on narrow screens.
    pub short_name: Option<String>,
    /// Uploaded pictures (URLs): a logo shown instead of the name, an emblem beside it, and
    /// the browser icon. Each absent one is the portal's.
    pub logo: Option<String>,
    pub emblem: Option<String>,
    pub icon: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct ArticleMeta {
    pub title: String,
    pub pub_date: String,
    pub source: String,
    pub image: Option<String>,
}

fn head(site: &Site, m: &PageMeta) -> Markup {
    let abs = |p: &str| format!("https://{}{}", site.domain, p);
    html! {
        meta charset="utf-8";
        meta name="viewport" content="width=device-width, initial-scale=1";
        title { (m.title) " - " (site.name) }
        meta name="SiteName" content=(site.name);
        meta name="SiteDomain" content=(site.domain);
        meta name="SiteIDCode" content=(site.site_id_code);
        meta name="ColumnName" content=(m.column);
        meta name="ColumnDescription" content=(m.description);
        meta name="ColumnKeywords" content=(m.keywords);
        meta name="ColumnType" content=(m.column);
        @if let Some(a) = &m.article {
            meta name="ArticleTitle" content=(a.title);
            meta name="PubDate" content=(a.pub_date);
            meta name="ContentSource" content=(a.source);
        }
        meta name="Keywords" content=(m.keywords);
        meta name="Description" content=(m.description);
        meta property="og:site_name" content=(site.name);
        meta property="og:title" content=(m.title);
        meta property="og:description" content=(m.description);
        meta property="og:type" content=(if m.article.is_some() { "article" } else { "website" });
        @if let Some(c) = &m.canonical {
            meta property="og:url" content=(abs(c));
            link rel="canonical" href=(abs(c));
        }
        @if let Some(img) = m.article.as_ref().and_then(|a| a.image.as_ref()) {
            meta property="og:image" content=(abs(img));
        }
        link rel="stylesheet" href=(site.css);
        link rel="icon" href=(m.site.as_ref().and_then(|c| c.icon.clone()).unwrap_or_else(|| site.icon.clone()));
        link rel="apple-touch-icon" href=(site.touch_icon);
        link rel="alternate" type="application/atom+xml" title=(site.name) href="/feed.xml";
        link rel="search" type="application/opensearchdescription+xml" title=(site.name) href="/opensearch.xml";
        script src=(site.js) defer {}
        @if let Some(j) = &m.json_ld {
            script type="application/ld+json" { (j) }
        }
    }
}

fn site_nav(c: &SiteChrome) -> Markup {
    html! {
        div.site-bar {
            nav.wrap.site-nav aria-label="栏目导航" {
                a href=(c.home) aria-current=[c.nav.iter().all(|n| !n.2).then_some("page")] { "首页" }
                @for (href, label, cur) in &c.nav {
                    a href=(href) aria-current=[cur.then_some("page")] { (label) }
                }
            }
        }
    }
}

fn search_box(c: &SiteChrome) -> Markup {
    html! {
        form.search-box role="search" method="get" action=(c.search_action) {
            label.sr-only for="site-search" { "站内搜索" }
            input #site-search type="search" name="q" value=(c.query) maxlength="64" placeholder="搜索本站信息";
            button type="submit" { "搜索" }
        }
    }
}

/// A sub-site's own footer identifiers (its 主办单位, 网站标识码 …); an empty one is the
/// portal's. Kept with the sub-site (`portal::model::Site::footer`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Footer {
    pub sponsor: String,
    pub organizer: String,
    pub phone: String,
    pub address: String,
    pub postcode: String,
    pub site_id_code: String,
    pub icp_no: String,
    pub psb_no: String,
    pub psb_link: String,
    pub conac_link: String,
}

impl Footer {
    /// The identifiers a page shows: this footer's, the portal's where it has none.
    pub fn over(&self, portal: &Site) -> Site {
        let pick = |own: &str, base: &str| {
            if own.trim().is_empty() {
                base.to_owned()
            } else {
                own.trim().to_owned()
            }
        };
        Site {
            sponsor: pick(&self.sponsor, &portal.sponsor),
            organizer: pick(&self.organizer, &portal.organizer),
            phone: pick(&self.phone, &portal.phone),
            address: pick(&self.address, &portal.address),
            postcode: pick(&self.postcode, &portal.postcode),
            site_id_code: pick(&self.site_id_code, &portal.site_id_code),
            icp_no: pick(&self.icp_no, &portal.icp_no),
            psb_no: pick(&self.psb_no, &portal.psb_no),
            psb_link: pick(&self.psb_link, &portal.psb_link),
            conac_link: pick(&self.conac_link, &portal.conac_link),
            ..portal.clone()
        }
    }
}

fn footer(site: &Site) -> Markup {
    html! {
        footer.site-footer role="contentinfo" {
            nav.footer-links aria-label="页脚导航" {
                a href="/" { "网站首页" }
                a href="/sitemap" { "网站地图" }
                a href="/contact" { "联系我们" }
            }
            // Each identifier is kept on one line; the separators go when lines wrap.
            p {
                span.fi { "主办单位：" (site.sponsor) }
                span.sep { " | " }
                span.fi { "承办单位：" (site.organizer) }
                span.sep { " | " }
                span.fi { "联系电话：" (site.phone) }
            }
            p {
                span.fi { "地址：" (site.address) }
                @if !site.postcode.is_empty() { span.sep { " | " } span.fi { "邮编：" (site.postcode) } }
            }
            p {
                span.fi { "网站标识码：" (site.site_id_code) }
                span.sep { " | " }
                a.fi href="https://beian.miit.gov.cn/" rel="noopener" { (site.icp_no) }
                span.sep { " | " }
                a.fi href=(site.psb_link) rel="noopener" { (site.psb_no) }
            }
            p.badge { a href=(site.conac_link) rel="noopener" { "党政机关网站标识" } }
        }
    }
}

fn care_toggle(care: bool) -> Markup {
    html! {
        @if care {
            a.care-toggle href="/care?on=0" { "退出长者模式" }
        } @else {
            a.care-toggle href="/care?on=1" { "长者模式" }
        }
    }
}

pub fn public_page(site: &Site, m: &PageMeta, body: Markup) -> Markup {
    let theme = m.site.as_ref().map(|c| c.theme.as_str()).unwrap_or("");
    let home = m.site.as_ref().map(|c| c.home.as_str()).unwrap_or("/");
    let body_class = format!("{} {}", if m.care { "care" } else { "" }, theme);
    html! {
        (DOCTYPE)
        html lang="zh-CN" class=[m.care.then_some("care")] {
            head { (head(site, m)) }
            body class=(body_class.trim()) {
                a.skip href="#main" { "跳到主要内容" }
                header.site-header {
                    div.wrap {
                        a.site-name href=(home) {
                            @let c = m.site.as_ref();
                            @let full = match c.and_then(|c| c.sub_name.as_ref()) { Some(sub) => format!("{} {}", site.name, sub), None => site.name.clone() };
                            @if let Some(logo) = c.and_then(|c| c.logo.as_ref()) {
                                img.logo src=(logo) alt=(full);
                            } @else {
                                @let emblem = c.and_then(|c| c.emblem.clone()).unwrap_or_else(|| site.emblem.clone());
                                @if !emblem.is_empty() { img.emblem src=(emblem) alt=""; }
                                @let short = c.and_then(|c| c.short_name.as_ref());
                                span.full-name.has-short[short.is_some()] {
                                    span { (site.name) }
                                    @if let Some(sub) = c.and_then(|c| c.sub_name.as_ref()) {
                                        span.sub-name { (sub) }
                                    }
                                }
                                @if let Some(s) = short { span.short-name { (s) } }
                            }
                        }
                        div.header-tools {
                            @if let Some(c) = &m.site { (search_box(c)) }
                            (care_toggle(m.care))
                            a href="/login" { "工作人员登录" }
                        }
                    }
                }
                @if let Some(c) = &m.site {
                    // 长者模式: the large type would fill a phone with the menu, so it folds
                    // (no script needed; wide screens open it, `site.css`).
                    @if m.care { details.nav-menu.site-bar { summary.wrap { "栏目导航" } (site_nav(c)) } }
                    @else { (site_nav(c)) }
                }
                main #main.wrap tabindex="-1" { (body) }
                (footer(&m.site.as_ref().map_or_else(|| site.clone(), |c| c.footer.over(site))))
            }
        }
    }
}

/// The signed-in staff's header bar data.
pub struct StaffBar<'a> {
    pub display_name: &'a str,
    pub roles: String,
    pub csrf: &'a str,
    pub nav: Vec<(&'static str, &'static str)>,
    /// Unread notices, shown on the bell (消息通知).
    pub unread: u64,
}

/// The bell: a link to the notices with the unread count, read out in words.
fn bell(unread: u64, current: bool) -> Markup {
    let label = if unread > 0 {
        format!("消息通知，{unread} 条未读")
    } else {
        "消息通知".to_owned()
    };
    html! {
        a.bell href="/admin/notifications" aria-label=(label)
            aria-current=[current.then_some("page")] {
            // Drawn, not an emoji: office machines often lack an emoji font.
            svg.bell-icon viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false" {
                path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.5-2.5h-5A2.5 2.5 0 0 0 12 22zm7-5v-6a7 7 0 0 0-5.5-6.8V3.5a1.5 1.5 0 0 0-3 0v.7A7 7 0 0 0 5 11v6l-2 2v1h18v-1z" {}
            }
            "通知"
            @if unread > 0 { span.bell-count { (unread) } }
        }
    }
}

pub fn staff_page(site: &Site, m: &PageMeta, bar: &StaffBar<'_>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="zh-CN" class=[m.care.then_some("care")] {
            head { (head(site, m)) script src=(site.forms_js) defer {} }
            body.staff class=[m.care.then_some("care")] {
                a.skip href="#main" { "跳到主要内容" }
                header.site-header.staff-header {
                    div.wrap {
                        a.site-name href="/admin" { (site.name) " · 管理后台" }
                        div.header-tools {
                            span { (bar.display_name) "（" (bar.roles) "）" }
                            (bell(bar.unread, m.title == "消息通知"))
                            a href="/account" { "账号安全" }
                            form.inline method="post" action="/logout" {
                                input type="hidden" name="csrf" value=(bar.csrf);
                                button.link type="submit" { "退出" }
                            }
                        }
                    }
                    @let nav = html! {
                        nav.wrap.staff-nav aria-label="后台导航" {
                            @for (href, label) in &bar.nav {
                                a href=(href) aria-current=[(*label == m.title).then_some("page")] { (label) }
                            }
                        }
                    };
                    @if m.care { details.nav-menu { summary.wrap { "后台菜单" } (nav) } }
                    @else { (nav) }
                }
                main #main.wrap tabindex="-1" {
                    h1 { (m.title) }
                    (body)
                }
                (footer(site))
            }
        }
    }
}
