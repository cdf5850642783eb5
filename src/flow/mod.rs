//! The state-machine engine shared by every process with states (ARCHITECTURE rule 2):
//! editorial review, account requests (`account_request`), and later mailbox letters,
//! disclosure requests and online applications.
//!
//! Pure: no I/O, no store, no HTTP. A capability supplies a `Definition` (states, transitions,
//! who may take each); it keeps an `Instance` (current state, flag, clock state, history) as
//! JSON beside its item; and it asks the engine:
//!
//! - `available(def, &instance, &actor)` — the transitions to show as buttons;
//! - `check(def, &instance, id, &actor)` — whether one may be taken, or why not;
//! - `apply(def, &mut instance, id, &actor, comment, now_ms)` — take it, appending a `Step`.
//!
//! The caller builds the `Actor` for the one item at hand (`Actor::for_item`): the roles held
//! for the item's unit, the roles held at the office, and whether the actor wrote the item.
//! Errors (`FlowError`) display as Chinese sentences for the user.

pub mod definition;
pub mod engine;
pub mod instance;

pub use definition::{ClockEffect, Definition, FlagEffect, Guard, State, Transition, Who};
pub use engine::{FlowError, apply, available, check};
pub use instance::{Actor, ClockState, Instance, Step};

#[cfg(test)]
mod tests;
