//! Which units take part in disclosure, and the names and codes the area shows for them.

use crate::auth::model::{Unit, UnitCode, UnitKind};
use crate::auth::units::Units;

/// The units with disclosure duties (`Unit::discloses`), not retired, in tree order.
pub fn obligated(units: &Units) -> Vec<&Unit> {
    units
        .units
        .iter()
        .filter(|u| u.discloses() && !u.retired)
        .collect()
}

/// An obligated unit by its code.
pub fn find<'a>(units: &'a Units, code: &str) -> Option<&'a Unit> {
    units
        .units
        .iter()
        .find(|u| u.code.as_str() == code && u.discloses() && !u.retired)
}

/// The root unit (the district government), whose area is the main `/gk/`.
pub fn root(units: &Units) -> Option<&Unit> {
    units.units.iter().find(|u| u.parent.is_none())
}

/// The unit path whose roles handle this unit's disclosure: its own, except that the
/// district government's requests are handled by its office.
pub fn handling_path(units: &Units, unit: &UnitCode) -> Vec<UnitCode> {
    let is_government = units
        .units
        .iter()
        .any(|u| &u.code == unit && u.kind == UnitKind::Government);
    match (&units.office, is_government) {
        (Some(office), true) => units.path(office),
        _ => units.path(unit),
    }
}

/// Where a unit's disclosure pages start: `/gk/` for the root unit, `/u/{code}/gk/` else.
pub fn area_href(units: &Units, unit: &UnitCode) -> String {
    if root(units).is_some_and(|r| &r.code == unit) {
        "/gk/".into()
    } else {
        format!("/u/{unit}/gk/")
    }
}
