//! The public side: `/projects/` (百件实事网上查: a year's list, filtered by year, unit and
//! status with a GET form that needs no script, a text query, and counts per status for the
//! year) and `/projects/{id}` (the project with the timeline of its published updates and
//! their photos, and 「我要留言」 to the mailbox). Photos are served by `photo`: an update's
//! picture to everyone once the update is public, before that only to staff who may see it.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use time::Date;

use super::model::{Project, Status, Update};
use super::store;
use crate::auth::units::Units;
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::Ctx;
use crate::http::respond::html as page_resp;
use crate::portal::pages::{breadcrumbs, date};
use crate::views::{PageMeta, public_page};

pub const TITLE: &str = "百件实事网上查";

/// Beijing's date today.
pub fn today(now_ms: i64) -> Date {
    crate::clock::from_ms(now_ms)
        .to_offset(crate::clock::CST)
        .date()
}

/// A `YYYY-MM-DD` date as shown.
pub fn show_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// The unit tree, read once per page.
pub async fn load_units(st: &Shared) -> Result<Units> {
    Ok(Units::new(
        st.store.read(crate::auth::store::list_units).await?,
    ))
}

/// A public page in the main portal's frame, with breadcrumbs 首页 › 百件实事网上查 › …
fn frame(st: &Shared, ctx: &Ctx, title: &str, crumbs: &[(String, String)], body: Markup) -> Markup {
    let snap = st.portal().snapshot();
    // The portal's 百件实事 entrance (a link channel, when there is one) is the current one.
    let chrome = snap.main_site().map(|s| {
        let entrance = snap
            .channels_of(&s.unit)
            .find(|c| c.link == "/projects/")
            .map(|c| c.id);
        crate::portal::routes::chrome(&snap, s, entrance)
    });
    let mut all = vec![("/".to_owned(), "首页".to_owned())];
    all.extend_from_slice(crumbs);
    if let Some(last) = all.last_mut() {
        last.0 = String::new();
    }
    let m = PageMeta {
        title: format!("{title} - {TITLE}"),
        column: TITLE.into(),
        care: ctx.care,
        site: chrome,
        description: format!("{TITLE}：{title}"),
        ..Default::default()
    };
    public_page(
        &st.site(),
        &m,
        html! {
            (breadcrumbs(&all))
            div.pj-page { h1 { (title) } (body) }
        },
    )
}

/// A status shown with its own style, for the eye; the words carry the meaning.
pub fn status_tag(s: Status) -> Markup {
    html! { span class=(format!("pj-status pj-{}", s.key())) { (s.label()) } }
}

/// A progress bar with its figure beside it.
pub fn percent_bar(title: &str, pct: u8) -> Markup {
    html! {
        span.pj-percent {
            progress max="100" value=(pct) aria-label=(format!("{title}完成进度")) {}
            " " (pct) "%"
        }
    }
}

/// What the list was asked for; anything that does not parse is simply not applied.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub q: String,
}

/// Whether a project matches the words of a query (title, target, unit name).
fn matches(p: &Project, unit_name: &str, q: &str) -> bool {
    q.split_whitespace()
        .all(|w| p.title.contains(w) || p.target.contains(w) || unit_name.contains(w))
}

/// GET /projects: the list's one address ends with a slash.
async fn to_list() -> axum::response::Redirect {
    axum::response::Redirect::permanent("/projects/")
}

/// GET /projects/
async fn list(State(st): State<Shared>, ctx: Ctx, Query(q): Query<ListQuery>) -> Result<Response> {
    let units = load_units(&st).await?;
    let years = st.store.read(store::years).await?;
    let this_year = u16::try_from(today(st.now_ms()).year()).unwrap_or(0);
    let year = q
        .year
        .trim()
        .parse::<u16>()
        .ok()
        .filter(|y| years.contains(y))
        .or_else(|| years.first().copied())
        .unwrap_or(this_year);
    let projects = st.store.read(move |txn| store::of_year(txn, year)).await?;
    let status = Status::parse(q.status.trim());
    let unit = q.unit.trim().to_owned();
    let words = q.q.trim().to_owned();
    let mut counts = [0usize; 4];
    for p in &projects {
        counts[p.progress.status.index()] += 1;
    }
    let updated = projects.iter().map(|p| p.updated_ms).max();
    let mut unit_options: Vec<(String, String)> = Vec::new();
    for p in &projects {
        let code = p.unit.to_string();
        if !unit_options.iter().any(|(c, _)| *c == code) {
            unit_options.push((code, units.name(&p.unit)));
        }
    }
    let shown: Vec<&Project> = projects
        .iter()
        .filter(|p| status.is_none_or(|s| p.progress.status == s))
        .filter(|p| unit.is_empty() || p.unit.as_str() == unit)
        .filter(|p| words.is_empty() || matches(p, &units.name(&p.unit), &words))
        .collect();
    let filtered = status.is_some() || !unit.is_empty() || !words.is_empty();
    let body = html! {
        p.lead { "区政府每年确定一批民生实事项目，这里公开每个项目的责任单位、建设目标、计划完成时间和实施进展，接受群众监督。" }
        @if let Some(ms) = updated {
            p.meta { "更新日期：" time datetime=(date(ms)) { (date(ms)) } }
        }
        section aria-labelledby="pj-sum" {
            h2 #pj-sum { (year) "年项目总体情况" }
            ul.pj-summary {
                li { "项目总数 " strong { (projects.len()) } }
                @for s in Status::ALL {
                    li { (s.label()) " " strong { (counts[s.index()]) } }
                }
            }
        }
        form.filter method="get" action="/projects/" role="search" aria-label="筛选民生实事项目" {
            div.field {
                label for="pj-year" { "年度" }
                select #pj-year name="year" {
                    @if years.is_empty() { option value=(year) selected { (year) "年" } }
                    @for y in &years { option value=(y) selected[*y == year] { (y) "年" } }
                }
            }
            div.field {
                label for="pj-unit" { "责任单位" }
                select #pj-unit name="unit" {
                    option value="" { "全部单位" }
                    @for (c, n) in &unit_options { option value=(c) selected[*c == unit] { (n) } }
                }
            }
            div.field {
                label for="pj-status" { "状态" }
                select #pj-status name="status" {
                    option value="" { "全部状态" }
                    @for s in Status::ALL { option value=(s.key()) selected[status == Some(s)] { (s.label()) } }
                }
            }
            div.field {
                label for="pj-q" { "关键词" }
                input #pj-q type="search" name="q" value=(words);
            }
            button type="submit" { "查询项目" }
        }
        h2 { (year) "年民生实事项目" @if filtered { "（筛选结果 " (shown.len()) " 项）" } }
        @if shown.is_empty() {
            p.notice { @if projects.is_empty() { "本年度项目清单尚未公布。" } @else { "没有符合条件的项目。" } }
        } @else {
            table.data.cards.pj-list {
                caption.sr-only { (year) "年民生实事项目清单" }
                thead { tr {
                    th scope="col" { "序号" } th scope="col" { "项目名称" } th scope="col" { "责任单位" }
                    th scope="col" { "计划完成" } th scope="col" { "进度" } th scope="col" { "状态" }
                } }
                tbody {
                    @for p in &shown {
                        tr {
                            td data-label="序号" { (p.number) }
                            td.card-title { a href=(format!("/projects/{}", p.id)) { (p.title) } }
                            td data-label="责任单位" { (units.name(&p.unit)) }
                            td data-label="计划完成" { (show_date(p.planned)) }
                            td data-label="进度" { (percent_bar(&p.title, p.progress.percent.get())) }
                            td data-label="状态" { (status_tag(p.progress.status)) }
                        }
                    }
                }
            }
        }
    };
    Ok(page_resp(frame(
        &st,
        &ctx,
        TITLE,
        &[("/projects/".into(), TITLE.into())],
        body,
    )))
}

/// GET /projects/{id}
async fn page(State(st): State<Shared>, ctx: Ctx, Path(id): Path<String>) -> Result<Response> {
    let id: u64 = id.parse().map_err(|_| Error::NotFound)?;
    let units = load_units(&st).await?;
    let (p, updates) = st
        .store
        .read(move |txn| Ok((store::get(txn, id)?, store::updates_of(txn, id)?)))
        .await?;
    let p = p.ok_or(Error::NotFound)?;
    let mut shown: Vec<&Update> = updates.iter().filter(|u| u.is_public()).collect();
    shown.sort_by_key(|u| std::cmp::Reverse((u.date, u.published_ms, u.id)));
    let first = shown.iter().filter_map(|u| u.published_ms).min();
    let body = html! {
        p.meta {
            "发布日期：" time datetime=(date(p.created_ms)) { (date(p.created_ms)) }
            " 更新日期：" time datetime=(date(p.updated_ms)) { (date(p.updated_ms)) }
        }
        dl.kv.pj-facts {
            dt { "年度" } dd { (p.year) "年" }
            dt { "序号" } dd { (p.number) }
            dt { "责任单位" } dd { (units.name(&p.unit)) }
            dt { "建设目标" } dd.pre { (p.target) }
            dt { "计划完成时间" } dd { (show_date(p.planned)) }
            dt { "完成进度" } dd { (percent_bar(&p.title, p.progress.percent.get())) }
            dt { "当前状态" } dd { (status_tag(p.progress.status)) }
            @if p.progress.status == Status::Delayed {
                dt { "延期原因" } dd { (p.progress.delay_reason) }
            }
        }
        p.pj-ask {
            a.button href=(format!("/mailbox/?project={}", p.id)) { "我要留言" }
            " 对项目有意见建议或疑问，可以通过区长信箱留言。"
        }
        section aria-labelledby="pj-timeline" {
            h2 #pj-timeline { "实施进展" }
            @if shown.is_empty() {
                p.notice { "项目尚未发布进展。" }
            } @else {
                @if let Some(ms) = first { p.meta { "首条进展发布于 " (date(ms)) } }
                ol.pj-timeline {
                    @for u in &shown {
                        li {
                            h3 { time datetime=(show_date(u.date)) { (show_date(u.date)) } " " (status_tag(u.status)) " 完成 " (u.percent.get()) "%" }
                            p.pre { (u.text) }
                            @if u.status == Status::Delayed && !u.delay_reason.is_empty() {
                                p { "延期原因：" (u.delay_reason) }
                            }
                            @if !u.photos.is_empty() {
                                ul.pj-photos {
                                    @for (i, ph) in u.photos.iter().enumerate() {
                                        li { img src=(photo_url(u.id, &ph.sha)) alt=(format!("{}进展照片{}", show_date(u.date), i + 1)) loading="lazy"; }
                                    }
                                }
                            }
                            @if let Some(ms) = u.published_ms { p.meta { "发布时间：" (crate::clock::show(ms)) } }
                        }
                    }
                }
            }
        }
        p { a href=(format!("/projects/?year={}", p.year)) { "返回" (p.year) "年项目清单" } }
    };
    Ok(page_resp(frame(
        &st,
        &ctx,
        &p.title,
        &[
            ("/projects/".into(), TITLE.into()),
            (String::new(), p.title.clone()),
        ],
        body,
    )))
}

/// The address of an update's photo.
pub fn photo_url(update: u64, sha: &str) -> String {
    format!("/projects/photos/{update}/{sha}")
}

/// GET /projects/photos/{update}/{sha}: a photo of a public update for everyone; of one not
/// yet public, only for staff who may see its unit's updates; otherwise 404.
async fn photo(
    State(st): State<Shared>,
    ctx: Ctx,
    Path((id, sha)): Path<(String, String)>,
) -> Result<Response> {
    let id: u64 = id.parse().map_err(|_| Error::NotFound)?;
    let u = st
        .store
        .read(move |txn| store::get_update(txn, id))
        .await?
        .ok_or(Error::NotFound)?;
    let ph = u
        .photos
        .iter()
        .find(|p| p.sha == sha)
        .ok_or(Error::NotFound)?;
    let public = u.is_public();
    if !public {
        let staff = ctx.staff(&st).map_err(|_| Error::NotFound)?;
        let units = load_units(&st).await?;
        if !super::access::may_see_unit(&staff.user, &units, &u.unit) {
            return Err(Error::NotFound);
        }
    }
    let blobs = st.store.blobs().clone();
    let sha2 = ph.sha.clone();
    let (bytes, kind) = tokio::task::spawn_blocking(move || {
        let b = blobs.get(&sha2)?;
        let k = crate::store::blobs::Kind::sniff(&b);
        Ok::<_, std::io::Error>((b, k))
    })
    .await
    .map_err(Error::internal)?
    .map_err(|_| Error::NotFound)?;
    if !kind.is_raster() {
        return Err(Error::NotFound);
    }
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind.mime()));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(crate::portal::files::FILE_CSP),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(if public {
            crate::portal::files::PUBLIC_CACHE
        } else {
            crate::portal::files::PRIVATE_CACHE
        }),
    );
    Ok(r)
}

pub fn router() -> crate::http::routes::Routes {
    crate::http::routes::Routes::new()
        .get("/projects", to_list)
        .get("/projects/", list)
        .get("/projects/{id}", page)
        .get("/projects/photos/{id}/{sha}", photo)
}
