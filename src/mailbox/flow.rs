//! A letter's flow on the one engine (`MAILBOX_LETTER`).
//!
//! | from | transition | to | who |
//! |---|---|---|---|
//! | `received` 待受理, `returned` 已退回 | `accept` 受理（本办答复） | `handling` 办理中 | the office |
//! | `received`, `returned` | `assign` 转办 | `handling` | the office |
//! | `handling` | `reassign` 改派 | `handling` | the office |
//! | `received`, `returned` | `not_accept` 不予受理 (reason) | `not_accepted` | the office |
//! | `received`, `returned` | `merge` 合并 (reason) | `merged` 已合并 | the office |
//! | `handling` | `send_back` 退回 (reason) | `returned` | the answering unit |
//! | `handling` | `submit_answer` 提交答复 | `reviewing` 答复待审核 | the answering unit |
//! | `handling` | `answer` 答复 | `answered` 已答复 | the answering unit |
//! | `reviewing` | `approve` 审核通过 | `answered` | the office |
//! | `reviewing` | `reject` 退回修改 (reason) | `handling` | the office |
//! | `answered` | `rate` 评价 | `closed` 已办结 | the writer (system) |
//! | `answered` | `deem` 默认满意 | `closed` | the system |
//! | `closed` | `reopen` 重新办理 (reason) | `handling` | the office |
//! | `answered`, `closed` | `publish` 公开 / `unpublish` 撤销公开 | (stays) | the office |
//!
//! The office: 审核人, 发布人, 单位管理员 of the government office. The answering unit: those
//! of the unit the letter is assigned to (the office itself when it answers). Whether an
//! answer goes through `submit_answer` (review) or `answer` is the office's setting, decided
//! by `act`, never by the form.

use std::sync::LazyLock;

use crate::auth::model::Role;
use crate::flow::definition::{ClockEffect, Definition, State, Transition, Who};

pub const FLOW: &str = "mailbox_letter";

pub mod state {
    pub const RECEIVED: &str = "received";
    pub const NOT_ACCEPTED: &str = "not_accepted";
    pub const MERGED: &str = "merged";
    pub const HANDLING: &str = "handling";
    pub const RETURNED: &str = "returned";
    pub const REVIEWING: &str = "reviewing";
    pub const ANSWERED: &str = "answered";
    pub const CLOSED: &str = "closed";
}

pub mod action {
    pub const ACCEPT: &str = "accept";
    pub const ASSIGN: &str = "assign";
    pub const REASSIGN: &str = "reassign";
    pub const NOT_ACCEPT: &str = "not_accept";
    pub const MERGE: &str = "merge";
    pub const SEND_BACK: &str = "send_back";
    pub const SUBMIT_ANSWER: &str = "submit_answer";
    pub const ANSWER: &str = "answer";
    pub const APPROVE: &str = "approve";
    pub const REJECT: &str = "reject";
    pub const RATE: &str = "rate";
    pub const DEEM: &str = "deem";
    pub const REOPEN: &str = "reopen";
    pub const PUBLISH: &str = "publish";
    pub const UNPUBLISH: &str = "unpublish";
}

const ROLES: [Role; 3] = [Role::Reviewer, Role::Publisher, Role::UnitAdmin];
pub const OFFICE: &[Who] = &[
    Who::Office(ROLES[0]),
    Who::Office(ROLES[1]),
    Who::Office(ROLES[2]),
];
pub const UNIT: &[Who] = &[
    Who::Item(ROLES[0]),
    Who::Item(ROLES[1]),
    Who::Item(ROLES[2]),
];

static DEF: LazyLock<Definition> = LazyLock::new(|| {
    use action as a;
    use state as s;
    let sorting = [s::RECEIVED, s::RETURNED];
    Definition::new(FLOW, s::RECEIVED)
        .state(State::new(s::RECEIVED, "待受理"))
        .state(State::new(s::NOT_ACCEPTED, "不予受理").final_state())
        .state(State::new(s::MERGED, "已合并").final_state())
        .state(State::new(s::HANDLING, "办理中"))
        .state(State::new(s::RETURNED, "已退回"))
        .state(State::new(s::REVIEWING, "答复待审核"))
        .state(State::new(s::ANSWERED, "已答复"))
        .state(State::new(s::CLOSED, "已办结"))
        .transition(
            Transition::new(a::ACCEPT, "受理（本办答复）", &sorting, s::HANDLING)
                .who(OFFICE)
                .clock(ClockEffect::Start),
        )
        .transition(
            Transition::new(a::ASSIGN, "转办", &sorting, s::HANDLING)
                .who(OFFICE)
                .clock(ClockEffect::Start),
        )
        .transition(Transition::new(a::REASSIGN, "改派", &[s::HANDLING], s::HANDLING).who(OFFICE))
        .transition(
            Transition::new(a::NOT_ACCEPT, "不予受理", &sorting, s::NOT_ACCEPTED)
                .who(OFFICE)
                .reason(),
        )
        .transition(
            Transition::new(a::MERGE, "合并重复信件", &sorting, s::MERGED)
                .who(OFFICE)
                .reason(),
        )
        .transition(
            Transition::new(a::SEND_BACK, "退回信箱办公室", &[s::HANDLING], s::RETURNED)
                .who(UNIT)
                .reason()
                .clock(ClockEffect::Stop),
        )
        .transition(
            Transition::new(a::SUBMIT_ANSWER, "提交答复", &[s::HANDLING], s::REVIEWING)
                .who(UNIT)
                .clock(ClockEffect::Stop),
        )
        .transition(
            Transition::new(a::ANSWER, "答复", &[s::HANDLING], s::ANSWERED)
                .who(UNIT)
                .clock(ClockEffect::Stop),
        )
        .transition(
            Transition::new(a::APPROVE, "审核通过并答复", &[s::REVIEWING], s::ANSWERED).who(OFFICE),
        )
        .transition(
            Transition::new(a::REJECT, "退回修改答复", &[s::REVIEWING], s::HANDLING)
                .who(OFFICE)
                .reason()
                .clock(ClockEffect::Start),
        )
        .transition(
            Transition::new(a::RATE, "写信人评价", &[s::ANSWERED], s::CLOSED).who(&[Who::System]),
        )
        .transition(
            Transition::new(a::DEEM, "逾期未评价，视为满意", &[s::ANSWERED], s::CLOSED)
                .who(&[Who::System]),
        )
        .transition(
            Transition::new(a::REOPEN, "重新办理", &[s::CLOSED], s::HANDLING)
                .who(OFFICE)
                .reason()
                .clock(ClockEffect::Start),
        )
        .transition(Transition::stay(a::PUBLISH, "公开信件", &[s::ANSWERED, s::CLOSED]).who(OFFICE))
        .transition(
            Transition::stay(a::UNPUBLISH, "撤销公开", &[s::ANSWERED, s::CLOSED])
                .who(OFFICE)
                .reason(),
        )
});

pub fn definition() -> &'static Definition {
    &DEF
}

/// States in which the letter waits on the government (for 待办, reminders and the alarm).
pub fn is_open(state: &str) -> bool {
    matches!(
        state,
        state::RECEIVED | state::HANDLING | state::RETURNED | state::REVIEWING
    )
}

/// States counted as answered.
pub fn is_answered(state: &str) -> bool {
    matches!(state, state::ANSWERED | state::CLOSED)
}

/// What the writer sees of a state (public statuses, plainer than the office's).
pub fn public_label(state: &str) -> &'static str {
    match state {
        state::RECEIVED | state::RETURNED => "待受理",
        state::HANDLING | state::REVIEWING => "办理中",
        state::ANSWERED => "已答复",
        state::CLOSED => "已办结",
        state::NOT_ACCEPTED => "不予受理",
        state::MERGED => "已合并办理",
        _ => "—",
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn definition_is_valid() {
        super::definition().validate().unwrap();
    }
}
