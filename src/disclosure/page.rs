//! The disclosure area's public frame: which unit's area a request is in, and the page with
//! the area's six columns beside it (公开指南, 公开制度, 法定主动公开内容, 公开目录, 依申请公开,
//! 公开年报), as Chinese government sites lay it out.

use maud::{Markup, html};
use serde::Deserialize;

use super::units;
use crate::auth::model::Unit;
use crate::auth::units::Units;
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::Ctx;
use crate::portal::pages::breadcrumbs;
use crate::views::{PageMeta, public_page};

/// The route parameters every area page has: the unit's code on `/u/{code}/gk/…`, none on the
/// main `/gk/…` (the district government's area).
#[derive(Debug, Deserialize)]
pub struct AreaPath {
    #[serde(default)]
    pub code: Option<String>,
}

/// The columns of an area, in the order shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Home,
    Guide,
    Rules,
    Statutory,
    Catalog,
    Requests,
    Reports,
}

impl Column {
    pub const NAV: [Column; 6] = [
        Column::Guide,
        Column::Rules,
        Column::Statutory,
        Column::Catalog,
        Column::Requests,
        Column::Reports,
    ];
    pub fn label(self) -> &'static str {
        match self {
            Column::Home => "政府信息公开",
            Column::Guide => "公开指南",
            Column::Rules => "公开制度",
            Column::Statutory => "法定主动公开内容",
            Column::Catalog => "公开目录",
            Column::Requests => "依申请公开",
            Column::Reports => "公开年报",
        }
    }
    /// The column's address under an area's prefix.
    pub fn slug(self) -> &'static str {
        match self {
            Column::Home => "",
            Column::Guide => "guide",
            Column::Rules => "rules",
            Column::Statutory => "statutory",
            Column::Catalog => "catalog",
            Column::Requests => "apply",
            Column::Reports => "reports",
        }
    }
}

/// One unit's disclosure area.
#[derive(Debug, Clone)]
pub struct Area {
    pub unit: Unit,
    /// "/gk/" or "/u/{code}/gk/".
    pub href: String,
    pub is_root: bool,
}

impl Area {
    /// The address of a column (or anything under the area): `href` + `rest`.
    pub fn link(&self, rest: &str) -> String {
        format!("{}{rest}", self.href)
    }
    pub fn column(&self, c: Column) -> String {
        self.link(c.slug())
    }
}

/// The area a request is in; an unknown unit, or one without disclosure duties, is a 404.
pub fn area(units: &Units, p: &AreaPath) -> Result<Area> {
    let unit = match &p.code {
        None => units::root(units).filter(|u| u.discloses()),
        Some(c) => units::find(units, c).filter(|u| u.parent.is_some()),
    }
    .ok_or(Error::NotFound)?;
    Ok(Area {
        href: units::area_href(units, &unit.code),
        is_root: unit.parent.is_none(),
        unit: unit.clone(),
    })
}

/// The unit tree, read once per page.
pub async fn load_units(st: &Shared) -> Result<Units> {
    Ok(Units::new(
        st.store.read(crate::auth::store::list_units).await?,
    ))
}

/// A public page of the area: breadcrumbs (首页 › 政府信息公开 › unit › column), the columns
/// beside the content, the site's header and footer. `title` is the page's own heading (the
/// body must not repeat it as h1).
pub fn render(
    st: &Shared,
    ctx: &Ctx,
    a: &Area,
    current: Column,
    title: &str,
    body: Markup,
) -> Markup {
    let snap = st.portal().snapshot();
    let own_site = snap.site(a.unit.code.as_str()).filter(|s| !s.is_main);
    let mut chrome = match (own_site, snap.main_site()) {
        (Some(s), _) | (None, Some(s)) => crate::portal::routes::chrome(&snap, s, None),
        (None, None) => Default::default(),
    };
    if own_site.is_none() && !a.is_root {
        chrome.sub_name = Some(a.unit.name.clone());
    }
    let home = own_site.map_or_else(|| "/".to_owned(), |s| format!("{}/", s.prefix()));
    let mut crumbs = vec![(home, "首页".to_owned())];
    crumbs.push(("/gk/".into(), "政府信息公开".into()));
    if !a.is_root {
        crumbs.push((a.href.clone(), a.unit.name.clone()));
    }
    if current != Column::Home {
        crumbs.push((a.column(current), current.label().to_owned()));
    }
    if title != current.label() {
        crumbs.push((String::new(), title.to_owned()));
    }
    if let Some(last) = crumbs.last_mut() {
        last.0 = String::new();
    }
    let m = PageMeta {
        title: format!("{title} - {}", a.unit.name),
        column: "政府信息公开".into(),
        care: ctx.care,
        site: Some(chrome),
        description: format!("{}政府信息公开：{title}", a.unit.name),
        ..Default::default()
    };
    let body = html! {
        (breadcrumbs(&crumbs))
        div.gk-frame {
            nav.gk-columns aria-label=(format!("{}政府信息公开栏目", a.unit.name)) {
                p.gk-unit { a href=(a.href) aria-current=[(current == Column::Home).then_some("page")] { (a.unit.name) } }
                ul {
                    @for c in Column::NAV {
                        li { a href=(a.column(c)) aria-current=[(c == current).then_some("page")] { (c.label()) } }
                    }
                }
            }
            div.gk-content {
                h1 { (title) }
                (body)
            }
        }
    };
    public_page(&st.site(), &m, body)
}
