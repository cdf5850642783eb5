//! The account-request flow (账号审批): a change to an account holding one of the three
//! separated admin duties (系统管理员 / 安全管理员 / 审计管理员) made in the panel waits
//! here until a second person approves it (`auth::account_request` keeps the requests and
//! applies the change; `admin::requests` is the page).
//!
//! | from | transition | to | who |
//! |---|---|---|---|
//! | `pending` | `approve` 批准 | `approved` | one of the three roles, not the requester |
//! | `pending` | `reject` 驳回 (reason) | `rejected` | the same |
//! | `pending` | `withdraw` 撤回 | `withdrawn` | the requester |
//! | `pending` | `expire` 过期 | `expired` | the system (no decision in time) |
//!
//! The engine sees one role per duty (`Who::Item(Sysadmin | Secadmin | Auditor)`); the caller
//! builds the `Actor` with only the roles that *count* for the request
//! (`auth::account_request::actor`): the duties the person holds other than the requester's,
//! and none for the account the request is about. So "a different person holding a different
//! one of the three" is the engine's role check, and `Guard::NotAuthor` keeps the requester
//! out even if the caller got that wrong.

use std::sync::LazyLock;

use crate::auth::model::Role;
use crate::flow::definition::{Definition, Guard, State, Transition, Who};

/// The flow's name, stored in every request's instance.
pub const FLOW: &str = "account_request";

/// State ids.
pub mod state {
    pub const PENDING: &str = "pending";
    pub const APPROVED: &str = "approved";
    pub const REJECTED: &str = "rejected";
    pub const WITHDRAWN: &str = "withdrawn";
    pub const EXPIRED: &str = "expired";
}

/// Transition ids.
pub mod action {
    pub const APPROVE: &str = "approve";
    pub const REJECT: &str = "reject";
    pub const WITHDRAW: &str = "withdraw";
    pub const EXPIRE: &str = "expire";
}

/// Who may decide: any of the three duties (the caller's `Actor` carries only those that count).
const DECIDERS: [Who; 3] = [
    Who::Item(Role::Sysadmin),
    Who::Item(Role::Secadmin),
    Who::Item(Role::Auditor),
];

static DEFINITION: LazyLock<Definition> = LazyLock::new(build);

pub fn definition() -> &'static Definition {
    &DEFINITION
}

fn build() -> Definition {
    use action as a;
    use state as s;
    Definition::new(FLOW, s::PENDING)
        .state(State::new(s::PENDING, "待审批"))
        .state(State::new(s::APPROVED, "已批准").final_state())
        .state(State::new(s::REJECTED, "已驳回").final_state())
        .state(State::new(s::WITHDRAWN, "已撤回").final_state())
        .state(State::new(s::EXPIRED, "已过期").final_state())
        .transition(
            Transition::new(a::APPROVE, "批准", &[s::PENDING], s::APPROVED)
                .who(&DECIDERS)
                .guard(Guard::NotAuthor),
        )
        .transition(
            Transition::new(a::REJECT, "驳回", &[s::PENDING], s::REJECTED)
                .who(&DECIDERS)
                .guard(Guard::NotAuthor)
                .reason(),
        )
        .transition(
            Transition::new(a::WITHDRAW, "撤回申请", &[s::PENDING], s::WITHDRAWN)
                .who(&[Who::Author]),
        )
        .transition(
            Transition::new(a::EXPIRE, "过期", &[s::PENDING], s::EXPIRED).who(&[Who::System]),
        )
}

#[cfg(test)]
mod tests {
    use super::action as a;
    use super::*;
    use crate::auth::model::UnitCode;
    use crate::flow::{Actor, FlowError, Instance, apply, available, check};

    fn person(id: u64, roles: &[Role], author: bool) -> Actor {
        Actor {
            user: Some(id),
            name: format!("u{id}"),
            unit: Some(UnitCode::parse("gov").unwrap()),
            item_roles: roles.to_vec(),
            office_roles: Vec::new(),
            is_author: author,
            is_addressee: false,
        }
    }

    #[test]
    fn definition_is_valid() {
        definition().validate().unwrap();
    }

    #[test]
    fn a_second_person_decides() {
        let def = definition();
        let inst = Instance::new(def);
        // The requester: even holding a role that would count, never approves.
        let requester = person(1, &[Role::Sysadmin], true);
        assert_eq!(
            check(def, &inst, a::APPROVE, &requester).unwrap_err(),
            FlowError::OwnItem { action: "批准" }
        );
        let ids: Vec<&str> = available(def, &inst, &requester)
            .iter()
            .map(|t| t.id)
            .collect();
        assert_eq!(ids, vec![a::WITHDRAW]);
        // Someone whose duties do not count (none, or only the requester's): nothing.
        assert!(available(def, &inst, &person(2, &[], false)).is_empty());
        // A second person with a duty that counts: approve or reject (with a reason).
        let other = person(3, &[Role::Auditor], false);
        let ids: Vec<&str> = available(def, &inst, &other).iter().map(|t| t.id).collect();
        assert_eq!(ids, vec![a::APPROVE, a::REJECT]);
        let mut i = inst.clone();
        assert!(matches!(
            apply(def, &mut i, a::REJECT, &other, " ", 5),
            Err(FlowError::ReasonRequired { .. })
        ));
        apply(def, &mut i, a::APPROVE, &other, "", 5).unwrap();
        assert_eq!(i.state, state::APPROVED);
        // Final: nothing more, not even expiry.
        assert!(available(def, &i, &other).is_empty());
        assert!(check(def, &i, a::EXPIRE, &Actor::system("到期")).is_err());
        // Only the system expires a pending request.
        assert!(check(def, &inst, a::EXPIRE, &other).is_err());
        let mut j = inst.clone();
        apply(def, &mut j, a::EXPIRE, &Actor::system("到期"), "", 9).unwrap();
        assert_eq!(j.state, state::EXPIRED);
    }
}
