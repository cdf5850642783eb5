//! The two layouts. Every page, error pages included, carries the footer identifiers
//! the site inspection rules require and the page meta tags crawlers read.

use maud::{DOCTYPE, Markup, html};

use crate::config::Config;

/// Site identity from config, shown on every page.
#[derive(Debug, Clone)]
pub struct Site {
    pub name: String,
    pub sponsor: String,
    pub phone: String,
    pub address: String,
    pub site_id_code: String,
    pub icp_no: String,
    pub psb_no: String,
    pub css: String,
    pub js: String,
}

impl Site {
    pub fn from_config(c: &Config, css: String, js: String) -> Site {
        Site {
            name: c.site.name.clone(),
            sponsor: c.site.sponsor.clone(),
            phone: c.site.phone.clone(),
            address: c.site.address.clone(),
            site_id_code: c.site.site_id_code.clone(),
            icp_no: c.site.icp_no.clone(),
            psb_no: c.site.psb_no.clone(),
            css,
            js,
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
}

fn head(site: &Site, m: &PageMeta) -> Markup {
    html! {
        meta charset="utf-8";
        meta name="viewport" content="width=device-width, initial-scale=1";
        title { (m.title) " - " (site.name) }
        meta name="SiteName" content=(site.name);
        meta name="SiteIDCode" content=(site.site_id_code);
        meta name="ColumnName" content=(m.column);
        meta name="ColumnDescription" content=(m.description);
        meta name="ColumnType" content=(m.column);
        meta name="Description" content=(m.description);
        link rel="stylesheet" href=(site.css);
        script src=(site.js) defer {}
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
                span.fi { "联系电话：" (site.phone) }
            }
            p { span.fi { "地址：" (site.address) } }
            p {
                span.fi { "网站标识码：" (site.site_id_code) }
                span.sep { " | " }
                a.fi href="https://beian.miit.gov.cn/" rel="noopener" { (site.icp_no) }
                span.sep { " | " }
                a.fi href="https://beian.mps.gov.cn/" rel="noopener" { (site.psb_no) }
            }
            p.badge { a href="https://bszs.conac.cn/" rel="noopener" { "党政机关网站标识" } }
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
    html! {
        (DOCTYPE)
        html lang="zh-CN" class=[m.care.then_some("care")] {
            head { (head(site, m)) }
            body class=[m.care.then_some("care")] {
                a.skip href="#main" { "跳到主要内容" }
                header.site-header {
                    div.wrap {
                        a.site-name href="/" { (site.name) }
                        div.header-tools { (care_toggle(m.care)) a href="/login" { "工作人员登录" } }
                    }
                }
                main #main.wrap tabindex="-1" { (body) }
                (footer(site))
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
}

pub fn staff_page(site: &Site, m: &PageMeta, bar: &StaffBar<'_>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="zh-CN" class=[m.care.then_some("care")] {
            head { (head(site, m)) }
            body.staff class=[m.care.then_some("care")] {
                a.skip href="#main" { "跳到主要内容" }
                header.site-header.staff-header {
                    div.wrap {
                        a.site-name href="/admin" { (site.name) " · 管理后台" }
                        div.header-tools {
                            span { (bar.display_name) "（" (bar.roles) "）" }
                            a href="/account" { "账号安全" }
                            form.inline method="post" action="/logout" {
                                input type="hidden" name="csrf" value=(bar.csrf);
                                button.link type="submit" { "退出" }
                            }
                        }
                    }
                    nav.wrap.staff-nav aria-label="后台导航" {
                        @for (href, label) in &bar.nav {
                            a href=(href) aria-current=[(*label == m.title).then_some("page")] { (label) }
                        }
                    }
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
