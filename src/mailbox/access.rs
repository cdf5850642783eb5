//! Who may do what with letters: the mailbox office (审核人, 发布人, 单位管理员 of the
//! government office) sees and triages every letter; an answering unit's handlers see and
//! answer the letters assigned to it.

use super::model::Letter;
use crate::auth::model::{UnitCode, User};
use crate::auth::permission::{Action, Object, SystemFacts, can};
use crate::auth::units::Units;
use crate::flow::Actor;

fn facts() -> SystemFacts {
    SystemFacts {
        secadmin_exists: true,
    }
}

/// Runs the mailbox (the government office's handlers).
pub fn is_office(u: &User, units: &Units) -> bool {
    let office = units.office_path();
    !office.is_empty() && can(u, Action::TriageLetters, Object::Unit(&office), facts())
}

/// Answers the letters of `unit`.
pub fn answers_for(u: &User, units: &Units, unit: &UnitCode) -> bool {
    can(
        u,
        Action::AnswerLetters,
        Object::Unit(&units.path(unit)),
        facts(),
    )
}

/// The unit answering the letter: the assigned one, else the office.
pub fn answering(units: &Units, l: &Letter) -> Option<UnitCode> {
    l.answering_unit(units.office.as_ref()).cloned()
}

/// May open this letter: the office, and the unit it is (or was) assigned to.
pub fn may_view(u: &User, units: &Units, l: &Letter) -> bool {
    is_office(u, units)
        || l.assignment
            .as_ref()
            .is_some_and(|a| answers_for(u, units, &a.unit))
}

/// The actor for this letter: roles at its answering unit and at the office.
pub fn actor(u: &User, units: &Units, l: &Letter) -> Actor {
    let item = answering(units, l).map_or_else(Vec::new, |c| units.path(&c));
    Actor::for_item(u, &item, &units.office_path(), false)
}
