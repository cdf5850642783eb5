//! A recipient's receipt: what happened to one item at one addressee — delivered, first
//! opened, signed for (签收), downloaded, reminded. Signing is a transition of the one flow
//! engine (`definition`), so who may sign is the engine's question: the addressee (the
//! person, or anyone of the unit), once.
//!
//! | from | transition | to | who |
//! |---|---|---|---|
//! | `delivered` 待签收 | `sign` 签收 | `signed` 已签收 | the addressee |
//! | `delivered` | `remind` 催办 | `delivered` | the sender |

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use super::model::{Addressee, Touch};
use crate::auth::model::User;
use crate::flow::definition::{Definition, State, Transition, Who};
use crate::flow::instance::{Actor, Instance};

pub const FLOW: &str = "oa_receipt";

pub mod state {
    pub const DELIVERED: &str = "delivered";
    pub const SIGNED: &str = "signed";
}

pub mod action {
    pub const SIGN: &str = "sign";
    pub const REMIND: &str = "remind";
}

static DEFINITION: LazyLock<Definition> = LazyLock::new(|| {
    use action as a;
    use state as s;
    Definition::new(FLOW, s::DELIVERED)
        .state(State::new(s::DELIVERED, "待签收"))
        .state(State::new(s::SIGNED, "已签收").final_state())
        .transition(
            Transition::new(a::SIGN, "签收", &[s::DELIVERED], s::SIGNED).who(&[Who::Addressee]),
        )
        .transition(Transition::stay(a::REMIND, "催办", &[s::DELIVERED]).who(&[Who::Author]))
});

pub fn definition() -> &'static Definition {
    &DEFINITION
}

/// One addressee's receipt of an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub to: Addressee,
    pub flow: Instance,
    /// First opened, by whom.
    #[serde(default)]
    pub opened: Option<Touch>,
    /// Every download of the item's files by this addressee's people.
    #[serde(default)]
    pub downloads: Vec<Touch>,
    /// By when it should be signed (from the urgency), if any.
    #[serde(default)]
    pub due_ms: Option<i64>,
}

impl Receipt {
    pub fn new(to: Addressee, due_ms: Option<i64>) -> Receipt {
        Receipt {
            to,
            flow: Instance::new(definition()),
            opened: None,
            downloads: Vec::new(),
            due_ms,
        }
    }

    pub fn signed(&self) -> Option<&crate::flow::instance::Step> {
        self.flow.last_step_of(action::SIGN)
    }

    pub fn is_signed(&self) -> bool {
        self.flow.state == state::SIGNED
    }

    /// When it was last reminded.
    pub fn reminded(&self) -> Vec<i64> {
        self.flow
            .history
            .iter()
            .filter(|s| s.transition == action::REMIND)
            .map(|s| s.at_ms)
            .collect()
    }

    /// Signed by its deadline (or signed, when it had none).
    pub fn signed_on_time(&self) -> bool {
        match (self.signed(), self.due_ms) {
            (Some(s), Some(due)) => s.at_ms <= due,
            (Some(_), None) => true,
            (None, _) => false,
        }
    }
}

/// The engine's view of `u` acting on a receipt: the addressee, or the item's sender.
pub fn actor(u: &User, receipt: &Receipt, sender: u64) -> Actor {
    let mut a = Actor::for_item(u, &[], &[], u.id == sender);
    a.is_addressee = receipt.to.includes(u);
    a
}

/// The receipt state as staff read it.
pub fn state_label(r: &Receipt) -> &str {
    definition().state_label(&r.flow.state)
}

/// Signs every receipt of `receipts` that reaches `u` and is not signed yet (marking it
/// opened too); the addressees signed for, empty when there was nothing to sign.
pub fn sign_mine(
    receipts: &mut [Receipt],
    u: &User,
    sender: u64,
    now: i64,
) -> crate::error::Result<Vec<Addressee>> {
    let mut done = Vec::new();
    for r in receipts
        .iter_mut()
        .filter(|r| r.to.includes(u) && !r.is_signed())
    {
        let a = actor(u, r, sender);
        crate::flow::apply(definition(), &mut r.flow, action::SIGN, &a, "", now)
            .map_err(|e| crate::error::Error::BadRequest(e.to_string()))?;
        if r.opened.is_none() {
            r.opened = Some(Touch::now(u, now));
        }
        done.push(r.to.clone());
    }
    Ok(done)
}

/// The sender `u` reminds every receipt not signed yet; the addressees reminded.
pub fn remind_unsigned(
    receipts: &mut [Receipt],
    u: &User,
    sender: u64,
    now: i64,
) -> crate::error::Result<Vec<Addressee>> {
    let mut done = Vec::new();
    for r in receipts.iter_mut().filter(|r| !r.is_signed()) {
        let a = actor(u, r, sender);
        crate::flow::apply(definition(), &mut r.flow, action::REMIND, &a, "", now)
            .map_err(|e| crate::error::Error::BadRequest(e.to_string()))?;
        done.push(r.to.clone());
    }
    Ok(done)
}

/// After signing: the open 待我处理 notices leading to `url` of everyone the signed
/// addressees reach are settled (whoever of a unit signed, the unit's work is done).
pub fn settle_signed(
    txn: &redb::WriteTransaction,
    url: &str,
    signed: &[Addressee],
) -> crate::error::Result<()> {
    let users = crate::auth::store::list_users_w(txn)?;
    for (user, notice) in crate::notify::store::waiting_on(txn, url)? {
        if users
            .iter()
            .any(|x| x.id == user && signed.iter().any(|a| a.includes(x)))
        {
            crate::notify::store::settle(txn, user, notice)?;
        }
    }
    Ok(())
}

/// Records a download by `u` on every receipt that reaches them.
pub fn record_download(receipts: &mut [Receipt], u: &User, now: i64) {
    for r in receipts.iter_mut().filter(|r| r.to.includes(u)) {
        r.downloads.push(Touch::now(u, now));
    }
}

/// Whether a download request starts at the first byte (a resumed range is the same
/// download, not another one).
pub fn from_first_byte(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(axum::http::header::RANGE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|r| r.trim_start().starts_with("bytes=0-"))
}
