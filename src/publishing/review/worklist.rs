//! 我的工作: the work lists with counts — my drafts, returned to me, waiting for my review,
//! waiting for me to publish, scheduled, awaiting review after a force publish, recently
//! published. Built from the work-list index (`index`), filtered by what the user may do.

use axum::extract::{Query, State};
use axum::response::Response;
use maud::html;
use serde::Deserialize;

use super::index::{self, FLAGGED};
use super::instance_of;
use super::levels::{self, Units};
use crate::error::{Error, Result};
use crate::flow::{self, Definition};
use crate::http::Shared;
use crate::http::extract::Staff;
use crate::http::respond::html as page;
use crate::portal::model::Article;
use crate::portal::store;
use crate::publishing::flow::{action as a, state as s};
use crate::staff::shell::render;

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

#[derive(Deserialize, Default)]
pub struct WorkQuery {
    #[serde(default)]
    list: String,
}

/// GET /admin/work
pub async fn page_work(
    State(st): State<Shared>,
    staff: Staff,
    Query(q): Query<WorkQuery>,
) -> Result<Response> {
    let units = Units::new(st.store.read(crate::auth::store::list_units).await?);
    if levels::writable_units(&staff.user, &units).is_empty()
        && !levels::is_office_staff(&staff.user, &units)
    {
        return Err(Error::Forbidden("您没有信息发布方面的角色。".into()));
    }
    let wl = load(&st, &staff).await?;
    // The first non-empty list unless one was asked for.
    let current = LISTS
        .iter()
        .map(|(id, _)| *id)
        .find(|id| *id == q.list)
        .or_else(|| {
            wl.lists
                .iter()
                .find(|(_, _, v)| !v.is_empty())
                .map(|(id, _, _)| *id)
        })
        .unwrap_or("drafts");
    let snap = st.portal().snapshot();
    let now = st.now_ms();
    let (_, label, items) = wl
        .lists
        .iter()
        .find(|(id, _, _)| *id == current)
        .ok_or(Error::NotFound)?;
    let body = html! {
        p { a.button href="/admin/articles/new" { "新建信息" } " " a href="/admin/articles" { "全部信息" } }
        nav.tabs aria-label="工作清单" {
            @for (id, l, v) in &wl.lists {
                a href=(format!("/admin/work?list={id}")) aria-current=[(*id == current).then_some("page")] {
                    (l) " " span.count { (v.len()) }
                }
            }
        }
        table.data {
            caption { (label) "（" (items.len()) " 条）" }
            thead { tr { th scope="col" { "标题" } th scope="col" { "栏目" } th scope="col" { "状态" } th scope="col" { "报送单位" } th scope="col" { "审核期限" } th scope="col" { "更新时间" } } }
            tbody {
                @for x in items {
                    @let inst = instance_of(x);
                    tr {
                        td { a href=(format!("/admin/articles/{}", x.id)) { (x.title) } }
                        td { (snap.site(x.site.as_str()).map(|s| s.name.as_str()).unwrap_or("")) " · " (snap.channel(x.channel).map(|c| c.name.as_str()).unwrap_or("")) }
                        td { span class=(format!("state state-{}", inst.state)) { (levels::definition(x, &snap, &units).state_label(&inst.state)) }
                            @if inst.flagged.is_some() { " " span.badge.flagged { "待事后审核" } } }
                        td { (units.name(x.owner())) }
                        td {
                            @let entered = inst.history.last().map_or(x.updated_ms, |s| s.at_ms);
                            @match super::notices::due_for(x, &snap, entered) {
                                Some(d) if d < now => { span.overdue { (crate::clock::show(d)) "（已超期）" } }
                                Some(d) => { (crate::clock::show(d)) }
                                None => { "—" }
                            }
                        }
                        td { (crate::clock::show(x.updated_ms)) }
                    }
                }
                @if items.is_empty() { tr { td colspan="6" { "暂无。" } } }
            }
        }
    };
    Ok(page(render(&st, &staff, "我的工作", body)))
}
