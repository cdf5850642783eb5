//! Public pages. Cacheable pages go through `cached`, which serves from memory and
//! renders (on a blocking thread) only on a miss.

use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;

use super::model::{Article, ChannelKind, Site, SiteImages};
use super::pages::{self, ArticleData, HomeData};
use super::{Snapshot, store};
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::Ctx;
use crate::http::respond::{html as page, see_other};
use crate::http::routes::Routes;
use crate::views::layout::{ArticleMeta, SiteChrome};
use crate::views::{PageMeta, public_page};

pub const PER_PAGE: usize = 20;
/// Page numbers beyond this are refused with a clear page instead of a long scan.
pub const MAX_PAGE: usize = 5000;

pub fn router() -> Routes {
    Routes::new()
        .get("/", main_home)
        .get("/c/{slug}", redirect_slash)
        .get("/c/{slug}/", main_channel)
        .get("/c/{slug}/page/{n}/", main_channel_page)
        .get("/a/{id}", main_article)
        .get("/a/{id}/print", main_article_print)
        .get("/u/{code}", redirect_slash)
        .get("/u/{code}/", sub_home)
        .get("/u/{code}/c/{slug}/", sub_channel)
        .get("/u/{code}/c/{slug}/page/{n}/", sub_channel_page)
        .get("/u/{code}/a/{id}", sub_article)
        .get("/u/{code}/a/{id}/print", sub_article_print)
        .get("/files/{sha}/{name}", super::files::serve)
        .get("/site-images/{sha}", super::files::site_image)
        .get("/care", care)
        .get("/sitemap", sitemap)
        .get("/contact", contact)
}

async fn redirect_slash(req: Request) -> Response {
    Redirect::permanent(&format!("{}/", req.uri().path())).into_response()
}

pub fn chrome(snap: &Snapshot, site: &Site, current: Option<u64>) -> SiteChrome {
    let prefix = site.prefix();
    let current_top = current.and_then(|c| snap.channel_path(c).first().map(|c| c.id));
    SiteChrome {
        sub_name: (!site.is_main).then(|| site.name.clone()),
        home: format!("{prefix}/"),
        theme: format!("theme-{}", site.theme),
        nav: snap
            .channels_of(&site.unit)
            .filter(|c| c.in_nav && !c.archived && c.parent.is_none())
            .map(|c| {
                let href = if c.kind == ChannelKind::Link && !c.link.is_empty() {
                    c.link.clone()
                } else {
                    snap.channel_url(c)
                };
                (href, c.name.clone(), current_top == Some(c.id))
            })
            .collect(),
        search_action: "/search".into(),
        query: String::new(),
        footer: site.footer.clone(),
        short_name: (!site.short_name.trim().is_empty()).then(|| site.short_name.clone()),
        logo: site.images.logo.as_deref().map(SiteImages::url),
        emblem: site.images.emblem.as_deref().map(SiteImages::url),
        icon: site.images.favicon.as_deref().map(SiteImages::url),
    }
}

/// Serves a page from the cache, or renders it with `render` and keeps it.
///
/// `path` is the page's one spelling, rebuilt from the parsed route parameters. A request
/// that spells it differently (`/a/01`, `/a/+1`, `/a/%31`) is redirected there instead of
/// being rendered and stored again under its own key, so the cache holds one entry per page.
async fn cached<F>(
    st: &Shared,
    ctx: &Ctx,
    headers: &HeaderMap,
    path: String,
    render: F,
) -> Result<Response>
where
    F: FnOnce(&Shared, &Snapshot) -> Result<(StatusCode, Markup, Vec<String>)> + Send + 'static,
{
    if ctx.path != path {
        return Ok(Redirect::permanent(&path).into_response());
    }
    let key = format!("{}|{}", u8::from(ctx.care), path);
    if let Some(p) = st.pages.get(&key) {
        return Ok(crate::http::page_cache::respond(&p, headers));
    }
    let generation = st.pages.generation();
    let st2 = st.clone();
    let page = tokio::task::spawn_blocking(move || {
        let snap = st2.portal().snapshot();
        let (status, markup, mut tags) = render(&st2, &snap)?;
        tags.push("site".into());
        Ok::<_, Error>(
            st2.pages
                .put(key, status, markup.into_string(), tags, generation),
        )
    })
    .await??;
    Ok(crate::http::page_cache::respond(&page, headers))
}

fn meta(ctx: &Ctx, title: &str, column: &str, chrome: SiteChrome) -> PageMeta {
    PageMeta {
        title: title.into(),
        column: column.into(),
        care: ctx.care,
        site: Some(chrome),
        ..Default::default()
    }
}

fn site_of(snap: &Snapshot, code: Option<&str>) -> Result<Site> {
    match code {
        None => snap.main_site().cloned().ok_or(Error::NotFound),
        Some(c) => snap
            .site(c)
            .filter(|s| !s.is_main)
            .cloned()
            .ok_or(Error::NotFound),
    }
}

// ---- home

async fn main_home(State(st): State<Shared>, ctx: Ctx, headers: HeaderMap) -> Result<Response> {
    if st.portal().snapshot().main_site().is_none() {
        return Ok(page(bare_home(&st, &ctx).await?));
    }
    home(st, ctx, headers, None).await
}

async fn sub_home(
    State(st): State<Shared>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Result<Response> {
    home(st, ctx, headers, Some(code)).await
}

async fn home(st: Shared, ctx: Ctx, headers: HeaderMap, code: Option<String>) -> Result<Response> {
    let snap = st.portal().snapshot();
    let site = site_of(&snap, code.as_deref())?;
    let c2 = ctx.clone();
    let path = format!("{}/", site.prefix());
    cached(&st, &ctx, &headers, path, move |st, snap| {
        let mut blocks_ch: Vec<_> = snap
            .channels_of(&site.unit)
            .filter(|c| c.on_home && !c.archived && c.kind == ChannelKind::List)
            .cloned()
            .collect();
        blocks_ch.sort_by_key(|c| (c.home_order, c.order, c.id));
        let (blocks, headlines) = st.store.read_blocking(|txn| {
            let mut blocks = Vec::new();
            let mut pool: Vec<Article> = Vec::new();
            for c in &blocks_ch {
                let items =
                    store::channel_page(txn, c.id, 1, usize::from(c.home_items.clamp(1, 20)))?;
                pool.extend(items.iter().filter(|a| a.cover.is_some()).cloned());
                blocks.push((c.clone(), items));
            }
            pool.sort_by_key(|a| std::cmp::Reverse(a.publish_ms));
            pool.dedup_by_key(|a| a.id);
            pool.truncate(3);
            Ok((blocks, pool))
        })?;
        let mut tags: Vec<String> = blocks.iter().map(|(c, _)| format!("c:{}", c.id)).collect();
        tags.push(format!("home:{}", site.unit));
        let sub_sites = if site.is_main {
            snap.sites.iter().filter(|s| !s.is_main).cloned().collect()
        } else {
            Vec::new()
        };
        let d = HomeData {
            headlines,
            blocks,
            sub_sites,
        };
        let mut m = meta(&c2, "首页", "首页", chrome(snap, &site, None));
        m.canonical = Some(format!("{}/", site.prefix()));
        m.description = format!("{}门户网站", site.name);
        Ok((
            StatusCode::OK,
            public_page(&st.site(), &m, pages::home(snap, &site, &d)),
            tags,
        ))
    })
    .await
}

/// Before any site is set up: the organisation, so a fresh install still shows something true.
async fn bare_home(st: &Shared, ctx: &Ctx) -> Result<Markup> {
    let units = st.store.read(crate::auth::store::list_units).await?;
    let body = html! {
        section.hero { h1 { (st.site().name) } p { "网站正在建设中。" } }
        @if !units.is_empty() {
            section.card { h2 { "机构设置" } ul.columns { @for u in &units { li { (u.name) } } } }
        }
    };
    let m = PageMeta {
        title: "首页".into(),
        column: "首页".into(),
        care: ctx.care,
        ..Default::default()
    };
    Ok(public_page(&st.site(), &m, body))
}

// ---- channels

#[derive(Deserialize)]
struct ChannelPath {
    code: Option<String>,
    slug: String,
    n: Option<String>,
}

async fn main_channel(
    st: State<Shared>,
    ctx: Ctx,
    h: HeaderMap,
    Path(slug): Path<String>,
) -> Result<Response> {
    channel(
        st.0,
        ctx,
        h,
        ChannelPath {
            code: None,
            slug,
            n: None,
        },
    )
    .await
}
async fn main_channel_page(
    st: State<Shared>,
    ctx: Ctx,
    h: HeaderMap,
    Path((slug, n)): Path<(String, String)>,
) -> Result<Response> {
    channel(
        st.0,
        ctx,
        h,
        ChannelPath {
            code: None,
            slug,
            n: Some(n),
        },
    )
    .await
}
async fn sub_channel(
    st: State<Shared>,
    ctx: Ctx,
    h: HeaderMap,
    Path((code, slug)): Path<(String, String)>,
) -> Result<Response> {
    channel(
        st.0,
        ctx,
        h,
        ChannelPath {
            code: Some(code),
            slug,
            n: None,
        },
    )
    .await
}
async fn sub_channel_page(
    st: State<Shared>,
    ctx: Ctx,
    h: HeaderMap,
    Path((code, slug, n)): Path<(String, String, String)>,
) -> Result<Response> {
    channel(
        st.0,
        ctx,
        h,
        ChannelPath {
            code: Some(code),
            slug,
            n: Some(n),
        },
    )
    .await
}

async fn channel(st: Shared, ctx: Ctx, headers: HeaderMap, p: ChannelPath) -> Result<Response> {
    let snap = st.portal().snapshot();
    let site = site_of(&snap, p.code.as_deref())?;
    let page_no = match &p.n {
        None => 1,
        Some(n) => match n.parse::<usize>() {
            Ok(n) if (2..=MAX_PAGE).contains(&n) => n,
            Ok(1) => return Ok(see_other(&format!("{}/c/{}/", site.prefix(), p.slug))),
            _ => return Err(Error::BadRequest("页码无效。".into())),
        },
    };
    let ch = snap
        .channels_of(&site.unit)
        .find(|c| c.slug.as_str() == p.slug)
        .cloned()
        .ok_or(Error::NotFound)?;
    if ch.kind == ChannelKind::Link {
        return Ok(Redirect::to(&ch.link).into_response());
    }
    let c2 = ctx.clone();
    let path = match page_no {
        1 => format!("{}/c/{}/", site.prefix(), ch.slug),
        n => format!("{}/c/{}/page/{n}/", site.prefix(), ch.slug),
    };
    cached(&st, &ctx, &headers, path, move |st, snap| {
        let mut m = meta(&c2, &ch.name, &ch.name, chrome(snap, &site, Some(ch.id)));
        m.description = ch.description.clone();
        m.canonical = Some(snap.channel_url(&ch));
        let tags = vec![format!("c:{}", ch.id)];
        if ch.kind == ChannelKind::Page {
            return Ok((
                StatusCode::OK,
                public_page(&st.site(), &m, pages::channel_single(snap, &site, &ch)),
                tags,
            ));
        }
        let (items, total) = st.store.read_blocking(|txn| {
            Ok((
                store::channel_page(txn, ch.id, page_no, PER_PAGE)?,
                store::channel_count(txn, ch.id)?,
            ))
        })?;
        let pages_n = usize::try_from(total)
            .unwrap_or(0)
            .div_ceil(PER_PAGE)
            .max(1);
        if page_no > pages_n {
            return Err(Error::NotFound);
        }
        if page_no > 1 {
            m.canonical = Some(format!("{}page/{page_no}/", snap.channel_url(&ch)));
            m.title = format!("{}（第{}页）", ch.name, page_no);
        }
        Ok((
            StatusCode::OK,
            public_page(
                &st.site(),
                &m,
                pages::channel_list(snap, &site, &ch, &items, page_no, pages_n),
            ),
            tags,
        ))
    })
    .await
}

// ---- articles

async fn main_article(
    st: State<Shared>,
    ctx: Ctx,
    h: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response> {
    article(st.0, ctx, h, None, id, false).await
}
async fn main_article_print(
    st: State<Shared>,
    ctx: Ctx,
    h: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response> {
    article(st.0, ctx, h, None, id, true).await
}
async fn sub_article(
    st: State<Shared>,
    ctx: Ctx,
    h: HeaderMap,
    Path((code, id)): Path<(String, String)>,
) -> Result<Response> {
    article(st.0, ctx, h, Some(code), id, false).await
}
async fn sub_article_print(
    st: State<Shared>,
    ctx: Ctx,
    h: HeaderMap,
    Path((code, id)): Path<(String, String)>,
) -> Result<Response> {
    article(st.0, ctx, h, Some(code), id, true).await
}

async fn article(
    st: Shared,
    ctx: Ctx,
    headers: HeaderMap,
    code: Option<String>,
    id: String,
    print: bool,
) -> Result<Response> {
    let id: u64 = id.parse().map_err(|_| Error::NotFound)?;
    let snap = st.portal().snapshot();
    let site = site_of(&snap, code.as_deref())?;
    let c2 = ctx.clone();
    let path = format!(
        "{}/a/{id}{}",
        site.prefix(),
        if print { "/print" } else { "" }
    );
    cached(&st, &ctx, &headers, path, move |st, snap| {
        let d = st.store.read_blocking(|txn| {
            let Some(a) = store::get_article(txn, id)? else {
                return Err(Error::NotFound);
            };
            let load = |ids: &[u64]| -> Result<Vec<Article>> {
                let mut v = Vec::new();
                for i in ids {
                    if let Some(x) = store::get_article(txn, *i)?.filter(Article::is_public) {
                        v.push(x);
                    }
                }
                Ok(v)
            };
            let related = load(&a.related)?;
            let interpretations = load(&a.interpretations)?;
            let policy = load(&a.interprets.into_iter().collect::<Vec<_>>())?.pop();
            Ok(ArticleData { article: a, related, interpretations, policy })
        })?;
        let a = &d.article;
        // On a site where the item is placed rather than at home, it sits in that site's channel.
        let shown_in = if a.site == site.unit {
            Some(a.channel)
        } else {
            a.all_channels()
                .into_iter()
                .find(|c| snap.channel(*c).is_some_and(|c| c.site == site.unit))
        };
        let mut tags = vec![format!("a:{}", a.id)];
        tags.extend(a.related.iter().chain(&a.interpretations).chain(a.interprets.iter()).map(|r| format!("a:{r}")));
        match &a.state {
            super::model::ArticleState::Published => {}
            super::model::ArticleState::Withdrawn { reason } => {
                let m = meta(&c2, "信息已撤下", "信息已撤下", chrome(snap, &site, None));
                let body = html! { section.error-page { h1 { "信息已撤下" } p { "该信息已于 " (pages::date(a.updated_ms)) " 撤下。原因：" (reason) } p { a href=(format!("{}/", site.prefix())) { "返回首页" } } } };
                return Ok((StatusCode::GONE, public_page(&st.site(), &m, body), tags));
            }
            super::model::ArticleState::Draft => return Err(Error::NotFound),
            // Superseded: the new item's page (if it is still public).
            super::model::ArticleState::Replaced { by } => {
                let by = *by;
                let target = st.store.read_blocking(|txn| store::get_article(txn, by))?;
                return match target.filter(Article::is_public) {
                    Some(t) => Err(Error::Redirect(snap.article_url(&t))),
                    None => Err(Error::NotFound),
                };
            }
        }
        // Shown on a site where it is not placed: not found there.
        let Some(shown_in) = shown_in else {
            return Err(Error::NotFound);
        };
        let column = snap.channel(shown_in).map(|c| c.name.clone()).unwrap_or_default();
        let mut m = meta(&c2, &a.title, &column, chrome(snap, &site, Some(shown_in)));
        m.description = pages::summary_text(a);
        m.keywords = a.keywords.clone();
        m.canonical = Some(snap.article_url(a));
        m.article = Some(ArticleMeta {
            title: a.title.clone(),
            pub_date: a.publish_ms.map(crate::clock::show).unwrap_or_default(),
            source: a.source.clone(),
            image: a.cover.as_ref().map(|c| format!("/files/{}/{}", c.sha, c.name)),
        });
        m.json_ld = Some(crate::views::ScriptJson::new(&pages::json_ld(snap, a, &st.site().domain, &st.site().name)));
        Ok((StatusCode::OK, public_page(&st.site(), &m, pages::article(snap, &site, &d, shown_in, print)), tags))
    })
    .await
}

// ---- small pages

#[derive(Deserialize)]
struct CareQuery {
    #[serde(default)]
    on: u8,
}

/// Switches 适老化 mode (larger type, higher contrast) by cookie; no script needed.
/// Goes back to the page the visitor came from when it is one of ours.
async fn care(Query(q): Query<CareQuery>, headers: HeaderMap) -> Response {
    let back = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| {
            let host = headers.get(header::HOST)?.to_str().ok()?;
            let rest = r
                .strip_prefix("http://")
                .or_else(|| r.strip_prefix("https://"))?;
            let path = rest.strip_prefix(host)?;
            (path.starts_with('/') && !path.starts_with("//")).then(|| path.to_owned())
        })
        .unwrap_or_else(|| "/".into());
    let mut r = see_other(&back);
    let c = if q.on == 1 {
        "gk_care=1; Path=/; Max-Age=31536000; SameSite=Lax"
    } else {
        "gk_care=; Path=/; Max-Age=0; SameSite=Lax"
    };
    r.headers_mut()
        .append(header::SET_COOKIE, HeaderValue::from_static(c));
    r
}

async fn sitemap(State(st): State<Shared>, ctx: Ctx) -> Result<Response> {
    let snap = st.portal().snapshot();
    let body = html! {
        h1 { "网站地图" }
        @for site in &snap.sites {
            section.card {
                h2 { a href=(format!("{}/", site.prefix())) { (site.name) } }
                ul.columns {
                    @for c in snap.channels_of(&site.unit).filter(|c| c.parent.is_none()) {
                        li { a href=(snap.channel_url(c)) { (c.name) }
                            ul { @for x in snap.channels_of(&site.unit).filter(|x| x.parent == Some(c.id)) { li { a href=(snap.channel_url(x)) { (x.name) } } } }
                        }
                    }
                }
            }
        }
        ul { li { a href="/contact" { "联系我们" } } li { a href="/login" { "工作人员登录" } } }
    };
    let m = match snap.main_site() {
        Some(s) => meta(&ctx, "网站地图", "网站地图", chrome(&snap, s, None)),
        None => PageMeta {
            title: "网站地图".into(),
            column: "网站地图".into(),
            care: ctx.care,
            ..Default::default()
        },
    };
    Ok(page(public_page(&st.site(), &m, body)))
}

async fn contact(State(st): State<Shared>, ctx: Ctx) -> Result<Response> {
    let s = &st.site();
    let snap = st.portal().snapshot();
    let body = html! {
        h1 { "联系我们" }
        dl.kv {
            dt { "主办单位" } dd { (s.sponsor) }
            dt { "承办单位" } dd { (s.organizer) }
            dt { "联系电话" } dd { (s.phone) }
            dt { "地址" } dd { (s.address) }
        }
    };
    let m = match snap.main_site() {
        Some(site) => meta(&ctx, "联系我们", "联系我们", chrome(&snap, site, None)),
        None => PageMeta {
            title: "联系我们".into(),
            column: "联系我们".into(),
            care: ctx.care,
            ..Default::default()
        },
    };
    Ok(page(public_page(&st.site(), &m, body)))
}
