//! What a change of content does to an item on its way to the public (issue 9).
//!
//! Rule: what is published is what the reviews approved, read by someone other than the
//! person who last changed it. So once an item has left its writer (submitted, under review,
//! approved), a content change by whoever holds it sends it back to the writer (退回, with the
//! change named in the step's comment and shown as a difference on the item page), and the
//! item goes through every review level again. This also covers a reviewer who rewrites an
//! item while it waits on them: they may fix it, but they cannot approve their own rewrite —
//! the writer sees it on return and resubmits, then the reviewer approves text two people
//! have read. Only 紧急发布 (flagged, with a reason, reviewed afterwards) publishes
//! unreviewed text. A change that makes the item need more levels than it has passed (e.g. a
//! new placement on the main portal) is refused outside draft and returned.

use super::levels::{self, Units};
use crate::portal::Snapshot;
use crate::portal::model::Article;
use crate::publishing::flow::{ReviewLevels, action as a, state as s};

/// What the save does to the item's place in its flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AfterSave {
    /// Nothing reviewed is invalidated (a draft, an unchanged text, or no review levels).
    Keep,
    /// Take this transition (back to the writer) with this comment, in the save's transaction.
    Return {
        transition: &'static str,
        comment: String,
    },
}

/// The item's content: everything a reader sees or a reviewer approves.
fn content(a: &Article) -> Article {
    Article {
        id: a.id,
        revision: 0,
        updated_ms: 0,
        created_ms: 0,
        created_by: String::new(),
        state: crate::portal::model::ArticleState::Draft,
        publish_ms: None,
        flow: None,
        unit: None,
        check_override: None,
        interpretations: Vec::new(),
        // Pictures uploaded by the rich-text editor only keep their files referenced; what a
        // reader sees of them is in the body.
        images: Vec::new(),
        ..a.clone()
    }
}

/// Whether `after` reads differently from `before`.
pub fn content_changed(before: &Article, after: &Article) -> bool {
    content(before) != content(after)
}

/// Decides what saving `after` over `before` (in flow state `state`) does; `Err` is the
/// message shown when the save is refused.
pub fn on_save(
    before: &Article,
    after: &Article,
    state: &str,
    snap: &Snapshot,
    units: &Units,
    editor: &str,
) -> Result<AfterSave, String> {
    if matches!(state, s::DRAFT | s::RETURNED) {
        return Ok(AfterSave::Keep);
    }
    let had = levels::item_levels(before, snap, units);
    let needs = levels::item_levels(after, snap, units);
    if needs > had {
        return Err(format!(
            "新选的栏目要求{}级审核，而该信息只经过了{}级审核的流程。请退回或撤回修改后再增加这些栏目。",
            needs.count(),
            had.count()
        ));
    }
    if !content_changed(before, after) {
        return Ok(AfterSave::Keep);
    }
    let transition = match state {
        s::UNIT_REVIEW => a::RETURN_UNIT,
        s::OFFICE_REVIEW => a::RETURN_OFFICE,
        // Nothing was reviewed: the publisher's own change is all the care the channel asks.
        s::APPROVED if had == ReviewLevels::None => return Ok(AfterSave::Keep),
        s::APPROVED => a::RETURN_PUBLISH,
        // Published items change by correction (更正), which the caller records.
        s::PUBLISHED => return Ok(AfterSave::Keep),
        _ => return Err("当前状态下不能修改内容。".into()),
    };
    let diffs = crate::publishing::diff::diff_articles(before, after);
    let what = if diffs.iter().any(|d| d.changed) {
        crate::publishing::diff::summary(&diffs)
    } else {
        "栏目、附件等信息有修改".to_owned()
    };
    Ok(AfterSave::Return {
        transition,
        comment: format!(
            "{editor}修改了已报送的内容（{what}），已退回撰稿人核对；重新报送后逐级重新审核。"
        ),
    })
}

/// The version last approved by a reviewer (the revision written by the latest approval
/// step still in the item's history), when the text has changed since: what a reviewer who
/// sees the item again compares against.
pub fn changed_since_approval<'a>(
    revisions: &'a [Article],
    current: &Article,
) -> Option<&'a Article> {
    let history = super::instance_of(current).history;
    let (i, step) =
        history.iter().enumerate().rev().find(|(_, st)| {
            matches!(st.transition.as_str(), a::APPROVE_UNIT | a::APPROVE_OFFICE)
        })?;
    let approved = revisions.iter().find(|r| {
        super::instance_of(r)
            .history
            .get(i)
            .is_some_and(|x| x == step)
    })?;
    content_changed(approved, current).then_some(approved)
}

/// The version that was returned to its writer, when the item has been sent up again since
/// (the latest return comes after the latest approval): what a reviewer opening the
/// resubmitted item compares against, changed or not.
pub fn returned_version<'a>(revisions: &'a [Article], current: &Article) -> Option<&'a Article> {
    use crate::publishing::flow::state as st;
    let inst = super::instance_of(current);
    if matches!(inst.state.as_str(), st::RETURNED | st::DRAFT) || current.is_public() {
        return None;
    }
    let (i, step) = inst
        .history
        .iter()
        .enumerate()
        .rev()
        .find(|(_, x)| x.to == st::RETURNED)?;
    let approved_since = inst.history[i..]
        .iter()
        .any(|x| matches!(x.transition.as_str(), a::APPROVE_UNIT | a::APPROVE_OFFICE));
    if approved_since {
        return None;
    }
    revisions.iter().find(|r| {
        super::instance_of(r)
            .history
            .get(i)
            .is_some_and(|x| x == step)
    })
}
