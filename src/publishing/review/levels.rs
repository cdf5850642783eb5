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

use crate::auth::model::{UnitCode, User};
use crate::auth::permission::Action;
pub use crate::auth::units::Units;
use crate::flow::{Actor, Definition};
use crate::portal::Snapshot;
pub use crate::portal::access::{can_unit, is_office_staff, may_view};
use crate::portal::model::{Article, Channel};
use crate::publishing::flow::{self as editorial, ReviewLevels};

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

/// The enabled users who hold `role` for items of `unit` (granted there or above), or at the
/// government office when `office`: who can work a review level.
pub fn holders<'a>(
    users: &'a [User],
    units: &Units,
    unit: &UnitCode,
    role: crate::auth::model::Role,
    office: bool,
) -> Vec<&'a User> {
    let (path, office_path) = (units.path(unit), units.office_path());
    users
        .iter()
        .filter(|u| {
            let a = Actor::for_item(u, &path, &office_path, false);
            if office {
                a.office_roles.contains(&role)
            } else {
                a.item_roles.contains(&role)
            }
        })
        .collect()
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
