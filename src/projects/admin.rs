//! The staff side of the list: `/admin/projects` (a year's projects: every one for the
//! office, a unit's own for its staff), the office's form to add and edit a project, and a
//! project's staff page (its facts, every update in any state, 报送进展).

use axum::extract::{Path, Query, State};
use axum::response::Response;
use maud::{Markup, html};

pub use super::access::{may_manage, may_see_unit, writes_for};
use super::flow::state_label;
use super::model::{Project, Status};
use super::public::{load_units, percent_bar, show_date, status_tag, today};
use super::store;
use crate::auth::audit;
use crate::auth::units::Units;
use crate::disclosure::fields::{date as date_field, text, textarea};
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::{Posted, Staff};
use crate::http::respond::{html as page_resp, html_invalid, see_other};
use crate::staff::shell::{event, render};
use crate::views::form::{Field, FormState, csrf, field, notice, select};

fn forbidden() -> Error {
    Error::Forbidden("您没有权限访问此页面。".into())
}

#[derive(Debug, Default, serde::Deserialize)]
struct YearQuery {
    #[serde(default)]
    year: String,
}

/// GET /admin/projects
async fn list(State(st): State<Shared>, s: Staff, Query(q): Query<YearQuery>) -> Result<Response> {
    let units = load_units(&st).await?;
    let manage = may_manage(&s.user, &units);
    if !manage
        && !units
            .units
            .iter()
            .any(|u| writes_for(&s.user, &units, &u.code))
    {
        return Err(forbidden());
    }
    let years = st.store.read(store::years).await?;
    let this_year = u16::try_from(today(st.now_ms()).year()).unwrap_or(0);
    let year = q
        .year
        .trim()
        .parse::<u16>()
        .ok()
        .or_else(|| years.first().copied())
        .unwrap_or(this_year);
    let all = st.store.read(move |txn| store::of_year(txn, year)).await?;
    let now = st.now_ms();
    let day = today(now);
    let mine: Vec<&Project> = all
        .iter()
        .filter(|p| manage || writes_for(&s.user, &units, &p.unit))
        .collect();
    let body = html! {
        p { a href="/projects/" { "查看公开页面" } }
        @if manage { p { a.button href="/admin/projects/new" { "新增项目" } } }
        form.filter method="get" action="/admin/projects" {
            div.field {
                label for="pj-year" { "年度" }
                select #pj-year name="year" {
                    @if !years.contains(&year) { option value=(year) selected { (year) "年" } }
                    @for y in &years { option value=(y) selected[*y == year] { (y) "年" } }
                }
            }
            button type="submit" { "切换年度" }
        }
        @if mine.is_empty() {
            p.notice { (year) "年没有" @if !manage { "本单位负责的" } "项目。" }
        } @else {
            table.data.cards {
                caption { (year) "年民生实事项目" @if !manage { "（本单位负责）" } }
                thead { tr {
                    th scope="col" { "序号" } th scope="col" { "项目名称" } th scope="col" { "责任单位" }
                    th scope="col" { "计划完成" } th scope="col" { "进度" } th scope="col" { "状态" } th scope="col" { "提醒" }
                } }
                tbody {
                    @for p in &mine {
                        tr {
                            td data-label="序号" { (p.number) }
                            td.card-title { a href=(format!("/admin/projects/{}", p.id)) { (p.title) } }
                            td data-label="责任单位" { (units.name(&p.unit)) }
                            td data-label="计划完成" { (show_date(p.planned)) }
                            td data-label="进度" { (percent_bar(&p.title, p.progress.percent.get())) }
                            td data-label="状态" { (status_tag(p.progress.status)) }
                            td data-label="提醒" { (warnings(p, now, day)) }
                        }
                    }
                }
            }
        }
    };
    Ok(page_resp(render(&st, &s, "百件实事", body)))
}

/// What needs attention on a project (超期未完成, 30 天未更新).
pub fn warnings(p: &Project, now: i64, day: time::Date) -> Markup {
    html! {
        @if p.overdue(day) && p.progress.status != Status::Delayed { span.overdue { "已过计划完成时间" } " " }
        @if p.stale(now) { span.overdue { "超过 30 天未发布进展" } }
    }
}

fn unit_options(units: &Units) -> Vec<(String, String)> {
    let mut v = vec![(String::new(), "请选择责任单位".to_owned())];
    v.extend(
        crate::auth::store::tree_order(&units.units)
            .into_iter()
            .filter(|(_, u)| !u.retired)
            .map(|(depth, u)| {
                (
                    u.code.to_string(),
                    format!("{}{}", "　".repeat(depth), u.name),
                )
            }),
    );
    v
}

fn form_view(st: &Shared, s: &Staff, units: &Units, id: Option<u64>, fs: &FormState) -> Markup {
    let action = id.map_or_else(
        || "/admin/projects/new".to_owned(),
        |i| format!("/admin/projects/{i}/edit"),
    );
    let title = if id.is_some() {
        "编辑项目"
    } else {
        "新增项目"
    };
    let body = html! {
        p { a href="/admin/projects" { "返回项目清单" } }
        (notice(fs))
        form method="post" action=(action) novalidate {
            (csrf(&s.csrf))
            (field(&Field::new("year", "年度").kind("number").hint("如 2026"), fs))
            (field(&Field::new("number", "序号").kind("number").hint("在本年度清单中的序号"), fs))
            (field(&Field::new("title", "项目名称"), fs))
            (select("unit", "责任单位", &unit_options(units), fs))
            (textarea("target", "建设目标和内容", true, 1000, 4, "", fs))
            (field(&Field::new("planned", "计划完成时间").kind("date").hint("年-月-日，如 2026-12-31"), fs))
            button.primary type="submit" { "保存项目" }
        }
    };
    render(st, s, title, body)
}

fn values(p: &Project) -> Vec<(String, String)> {
    vec![
        ("year".into(), p.year.to_string()),
        ("number".into(), p.number.to_string()),
        ("title".into(), p.title.clone()),
        ("unit".into(), p.unit.to_string()),
        ("target".into(), p.target.clone()),
        ("planned".into(), show_date(p.planned)),
    ]
}

async fn manager(st: &Shared, s: &Staff) -> Result<Units> {
    let units = load_units(st).await?;
    if may_manage(&s.user, &units) {
        Ok(units)
    } else {
        Err(forbidden())
    }
}

/// GET /admin/projects/new
async fn new_form(State(st): State<Shared>, s: Staff) -> Result<Response> {
    let units = manager(&st, &s).await?;
    let year = u16::try_from(today(st.now_ms()).year()).unwrap_or(0);
    let number = st
        .store
        .read(move |txn| store::next_number(txn, year))
        .await?;
    let fs = FormState {
        values: vec![
            ("year".into(), year.to_string()),
            ("number".into(), number.to_string()),
        ],
        ..Default::default()
    };
    Ok(page_resp(form_view(&st, &s, &units, None, &fs)))
}

/// GET /admin/projects/{id}/edit
async fn edit_form(State(st): State<Shared>, s: Staff, Path(id): Path<String>) -> Result<Response> {
    let id: u64 = id.parse().map_err(|_| Error::NotFound)?;
    let p = st
        .store
        .read(move |txn| store::get(txn, id))
        .await?
        .ok_or(Error::NotFound)?;
    let units = manager(&st, &s).await?;
    let fs = FormState {
        values: values(&p),
        ..Default::default()
    };
    Ok(page_resp(form_view(&st, &s, &units, Some(id), &fs)))
}

/// The form's project, or the form with its errors.
fn parse(p: &Posted, units: &Units, fs: &mut FormState) -> Option<Project> {
    let f = &p.fields;
    let year = text(f, fs, "year", "年度", 4, true);
    let year = if year.is_empty() {
        None
    } else {
        match year.parse::<u16>() {
            Ok(y) if (2000..=2100).contains(&y) => Some(y),
            _ => {
                fs.add_error("year", "年度应为四位年份，如 2026");
                None
            }
        }
    };
    let number = text(f, fs, "number", "序号", 4, true);
    let number = if number.is_empty() {
        None
    } else {
        match number.parse::<u32>() {
            Ok(n) if (1..=9999).contains(&n) => Some(n),
            _ => {
                fs.add_error("number", "序号应为 1 到 9999 的整数");
                None
            }
        }
    };
    let title = text(f, fs, "title", "项目名称", 60, true);
    let unit_code = p.get("unit").trim().to_owned();
    let unit = units
        .units
        .iter()
        .find(|u| u.code.as_str() == unit_code && !u.retired)
        .map(|u| u.code.clone());
    if unit.is_none() {
        fs.add_error("unit", "请选择责任单位");
    }
    let target = text(f, fs, "target", "建设目标和内容", 1000, true);
    let planned = date_field(f, fs, "planned", "计划完成时间", true);
    Some(Project {
        id: 0,
        year: year?,
        number: number?,
        title,
        unit: unit?,
        target,
        planned: planned?,
        progress: Default::default(),
        created_ms: 0,
        updated_ms: 0,
        created_by: String::new(),
    })
    .filter(|_| !fs.has_errors())
}

async fn save(st: Shared, p: Posted, id: Option<u64>) -> Result<Response> {
    let s = p.staff(&st)?;
    if let Some(id) = id {
        st.store
            .read(move |txn| store::get(txn, id))
            .await?
            .ok_or(Error::NotFound)?;
    }
    let units = manager(&st, &s).await?;
    let mut fs = FormState {
        values: p.kept(),
        ..Default::default()
    };
    let Some(mut project) = parse(&p, &units, &mut fs) else {
        return Ok(html_invalid(form_view(&st, &s, &units, id, &fs)));
    };
    project.id = id.unwrap_or(0);
    project.created_by = s.user.username.clone();
    let now = st.now_ms();
    let (user, ctx) = (s.user.clone(), p.ctx.clone());
    let saved = st
        .store
        .write(move |txn| {
            let saved = store::save(txn, project, now)?;
            let ev = event(
                &user,
                &ctx,
                if id.is_some() {
                    "project_edit"
                } else {
                    "project_new"
                },
                format!("project:{}", saved.id),
                true,
                format!("{}年第{}项 {}", saved.year, saved.number, saved.title),
            );
            audit::append(txn, ev, now)?;
            Ok(saved)
        })
        .await?;
    super::search::index(&st, &units, &saved).await;
    Ok(see_other(&format!("/admin/projects/{}", saved.id)))
}

/// POST /admin/projects/new
async fn post_new(State(st): State<Shared>, p: Posted) -> Result<Response> {
    save(st, p, None).await
}

/// POST /admin/projects/{id}/edit
async fn post_edit(
    State(st): State<Shared>,
    Path(id): Path<String>,
    p: Posted,
) -> Result<Response> {
    let id: u64 = id.parse().map_err(|_| Error::NotFound)?;
    save(st, p, Some(id)).await
}

/// GET /admin/projects/{id}: the project as staff see it, with every update.
async fn show(State(st): State<Shared>, s: Staff, Path(id): Path<String>) -> Result<Response> {
    let id: u64 = id.parse().map_err(|_| Error::NotFound)?;
    let (p, updates) = st
        .store
        .read(move |txn| Ok((store::get(txn, id)?, store::updates_of(txn, id)?)))
        .await?;
    let p = p.ok_or(Error::NotFound)?;
    let units = load_units(&st).await?;
    if !may_see_unit(&s.user, &units, &p.unit) {
        return Err(forbidden());
    }
    let now = st.now_ms();
    let body = html! {
        p { a href=(format!("/admin/projects?year={}", p.year)) { "返回项目清单" } " "
            a href=(format!("/projects/{}", p.id)) { "查看公开页面" } }
        dl.kv {
            dt { "年度、序号" } dd { (p.year) "年第" (p.number) "项" }
            dt { "责任单位" } dd { (units.name(&p.unit)) }
            dt { "建设目标" } dd.pre { (p.target) }
            dt { "计划完成时间" } dd { (show_date(p.planned)) }
            dt { "公开的进度" } dd { (percent_bar(&p.title, p.progress.percent.get())) " " (status_tag(p.progress.status)) }
            @if p.progress.status == Status::Delayed { dt { "延期原因" } dd { (p.progress.delay_reason) } }
            dt { "提醒" } dd { (warnings(&p, now, today(now))) }
        }
        p {
            @if writes_for(&s.user, &units, &p.unit) {
                a.button href=(format!("/admin/projects/{}/updates/new", p.id)) { "报送进展" } " "
            }
            @if may_manage(&s.user, &units) {
                a href=(format!("/admin/projects/{}/edit", p.id)) { "编辑项目" }
            }
        }
        h2 { "进展记录" }
        @if updates.is_empty() {
            p.notice { "还没有报送进展。" }
        } @else {
            table.data.cards {
                caption.sr-only { "进展记录" }
                thead { tr { th scope="col" { "进展日期" } th scope="col" { "内容" } th scope="col" { "进度" } th scope="col" { "审核状态" } th scope="col" { "报送人" } } }
                tbody {
                    @for u in updates.iter().rev() {
                        tr {
                            td data-label="进展日期" { (show_date(u.date)) }
                            td.card-title { a href=(format!("/admin/projects/updates/{}", u.id)) { (excerpt(&u.text)) } }
                            td data-label="进度" { (u.percent.get()) "% " (u.status.label()) }
                            td data-label="审核状态" { (state_label(u)) }
                            td data-label="报送人" { (u.created_by) }
                        }
                    }
                }
            }
        }
    };
    Ok(page_resp(render(&st, &s, &p.title, body)))
}

/// The first words of a text, for a link to it.
pub fn excerpt(s: &str) -> String {
    let mut out: String = s.chars().take(30).collect();
    if s.chars().count() > 30 {
        out.push('…');
    }
    out
}

pub fn router() -> crate::http::routes::Routes {
    crate::http::routes::Routes::new()
        .get("/admin/projects", list)
        .get("/admin/projects/new", new_form)
        .post("/admin/projects/new", post_new)
        .get("/admin/projects/{id}", show)
        .get("/admin/projects/{id}/edit", edit_form)
        .post("/admin/projects/{id}/edit", post_edit)
}
