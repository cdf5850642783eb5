//! Which permission shows a registered entry or makes a 待办 source someone's.

use crate::auth::model::User;
use crate::auth::permission::{Action, Object, SystemFacts, can};
use crate::http::AppState;

/// Which permission shows an entry.
#[derive(Clone, Copy)]
pub enum Shows {
    /// Signed-in staff, whatever their roles.
    Everyone,
    /// A system-wide permission.
    System(Action),
    /// A permission held for at least one unit of the user's own grants.
    AnyUnit(Action),
    /// A rule only the capability can decide (it may read the store).
    Rule(fn(&AppState, &User) -> bool),
    /// Has work from a registered 待办 source (the intranet's only on requests from inside):
    /// decided by `Registry`, which knows the sources and the request.
    Work,
}

impl Shows {
    pub fn allows(self, st: &AppState, u: &User) -> bool {
        // The navigation never offers the bootstrap step, so the fact does not matter here.
        let f = SystemFacts {
            secadmin_exists: true,
        };
        match self {
            Shows::Everyone => true,
            Shows::System(a) => can(u, a, Object::System, f),
            Shows::AnyUnit(a) => u
                .grants
                .iter()
                .any(|g| can(u, a, Object::Unit(std::slice::from_ref(&g.unit)), f)),
            Shows::Rule(rule) => rule(st, u),
            // Only `Registry::shows` can tell (it needs the request); never shown by default.
            Shows::Work => false,
        }
    }
}
