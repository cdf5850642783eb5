//! Whose report is whose: the permission behind each report, the actor the flow engine
//! sees, the statutory deadline, and the report a staff address names.

use time::{Date, Month};

use crate::auth::model::{Unit, UnitCode, User};
use crate::auth::permission::{Action, Object, SystemFacts, can};
use crate::auth::units::Units;
use crate::disclosure::units as gk_units;
use crate::error::{Error, Result};
use crate::flow::Actor;
use crate::http::Shared;
use crate::http::extract::Staff;

/// The district government's report is the office's to supervise; a unit's is its
/// handlers'. Both are decided by the one `can` over the unit path `path` gives.
pub fn action(unit: &Unit) -> Action {
    if unit.parent.is_none() {
        Action::SuperviseDisclosure
    } else {
        Action::HandleDisclosure
    }
}

/// The unit path the permission is asked over: the unit's handling path (for the root unit,
/// the office's path; without an office, the root's own).
pub fn path(units: &Units, unit: &Unit) -> Vec<UnitCode> {
    gk_units::handling_path(units, &unit.code)
}

/// Whether `user` may edit and drive `unit`'s report (for lists; pages `require`).
pub fn may(user: &User, units: &Units, unit: &Unit) -> bool {
    can(
        user,
        action(unit),
        Object::Unit(&path(units, unit)),
        SystemFacts::default(),
    )
}

/// The actor the flow engine sees for `unit`'s report.
pub fn actor(user: &User, units: &Units, unit: &Unit) -> Actor {
    Actor::for_item(user, &path(units, unit), &units.office_path(), false)
}

/// The statutory deadline (第四十九、五十条): a department's or 街道's by 31 January of the
/// next year, the district government's by 31 March.
pub fn deadline(unit: &Unit, year: i32) -> Option<Date> {
    let (m, d) = if unit.parent.is_none() {
        (Month::March, 31)
    } else {
        (Month::January, 31)
    };
    Date::from_calendar_date(year + 1, m, d).ok()
}

/// "1月31日" / "3月31日" as the list says it, with the year.
pub fn deadline_label(unit: &Unit, year: i32) -> String {
    deadline(unit, year).map_or_else(String::new, |d| {
        format!("{}年{}月{}日", d.year(), u8::from(d.month()), d.day())
    })
}

/// Today in Beijing.
pub fn today(st: &Shared) -> Date {
    crate::clock::from_ms(st.now_ms())
        .to_offset(crate::clock::CST)
        .date()
}

/// A report year from an address: a year that has begun, from 2000 on.
pub fn parse_year(s: &str, today: Date) -> Option<i32> {
    let y: i32 = s.parse().ok()?;
    (s.len() == 4 && (2000..=today.year()).contains(&y)).then_some(y)
}

/// The unit a report address names: an obligated unit, or the root (the district).
pub fn report_unit<'a>(units: &'a Units, code: &str) -> Option<&'a Unit> {
    match gk_units::root(units) {
        Some(r) if r.code.as_str() == code => Some(r),
        _ => gk_units::find(units, code),
    }
}

/// What a staff report address names, after the permission check: the unit tree, the
/// unit and the year. Unknown units and years are 404 for everyone.
pub struct Target {
    pub units: Units,
    pub unit: Unit,
    pub year: i32,
}

pub async fn target(st: &Shared, s: &Staff, code: &str, year: &str) -> Result<Target> {
    let units = crate::disclosure::page::load_units(st).await?;
    let year = parse_year(year, today(st)).ok_or(Error::NotFound)?;
    let unit = report_unit(&units, code).ok_or(Error::NotFound)?.clone();
    crate::staff::shell::require(st, s, action(&unit), Object::Unit(&path(&units, &unit))).await?;
    Ok(Target { units, unit, year })
}

/// The staff address of a report.
pub fn staff_href(unit: &UnitCode, year: i32) -> String {
    format!("{}/{unit}/{year}", super::STAFF_LIST)
}

/// How a person is named in the report's history and adjustments.
pub fn name_of(user: &User) -> String {
    if user.display_name.is_empty() {
        user.username.clone()
    } else {
        user.display_name.clone()
    }
}
