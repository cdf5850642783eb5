//! Storing a new request, from the public form or registered by staff: its 查询码 and query
//! password drawn, its proof files counted, its handlers told, all in one transaction.

use redb::WriteTransaction;
use time::Date;

use super::flow::{self as rflow, action};
use super::model::{Applicant, Channel, Delivery, DisclosureRequest, Wanted};
use super::{guard, store};
use crate::auth::audit::{self, Event, Outcome as AuditOutcome};
use crate::auth::model::UnitCode;
use crate::auth::permission::{Action, Object, SystemFacts, can};
use crate::auth::units::Units;
use crate::calendar::Clock;
use crate::disclosure::units::handling_path;
use crate::error::Result;
use crate::flow::{Actor, Instance};
use crate::notify::store::{NewNotice, NoticeKind, push};

/// A request about to be stored.
pub struct New {
    pub unit: UnitCode,
    pub channel: Channel,
    pub applicant: Applicant,
    pub wanted: Wanted,
    pub delivery: Delivery,
    /// A request registered by staff is received on its date of arrival at once; an online
    /// one waits for confirmation.
    pub received_on: Option<Date>,
    /// Who registered it (staff), for the history; `None` online.
    pub registered_by: Option<Actor>,
    pub ip: String,
}

/// What the requester is given once.
pub struct Issued {
    pub id: u64,
    pub tracking_code: String,
    pub password: String,
}

/// Stores the request (the caller has hashed nothing yet: the password is drawn and hashed
/// here, off the async threads by the store's blocking write).
pub fn store_new(
    txn: &WriteTransaction,
    n: New,
    units: &Units,
    password_hash: String,
    password: String,
    now: i64,
) -> Result<Issued> {
    let id = crate::store::next_id(txn, store::COUNTER)?;
    let mut code = guard::tracking_code();
    while store::tracking_taken(txn, &code)? {
        code = guard::tracking_code();
    }
    let mut flow = Instance::new(rflow::definition());
    let mut clock = None;
    if let (Some(day), Some(actor)) = (n.received_on, &n.registered_by) {
        crate::flow::apply(
            rflow::definition(),
            &mut flow,
            action::CONFIRM,
            actor,
            &format!(
                "{}，收到日期 {}",
                n.channel.label(),
                crate::calendar::iso(day)
            ),
            now,
        )
        .map_err(|e| crate::error::Error::Conflict(e.to_string()))?;
        clock = Some(Clock::new(day, super::due::REPLY_WORKDAYS));
    }
    let shas: Vec<String> = n.applicant.proof.iter().map(|a| a.sha.clone()).collect();
    let r = DisclosureRequest {
        id,
        unit: n.unit.clone(),
        tracking_code: code.clone(),
        password_hash,
        channel: n.channel,
        submitted_ms: now,
        confirmed_ms: n.received_on.map(|_| now),
        received_on: n.received_on,
        applicant: n.applicant,
        wanted: n.wanted,
        delivery: n.delivery,
        flow,
        clock,
        correction: None,
        consultations: Vec::new(),
        extension: None,
        reply: None,
        closed_on: None,
        outcome: None,
        cases: Vec::new(),
    };
    crate::portal::store::adjust_refs(txn, &[], &shas)?;
    store::put(txn, &r)?;
    let unit_name = units.name(&n.unit);
    let who = match &n.registered_by {
        Some(a) => a.name.clone(),
        None => "（公众）".into(),
    };
    audit::append(
        txn,
        Event {
            user: who,
            unit: n.unit.to_string(),
            action: "gk_request_new",
            object: format!("gk_request:{id}"),
            ip: n.ip,
            outcome: AuditOutcome::Success,
            detail: format!("{}向{unit_name}提出政府信息公开申请", n.channel.label()),
        },
        now,
    )?;
    if n.registered_by.is_none() {
        tell_handlers(
            txn,
            units,
            &n.unit,
            NewNotice {
                kind: NoticeKind::Waiting,
                title: format!("新的政府信息公开申请待确认（{unit_name}）"),
                text: "请核对申请内容后确认收到，答复期限自确认之日起算。".into(),
                url: format!("/admin/gk/requests/{id}"),
                due_ms: None,
            },
            now,
        )?;
    }
    Ok(Issued {
        id,
        tracking_code: code,
        password,
    })
}

/// Tells everyone who handles `unit`'s requests.
pub fn tell_handlers(
    txn: &WriteTransaction,
    units: &Units,
    unit: &UnitCode,
    n: NewNotice,
    now: i64,
) -> Result<()> {
    let path = handling_path(units, unit);
    let facts = SystemFacts {
        secadmin_exists: true,
    };
    for u in crate::auth::store::list_users_w(txn)? {
        // Grants on an ancestor reach the unit too; only those granted on the handling unit
        // itself are told, so the whole district's admins are not told of each request.
        let near = u.grants.iter().any(|g| path.last() == Some(&g.unit));
        if near && can(&u, Action::HandleDisclosure, Object::Unit(&path), facts) {
            push(txn, u.id, n.clone(), now)?;
        }
    }
    Ok(())
}
