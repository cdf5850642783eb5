//! Who is told about a meeting (the bell, `notify`), always inside the write transaction
//! that makes the change: the people of each invited unit when it is sent (待我处理, due at
//! the reply deadline), when reminded, changed or cancelled; their open notices settle when
//! their unit has replied (whoever of the unit replied) or the meeting is cancelled.

use redb::WriteTransaction;

use super::form::show_minutes;
use super::model::Meeting;
use crate::auth::model::{UnitCode, User};
use crate::error::Result;
use crate::notify::store::{self as notify, NewNotice, NoticeKind};

/// The enabled people of `unit`.
pub fn people<'a>(users: &'a [User], unit: &UnitCode) -> impl Iterator<Item = &'a User> {
    users.iter().filter(move |u| !u.disabled && &u.unit == unit)
}

fn when_where(m: &Meeting) -> String {
    format!(
        "{} 在{}召开；请于 {} 前回执。",
        show_minutes(m.details.start_ms),
        m.details.place,
        show_minutes(m.details.deadline_ms)
    )
}

/// A notice that the meeting waits on a unit's reply, to each of its people.
pub fn waiting(
    txn: &WriteTransaction,
    m: &Meeting,
    users: &[User],
    unit: &UnitCode,
    title: String,
    text: String,
    now_ms: i64,
) -> Result<()> {
    for u in people(users, unit) {
        notify::push(
            txn,
            u.id,
            NewNotice {
                kind: NoticeKind::Waiting,
                title: title.clone(),
                text: text.clone(),
                url: m.url(),
                due_ms: Some(m.details.deadline_ms),
            },
            now_ms,
        )?;
    }
    Ok(())
}

/// A plain notice (通知) to each person of `unit`.
pub fn tell(
    txn: &WriteTransaction,
    m: &Meeting,
    users: &[User],
    unit: &UnitCode,
    title: &str,
    text: &str,
    now_ms: i64,
) -> Result<()> {
    for u in people(users, unit) {
        notify::push(
            txn,
            u.id,
            NewNotice {
                kind: NoticeKind::Other,
                title: title.to_owned(),
                text: text.to_owned(),
                url: m.url(),
                due_ms: None,
            },
            now_ms,
        )?;
    }
    Ok(())
}

/// Sent: every invited unit's people are asked for the reply.
pub fn sent(txn: &WriteTransaction, m: &Meeting, users: &[User], now_ms: i64) -> Result<()> {
    let title = format!("会议通知：{}", m.details.title);
    let text = format!("{}发来会议通知，{}", m.sender_unit_name, when_where(m));
    for r in &m.replies {
        waiting(txn, m, users, &r.unit, title.clone(), text.clone(), now_ms)?;
    }
    Ok(())
}

/// Settles the open work notices about the meeting of `unit`'s people (all units when
/// `unit` is `None`).
pub fn settle(
    txn: &WriteTransaction,
    m: &Meeting,
    users: &[User],
    unit: Option<&UnitCode>,
) -> Result<()> {
    for (user, id) in notify::waiting_on(txn, &m.url())? {
        let of_unit = match unit {
            None => true,
            Some(c) => users.iter().any(|u| u.id == user && &u.unit == c),
        };
        if of_unit {
            notify::settle(txn, user, id)?;
        }
    }
    Ok(())
}

/// Changed: units still to reply get a new waiting notice (the deadline may have moved),
/// the others a plain one; both name what changed.
pub fn changed(
    txn: &WriteTransaction,
    m: &Meeting,
    users: &[User],
    what: &str,
    now_ms: i64,
) -> Result<()> {
    let title = format!("会议变更：{}", m.details.title);
    let text = format!("会议有变更：{what}。");
    for r in &m.replies {
        if r.is_replied() {
            tell(txn, m, users, &r.unit, &title, &text, now_ms)?;
        } else {
            settle(txn, m, users, Some(&r.unit))?;
            waiting(
                txn,
                m,
                users,
                &r.unit,
                title.clone(),
                format!("{text}{}", when_where(m)),
                now_ms,
            )?;
        }
    }
    Ok(())
}

/// Cancelled: nothing waits any more; everyone invited is told why.
pub fn cancelled(
    txn: &WriteTransaction,
    m: &Meeting,
    users: &[User],
    reason: &str,
    now_ms: i64,
) -> Result<()> {
    settle(txn, m, users, None)?;
    let title = format!("会议取消：{}", m.details.title);
    let text = format!(
        "原定 {} 召开的会议已取消。原因：{reason}",
        show_minutes(m.details.start_ms)
    );
    for r in &m.replies {
        tell(txn, m, users, &r.unit, &title, &text, now_ms)?;
    }
    Ok(())
}
