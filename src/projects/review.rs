//! An update's staff page (`/admin/projects/updates/{id}`): what it says, its photos, its
//! history, and a button for each step this person may take now (`flow::available`); and
//! the post that takes one. Each step is taken in one write transaction with its audit
//! record, the project's public progress (`store::put_update`) and the notices to whoever
//! works next; once the step makes the update public or takes it down, the project's search
//! document follows.

use axum::extract::{Path, State};
use axum::response::Response;
use maud::{Markup, html};
use redb::WriteTransaction;

use super::flow::{OFFERED, available, definition, state_label};
use super::model::{Project, Status, Update};
use super::public::{load_units, photo_url, show_date};
use super::store;
use crate::auth::audit;
use crate::auth::model::{Role, UnitCode};
use crate::auth::units::Units;
use crate::disclosure::fields::textarea;
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::{Posted, Staff};
use crate::http::respond::{html as page_resp, html_invalid, see_other};
use crate::notify::store::{NewNotice, NoticeKind, push};
use crate::publishing::flow::{action, state};
use crate::staff::shell::{event, render};
use crate::views::form::{FormState, csrf, notice};

/// The enabled users who review `unit`'s updates.
pub async fn reviewers_of(st: &Shared, units: &Units, unit: &UnitCode) -> Result<Vec<u64>> {
    holders(st, units, unit, Role::Reviewer).await
}

async fn holders(st: &Shared, units: &Units, unit: &UnitCode, role: Role) -> Result<Vec<u64>> {
    let users = st.store.read(crate::auth::store::list_users).await?;
    Ok(
        crate::publishing::review::levels::holders(&users, units, unit, role, false)
            .into_iter()
            .map(|u| u.id)
            .collect(),
    )
}

/// Tells each of `users` (the bell, 消息通知) about an update.
pub fn tell(
    txn: &WriteTransaction,
    users: &[u64],
    title: &str,
    update: u64,
    what: &str,
    now: i64,
) -> Result<()> {
    for u in users {
        push(
            txn,
            *u,
            NewNotice {
                kind: NoticeKind::Waiting,
                title: format!("百件实事{what}：{title}"),
                text: String::new(),
                url: format!("/admin/projects/updates/{update}"),
                due_ms: None,
            },
            now,
        )?;
    }
    Ok(())
}

async fn load(st: &Shared, s: &Staff, id: &str) -> Result<(Update, Project, Units)> {
    let id: u64 = id.parse().map_err(|_| Error::NotFound)?;
    let u = st
        .store
        .read(move |txn| store::get_update(txn, id))
        .await?
        .ok_or(Error::NotFound)?;
    let pid = u.project;
    let p = st
        .store
        .read(move |txn| store::get(txn, pid))
        .await?
        .ok_or(Error::NotFound)?;
    let units = load_units(st).await?;
    if !super::access::may_see_unit(&s.user, &units, &u.unit) {
        return Err(Error::Forbidden("您没有权限访问此页面。".into()));
    }
    Ok((u, p, units))
}

fn view(st: &Shared, s: &Staff, u: &Update, p: &Project, units: &Units, fs: &FormState) -> Markup {
    let def = definition();
    let steps = available(&s.user, u, units);
    let body = html! {
        p { a href=(format!("/admin/projects/{}", p.id)) { "返回项目：" (p.title) } }
        dl.kv {
            dt { "审核状态" } dd { strong { (state_label(u)) } }
            dt { "责任单位" } dd { (units.name(&u.unit)) }
            dt { "进展日期" } dd { (show_date(u.date)) }
            dt { "完成进度" } dd { (u.percent.get()) "%" }
            dt { "项目状态" } dd { (u.status.label()) }
            @if u.status == Status::Delayed { dt { "延期原因" } dd { (u.delay_reason) } }
            dt { "报送人" } dd { (u.created_by) }
            @if let Some(ms) = u.published_ms { dt { "发布时间" } dd { (crate::clock::show(ms)) } }
        }
        h2 { "进展情况" }
        p.pre { (u.text) }
        @if !u.photos.is_empty() {
            h2 { "现场照片" }
            ul.pj-photos {
                @for (i, ph) in u.photos.iter().enumerate() {
                    li { img src=(photo_url(u.id, &ph.sha)) alt=(format!("现场照片{}", i + 1)); }
                }
            }
        }
        @if steps.iter().any(|t| t.id == action::SUBMIT) {
            p { a.button href=(format!("/admin/projects/updates/{}/edit", u.id)) { "修改进展" } }
        }
        @if !steps.is_empty() {
            h2 { "办理" }
            (notice(fs))
            form method="post" action=(format!("/admin/projects/updates/{}/step", u.id)) novalidate {
                (csrf(&s.csrf))
                (textarea("comment", "意见", false, 500, 3, "退回、撤稿须填写理由", fs))
                p.actions {
                    @for t in &steps {
                        button.primary[t.id == action::PUBLISH || t.id == action::APPROVE_UNIT] type="submit" name="action" value=(t.id) { (t.label) }
                        " "
                    }
                }
            }
        }
        h2 { "办理记录" }
        ol.history {
            @for h in &u.flow.history {
                li {
                    (crate::clock::show(h.at_ms)) " " (h.by_name) " " (def.transition_label(&h.transition))
                    @if !h.comment.is_empty() { "：" (h.comment) }
                }
            }
        }
    };
    render(st, s, &format!("进展：{}", p.title), body)
}

/// GET /admin/projects/updates/{id}
async fn page(State(st): State<Shared>, s: Staff, Path(id): Path<String>) -> Result<Response> {
    let (u, p, units) = load(&st, &s, &id).await?;
    Ok(page_resp(view(
        &st,
        &s,
        &u,
        &p,
        &units,
        &FormState::default(),
    )))
}

/// POST /admin/projects/updates/{id}/step
async fn step(State(st): State<Shared>, Path(id): Path<String>, p: Posted) -> Result<Response> {
    let s = p.staff(&st)?;
    let (u, project, units) = load(&st, &s, &id).await?;
    let which = p.get("action").to_owned();
    let comment = p.get("comment").trim().to_owned();
    let mut fs = FormState {
        values: p.kept(),
        ..Default::default()
    };
    let Some(t) = OFFERED.iter().find(|a| **a == which).copied() else {
        fs.notice = Some("没有这项操作".into());
        return Ok(html_invalid(view(&st, &s, &u, &project, &units, &fs)));
    };
    if comment.chars().count() > 500 {
        fs.add_error("comment", "意见不能超过 500 字");
        return Ok(html_invalid(view(&st, &s, &u, &project, &units, &fs)));
    }
    let actor = super::flow::actor(&s.user, &u, &units);
    let now = st.now_ms();
    // Checked here for the message beside the form; taken again inside the transaction on
    // the stored update, so two reviewers at once cannot both take it.
    let mut probe = u.flow.clone();
    if let Err(e) = crate::flow::apply(definition(), &mut probe, t, &actor, &comment, now) {
        if matches!(e, crate::flow::FlowError::ReasonRequired { .. }) {
            fs.add_error("comment", e.to_string());
        } else {
            fs.notice = Some(e.to_string());
        }
        return Ok(html_invalid(view(&st, &s, &u, &project, &units, &fs)));
    }
    let next = match probe.state.as_str() {
        state::UNIT_REVIEW => holders(&st, &units, &u.unit, Role::Reviewer).await?,
        state::APPROVED => holders(&st, &units, &u.unit, Role::Publisher).await?,
        _ => Vec::new(),
    };
    let author = if probe.state == state::RETURNED {
        let name = u.created_by.clone();
        st.store
            .read(move |txn| {
                Ok(crate::auth::store::list_users(txn)?
                    .into_iter()
                    .find(|x| x.username.as_str() == name)
                    .map(|x| x.id))
            })
            .await?
    } else {
        None
    };
    let (user, ctx, title, uid) = (s.user.clone(), p.ctx.clone(), project.title.clone(), u.id);
    let (saved, project) = st
        .store
        .write(move |txn| {
            let mut cur = store::get_update_w(txn, uid)?.ok_or(Error::NotFound)?;
            crate::flow::apply(definition(), &mut cur.flow, t, &actor, &comment, now)
                .map_err(|e| Error::Conflict(e.to_string()))?;
            let (cur, project) = store::put_update(txn, cur, now)?;
            let label = definition().transition_label(t);
            let ev = event(
                &user,
                &ctx,
                "project_update_step",
                format!("project_update:{}", cur.id),
                true,
                format!("{label}“{title}”进展（{}）", state_label(&cur)),
            );
            audit::append(txn, ev, now)?;
            let what = match cur.flow.state.as_str() {
                state::UNIT_REVIEW => "进展待审核",
                state::APPROVED => "进展待发布",
                _ => "",
            };
            if !what.is_empty() {
                tell(txn, &next, &title, cur.id, what, now)?;
            }
            if let Some(a) = author {
                push(
                    txn,
                    a,
                    NewNotice {
                        kind: NoticeKind::Returned,
                        title: format!("百件实事进展被退回：{title}"),
                        text: comment.clone(),
                        url: format!("/admin/projects/updates/{}", cur.id),
                        due_ms: None,
                    },
                    now,
                )?;
            }
            Ok((cur, project))
        })
        .await?;
    if matches!(t, action::PUBLISH | action::WITHDRAW) {
        super::search::index(&st, &units, &project).await;
    }
    Ok(see_other(&format!("/admin/projects/updates/{}", saved.id)))
}

pub fn router() -> crate::http::routes::Routes {
    crate::http::routes::Routes::new()
        .get("/admin/projects/updates/{id}", page)
        .post("/admin/projects/updates/{id}/step", step)
}
