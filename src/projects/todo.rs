//! 百件实事's 待办 in 我的工作: updates waiting on this person's review or publication (from
//! the flow index, through the same `flow::available` the buttons use), their own updates
//! sent back, and the projects they answer for that need an update: none published for 30
//! days, or past the planned date and not finished.

use super::access::{may_manage, writes_for};
use super::admin::excerpt;
use super::flow::{available, state_label};
use super::model::{Project, Update};
use super::public::{load_units, today};
use super::store;
use crate::auth::permission::Action;
use crate::error::Result;
use crate::http::Shared;
use crate::http::extract::Staff;
use crate::publishing::flow::{action, state};
use crate::staff::registry::Shows;
use crate::staff::todo::{Lists, TodoList, TodoRow, TodoSource};

pub struct ProjectsWork;

impl TodoSource for ProjectsWork {
    fn kind(&self) -> &'static str {
        "百件实事"
    }
    fn shows(&self) -> Shows {
        Shows::AnyUnit(Action::WriteContent)
    }
    fn lists<'a>(&'a self, st: &'a Shared, s: &'a Staff) -> Lists<'a> {
        Box::pin(lists(st, s))
    }
}

fn day_end_ms(d: time::Date) -> i64 {
    d.with_hms(23, 59, 59)
        .map(|t| crate::clock::to_ms(t.assume_offset(crate::clock::CST)))
        .unwrap_or(0)
}

async fn lists(st: &Shared, s: &Staff) -> Result<Option<Vec<TodoList>>> {
    let units = load_units(st).await?;
    let manage = may_manage(&s.user, &units);
    let mine = |p: &Project| manage || writes_for(&s.user, &units, &p.unit);
    if !manage
        && !units
            .units
            .iter()
            .any(|u| writes_for(&s.user, &units, &u.code))
    {
        return Ok(None);
    }
    let now = st.now_ms();
    let day = today(now);
    let year = u16::try_from(day.year()).unwrap_or(0);
    let (waiting, projects) = st
        .store
        .read(move |txn| {
            let mut w = Vec::new();
            for s in [state::UNIT_REVIEW, state::APPROVED, state::RETURNED] {
                for u in store::updates_in_state(txn, s)? {
                    let p = store::get(txn, u.project)?;
                    if let Some(p) = p {
                        w.push((u, p));
                    }
                }
            }
            // This year's list and last year's unfinished projects.
            let mut ps = store::of_year(txn, year)?;
            ps.extend(
                store::of_year(txn, year.saturating_sub(1))?
                    .into_iter()
                    .filter(|p| p.progress.status != super::model::Status::Done),
            );
            Ok((w, ps))
        })
        .await?;
    let row = |u: &Update, p: &Project| TodoRow {
        title: format!("{}：{}", p.title, excerpt(&u.text)),
        link: format!("/admin/projects/updates/{}", u.id),
        place: "百件实事进展".into(),
        state: state_label(u).to_owned(),
        state_key: u.flow.state.clone(),
        badge: None,
        note: u
            .flow
            .history
            .last()
            .filter(|h| u.flow.state == state::RETURNED && !h.comment.is_empty())
            .map(|h| format!("退回理由：{}", h.comment)),
        unit: units.name(&u.unit),
        date_ms: Some(day_end_ms(u.date)),
        updated_ms: u.updated_ms,
    };
    let can_take = |u: &Update, a: &str| available(&s.user, u, &units).iter().any(|t| t.id == a);
    let pick = |st_: &str, a: &str| -> Vec<TodoRow> {
        waiting
            .iter()
            .filter(|(u, _)| u.flow.state == st_ && can_take(u, a))
            .map(|(u, p)| row(u, p))
            .collect()
    };
    let stale: Vec<TodoRow> = projects
        .iter()
        .filter(|p| mine(p) && (p.stale(now) || p.overdue(day)))
        .map(|p| TodoRow {
            title: p.title.clone(),
            link: format!("/admin/projects/{}", p.id),
            place: format!("{}年民生实事", p.year),
            state: p.progress.status.label().to_owned(),
            state_key: p.progress.status.key().to_owned(),
            badge: Some(
                [
                    p.overdue(day).then_some("已过计划完成时间"),
                    p.stale(now).then_some("30 天未更新"),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join("，"),
            ),
            note: None,
            unit: units.name(&p.unit),
            date_ms: Some(day_end_ms(p.planned)),
            updated_ms: p.progress.last_published_ms.unwrap_or(p.created_ms),
        })
        .collect();
    let lists = vec![
        TodoList {
            id: "pj_review",
            label: "待审核的项目进展",
            waiting: true,
            home: false,
            date_label: "进展日期",
            deadline: false,
            rows: pick(state::UNIT_REVIEW, action::APPROVE_UNIT),
        },
        TodoList {
            id: "pj_publish",
            label: "待发布的项目进展",
            waiting: true,
            home: false,
            date_label: "进展日期",
            deadline: false,
            rows: pick(state::APPROVED, action::PUBLISH),
        },
        TodoList {
            id: "pj_returned",
            label: "被退回的项目进展",
            waiting: true,
            home: false,
            date_label: "进展日期",
            deadline: false,
            rows: pick(state::RETURNED, action::SUBMIT),
        },
        TodoList {
            id: "pj_stale",
            label: "需要报送进展的项目",
            waiting: false,
            home: false,
            date_label: "计划完成时间",
            deadline: true,
            rows: stale,
        },
    ];
    // Nothing at all: no section, so 我的工作 stays as it was for those without such work.
    Ok(lists.iter().any(|l| !l.rows.is_empty()).then_some(lists))
}
