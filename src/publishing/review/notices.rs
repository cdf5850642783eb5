//! Who is told after a transition (the bell, `notify`): whoever can now act on the item
//! (its reviewers, its publishers, the reviewer after a force publish), and its author
//! about returns, approvals, publishing and withdrawal. Never the person who acted.

use redb::WriteTransaction;

use super::levels::Units;
use super::take::Taken;
use crate::auth::model::User;
use crate::calendar::WorkCalendar;
use crate::error::Result;
use crate::flow::{self, Definition};
use crate::notify::store::{self as notify, NewNotice, NoticeKind};
use crate::portal::Snapshot;
use crate::portal::model::Article;
use crate::publishing::flow::{action as a, state as s};

/// Transitions that make someone "the one the item waits on".
const HANDLING: [&str; 4] = [
    a::APPROVE_UNIT,
    a::APPROVE_OFFICE,
    a::PUBLISH,
    a::REVIEW_AFTER,
];

/// The review deadline of an item in a review queue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Due {
    /// The end of that working day (ms).
    At(i64),
    /// The calendar has no schedule for these years, so no date is given as if it were sure.
    Unknown(Vec<i32>),
}

impl Due {
    pub fn at(&self) -> Option<i64> {
        match self {
            Due::At(ms) => Some(*ms),
            Due::Unknown(_) => None,
        }
    }
}

/// The review deadline for an item entering a review queue, from the reviewing unit's site
/// setting (`Site::review_days`), counted in working days from today (Beijing time) with the
/// calendar in effect.
pub fn due_for(after: &Article, snap: &Snapshot, cal: &WorkCalendar, now: i64) -> Option<Due> {
    let state = super::instance_of(after).state;
    let days = match state.as_str() {
        s::UNIT_REVIEW => snap.site(after.owner().as_str()).map(|x| x.review_days),
        s::OFFICE_REVIEW => snap.main_site().map(|x| x.review_days),
        _ => None,
    }?;
    if days == 0 {
        return None;
    }
    let today = crate::clock::from_ms(now)
        .to_offset(crate::clock::CST)
        .date();
    let due = cal.add_workdays(today, u32::from(days));
    let missing = cal.missing_years(today, due);
    if !missing.is_empty() {
        return Some(Due::Unknown(missing));
    }
    // The end of that working day.
    let end = due
        .with_hms(23, 59, 59)
        .ok()?
        .assume_offset(crate::clock::CST);
    Some(Due::At(crate::clock::to_ms(end)))
}

/// What the item waits on this person for now (a review, publishing, a look after the fact):
/// the handling transitions they may take, empty when it does not wait on them.
fn waiting_for(
    def: &Definition,
    inst: &flow::Instance,
    u: &User,
    item: &Article,
    units: &Units,
) -> Vec<&'static str> {
    let actor = super::levels::actor(u, item, units);
    flow::available(def, inst, &actor)
        .into_iter()
        .map(|t| t.id)
        .filter(|id| HANDLING.contains(id))
        .collect()
}

/// When the item, after `taken`, waits in a queue nobody can work (no enabled user may take
/// its next step), the sentence saying who must be added; the caller refuses the transition
/// with it, so nothing is routed to a level with nobody to act.
pub fn nobody_to_act(
    taken: &Taken,
    def: &Definition,
    users: &[User],
    units: &Units,
    snap: &Snapshot,
) -> Option<String> {
    let item = &taken.after;
    let inst = super::instance_of(item);
    if !matches!(
        inst.state.as_str(),
        s::UNIT_REVIEW | s::OFFICE_REVIEW | s::APPROVED
    ) {
        return None;
    }
    if users
        .iter()
        .any(|u| !u.disabled && !waiting_for(def, &inst, u, item, units).is_empty())
    {
        return None;
    }
    let office = || {
        units
            .office
            .as_ref()
            .map_or_else(|| "区政府办公室".to_owned(), |o| units.name(o))
    };
    let two = super::levels::item_levels(item, snap, units)
        == crate::publishing::flow::ReviewLevels::UnitAndOffice;
    let (unit, role) = match inst.state.as_str() {
        s::UNIT_REVIEW => (units.name(item.owner()), "审核人"),
        s::OFFICE_REVIEW => (office(), "审核人"),
        _ if two => (office(), "发布人"),
        _ => (units.name(item.owner()), "发布人"),
    };
    Some(format!(
        "{unit}目前没有可以办理下一步的{role}（或唯一的{role}不能办理自己经手的这一步），信息送出后将无人处理，因此没有送出。请联系单位管理员在“账号与角色”中为{unit}添加{role}后再办理。"
    ))
}

/// Pushes the notices one transition causes, in the transition's write transaction.
#[allow(clippy::too_many_arguments)]
pub fn after_step(
    txn: &WriteTransaction,
    taken: &Taken,
    def: &Definition,
    actor_id: Option<u64>,
    users: &[User],
    units: &Units,
    snap: &Snapshot,
    cal: &WorkCalendar,
    now: i64,
) -> Result<()> {
    let item = &taken.after;
    if taken.before.publish_ms.is_none() && item.publish_ms.is_some() {
        // First publication: later than 条例 第二十六条 allows is told to the unit and the office.
        crate::publishing::catalog::late::on_publish(txn, item, users, units, cal, now)?;
    }
    if taken.before.publish_ms.is_none() && item.publish_ms.is_some() {
        // First publication: later than 条例 第二十六条 allows is told to the unit and the office.
        crate::publishing::catalog::late::on_publish(txn, item, users, units, cal, now)?;
    }
    let inst = super::instance_of(item);
    let Some(step) = inst.history.last() else {
        return Ok(());
    };
    let url = format!("/admin/articles/{}", item.id);
    let by = &step.by_name;
    let comment = if step.comment.is_empty() {
        String::new()
    } else {
        format!("：{}", step.comment)
    };
    let due = due_for(item, snap, cal, now).and_then(|d| d.at());
    // Work notices about this item settle for whoever it no longer waits on, whoever did it.
    for (user, id) in notify::waiting_on(txn, &url)? {
        let still = users
            .iter()
            .find(|u| u.id == user && !u.disabled)
            .is_some_and(|u| !waiting_for(def, &inst, u, item, units).is_empty());
        if !still {
            notify::settle(txn, user, id)?;
        }
    }
    let mut told: Vec<u64> = Vec::new();
    for u in users
        .iter()
        .filter(|u| Some(u.id) != actor_id && !u.disabled)
    {
        let waits = waiting_for(def, &inst, u, item, units);
        let Some(first) = waits.first() else {
            continue;
        };
        let (kind, text) = if *first == a::REVIEW_AFTER {
            (
                NoticeKind::Flagged,
                format!("{by}紧急发布了此信息，请进行事后审核{comment}"),
            )
        } else {
            let what = def.state_label(&inst.state);
            (
                NoticeKind::Waiting,
                format!("{what}：{by}已{}", def.transition_label(&step.transition)),
            )
        };
        notify::push(
            txn,
            u.id,
            NewNotice {
                kind,
                title: item.title.clone(),
                text,
                url: url.clone(),
                due_ms: if kind == NoticeKind::Waiting {
                    due
                } else {
                    None
                },
            },
            now,
        )?;
        told.push(u.id);
    }
    let author_kind = match step.transition.as_str() {
        a::RETURN_UNIT | a::RETURN_OFFICE | a::RETURN_PUBLISH => Some(NoticeKind::Returned),
        a::APPROVE_UNIT | a::APPROVE_OFFICE => Some(NoticeKind::Approved),
        a::PUBLISH | a::PUBLISH_DUE | a::FORCE_PUBLISH => Some(NoticeKind::Published),
        a::WITHDRAW | a::REPLACE => Some(NoticeKind::Withdrawn),
        _ => None,
    };
    if let Some(kind) = author_kind
        && let Some(author) = users
            .iter()
            .find(|u| u.username == item.created_by && Some(u.id) != actor_id)
        && !told.contains(&author.id)
    {
        notify::push(
            txn,
            author.id,
            NewNotice {
                kind,
                title: item.title.clone(),
                text: format!("{by}{}{comment}", def.transition_label(&step.transition)),
                url,
                due_ms: None,
            },
            now,
        )?;
    }
    Ok(())
}
