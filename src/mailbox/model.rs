//! A letter to the district head (区长信箱): who wrote, about what, and everything the office
//! and the answering unit did with it.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::auth::model::UnitCode;
use crate::calendar::Clock;
use crate::flow::Instance;
use crate::portal::model::Attachment;

/// 信件类型.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    /// 咨询
    Consult,
    /// 建议
    Suggest,
    /// 投诉
    Complain,
    /// 求助
    Help,
    /// 其他
    Other,
}

impl Subject {
    pub const ALL: [Subject; 5] = [
        Subject::Consult,
        Subject::Suggest,
        Subject::Complain,
        Subject::Help,
        Subject::Other,
    ];
    pub fn id(self) -> &'static str {
        match self {
            Subject::Consult => "consult",
            Subject::Suggest => "suggest",
            Subject::Complain => "complain",
            Subject::Help => "help",
            Subject::Other => "other",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Subject::Consult => "咨询",
            Subject::Suggest => "建议",
            Subject::Complain => "投诉",
            Subject::Help => "求助",
            Subject::Other => "其他",
        }
    }
    pub fn parse(s: &str) -> Option<Subject> {
        Subject::ALL.into_iter().find(|k| k.id() == s)
    }
}

/// 满意度.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Satisfaction {
    Satisfied,
    Fair,
    Unsatisfied,
}

impl Satisfaction {
    pub const ALL: [Satisfaction; 3] = [
        Satisfaction::Satisfied,
        Satisfaction::Fair,
        Satisfaction::Unsatisfied,
    ];
    pub fn id(self) -> &'static str {
        match self {
            Satisfaction::Satisfied => "satisfied",
            Satisfaction::Fair => "fair",
            Satisfaction::Unsatisfied => "unsatisfied",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Satisfaction::Satisfied => "满意",
            Satisfaction::Fair => "基本满意",
            Satisfaction::Unsatisfied => "不满意",
        }
    }
    pub fn parse(s: &str) -> Option<Satisfaction> {
        Satisfaction::ALL.into_iter().find(|k| k.id() == s)
    }
}

/// 写信人: seen by the office and the answering unit only, never by the public.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Writer {
    pub name: String,
    /// 11-digit mobile number.
    pub phone: String,
    #[serde(default)]
    pub email: String,
}

/// The writer's rating of the answer (or the one deemed after the rating window).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rating {
    pub level: Satisfaction,
    #[serde(default)]
    pub reason: String,
    pub on: Date,
    /// Not rated within the window: counted as satisfied.
    #[serde(default)]
    pub deemed: bool,
}

/// 转办: the unit asked to answer, with its working-day clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    pub unit: UnitCode,
    pub on: Date,
    pub workdays: u32,
    #[serde(default)]
    pub note: String,
    /// Who assigned it (username).
    pub by: String,
}

/// The answer, as the unit wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    pub text: String,
    pub unit: UnitCode,
    /// Who wrote it (display name).
    pub by: String,
    /// The day it was written (sent for review or sent out).
    pub written_on: Date,
    /// The day it went out to the writer (after review, when reviewed).
    #[serde(default)]
    pub sent_on: Option<Date>,
}

/// What the public sees of a published letter: the office's redacted copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Publication {
    pub title: String,
    pub content: String,
    pub answer: String,
    pub on: Date,
    pub by: String,
}

/// 区长信箱的一封信.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Letter {
    pub id: u64,
    /// 信件编号, e.g. "2026-00012": read out on the phone, shown in public.
    pub number: String,
    /// 查询码, stored without dashes.
    pub tracking_code: String,
    pub password_hash: String,
    pub writer: Writer,
    pub subject: Subject,
    pub title: String,
    pub content: String,
    #[serde(default)]
    pub attachments: Vec<Attachment>,
    /// The writer agrees that the letter and its answer may be published (masked).
    pub publish_agreed: bool,
    /// The 百件实事 project the letter is about, when written from its page.
    #[serde(default)]
    pub project: Option<u64>,
    pub submitted_ms: i64,
    pub flow: Instance,
    #[serde(default)]
    pub accepted_on: Option<Date>,
    /// Why it was not accepted (the configured reason, and any note).
    #[serde(default)]
    pub not_accepted: Option<String>,
    /// The letter this one was merged into.
    #[serde(default)]
    pub merged_into: Option<u64>,
    /// Letters merged into this one: their writers are answered with it.
    #[serde(default)]
    pub merged: Vec<u64>,
    /// Earlier letters from the same writer that look alike (flagged on arrival).
    #[serde(default)]
    pub similar: Vec<u64>,
    #[serde(default)]
    pub assignment: Option<Assignment>,
    /// The answer clock of the current assignment.
    #[serde(default)]
    pub clock: Option<Clock>,
    #[serde(default)]
    pub answer: Option<Answer>,
    #[serde(default)]
    pub rating: Option<Rating>,
    #[serde(default)]
    pub publication: Option<Publication>,
    /// Notices already sent ("soon:{date}", "overdue:{date}", "alarm"), so each goes once.
    #[serde(default)]
    pub reminded: Vec<String>,
}

impl Letter {
    /// The unit that answers: the assigned one, else the office (`office`).
    pub fn answering_unit<'a>(&'a self, office: Option<&'a UnitCode>) -> Option<&'a UnitCode> {
        self.assignment.as_ref().map(|a| &a.unit).or(office)
    }
    /// The day the answer went out, if it did.
    pub fn answered_on(&self) -> Option<Date> {
        self.answer.as_ref().and_then(|a| a.sent_on)
    }
}

/// A writer's name as the public sees it: the first character and a star (张*).
pub fn mask_name(name: &str) -> String {
    let mut cs = name.trim().chars();
    match cs.next() {
        Some(c) => format!("{c}*"),
        None => "*".into(),
    }
}

/// A mobile number as staff lists show it: 138****5678.
pub fn mask_phone(phone: &str) -> String {
    let cs: Vec<char> = phone.chars().collect();
    if cs.len() < 7 {
        return "****".into();
    }
    let head: String = cs[..3].iter().collect();
    let tail: String = cs[cs.len() - 4..].iter().collect();
    format!("{head}****{tail}")
}

/// Text as first offered for publication: runs of 7 or more digits (phone, ID and card
/// numbers) starred but for their first three and last two. The office edits it further.
pub fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        let n = run.chars().count();
        if n >= 7 {
            let cs: Vec<char> = run.chars().collect();
            out.extend(&cs[..3]);
            out.extend(std::iter::repeat_n('*', n - 5));
            out.extend(&cs[n - 2..]);
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if c.is_ascii_digit() || (c == 'X' || c == 'x') && !run.is_empty() {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// A mainland mobile number: 11 digits starting with 1.
pub fn valid_mobile(s: &str) -> bool {
    s.len() == 11 && s.starts_with('1') && s.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks() {
        assert_eq!(mask_name("张三丰"), "张*");
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(
            redact("电话13812345678，门牌12号"),
            "电话138******78，门牌12号"
        );
        assert_eq!(
            redact("身份证11010519491231002X"),
            "身份证110*************2X"
        );
        assert!(valid_mobile("13812345678"));
        assert!(!valid_mobile("23812345678"));
    }
}
