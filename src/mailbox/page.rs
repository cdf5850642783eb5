//! The mailbox's public frame: breadcrumbs (首页 › 区长信箱 › page), its columns beside the
//! content (写信, 查询, 信件选登, 办理统计), the main site's header and footer.

use maud::{Markup, html};

use crate::http::Shared;
use crate::http::extract::Ctx;
use crate::portal::pages::breadcrumbs;
use crate::views::layout::{PageMeta, public_page};

/// A column of the mailbox area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Write,
    Lookup,
    Letters,
    Stats,
}

impl Column {
    pub const ALL: [Column; 4] = [
        Column::Write,
        Column::Lookup,
        Column::Letters,
        Column::Stats,
    ];
    pub fn label(self) -> &'static str {
        match self {
            Column::Write => "我要写信",
            Column::Lookup => "信件查询",
            Column::Letters => "信件选登",
            Column::Stats => "办理统计",
        }
    }
    pub fn href(self) -> &'static str {
        match self {
            Column::Write => "/mailbox/",
            Column::Lookup => "/mailbox/lookup",
            Column::Letters => "/mailbox/letters",
            Column::Stats => "/mailbox/stats",
        }
    }
}

/// The mailbox's name on screen.
pub const NAME: &str = "区长信箱";

/// A public page of the mailbox; `title` is printed as its h1 (the body must not repeat it).
pub fn render(
    st: &Shared,
    ctx: &Ctx,
    current: Column,
    title: &str,
    extra_crumb: Option<(&str, &str)>,
    body: Markup,
) -> Markup {
    let snap = st.portal().snapshot();
    let chrome = snap
        .main_site()
        .map(|s| crate::portal::routes::chrome(&snap, s, None))
        .unwrap_or_default();
    let mut crumbs = vec![
        ("/".to_owned(), "首页".to_owned()),
        ("/mailbox/".to_owned(), NAME.to_owned()),
    ];
    if current != Column::Write || title != current.label() {
        crumbs.push((current.href().to_owned(), current.label().to_owned()));
    }
    if let Some((href, label)) = extra_crumb {
        crumbs.push((href.to_owned(), label.to_owned()));
    }
    if title != current.label() {
        crumbs.push((String::new(), title.to_owned()));
    }
    crumbs.dedup_by(|a, b| a.1 == b.1);
    if let Some(last) = crumbs.last_mut() {
        last.0 = String::new();
    }
    let m = PageMeta {
        title: format!("{title} - {NAME}"),
        column: NAME.into(),
        care: ctx.care,
        site: Some(chrome),
        description: format!("{NAME}：{title}"),
        ..Default::default()
    };
    let body = html! {
        (breadcrumbs(&crumbs))
        div.gk-frame {
            nav.gk-columns aria-label="区长信箱栏目" {
                p.gk-unit { a href="/mailbox/" aria-current=[(current == Column::Write && title == current.label()).then_some("page")] { (NAME) } }
                ul {
                    @for c in Column::ALL {
                        li { a href=(c.href()) aria-current=[(c == current).then_some("page")] { (c.label()) } }
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

/// A wide table in a region of its own that scrolls sideways on a phone (the page never does).
pub fn scroll(label: &str, inner: Markup) -> Markup {
    html! {
        div.table-scroll role="region" aria-label=(label) tabindex="0" { (inner) }
    }
}
