//! A disclosure request's flow on the one engine (`DISCLOSURE_REQUEST`).
//!
//! | from | transition | to | who | clock |
//! |---|---|---|---|---|
//! | `submitted` 待确认 | `confirm` 确认收到 | `processing` 办理中 | handlers | start |
//! | `submitted` | `void` 不予登记 (reason) | `void` 未登记 | handlers | |
//! | `processing` | `correct` 补正告知 | `correcting` 待补正 | handlers | pause |
//! | `correcting` | `supplement` 提交补正 | `processing` | the requester (system) or handlers | resume |
//! | `correcting` | `abandon` 逾期未补正 | `closed` 已终止 | the system or handlers | stop |
//! | `processing` | `consult` 征求意见 | `consulting` 征求意见中 | handlers | pause |
//! | `consulting` | `consulted` 意见已回复 | `processing` | handlers | resume |
//! | `processing`, `consulting` | `extend` 延期答复 | (stays) | handlers | |
//! | `processing` | `reply` 答复 | `replied` 已答复 | handlers | stop |
//! | `replied`, `closed` | `case` 登记复议诉讼 | (stays) | handlers | |
//!
//! Handlers: 审核人, 发布人 or 单位管理员 of the unit asked (for the district government, of
//! the government office). The requester is not an account: what they do (supplementing)
//! is taken by the system in their name. The once-only rules (one 补正, one extension) and
//! the 7-working-day window for 补正 are checked before the engine is asked (`act`).

use std::sync::LazyLock;

use crate::auth::model::Role;
use crate::flow::definition::{ClockEffect, Definition, State, Transition, Who};

pub const FLOW: &str = "disclosure_request";

pub mod state {
    pub const SUBMITTED: &str = "submitted";
    pub const VOID: &str = "void";
    pub const PROCESSING: &str = "processing";
    pub const CORRECTING: &str = "correcting";
    pub const CONSULTING: &str = "consulting";
    pub const REPLIED: &str = "replied";
    pub const CLOSED: &str = "closed";
}

pub mod action {
    pub const CONFIRM: &str = "confirm";
    pub const VOID: &str = "void";
    pub const CORRECT: &str = "correct";
    pub const SUPPLEMENT: &str = "supplement";
    pub const ABANDON: &str = "abandon";
    pub const CONSULT: &str = "consult";
    pub const CONSULTED: &str = "consulted";
    pub const EXTEND: &str = "extend";
    pub const REPLY: &str = "reply";
    pub const CASE: &str = "case";
}

/// Who handles a unit's requests.
pub const HANDLERS: &[Who] = &[
    Who::Item(Role::Reviewer),
    Who::Item(Role::Publisher),
    Who::Item(Role::UnitAdmin),
];

static DEF: LazyLock<Definition> = LazyLock::new(|| {
    use action as a;
    use state as s;
    let with_system = [HANDLERS, &[Who::System]].concat();
    Definition::new(FLOW, s::SUBMITTED)
        .state(State::new(s::SUBMITTED, "待确认"))
        .state(State::new(s::VOID, "未登记").final_state())
        .state(State::new(s::PROCESSING, "办理中"))
        .state(State::new(s::CORRECTING, "待补正"))
        .state(State::new(s::CONSULTING, "征求意见中"))
        .state(State::new(s::REPLIED, "已答复").final_state())
        .state(State::new(s::CLOSED, "已终止").final_state())
        .transition(
            Transition::new(a::CONFIRM, "确认收到", &[s::SUBMITTED], s::PROCESSING)
                .who(HANDLERS)
                .clock(ClockEffect::Start),
        )
        .transition(
            Transition::new(a::VOID, "不予登记", &[s::SUBMITTED], s::VOID)
                .who(HANDLERS)
                .reason(),
        )
        .transition(
            Transition::new(a::CORRECT, "补正告知", &[s::PROCESSING], s::CORRECTING)
                .who(HANDLERS)
                .reason()
                .clock(ClockEffect::Pause),
        )
        .transition(
            Transition::new(a::SUPPLEMENT, "提交补正", &[s::CORRECTING], s::PROCESSING)
                .who(&with_system)
                .clock(ClockEffect::Resume),
        )
        .transition(
            Transition::new(
                a::ABANDON,
                "逾期未补正，终止办理",
                &[s::CORRECTING],
                s::CLOSED,
            )
            .who(&with_system)
            .clock(ClockEffect::Stop),
        )
        .transition(
            Transition::new(a::CONSULT, "征求意见", &[s::PROCESSING], s::CONSULTING)
                .who(HANDLERS)
                .clock(ClockEffect::Pause),
        )
        .transition(
            Transition::new(a::CONSULTED, "意见已回复", &[s::CONSULTING], s::PROCESSING)
                .who(HANDLERS)
                .clock(ClockEffect::Resume),
        )
        .transition(
            Transition::stay(a::EXTEND, "延期答复", &[s::PROCESSING, s::CONSULTING])
                .who(HANDLERS)
                .reason(),
        )
        .transition(
            Transition::new(a::REPLY, "答复", &[s::PROCESSING], s::REPLIED)
                .who(HANDLERS)
                .clock(ClockEffect::Stop),
        )
        .transition(
            Transition::stay(a::CASE, "登记复议诉讼", &[s::REPLIED, s::CLOSED]).who(HANDLERS),
        )
});

pub fn definition() -> &'static Definition {
    &DEF
}

/// Whether a state still waits on the unit (for 待办 and supervision).
pub fn is_open(state: &str) -> bool {
    matches!(
        state,
        state::SUBMITTED | state::PROCESSING | state::CORRECTING | state::CONSULTING
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn definition_is_valid() {
        super::definition().validate().unwrap();
    }
}
