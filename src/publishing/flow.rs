//! The editorial flow (信息报送·采集·审核·发布, issue 4): the engine's first user.
//!
//! How many review levels an item needs comes from its channels, so the definition is
//! parameterised: `definition(ReviewLevels)` returns one of three static definitions that share
//! the flow name `editorial`, the same states and the same transition ids. They differ only in
//! where `submit` and `approve_unit` lead and in who publishes:
//!
//! | levels | submit → | approve_unit → | publishes, withdraws (besides the office), reviews after |
//! |---|---|---|---|
//! | `None` (0) | `approved` | `approved` | the unit's publisher / reviewer |
//! | `Unit` (1) | `unit_review` | `approved` | the unit's publisher / reviewer |
//! | `UnitAndOffice` (2) | `unit_review` | `office_review` | the office's publisher / reviewer |
//!
//! Every variant keeps the transitions out of both review states, so an item already waiting in
//! `office_review` is never stuck when its channels change to fewer levels. The caller computes
//! the levels from the item's channels (`ReviewLevels::strictest`) each time it drives the item.
//!
//! Design choices: `withdrawn` and `replaced` are final (the URL answers 410 or redirects; a
//! corrected item is a new item). Editing after publish is `correct` (更正: stays published, needs
//! a reason, recorded, and is flagged for 事后审核 like 紧急发布, since the corrected text was not
//! reviewed); a substantive change is a new item that `replace`s the old one. The
//! office's publisher may withdraw or replace any item (it supervises every sub-site).
//! Scheduled items go live by `publish_due`, taken only by the system (the scheduler).

use std::sync::LazyLock;

use crate::auth::model::Role;
use crate::flow::definition::{Definition, FlagEffect, Guard, State, Transition, Who};

/// The flow's name, stored in every editorial instance.
pub const FLOW: &str = "editorial";

/// State ids.
pub mod state {
    pub const DRAFT: &str = "draft";
    pub const UNIT_REVIEW: &str = "unit_review";
    pub const OFFICE_REVIEW: &str = "office_review";
    pub const APPROVED: &str = "approved";
    pub const SCHEDULED: &str = "scheduled";
    pub const PUBLISHED: &str = "published";
    pub const RETURNED: &str = "returned";
    pub const WITHDRAWN: &str = "withdrawn";
    pub const REPLACED: &str = "replaced";
}

/// Transition ids.
pub mod action {
    /// 报送: the author (or a reporter of the unit) sends the item up.
    pub const SUBMIT: &str = "submit";
    /// 撤回: the author takes a submitted item back to edit it.
    pub const RECALL: &str = "recall";
    pub const APPROVE_UNIT: &str = "approve_unit";
    pub const RETURN_UNIT: &str = "return_unit";
    pub const APPROVE_OFFICE: &str = "approve_office";
    pub const RETURN_OFFICE: &str = "return_office";
    /// 退回 by the publisher, after approval and before publishing.
    pub const RETURN_PUBLISH: &str = "return_publish";
    pub const PUBLISH: &str = "publish";
    pub const SCHEDULE: &str = "schedule";
    pub const UNSCHEDULE: &str = "unschedule";
    /// Taken by the scheduler when a scheduled item's time comes.
    pub const PUBLISH_DUE: &str = "publish_due";
    pub const FORCE_PUBLISH: &str = "force_publish";
    pub const REVIEW_AFTER: &str = "review_after";
    pub const CORRECT: &str = "correct";
    pub const WITHDRAW: &str = "withdraw";
    pub const REPLACE: &str = "replace";
    /// 修改内容: recorded when someone other than the writer changes the content of an
    /// item that stays where it is (a draft, a returned or an approved item). Taken by the
    /// save itself, never offered as a button.
    pub const EDIT: &str = "edit";
}

/// How many review levels an item needs before it may be published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ReviewLevels {
    /// 0: the unit's publisher publishes what is submitted.
    None,
    /// 1: the unit's reviewer, then the unit's publisher.
    Unit,
    /// 2: the unit's reviewer, then the office's reviewer, then the office's publisher
    /// (items for the main portal).
    UnitAndOffice,
}

impl ReviewLevels {
    pub const ALL: [ReviewLevels; 3] = [
        ReviewLevels::None,
        ReviewLevels::Unit,
        ReviewLevels::UnitAndOffice,
    ];
    /// From a channel's setting (0, 1 or 2).
    pub fn from_count(n: u8) -> Option<ReviewLevels> {
        match n {
            0 => Some(ReviewLevels::None),
            1 => Some(ReviewLevels::Unit),
            2 => Some(ReviewLevels::UnitAndOffice),
            _ => None,
        }
    }
    pub fn count(self) -> u8 {
        match self {
            ReviewLevels::None => 0,
            ReviewLevels::Unit => 1,
            ReviewLevels::UnitAndOffice => 2,
        }
    }
    /// The levels an item placed in several channels needs: the strictest of them
    /// (`None` for an item in no channel).
    pub fn strictest(levels: impl IntoIterator<Item = ReviewLevels>) -> ReviewLevels {
        levels.into_iter().max().unwrap_or(ReviewLevels::None)
    }
}

static DEFINITIONS: LazyLock<[Definition; 3]> = LazyLock::new(|| ReviewLevels::ALL.map(build));

/// The editorial definition for items needing `levels` reviews.
pub fn definition(levels: ReviewLevels) -> &'static Definition {
    &DEFINITIONS[usize::from(levels.count())]
}

fn build(levels: ReviewLevels) -> Definition {
    use action as a;
    use state as s;
    let two = levels == ReviewLevels::UnitAndOffice;
    let publisher: &[Who] = if two {
        &[Who::Office(Role::Publisher)]
    } else {
        &[Who::Item(Role::Publisher)]
    };
    let after_reviewer: &[Who] = if two {
        &[Who::Office(Role::Reviewer)]
    } else {
        &[Who::Item(Role::Reviewer)]
    };
    let takes_down: &[Who] = if two {
        &[Who::Office(Role::Publisher)]
    } else {
        &[Who::Item(Role::Publisher), Who::Office(Role::Publisher)]
    };
    let submitted_to = if levels == ReviewLevels::None {
        s::APPROVED
    } else {
        s::UNIT_REVIEW
    };
    let unit_approved_to = if two { s::OFFICE_REVIEW } else { s::APPROVED };
    // 紧急发布 skips the review, so it is offered only before the review is done: an approved
    // or scheduled item is published (or rescheduled) the ordinary way.
    let before_review_done = [s::DRAFT, s::RETURNED, s::UNIT_REVIEW, s::OFFICE_REVIEW];

    Definition::new(FLOW, s::DRAFT)
        .state(State::new(s::DRAFT, "草稿").editable())
        .state(State::new(s::UNIT_REVIEW, "待本单位审核"))
        .state(State::new(s::OFFICE_REVIEW, "待办公室审核"))
        .state(State::new(s::APPROVED, "待发布"))
        .state(State::new(s::SCHEDULED, "定时发布"))
        .state(State::new(s::PUBLISHED, "已发布").public())
        .state(State::new(s::RETURNED, "已退回").editable())
        .state(State::new(s::WITHDRAWN, "已撤稿").final_state())
        .state(State::new(s::REPLACED, "已替换").final_state())
        .transition(
            Transition::new(a::SUBMIT, "报送", &[s::DRAFT, s::RETURNED], submitted_to)
                .who(&[Who::Author, Who::Item(Role::Reporter)]),
        )
        .transition(
            Transition::new(
                a::RECALL,
                "撤回修改",
                &[s::UNIT_REVIEW, s::OFFICE_REVIEW, s::APPROVED],
                s::DRAFT,
            )
            .who(&[Who::Author]),
        )
        .transition(
            Transition::new(
                a::APPROVE_UNIT,
                "审核通过",
                &[s::UNIT_REVIEW],
                unit_approved_to,
            )
            .who(&[Who::Item(Role::Reviewer)])
            .guard(Guard::NotAuthor),
        )
        .transition(
            Transition::new(a::RETURN_UNIT, "退回", &[s::UNIT_REVIEW], s::RETURNED)
                .who(&[Who::Item(Role::Reviewer)])
                .reason(),
        )
        .transition(
            Transition::new(
                a::APPROVE_OFFICE,
                "办公室审核通过",
                &[s::OFFICE_REVIEW],
                s::APPROVED,
            )
            .who(&[Who::Office(Role::Reviewer)])
            .guard(Guard::NotAuthor)
            .guard(Guard::NotSameActorAs(a::APPROVE_UNIT)),
        )
        .transition(
            Transition::new(
                a::RETURN_OFFICE,
                "办公室退回",
                &[s::OFFICE_REVIEW],
                s::RETURNED,
            )
            .who(&[Who::Office(Role::Reviewer)])
            .reason(),
        )
        .transition(
            Transition::new(a::RETURN_PUBLISH, "退回", &[s::APPROVED], s::RETURNED)
                .who(publisher)
                .reason(),
        )
        .transition(
            Transition::new(a::PUBLISH, "发布", &[s::APPROVED], s::PUBLISHED).who(publisher),
        )
        .transition(
            Transition::new(a::SCHEDULE, "定时发布", &[s::APPROVED], s::SCHEDULED).who(publisher),
        )
        .transition(
            Transition::new(a::UNSCHEDULE, "取消定时", &[s::SCHEDULED], s::APPROVED).who(publisher),
        )
        .transition(
            Transition::new(a::PUBLISH_DUE, "到时发布", &[s::SCHEDULED], s::PUBLISHED)
                .who(&[Who::System]),
        )
        .transition(
            Transition::new(
                a::FORCE_PUBLISH,
                "紧急发布",
                &before_review_done,
                s::PUBLISHED,
            )
            .who(publisher)
            .reason()
            .flag(FlagEffect::Set),
        )
        .transition(
            Transition::stay(
                a::REVIEW_AFTER,
                "事后审核",
                &[s::PUBLISHED, s::WITHDRAWN, s::REPLACED],
            )
            .who(after_reviewer)
            .guard(Guard::Flagged)
            .guard(Guard::NotAuthor)
            .guard(Guard::NotSameActorAs(a::FORCE_PUBLISH))
            .guard(Guard::NotSameActorAs(a::CORRECT))
            .flag(FlagEffect::Clear),
        )
        .transition(
            // Corrected text goes public unreviewed, so like 紧急发布 it is flagged until a
            // reviewer other than the corrector has read it (issue 9).
            Transition::stay(a::CORRECT, "更正", &[s::PUBLISHED])
                .who(publisher)
                .reason()
                .flag(FlagEffect::Set),
        )
        .transition(
            Transition::new(a::WITHDRAW, "撤稿", &[s::PUBLISHED], s::WITHDRAWN)
                .who(takes_down)
                .reason(),
        )
        .transition(
            Transition::new(a::REPLACE, "替换", &[s::PUBLISHED], s::REPLACED).who(takes_down),
        )
        .transition(
            Transition::stay(a::EDIT, "修改内容", &[s::DRAFT, s::RETURNED, s::APPROVED]).who(&[
                Who::Author,
                Who::Item(Role::Reporter),
                Who::Item(Role::Reviewer),
                Who::Item(Role::Publisher),
                Who::Office(Role::Reviewer),
                Who::Office(Role::Publisher),
            ]),
        )
}

#[cfg(test)]
mod tests;
