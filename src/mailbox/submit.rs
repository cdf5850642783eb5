//! Storing a new letter: its 信件编号, 查询码 and password hash, its files counted, earlier
//! look-alike letters from the same writer flagged, the office told — one transaction.

use redb::WriteTransaction;

use super::flow;
use super::model::{Letter, Subject, Writer};
use super::{access, store};
use crate::auth::audit::{self, Event, Outcome as AuditOutcome};
use crate::auth::units::Units;
use crate::error::Result;
use crate::flow::Instance;
use crate::notify::store::{NewNotice, NoticeKind, push};
use crate::portal::model::Attachment;
use crate::portal::public_guard;

const PREFIX: &str = "XX";
/// Texts this alike (character pairs shared) from the same writer are flagged.
const SIMILAR: f64 = 0.5;
/// How far back look-alikes are searched.
const SIMILAR_DAYS: i64 = 90;

pub struct New {
    pub writer: Writer,
    pub subject: Subject,
    pub title: String,
    pub content: String,
    pub attachments: Vec<Attachment>,
    pub publish_agreed: bool,
    pub project: Option<u64>,
    pub ip: String,
}

pub struct Issued {
    pub id: u64,
    pub number: String,
    pub tracking_code: String,
    pub password: String,
}

/// A 查询码 as shown: XX-XXXX-XXXX-XXXX.
pub fn show_code(code: &str) -> String {
    public_guard::show_code(PREFIX, code)
}

pub fn store_new(
    txn: &WriteTransaction,
    n: New,
    units: &Units,
    password_hash: String,
    password: String,
    now: i64,
) -> Result<Issued> {
    let id = crate::store::next_id(txn, store::COUNTER)?;
    let year = crate::clock::beijing_date(now).year();
    let serial = crate::store::next_id(txn, &format!("mb_letter_no/{year}"))?;
    let number = format!("{year}-{serial:05}");
    let mut code = public_guard::tracking_code(PREFIX);
    while store::tracking_taken(txn, &code)? {
        code = public_guard::tracking_code(PREFIX);
    }
    let text = format!("{}{}", n.title, n.content);
    let since = now - SIMILAR_DAYS * 86_400_000;
    let similar: Vec<u64> = store::all_w(txn)?
        .iter()
        .rev()
        .filter(|o| o.submitted_ms >= since && o.writer.phone == n.writer.phone)
        .filter(|o| {
            crate::disclosure::requests::duplicates::likeness(
                &text,
                &format!("{}{}", o.title, o.content),
            ) >= SIMILAR
        })
        .map(|o| o.id)
        .take(5)
        .collect();
    let shas: Vec<String> = n.attachments.iter().map(|a| a.sha.clone()).collect();
    let l = Letter {
        id,
        number: number.clone(),
        tracking_code: code.clone(),
        password_hash,
        writer: n.writer,
        subject: n.subject,
        title: n.title,
        content: n.content,
        attachments: n.attachments,
        publish_agreed: n.publish_agreed,
        project: n.project,
        submitted_ms: now,
        flow: Instance::new(flow::definition()),
        accepted_on: None,
        not_accepted: None,
        merged_into: None,
        merged: Vec::new(),
        similar,
        assignment: None,
        clock: None,
        answer: None,
        rating: None,
        publication: None,
        reminded: Vec::new(),
    };
    crate::portal::store::adjust_refs(txn, &[], &shas)?;
    store::put(txn, &l)?;
    audit::append(
        txn,
        Event {
            user: "（公众）".into(),
            unit: String::new(),
            action: "mb_letter_new",
            object: format!("mb_letter:{id}"),
            ip: n.ip,
            outcome: AuditOutcome::Success,
            detail: format!("区长信箱收到{}信件 {number}", l.subject.label()),
        },
        now,
    )?;
    tell_office(
        txn,
        units,
        NewNotice {
            kind: NoticeKind::Waiting,
            title: format!("区长信箱新信件待受理：{}", l.title),
            text: format!("信件编号 {number}，请受理、转办或说明不予受理的理由。"),
            url: format!("/admin/mailbox/{id}"),
            due_ms: None,
        },
        now,
    )?;
    Ok(Issued {
        id,
        number,
        tracking_code: code,
        password,
    })
}

/// Tells the mailbox office's handlers (granted at the office itself).
pub fn tell_office(txn: &WriteTransaction, units: &Units, n: NewNotice, now: i64) -> Result<()> {
    let Some(office) = units.office.clone() else {
        return Ok(());
    };
    tell_unit(txn, units, &office, n, now)
}

/// Tells the handlers granted at `unit` itself (not the whole district's admins).
pub fn tell_unit(
    txn: &WriteTransaction,
    units: &Units,
    unit: &crate::auth::model::UnitCode,
    n: NewNotice,
    now: i64,
) -> Result<()> {
    for u in crate::auth::store::list_users_w(txn)? {
        let near = u.grants.iter().any(|g| &g.unit == unit);
        if near && access::answers_for(&u, units, unit) {
            push(txn, u.id, n.clone(), now)?;
        }
    }
    Ok(())
}
