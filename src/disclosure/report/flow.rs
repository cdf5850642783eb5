//! The annual report's flow on the one engine (`DISCLOSURE_REPORT`).
//!
//! | from | transition | to | who |
//! |---|---|---|---|
//! | `draft` 草稿 | `finalise` 定稿 | `finalised` 已定稿 | handlers |
//! | `finalised` | `reopen` 撤回定稿 | `draft` | handlers |
//! | `finalised` | `publish` 发布 | `published` 已发布 | handlers |
//! | `published` | `revoke` 撤销发布 (reason) | `draft` | handlers |
//!
//! Handlers: 审核人, 发布人 or 单位管理员 of the unit (for the district's report, of the
//! government office). The 勾稽 checks and the year being over are checked before the
//! engine is asked to finalise (`act`).

use std::sync::LazyLock;

use crate::auth::model::Role;
use crate::flow::definition::{Definition, State, Transition, Who};

pub const FLOW: &str = "disclosure_report";

pub mod state {
    pub const DRAFT: &str = "draft";
    pub const FINALISED: &str = "finalised";
    pub const PUBLISHED: &str = "published";
}

pub mod action {
    pub const FINALISE: &str = "finalise";
    pub const REOPEN: &str = "reopen";
    pub const PUBLISH: &str = "publish";
    pub const REVOKE: &str = "revoke";
}

const HANDLERS: &[Who] = &[
    Who::Item(Role::Reviewer),
    Who::Item(Role::Publisher),
    Who::Item(Role::UnitAdmin),
];

static DEF: LazyLock<Definition> = LazyLock::new(|| {
    use action as a;
    use state as s;
    Definition::new(FLOW, s::DRAFT)
        .state(State::new(s::DRAFT, "草稿").editable())
        .state(State::new(s::FINALISED, "已定稿"))
        .state(State::new(s::PUBLISHED, "已发布").public())
        .transition(Transition::new(a::FINALISE, "定稿", &[s::DRAFT], s::FINALISED).who(HANDLERS))
        .transition(Transition::new(a::REOPEN, "撤回定稿", &[s::FINALISED], s::DRAFT).who(HANDLERS))
        .transition(
            Transition::new(a::PUBLISH, "发布", &[s::FINALISED], s::PUBLISHED).who(HANDLERS),
        )
        .transition(
            Transition::new(a::REVOKE, "撤销发布", &[s::PUBLISHED], s::DRAFT)
                .who(HANDLERS)
                .reason(),
        )
});

pub fn definition() -> &'static Definition {
    &DEF
}

/// What a state is called on screen; "未生成" for a report not yet saved.
pub fn label(state: Option<&str>) -> &'static str {
    match state.and_then(|s| DEF.find_state(s)) {
        Some(s) => s.label,
        None => "未生成",
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn definition_is_valid() {
        super::definition().validate().unwrap();
    }
}
