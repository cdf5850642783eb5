//! What the intranet's parts share: who something is sent to, and a touch (someone did
//! something at a time).

use serde::{Deserialize, Serialize};

use crate::auth::model::{UnitCode, User};

/// Who something is sent to: a unit (any of its people may act for it: the first to sign
/// signs for the unit) or one person.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Addressee {
    Unit(UnitCode),
    Person(u64),
}

impl Addressee {
    /// Its key in the in-box index (`boxes`).
    pub fn key(&self) -> String {
        match self {
            Addressee::Unit(c) => format!("u:{c}"),
            Addressee::Person(id) => format!("p:{id:016x}"),
        }
    }

    /// Whether `u` may act for this addressee: the person, or anyone of the unit.
    pub fn includes(&self, u: &User) -> bool {
        !u.disabled
            && match self {
                Addressee::Unit(c) => &u.unit == c,
                Addressee::Person(id) => u.id == *id,
            }
    }

    /// Its name on screen: the unit's name, or the person's name with their unit.
    pub fn label(&self, units: &crate::auth::units::Units, users: &[User]) -> String {
        match self {
            Addressee::Unit(c) => units.name(c),
            Addressee::Person(id) => match users.iter().find(|u| u.id == *id) {
                Some(u) => format!("{}（{}）", person_name(u), units.name(&u.unit)),
                None => format!("账号 {id}"),
            },
        }
    }
}

/// The in-box keys that reach `u`: their own and their unit's.
pub fn keys_of(u: &User) -> [String; 2] {
    [
        Addressee::Person(u.id).key(),
        Addressee::Unit(u.unit.clone()).key(),
    ]
}

/// How a person is named on screen.
pub fn person_name(u: &User) -> String {
    if u.display_name.is_empty() {
        u.username.clone()
    } else {
        u.display_name.clone()
    }
}

/// Someone did something at a time (opened, signed, downloaded, replied).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Touch {
    pub at_ms: i64,
    pub by: u64,
    /// Their name as it was then.
    pub by_name: String,
}

impl Touch {
    pub fn now(u: &User, at_ms: i64) -> Touch {
        Touch {
            at_ms,
            by: u.id,
            by_name: person_name(u),
        }
    }
}
