//! The running side: who acts (`Actor`), where an item is (`Instance`) and what happened (`Step`).

use serde::{Deserialize, Serialize};

use super::definition::{ClockEffect, Definition, Who};
use crate::auth::model::{Role, UnitCode, User};

/// Who is acting, as the caller establishes it for this one item. The engine never looks
/// anything up: the caller resolves grants against the item's unit and the office.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The account's id; `None` for the system (scheduler).
    pub user: Option<u64>,
    /// Display name, kept in the history as it was at the time.
    pub name: String,
    /// The actor's own unit, kept in the history.
    pub unit: Option<UnitCode>,
    /// Roles the actor holds for the item's unit (granted there or on an ancestor).
    pub item_roles: Vec<Role>,
    /// Roles the actor holds at the government office.
    pub office_roles: Vec<Role>,
    /// The actor wrote the item.
    pub is_author: bool,
    /// The item was sent to the actor (or to the actor's unit).
    pub is_addressee: bool,
}

impl Actor {
    /// The system itself, e.g. the scheduler publishing a scheduled item.
    pub fn system(name: &str) -> Actor {
        Actor {
            user: None,
            name: name.to_owned(),
            unit: None,
            item_roles: Vec::new(),
            office_roles: Vec::new(),
            is_author: false,
            is_addressee: false,
        }
    }

    /// An account acting on an item. `item_unit_path` and `office_path` run from the root unit
    /// down to the item's unit and to the office unit; a grant on any unit in a path applies
    /// (the same scoping as `auth::permission::can`). A disabled account holds no roles.
    pub fn for_item(
        user: &User,
        item_unit_path: &[UnitCode],
        office_path: &[UnitCode],
        is_author: bool,
    ) -> Actor {
        let roles_in = |path: &[UnitCode]| -> Vec<Role> {
            if user.disabled {
                return Vec::new();
            }
            let mut v: Vec<Role> = user
                .grants
                .iter()
                .filter(|g| path.contains(&g.unit))
                .map(|g| g.role)
                .collect();
            v.sort();
            v.dedup();
            v
        };
        Actor {
            user: Some(user.id),
            name: if user.display_name.is_empty() {
                user.username.clone()
            } else {
                user.display_name.clone()
            },
            unit: Some(user.unit.clone()),
            item_roles: roles_in(item_unit_path),
            office_roles: roles_in(office_path),
            is_author,
            is_addressee: false,
        }
    }

    /// Whether this actor is one of those `who` names.
    pub fn matches(&self, who: Who) -> bool {
        match who {
            Who::Item(r) => self.user.is_some() && self.item_roles.contains(&r),
            Who::Office(r) => self.user.is_some() && self.office_roles.contains(&r),
            Who::Author => self.user.is_some() && self.is_author,
            Who::Addressee => self.user.is_some() && self.is_addressee,
            Who::System => self.user.is_none(),
        }
    }
}

/// The working-day clock's state, driven by the transitions' `ClockEffect`s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockState {
    #[default]
    Idle,
    Running,
    Paused,
    Stopped,
}

/// One transition taken: who, from which unit, when, what, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// UTC milliseconds.
    pub at_ms: i64,
    /// The account; `None` for the system.
    pub by: Option<u64>,
    pub by_name: String,
    pub by_unit: Option<UnitCode>,
    pub transition: String,
    pub from: String,
    pub to: String,
    /// The comment or reason, trimmed; empty when none was given.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub comment: String,
    #[serde(default, skip_serializing_if = "is_no_clock")]
    pub clock: ClockEffect,
}

fn is_no_clock(c: &ClockEffect) -> bool {
    *c == ClockEffect::None
}

/// Where one item is in its flow. Stored by the caller (JSON in redb) beside the item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instance {
    /// The definition's `flow` name.
    pub flow: String,
    pub state: String,
    /// Set (to the reason) by a flagging transition such as force publish; cleared by the
    /// transition that resolves it (a retrospective review).
    #[serde(default)]
    pub flagged: Option<String>,
    #[serde(default)]
    pub clock: ClockState,
    #[serde(default)]
    pub history: Vec<Step>,
}

impl Instance {
    /// A new instance in the definition's initial state, with no history.
    pub fn new(def: &Definition) -> Instance {
        Instance {
            flow: def.flow.to_owned(),
            state: def.initial.to_owned(),
            flagged: None,
            clock: ClockState::Idle,
            history: Vec::new(),
        }
    }

    /// The most recent step of the named transition.
    pub fn last_step_of(&self, transition: &str) -> Option<&Step> {
        self.history
            .iter()
            .rev()
            .find(|s| s.transition == transition)
    }
}
