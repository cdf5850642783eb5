//! The mailbox's 待办: for the office, new and sent-back letters to triage, answers to review
//! and every letter open too long; for an answering unit, the letters assigned to it, with
//! their due dates.

use super::flow::{self as mflow, state};
use super::model::Letter;
use super::{access, due, settings, store};
use crate::auth::permission::Action;
use crate::error::Result;
use crate::http::Shared;
use crate::http::extract::Staff;
use crate::staff::registry::Shows;
use crate::staff::todo::{Lists, TodoList, TodoRow, TodoSource};

pub struct MailboxWork;

fn day_end_ms(d: time::Date) -> i64 {
    d.with_hms(23, 59, 59)
        .map(|t| t.assume_offset(crate::clock::CST))
        .map(crate::clock::to_ms)
        .unwrap_or(0)
}

impl TodoSource for MailboxWork {
    fn kind(&self) -> &'static str {
        "区长信箱信件"
    }
    fn shows(&self) -> Shows {
        Shows::AnyUnit(Action::AnswerLetters)
    }
    fn shortcuts(&self) -> &'static [(&'static str, &'static str)] {
        &[("/admin/mailbox/", "信件办理")]
    }
    fn lists<'a>(&'a self, st: &'a Shared, s: &'a Staff) -> Lists<'a> {
        Box::pin(lists(st, s))
    }
}

async fn lists(st: &Shared, s: &Staff) -> Result<Option<Vec<TodoList>>> {
    let units = crate::disclosure::page::load_units(st).await?;
    let (all, sets) = st
        .store
        .read(|txn| Ok((store::all(txn)?, settings::get(txn)?)))
        .await?;
    let office = access::is_office(&s.user, &units);
    let cal = st.calendar();
    let today = crate::clock::beijing_date(st.now_ms());
    let def = mflow::definition();
    let answering_here = |l: &Letter| {
        l.flow.state == state::HANDLING
            && access::answering(&units, l).is_some_and(|u| {
                access::answers_for(&s.user, &units, &u) && (office || l.assignment.is_some())
            })
    };
    let mine: Vec<&Letter> = all.iter().filter(|l| answering_here(l)).collect();
    if mine.is_empty() && !office {
        return Ok(None);
    }
    let row = |l: &Letter| TodoRow {
        title: format!("{}（{}）", l.title, l.number),
        link: format!("/admin/mailbox/{}", l.id),
        place: "区长信箱".into(),
        state: def.state_label(&l.flow.state).to_owned(),
        state_key: l.flow.state.clone(),
        badge: if due::alarm(l, &sets, today) {
            Some(format!("超{}天", sets.alarm_days))
        } else {
            due::overdue(l, &cal, today).then(|| "已超期".to_owned())
        },
        note: None,
        unit: access::answering(&units, l).map_or_else(String::new, |u| units.name(&u)),
        date_ms: due::due(l, &cal).map(day_end_ms),
        updated_ms: l.flow.history.last().map_or(l.submitted_ms, |h| h.at_ms),
    };
    let mut lists = vec![TodoList {
        id: "mb_answer",
        label: "待答复的信件",
        waiting: true,
        home: false,
        date_label: "答复期限",
        deadline: true,
        rows: mine.iter().map(|l| row(l)).collect(),
    }];
    if office {
        let pick = |f: &dyn Fn(&Letter) -> bool| -> Vec<TodoRow> {
            all.iter().filter(|l| f(l)).map(row).collect()
        };
        lists.insert(
            0,
            TodoList {
                id: "mb_triage",
                label: "待受理的信件",
                waiting: true,
                home: false,
                date_label: "答复期限",
                deadline: false,
                rows: pick(&|l| matches!(l.flow.state.as_str(), state::RECEIVED | state::RETURNED)),
            },
        );
        lists.push(TodoList {
            id: "mb_review",
            label: "待审核的信件答复",
            waiting: true,
            home: false,
            date_label: "答复期限",
            deadline: true,
            rows: pick(&|l| l.flow.state == state::REVIEWING),
        });
        lists.push(TodoList {
            id: "mb_late",
            label: "超期或受理过久的信件",
            waiting: false,
            home: false,
            date_label: "答复期限",
            deadline: true,
            rows: pick(&|l| due::overdue(l, &cal, today) || due::alarm(l, &sets, today)),
        });
    }
    Ok(Some(lists))
}
