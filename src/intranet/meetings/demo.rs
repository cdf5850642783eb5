//! The demo district's meetings: one upcoming, sent by the government office (区人民政府办公室)
//! to six units, with one unit attending with two people, one on leave with a reason and the
//! others still to reply (their people have the waiting notice); and one past meeting with
//! every reply in.

use redb::WriteTransaction;

use super::flow::{self as mflow, action};
use super::model::{Answer, Attendee, Details, Meeting, UnitReply};
use super::{notices, store};
use crate::auth::model::{UnitCode, User};
use crate::error::{Error, Result};
use crate::flow::instance::Instance;
use crate::intranet::boxes::{self, BoxKind, Entry};
use crate::intranet::model::{Touch, person_name};

const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;

fn code(s: &str) -> Result<UnitCode> {
    UnitCode::parse(s).map_err(|e| Error::Internal(e.into()))
}

fn unit_reply(txn: &WriteTransaction, c: &str) -> Result<Option<UnitReply>> {
    let c = code(c)?;
    Ok(crate::auth::store::get_unit_w(txn, &c)?.map(|u| UnitReply::new(c, u.name)))
}

/// The unit's answer, given by `who` at `at`, through the flow.
fn answer(m: &mut Meeting, unit: &str, who: Option<&User>, a: Answer, at: i64) -> Result<()> {
    let Some(who) = who else { return Ok(()) };
    let snapshot = m.clone();
    let Some(r) = m.replies.iter_mut().find(|r| r.unit.as_str() == unit) else {
        return Ok(());
    };
    let actor = super::model::reply_actor(who, &snapshot, r);
    crate::flow::apply(mflow::reply(), &mut r.flow, action::REPLY, &actor, "", at)
        .map_err(|e| Error::Internal(e.to_string()))?;
    r.answer = Some(a);
    r.replied = Some(Touch::now(who, at));
    Ok(())
}

fn person(name: &str, title: &str, phone: &str) -> Attendee {
    Attendee {
        name: name.into(),
        title: title.into(),
        phone: phone.into(),
    }
}

fn meeting(
    txn: &WriteTransaction,
    sender: &User,
    sender_unit_name: &str,
    details: Details,
    units: &[&str],
    sent_ms: i64,
) -> Result<Meeting> {
    let mut replies = Vec::new();
    for u in units {
        if let Some(r) = unit_reply(txn, u)? {
            replies.push(r);
        }
    }
    Ok(Meeting {
        id: crate::store::next_id(txn, store::COUNTER)?,
        details,
        sender: sender.id,
        sender_name: person_name(sender),
        sender_unit: sender.unit.clone(),
        sender_unit_name: sender_unit_name.to_owned(),
        sent_ms,
        updated_ms: sent_ms,
        sequence: 0,
        flow: Instance::new(mflow::meeting()),
        changes: Vec::new(),
        replies,
    })
}

fn file(txn: &WriteTransaction, m: &Meeting) -> Result<()> {
    store::put(txn, m)?;
    boxes::file(
        txn,
        Entry {
            kind: BoxKind::Meeting,
            id: m.id,
            sent_ms: m.sent_ms,
        },
        m.sender,
        &m.addressees(),
    )
}

/// Beijing midnight of the day `days` after `now`'s day, plus `hours`.
fn at(now_ms: i64, days: i64, hours: i64) -> i64 {
    let local = now_ms + 8 * HOUR;
    local - local.rem_euclid(DAY) - 8 * HOUR + days * DAY + hours * HOUR
}

pub fn fill(txn: &redb::WriteTransaction, now_ms: i64) -> Result<()> {
    let users = crate::auth::store::list_users_w(txn)?;
    let find = |name: &str| users.iter().find(|u| u.username == name);
    let Some(sender) = find("office-admin") else {
        return Ok(());
    };
    let office_name = crate::auth::store::get_unit_w(txn, &sender.unit)?
        .map(|u| u.name)
        .unwrap_or_default();

    // A past meeting, every reply in.
    let mut past = meeting(
        txn,
        sender,
        &office_name,
        Details {
            title: "第三季度安全生产工作例会".into(),
            start_ms: at(now_ms, -14, 9),
            end_ms: at(now_ms, -14, 11),
            place: "区政府三楼第一会议室".into(),
            agenda: "通报第三季度安全生产形势\n部署国庆期间安全检查\n各单位汇报隐患整改情况".into(),
            attendees: "分管安全生产的负责同志".into(),
            deadline_ms: at(now_ms, -16, 17),
        },
        &["commerce", "sd-east"],
        at(now_ms, -20, 10),
    )?;
    answer(
        &mut past,
        "commerce",
        find("commerce-writer"),
        Answer::Attend {
            people: vec![person("褚信息", "副局长", "0571-8700 1234")],
        },
        at(now_ms, -18, 15),
    )?;
    answer(
        &mut past,
        "sd-east",
        find("east-writer"),
        Answer::Attend {
            people: vec![person("蒋信息", "副主任", "13900001111")],
        },
        at(now_ms, -17, 10),
    )?;
    file(txn, &past)?;

    // The upcoming one.
    let mut next = meeting(
        txn,
        sender,
        &office_name,
        Details {
            title: "全区冬季安全生产和防灾减灾工作部署会".into(),
            start_ms: at(now_ms, 7, 9) + 30 * 60_000,
            end_ms: at(now_ms, 7, 11) + 30 * 60_000,
            place: "区政府三楼第一会议室".into(),
            agenda: "传达市冬季安全生产工作会议精神\n部署冬季防火、防冻、防滑工作\n应急管理局通报近期隐患排查情况\n区政府领导讲话".into(),
            attendees: "主要负责同志和分管负责同志各一名".into(),
            deadline_ms: at(now_ms, 5, 17),
        },
        &["commerce", "edu", "safety", "civil", "sd-east", "c-hubin"],
        now_ms - 2 * HOUR,
    )?;
    answer(
        &mut next,
        "commerce",
        find("commerce-writer"),
        Answer::Attend {
            people: vec![
                person("韩发布", "局长", "0571-8700 1200"),
                person("卫审核", "办公室主任", "13800002222"),
            ],
        },
        now_ms - HOUR,
    )?;
    answer(
        &mut next,
        "sd-east",
        find("east-writer"),
        Answer::Leave {
            reason: "当天上午街道召开征迁工作推进会，主要负责同志无法脱身，另行书面汇报".into(),
        },
        now_ms - 30 * 60_000,
    )?;
    file(txn, &next)?;
    // Those still to reply have the waiting notice; those who replied have theirs settled.
    notices::sent(txn, &next, &users, now_ms - 2 * HOUR)?;
    for r in next.replies.iter().filter(|r| r.is_replied()) {
        notices::settle(txn, &next, &users, Some(&r.unit))?;
    }
    Ok(())
}
