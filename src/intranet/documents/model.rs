//! A document (公文): its content, its recipients' receipts, the readers' remarks and where
//! it came from or went on to (转发).

use serde::{Deserialize, Serialize};

use crate::auth::model::{UnitCode, User};
use crate::calendar::WorkCalendar;
use crate::intranet::model::Touch;
use crate::intranet::receipt::Receipt;

/// 紧急程度: how fast it must be signed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    /// 特急: within two hours.
    Immediate,
    /// 加急: by the end of the next working day.
    Urgent,
    /// 平件: within three working days.
    Normal,
}

impl Urgency {
    pub const ALL: [Urgency; 3] = [Urgency::Immediate, Urgency::Urgent, Urgency::Normal];

    pub fn id(self) -> &'static str {
        match self {
            Urgency::Immediate => "immediate",
            Urgency::Urgent => "urgent",
            Urgency::Normal => "normal",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Urgency::Immediate => "特急",
            Urgency::Urgent => "加急",
            Urgency::Normal => "平件",
        }
    }

    /// What the label promises, for the form.
    pub fn rule(self) -> &'static str {
        match self {
            Urgency::Immediate => "2 小时内签收",
            Urgency::Urgent => "下一个工作日内签收",
            Urgency::Normal => "3 个工作日内签收",
        }
    }

    pub fn parse(s: &str) -> Option<Urgency> {
        Urgency::ALL.into_iter().find(|u| u.id() == s)
    }

    /// By when a document sent at `sent_ms` should be signed for; `None` when the working
    /// calendar does not reach that far (the page then shows no deadline, never a guess).
    pub fn sign_by(self, sent_ms: i64, cal: &WorkCalendar) -> Option<i64> {
        let days = match self {
            Urgency::Immediate => return Some(sent_ms + 2 * 3_600_000),
            Urgency::Urgent => 1,
            Urgency::Normal => 3,
        };
        let today = crate::clock::from_ms(sent_ms)
            .to_offset(crate::clock::CST)
            .date();
        let due = cal.add_workdays(today, days);
        if !cal.missing_years(today, due).is_empty() {
            return None;
        }
        let end = due
            .with_hms(23, 59, 59)
            .ok()?
            .assume_offset(crate::clock::CST);
        Some(crate::clock::to_ms(end))
    }
}

/// A file sent with the document (a blob, counted in `blob_refs`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub sha: String,
    pub name: String,
    pub size: u64,
}

/// A reader's remark (批阅意见).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Remark {
    pub at_ms: i64,
    pub by: u64,
    pub by_name: String,
    pub by_unit: UnitCode,
    pub text: String,
}

/// One document as sent (a forwarded copy is a document of its own, linked both ways).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    pub id: u64,
    pub title: String,
    /// 文号, e.g. 区府办发〔2026〕12号 (may be empty for an internal notice).
    pub number: String,
    pub urgency: Urgency,
    /// Plain text; paragraphs split by blank lines when shown.
    pub body: String,
    pub attachments: Vec<Attachment>,
    pub sender: u64,
    pub sender_name: String,
    pub sender_unit: UnitCode,
    /// The sender's unit's name when sent.
    pub sender_unit_name: String,
    pub sent_ms: i64,
    /// Attachments may be downloaded only after signing for the document.
    pub sign_first: bool,
    /// Every recipient may read every remark (else only the sender and the remark's unit).
    pub remarks_open: bool,
    pub receipts: Vec<Receipt>,
    #[serde(default)]
    pub remarks: Vec<Remark>,
    /// The document this copy was passed on from (转发).
    #[serde(default)]
    pub forwarded_from: Option<u64>,
    /// Copies passed on from this one.
    #[serde(default)]
    pub forwards: Vec<u64>,
    /// What the forwarder wrote above a passed-on copy.
    #[serde(default)]
    pub forward_note: String,
}

impl Document {
    /// The receipts `u` may act on (sent to them, or to their unit).
    pub fn receipts_of<'a>(&'a self, u: &'a User) -> impl Iterator<Item = (usize, &'a Receipt)> {
        self.receipts
            .iter()
            .enumerate()
            .filter(|(_, r)| r.to.includes(u))
    }

    pub fn is_recipient(&self, u: &User) -> bool {
        self.receipts_of(u).next().is_some()
    }

    /// Whether `u` has signed for it (through any receipt that reaches them).
    pub fn signed_by_me(&self, u: &User) -> bool {
        self.receipts_of(u).any(|(_, r)| r.is_signed())
    }

    /// Whether `u` may download its files now: the sender always; a recipient unless the
    /// document asks to be signed for first and is not yet.
    pub fn may_download(&self, u: &User) -> bool {
        u.id == self.sender || (self.is_recipient(u) && (!self.sign_first || self.signed_by_me(u)))
    }

    /// The remarks `u` may read: all for the sender (and everyone when open), else those of
    /// their own unit.
    pub fn remarks_for<'a>(&'a self, u: &'a User) -> impl Iterator<Item = &'a Remark> {
        let all = u.id == self.sender || self.remarks_open;
        self.remarks
            .iter()
            .filter(move |r| all || r.by_unit == u.unit || r.by == u.id)
    }

    /// Counts for the sender: (recipients, opened, signed).
    pub fn counts(&self) -> (usize, usize, usize) {
        (
            self.receipts.len(),
            self.receipts.iter().filter(|r| r.opened.is_some()).count(),
            self.receipts.iter().filter(|r| r.is_signed()).count(),
        )
    }
}

/// The first open of a receipt, if it has none yet.
pub fn mark_opened(r: &mut Receipt, u: &User, now_ms: i64) -> bool {
    if r.opened.is_none() {
        r.opened = Some(Touch::now(u, now_ms));
        true
    } else {
        false
    }
}
