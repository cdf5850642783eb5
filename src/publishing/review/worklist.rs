//! 我的工作: the work lists with counts — my drafts, returned to me, waiting for my review,
//! waiting for me to publish, scheduled, awaiting review after a force publish, recently
//! published. Built from the work-list index (`index`), filtered by what the user may do.

use super::index::{self, FLAGGED};
use super::instance_of;
use super::levels::{self, Units};
use crate::auth::model::Role;
use crate::error::Result;
use crate::flow::{self, Definition};
use crate::http::Shared;
use crate::http::extract::Staff;
use crate::portal::model::Article;
use crate::portal::store;
use crate::publishing::flow::{action as a, state as s};
use crate::staff::registry::Shows;
use crate::staff::todo::{Lists, TodoList, TodoRow, TodoSource};

/// The lists, in tab order: (id, label).
pub const LISTS: [(&str, &str); 7] = [
    ("review", "待我审核"),
    ("publish", "待我发布"),
    ("returned", "退回给我"),
    ("drafts", "我的草稿"),
    ("scheduled", "定时发布"),
    ("flagged", "待事后审核"),
    ("published", "最近发布"),
];

/// How far back "recently published" looks, and how many it shows.
const RECENT_SCAN: usize = 2000;
const RECENT_SHOW: usize = 30;

pub struct WorkLists {
    pub lists: Vec<(&'static str, &'static str, Vec<Article>)>,
}

fn may_take(
    def: &Definition,
    x: &Article,
    user: &crate::auth::model::User,
    units: &Units,
    ids: &[&str],
) -> bool {
    let actor = levels::actor(user, x, units);
    flow::available(def, &instance_of(x), &actor)
        .iter()
        .any(|t| ids.contains(&t.id))
}

/// Every list for the user.
pub async fn load(st: &Shared, staff: &Staff) -> Result<WorkLists> {
    let units = Units::new(st.store.read(crate::auth::store::list_units).await?);
    let (by_state, recent) = st
        .store
        .read(|txn| {
            let mut by_state = Vec::new();
            for list in index::LISTED.iter().chain([&FLAGGED]) {
                let mut v = Vec::new();
                for id in index::ids(txn, list)? {
                    if let Some(x) = store::get_article(txn, id)? {
                        v.push(x);
                    }
                }
                by_state.push((*list, v));
            }
            let recent: Vec<Article> = store::articles_newest(txn, None, RECENT_SCAN)?
                .into_iter()
                .filter(Article::is_public)
                .collect();
            Ok((by_state, recent))
        })
        .await?;
    let snap = st.portal().snapshot();
    let user = &staff.user;
    let of = |list: &str| -> Vec<Article> {
        by_state
            .iter()
            .find(|(l, _)| *l == list)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let def = |x: &Article| levels::definition(x, &snap, &units);
    let visible = |x: &Article| levels::may_view(user, x, &units);
    let mine = |x: &Article| x.created_by == user.username;
    let mut review: Vec<Article> = of(s::UNIT_REVIEW);
    review.extend(of(s::OFFICE_REVIEW));
    review.retain(|x| {
        may_take(
            def(x),
            x,
            user,
            &units,
            &[a::APPROVE_UNIT, a::APPROVE_OFFICE],
        )
    });
    let mut publish = of(s::APPROVED);
    publish.retain(|x| may_take(def(x), x, user, &units, &[a::PUBLISH]));
    let mut returned = of(s::RETURNED);
    returned.retain(mine);
    let mut drafts = of(s::DRAFT);
    drafts.retain(mine);
    let mut scheduled = of(s::SCHEDULED);
    scheduled.retain(visible);
    let mut flagged = of(FLAGGED);
    flagged.retain(|x| may_take(def(x), x, user, &units, &[a::REVIEW_AFTER]));
    let published: Vec<Article> = recent
        .into_iter()
        .filter(|x| visible(x))
        .take(RECENT_SHOW)
        .collect();
    let mut out = Vec::new();
    for (id, label) in LISTS {
        let v = match id {
            "review" => std::mem::take(&mut review),
            "publish" => std::mem::take(&mut publish),
            "returned" => std::mem::take(&mut returned),
            "drafts" => std::mem::take(&mut drafts),
            "scheduled" => std::mem::take(&mut scheduled),
            "flagged" => std::mem::take(&mut flagged),
            _ => published.clone(),
        };
        out.push((id, label, v));
    }
    Ok(WorkLists { lists: out })
}

/// Publishing's 待办 source: the lists above as rows of the one 我的工作.
pub struct PublishingWork;

impl TodoSource for PublishingWork {
    fn kind(&self) -> &'static str {
        "信息发布"
    }

    fn shows(&self) -> Shows {
        Shows::AnyUnit(crate::auth::permission::Action::WriteContent)
    }

    fn shortcuts(&self) -> &'static [(&'static str, &'static str)] {
        &[
            ("/admin/articles/new", "新建信息"),
            ("/admin/articles", "全部信息"),
        ]
    }

    fn lists<'a>(&'a self, st: &'a Shared, staff: &'a Staff) -> Lists<'a> {
        Box::pin(async move {
            let units = Units::new(st.store.read(crate::auth::store::list_units).await?);
            if levels::writable_units(&staff.user, &units).is_empty()
                && !levels::is_office_staff(&staff.user, &units)
            {
                return Ok(None);
            }
            let wl = load(st, staff).await?;
            let snap = st.portal().snapshot();
            let cal = st.calendar();
            let scheduled: Vec<u64> = wl
                .lists
                .iter()
                .filter(|(id, _, _)| *id == "scheduled")
                .flat_map(|(_, _, v)| v.iter().map(|a| a.id))
                .collect();
            let times = st
                .store
                .read(move |txn| {
                    scheduled
                        .into_iter()
                        .map(|id| Ok((id, store::scheduled_at(txn, id)?)))
                        .collect::<Result<std::collections::HashMap<u64, Option<i64>>>>()
                })
                .await?;
            // The date that matters to each list, and whether it is a deadline.
            let date_of = |list: &str, x: &Article, inst: &flow::Instance| -> Option<i64> {
                match list {
                    "scheduled" => times.get(&x.id).copied().flatten(),
                    "published" | "flagged" => x.publish_ms,
                    "returned" => super::panel::returning_step(inst).map(|s| s.at_ms),
                    "drafts" => Some(x.created_ms),
                    _ => {
                        let entered = inst.history.last().map_or(x.updated_ms, |s| s.at_ms);
                        super::notices::due_for(x, &snap, &cal, entered).and_then(|d| d.at())
                    }
                }
            };
            let date_label = |list: &str| match list {
                "scheduled" => ("定时发布时间", false),
                "published" | "flagged" => ("发布时间", false),
                "returned" => ("退回时间", false),
                "drafts" => ("创建时间", false),
                _ => ("办理期限", true),
            };
            let row = |list: &str, x: &Article| {
                let inst = instance_of(x);
                let date_ms = date_of(list, x, &inst);
                TodoRow {
                    title: x.title.clone(),
                    link: format!("/admin/articles/{}", x.id),
                    place: format!(
                        "{} · {}",
                        snap.site(x.site.as_str())
                            .map(|s| s.name.as_str())
                            .unwrap_or(""),
                        snap.channel(x.channel)
                            .map(|c| c.name.as_str())
                            .unwrap_or("")
                    ),
                    state: levels::definition(x, &snap, &units)
                        .state_label(&inst.state)
                        .to_owned(),
                    badge: inst.flagged.is_some().then(|| "待事后审核".to_owned()),
                    note: super::panel::returning_step(&inst).map(|s| {
                        let why = if s.comment.is_empty() {
                            "未填写意见"
                        } else {
                            &s.comment
                        };
                        format!("退回意见：{why}（{}）", s.by_name)
                    }),
                    state_key: inst.state,
                    unit: units.name(x.owner()),
                    date_ms,
                    updated_ms: x.updated_ms,
                }
            };
            // Only the lists a person's roles make theirs: a writer has no review queue.
            let u = &staff.user;
            let applies = |id: &str| match id {
                "review" | "flagged" => u.has_role(Role::Reviewer),
                "publish" | "scheduled" => u.has_role(Role::Publisher),
                _ => true,
            };
            Ok(Some(
                wl.lists
                    .iter()
                    .filter(|(id, _, _)| applies(id))
                    .map(|(id, label, items)| {
                        let (date_label, deadline) = date_label(id);
                        TodoList {
                            id,
                            label,
                            waiting: *id != "published",
                            home: *id == "drafts",
                            date_label,
                            deadline,
                            rows: items.iter().map(|x| row(id, x)).collect(),
                        }
                    })
                    .collect(),
            ))
        })
    }
}
