//! How a progress update goes public: the editorial flow of `publishing` (the one engine,
//! the same states, transitions and labels as an article), with one review level — the
//! responsible unit's reviewer approves, its publisher publishes — as for an item on the
//! unit's own site. An update is written and 报送 at once, so it starts in 待本单位审核.
//!
//! Only the steps that mean something for an update are offered: 报送, 撤回修改, 审核通过,
//! 退回, 发布 and 撤稿. Scheduling, 紧急发布 and 更正 are left to articles (a correction is a
//! new update).

use crate::auth::model::User;
use crate::auth::units::Units;
use crate::flow::{Actor, Definition, Transition};
use crate::publishing::flow::{ReviewLevels, action, definition as editorial};

use super::model::Update;

/// The update's definition: the editorial flow with the unit's own review.
pub fn definition() -> &'static Definition {
    editorial(ReviewLevels::Unit)
}

/// The transitions an update may take.
pub const OFFERED: [&str; 7] = [
    action::SUBMIT,
    action::RECALL,
    action::APPROVE_UNIT,
    action::RETURN_UNIT,
    action::RETURN_PUBLISH,
    action::PUBLISH,
    action::WITHDRAW,
];

/// The user acting on an update: roles held for its unit and at the office.
pub fn actor(user: &User, u: &Update, units: &Units) -> Actor {
    Actor::for_item(
        user,
        &units.path(&u.unit),
        &units.office_path(),
        u.created_by == user.username.as_str(),
    )
}

/// What `user` may do with `u` now, in the flow's order.
pub fn available(user: &User, u: &Update, units: &Units) -> Vec<&'static Transition> {
    let a = actor(user, u, units);
    crate::flow::available(definition(), &u.flow, &a)
        .into_iter()
        .filter(|t| OFFERED.contains(&t.id))
        .collect()
}

/// The label of an update's state (待本单位审核, 已发布 …).
pub fn state_label(u: &Update) -> &'static str {
    let d = definition();
    d.find_state(&u.flow.state).map_or("未知状态", |s| s.label)
}
