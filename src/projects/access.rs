//! Who may do what with projects, through the one `can`: the office keeps the list
//! (`Action::ManageProjects` on the office's path); a unit's writers, reviewers and
//! publishers (`Action::WriteContent` on its path) see its projects and post its updates.

use crate::auth::model::{UnitCode, User};
use crate::auth::permission::{Action, Object, SystemFacts, can};
use crate::auth::units::Units;

/// Whether the user keeps the year's list (the office).
pub fn may_manage(user: &User, units: &Units) -> bool {
    let office = units.office_path();
    !office.is_empty()
        && can(
            user,
            Action::ManageProjects,
            Object::Unit(&office),
            SystemFacts::default(),
        )
}

/// Whether the user writes for `unit` (posts its updates, sees its projects).
pub fn writes_for(user: &User, units: &Units, unit: &UnitCode) -> bool {
    can(
        user,
        Action::WriteContent,
        Object::Unit(&units.path(unit)),
        SystemFacts::default(),
    )
}

/// Whether the user may see a unit's projects and updates on the staff side.
pub fn may_see_unit(user: &User, units: &Units, unit: &UnitCode) -> bool {
    may_manage(user, units) || writes_for(user, units, unit)
}
