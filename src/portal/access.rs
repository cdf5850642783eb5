//! Which staff may open an item that is not public (its files included): its own unit's
//! content staff and the office. The public side needs this for `/files/`; publishing uses
//! the same rule for its lists and pages.

use crate::auth::model::{Role, UnitCode, User};
use crate::auth::permission::{Action, Object, SystemFacts, can};
use crate::auth::units::Units;
use crate::portal::model::Article;

pub fn can_unit(user: &User, action: Action, path: &[UnitCode]) -> bool {
    can(user, action, Object::Unit(path), SystemFacts::default())
}

/// Whether the user holds a content role at the office (which sees every item).
pub fn is_office_staff(user: &User, units: &Units) -> bool {
    let p = units.office_path();
    !p.is_empty()
        && user
            .grants
            .iter()
            .any(|g| p.contains(&g.unit) && matches!(g.role, Role::Reviewer | Role::Publisher))
        && !user.disabled
}

/// Who may open an item: its own unit's content staff (reporters see only their unit's items,
/// reviewers and publishers the units they hold the role for) and the office, which sees all.
pub fn may_view(user: &User, a: &Article, units: &Units) -> bool {
    can_unit(user, Action::WriteContent, &units.path(a.owner())) || is_office_staff(user, units)
}
