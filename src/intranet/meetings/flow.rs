//! The meeting's two flows on the one engine.
//!
//! The meeting itself (`MEETING`):
//!
//! | from | transition | to | who |
//! |---|---|---|---|
//! | `sent` 已发出 | `change` 修改会议 | `sent` | the sender |
//! | `sent` | `cancel` 取消会议 (reason) | `cancelled` 已取消 | the sender |
//!
//! Each invited unit's reply (`REPLY`):
//!
//! | from | transition | to | who |
//! |---|---|---|---|
//! | `waiting` 待回执 | `reply` 回执 | `replied` 已回执 | anyone of the unit |
//! | `replied` | `amend` 修改回执 | `replied` | anyone of the unit |
//! | `waiting` | `remind` 催办 | `waiting` | the sender |
//!
//! The reply deadline and a cancelled meeting are checked before the engine is asked.

use std::sync::LazyLock;

use crate::flow::definition::{Definition, State, Transition, Who};

pub const MEETING: &str = "oa_meeting";
pub const REPLY: &str = "oa_meeting_reply";

pub mod state {
    pub const SENT: &str = "sent";
    pub const CANCELLED: &str = "cancelled";
    pub const WAITING: &str = "waiting";
    pub const REPLIED: &str = "replied";
}

pub mod action {
    pub const CHANGE: &str = "change";
    pub const CANCEL: &str = "cancel";
    pub const REPLY: &str = "reply";
    pub const AMEND: &str = "amend";
    pub const REMIND: &str = "remind";
}

static MEETING_DEF: LazyLock<Definition> = LazyLock::new(|| {
    use action as a;
    use state as s;
    Definition::new(MEETING, s::SENT)
        .state(State::new(s::SENT, "已发出"))
        .state(State::new(s::CANCELLED, "已取消").final_state())
        .transition(Transition::stay(a::CHANGE, "修改会议", &[s::SENT]).who(&[Who::Author]))
        .transition(
            Transition::new(a::CANCEL, "取消会议", &[s::SENT], s::CANCELLED)
                .who(&[Who::Author])
                .reason(),
        )
});

static REPLY_DEF: LazyLock<Definition> = LazyLock::new(|| {
    use action as a;
    use state as s;
    Definition::new(REPLY, s::WAITING)
        .state(State::new(s::WAITING, "待回执"))
        .state(State::new(s::REPLIED, "已回执"))
        .transition(
            Transition::new(a::REPLY, "回执", &[s::WAITING], s::REPLIED).who(&[Who::Addressee]),
        )
        .transition(Transition::stay(a::AMEND, "修改回执", &[s::REPLIED]).who(&[Who::Addressee]))
        .transition(Transition::stay(a::REMIND, "催办", &[s::WAITING]).who(&[Who::Author]))
});

pub fn meeting() -> &'static Definition {
    &MEETING_DEF
}

pub fn reply() -> &'static Definition {
    &REPLY_DEF
}
