//! How many reviews an item needs, who acts for it and who may see it.
//!
//! Rules (issue 4):
//! - A channel says how many review levels its items need (0, 1, 2).
//! - A unit writes for the sites of its own subtree (its sub-site, its communities' sites) with
//!   the channel's levels. Channels of any other site are open to it only on the main portal,
//!   and there always with two levels: the unit's reviewer, then the government office.
//!   A department can never place an item on another unit's sub-site.
//! - The office's own items for the main portal need its review once, not twice: for it the
//!   unit review is the office review.
//! - An item needs the strictest levels of all channels it is placed in.

use crate::auth::model::{Role, Unit, UnitCode, UnitKind, User};
use crate::auth::permission::{Action, Object, SystemFacts, can};
use crate::flow::editorial::{self, ReviewLevels};
use crate::flow::{Actor, Definition};
use crate::portal::Snapshot;
use crate::portal::model::{Article, Channel};

/// The unit tree, with the office found once.
pub struct Units {
    pub units: Vec<Unit>,
    pub office: Option<UnitCode>,
}

impl Units {
    pub fn new(units: Vec<Unit>) -> Units {
        let office = units
            .iter()
            .find(|u| u.kind == UnitKind::Office)
            .map(|u| u.code.clone());
        Units { units, office }
    }

    pub fn path(&self, code: &UnitCode) -> Vec<UnitCode> {
        crate::auth::store::unit_path(&self.units, code)
    }

    pub fn office_path(&self) -> Vec<UnitCode> {
        self.office
            .as_ref()
            .map(|o| self.path(o))
            .unwrap_or_default()
    }

    pub fn name(&self, code: &UnitCode) -> String {
        self.units
            .iter()
            .find(|u| &u.code == code)
            .map(|u| u.name.clone())
            .unwrap_or_else(|| code.to_string())
    }

    /// Whether `site` lies in `owner`'s subtree (the owner's own sites).
    pub fn owns(&self, owner: &UnitCode, site: &UnitCode) -> bool {
        self.path(site).contains(owner)
    }
}

fn can_unit(user: &User, action: Action, path: &[UnitCode]) -> bool {
    can(user, action, Object::Unit(path), SystemFacts::default())
}

/// Levels the items of `owner` need in channel `ch`.
pub fn channel_levels(ch: &Channel, owner: &UnitCode, units: &Units) -> ReviewLevels {
    let set = ReviewLevels::from_count(ch.review_levels).unwrap_or(ReviewLevels::Unit);
    if units.owns(owner, &ch.site) {
        set
    } else if units.office.as_ref() == Some(owner) {
        set.min(ReviewLevels::Unit)
    } else {
        ReviewLevels::UnitAndOffice
    }
}

/// Levels an item needs: the strictest of its channels.
pub fn item_levels(a: &Article, snap: &Snapshot, units: &Units) -> ReviewLevels {
    ReviewLevels::strictest(
        a.all_channels()
            .into_iter()
            .filter_map(|c| snap.channel(c))
            .map(|c| channel_levels(c, a.owner(), units)),
    )
}

/// The flow definition that drives the item now.
pub fn definition(a: &Article, snap: &Snapshot, units: &Units) -> &'static Definition {
    editorial::definition(item_levels(a, snap, units))
}

/// The user acting on the item.
pub fn actor(user: &User, a: &Article, units: &Units) -> Actor {
    Actor::for_item(
        user,
        &units.path(a.owner()),
        &units.office_path(),
        a.created_by == user.username.as_str(),
    )
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

/// Whether the user may place an item of `owner` in channel `ch`: the channel's site is in
/// the owner's subtree, or it is the main portal (which the office reviews).
pub fn may_place(ch: &Channel, owner: &UnitCode, snap: &Snapshot, units: &Units) -> bool {
    units.owns(owner, &ch.site) || snap.main_site().is_some_and(|m| m.unit == ch.site)
}

/// The units the user writes for (content roles), in tree order.
pub fn writable_units(user: &User, units: &Units) -> Vec<UnitCode> {
    crate::auth::store::tree_order(&units.units)
        .into_iter()
        .map(|(_, u)| u.code.clone())
        .filter(|c| can_unit(user, Action::WriteContent, &units.path(c)))
        .collect()
}

/// The owner unit of a new item placed in `ch`: the channel's site when the user writes for
/// it, otherwise the user's own unit (a submission to the main portal), otherwise the first
/// unit the user writes for.
pub fn owner_for_new(user: &User, ch: &Channel, units: &Units) -> Option<UnitCode> {
    let mine = writable_units(user, units);
    if mine.contains(&ch.site) {
        return Some(ch.site.clone());
    }
    if mine.contains(&user.unit) {
        return Some(user.unit.clone());
    }
    mine.into_iter().next()
}

#[cfg(test)]
mod tests;
