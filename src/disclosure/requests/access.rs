//! Who may see and handle a request: the handlers of the unit asked (审核人, 发布人, 单位管理员;
//! for the district government, those of its office), and the office, which supervises
//! every unit's requests and sees them all.

use super::model::DisclosureRequest;
use crate::auth::model::User;
use crate::auth::permission::{Action, Object, SystemFacts, can};
use crate::auth::units::Units;
use crate::disclosure::units::handling_path;
use crate::flow::Actor;

/// The actor for this request (its unit's roles, and the office's).
pub fn actor(u: &User, units: &Units, r: &DisclosureRequest) -> Actor {
    actor_for(u, units, &r.unit)
}

/// The actor for requests to `unit`.
pub fn actor_for(u: &User, units: &Units, unit: &crate::auth::model::UnitCode) -> Actor {
    Actor::for_item(u, &handling_path(units, unit), &units.office_path(), false)
}

fn facts() -> SystemFacts {
    SystemFacts {
        secadmin_exists: true,
    }
}

/// May handle this request (take its steps).
pub fn may_handle(u: &User, units: &Units, r: &DisclosureRequest) -> bool {
    can(
        u,
        Action::HandleDisclosure,
        Object::Unit(&handling_path(units, &r.unit)),
        facts(),
    )
}

/// Supervises disclosure district-wide (the government office).
pub fn supervises(u: &User, units: &Units) -> bool {
    let office = units.office_path();
    !office.is_empty()
        && can(
            u,
            Action::SuperviseDisclosure,
            Object::Unit(&office),
            facts(),
        )
}

/// May open this request: its handlers and the office.
pub fn may_view(u: &User, units: &Units, r: &DisclosureRequest) -> bool {
    may_handle(u, units, r) || supervises(u, units)
}
