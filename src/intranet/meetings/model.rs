//! A meeting notice and every invited unit's reply (回执), stored as one JSON value in
//! `tables::OA_MEETINGS`.

use serde::{Deserialize, Serialize};

use super::flow::{self, state};
use crate::auth::model::{UnitCode, User};
use crate::flow::instance::{Actor, Instance};
use crate::intranet::model::{Addressee, Touch};

/// At most this many people per attending unit (three rows of fields on the form).
pub const MAX_ATTENDEES: usize = 3;

/// One person who will attend for a unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attendee {
    pub name: String,
    /// 职务
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub phone: String,
}

/// A unit's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Answer {
    /// 参加, with who comes.
    Attend { people: Vec<Attendee> },
    /// 请假, with the reason.
    Leave { reason: String },
}

/// One invited unit's reply: its flow (待回执 → 已回执), its current answer and who gave it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitReply {
    pub unit: UnitCode,
    /// The unit's name when the notice was sent.
    pub unit_name: String,
    pub flow: Instance,
    #[serde(default)]
    pub answer: Option<Answer>,
    /// Who gave the current answer, and when.
    #[serde(default)]
    pub replied: Option<Touch>,
}

impl UnitReply {
    pub fn new(unit: UnitCode, unit_name: String) -> UnitReply {
        UnitReply {
            unit,
            unit_name,
            flow: Instance::new(flow::reply()),
            answer: None,
            replied: None,
        }
    }

    pub fn is_replied(&self) -> bool {
        self.flow.state == state::REPLIED && self.answer.is_some()
    }

    /// 待回执 / 参加 / 请假.
    pub fn label(&self) -> &'static str {
        match &self.answer {
            None => "待回执",
            Some(Answer::Attend { .. }) => "参加",
            Some(Answer::Leave { .. }) => "请假",
        }
    }

    /// A key for styling and tests: waiting, attend, leave.
    pub fn key(&self) -> &'static str {
        match &self.answer {
            None => "waiting",
            Some(Answer::Attend { .. }) => "attend",
            Some(Answer::Leave { .. }) => "leave",
        }
    }

    pub fn people(&self) -> &[Attendee] {
        match &self.answer {
            Some(Answer::Attend { people }) => people,
            _ => &[],
        }
    }

    pub fn reason(&self) -> &str {
        match &self.answer {
            Some(Answer::Leave { reason }) => reason,
            _ => "",
        }
    }

    /// When it was last reminded (催办).
    pub fn reminded(&self) -> Option<i64> {
        self.flow
            .last_step_of(flow::action::REMIND)
            .map(|s| s.at_ms)
    }

    /// When the unit first answered.
    pub fn first_reply_ms(&self) -> Option<i64> {
        self.flow
            .history
            .iter()
            .find(|s| s.transition == flow::action::REPLY)
            .map(|s| s.at_ms)
    }
}

/// One change of a sent meeting: what changed, before → after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub at_ms: i64,
    pub by_name: String,
    /// (field, before, after)
    pub fields: Vec<(String, String, String)>,
}

impl Change {
    /// "地点：甲 → 乙；开始时间：…"
    pub fn summary(&self) -> String {
        self.fields
            .iter()
            .map(|(k, a, b)| format!("{k}：{a} → {b}"))
            .collect::<Vec<_>>()
            .join("；")
    }
}

/// What the sender fills in (sending and changing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Details {
    pub title: String,
    pub start_ms: i64,
    pub end_ms: i64,
    pub place: String,
    pub agenda: String,
    /// Who each unit should send, one line for all (e.g. 主要负责同志).
    pub attendees: String,
    /// Replies are taken until then.
    pub deadline_ms: i64,
}

/// A meeting notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meeting {
    pub id: u64,
    #[serde(flatten)]
    pub details: Details,
    pub sender: u64,
    pub sender_name: String,
    pub sender_unit: UnitCode,
    pub sender_unit_name: String,
    pub sent_ms: i64,
    /// The last change (sent, changed, cancelled): the calendar file's DTSTAMP.
    pub updated_ms: i64,
    /// The calendar file's SEQUENCE: 0 when sent, one more with every change and the
    /// cancellation.
    pub sequence: u32,
    /// 已发出 → 已取消.
    pub flow: Instance,
    #[serde(default)]
    pub changes: Vec<Change>,
    pub replies: Vec<UnitReply>,
}

/// The counts above the sender's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    /// 应回执
    pub expected: usize,
    /// 已回执
    pub replied: usize,
    /// 参加 (units)
    pub attending_units: usize,
    /// 参加 N 人
    pub people: usize,
    /// 请假
    pub leave: usize,
}

impl Meeting {
    pub fn is_cancelled(&self) -> bool {
        self.flow.state == state::CANCELLED
    }

    /// The reason it was cancelled, when it was.
    pub fn cancel_reason(&self) -> Option<&str> {
        if !self.is_cancelled() {
            return None;
        }
        self.flow
            .last_step_of(flow::action::CANCEL)
            .map(|s| s.comment.as_str())
    }

    /// Replies are taken: not cancelled and the deadline not passed.
    pub fn open_for_replies(&self, now_ms: i64) -> bool {
        !self.is_cancelled() && now_ms <= self.details.deadline_ms
    }

    /// The meeting's state as staff read it: 已取消, 已结束, 进行中 or 已发出.
    pub fn state_label(&self, now_ms: i64) -> &'static str {
        if self.is_cancelled() {
            "已取消"
        } else if now_ms >= self.details.end_ms {
            "已结束"
        } else if now_ms >= self.details.start_ms {
            "进行中"
        } else {
            "已发出"
        }
    }

    pub fn addressees(&self) -> Vec<Addressee> {
        self.replies
            .iter()
            .map(|r| Addressee::Unit(r.unit.clone()))
            .collect()
    }

    /// The reply of `u`'s unit, if it was invited.
    pub fn reply_of(&self, u: &User) -> Option<&UnitReply> {
        if u.disabled {
            return None;
        }
        self.replies.iter().find(|r| r.unit == u.unit)
    }

    /// May `u` open it: its sender, or anyone of an invited unit.
    pub fn visible_to(&self, u: &User) -> bool {
        !u.disabled && (u.id == self.sender || self.reply_of(u).is_some())
    }

    pub fn counts(&self) -> Counts {
        let mut c = Counts {
            expected: self.replies.len(),
            ..Counts::default()
        };
        for r in &self.replies {
            match &r.answer {
                Some(Answer::Attend { people }) => {
                    c.replied += 1;
                    c.attending_units += 1;
                    c.people += people.len();
                }
                Some(Answer::Leave { .. }) => {
                    c.replied += 1;
                    c.leave += 1;
                }
                None => {}
            }
        }
        c
    }

    pub fn url(&self) -> String {
        format!("/oa/meetings/{}", self.id)
    }
}

/// The engine's view of `u` acting on the meeting itself: its sender or not.
pub fn meeting_actor(u: &User, m: &Meeting) -> Actor {
    Actor::for_item(u, &[], &[], u.id == m.sender)
}

/// The engine's view of `u` acting on one unit's reply: anyone of that unit, or the sender.
pub fn reply_actor(u: &User, m: &Meeting, r: &UnitReply) -> Actor {
    let mut a = Actor::for_item(u, &[], &[], u.id == m.sender);
    a.is_addressee = !u.disabled && u.unit == r.unit;
    a
}
