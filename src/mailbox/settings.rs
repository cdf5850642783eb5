//! What the mailbox office configures in the browser (`/admin/mailbox/settings`): answer
//! limits per subject, whether answers are reviewed, the reasons for not accepting a letter,
//! the form's limits and the protections against floods. Kept in `tables::MB_CONFIG`; a
//! missing or unreadable record means the defaults.

use std::collections::BTreeMap;

use redb::{ReadTransaction, ReadableTable, WriteTransaction};
use serde::{Deserialize, Serialize};

use super::model::Subject;
use crate::error::Result;
use crate::store::tables::MB_CONFIG;

const KEY: &str = "settings";

/// The reasons offered when a letter is not accepted (standards §7.4).
pub const DEFAULT_REASONS: [&str; 6] = [
    "不属于本区职责范围",
    "属于信访事项，请按信访途径反映",
    "涉及诉讼、仲裁、行政复议等法定途径",
    "内容不清或联系方式不实，无法办理",
    "含有辱骂、攻击或无关内容",
    "与已答复信件内容重复",
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Working days to answer, per subject id.
    pub workdays: BTreeMap<String, u32>,
    /// Answers of assigned units go to the office for review before they go out.
    pub review_answers: bool,
    pub reasons: Vec<String>,
    pub title_min: u32,
    pub title_max: u32,
    pub content_min: u32,
    pub content_max: u32,
    pub max_file_mib: u32,
    pub max_files: u32,
    /// Letters one client address may send per hour, and one mobile number per day.
    pub per_ip_hour: u32,
    pub per_phone_day: u32,
    /// Leading zero bits the form's proof of work needs (0: none).
    pub pow_bits: u32,
    /// Seconds a form must have been open when it comes without the proof (no script).
    pub wait_seconds: u32,
    /// Working days the writer has to rate the answer; unrated then counts as satisfied.
    pub rate_workdays: u32,
    /// Days after acceptance when an unanswered letter raises the alarm.
    pub alarm_days: u32,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            workdays: Subject::ALL
                .iter()
                .map(|s| (s.id().to_owned(), 5))
                .collect(),
            review_answers: true,
            reasons: DEFAULT_REASONS.iter().map(|s| (*s).to_owned()).collect(),
            title_min: 4,
            title_max: 40,
            content_min: 10,
            content_max: 1500,
            max_file_mib: 5,
            max_files: 3,
            per_ip_hour: 5,
            per_phone_day: 3,
            pow_bits: 16,
            wait_seconds: 20,
            rate_workdays: 20,
            alarm_days: 60,
        }
    }
}

impl Settings {
    /// Working days to answer a letter of this subject.
    pub fn workdays_for(&self, s: Subject) -> u32 {
        self.workdays.get(s.id()).copied().unwrap_or(5)
    }
}

pub fn get(txn: &ReadTransaction) -> Result<Settings> {
    let t = txn.open_table(MB_CONFIG)?;
    Ok(t.get(KEY)?
        .and_then(|v| serde_json::from_slice(v.value()).ok())
        .unwrap_or_default())
}

pub fn get_w(txn: &WriteTransaction) -> Result<Settings> {
    let t = txn.open_table(MB_CONFIG)?;
    Ok(t.get(KEY)?
        .and_then(|v| serde_json::from_slice(v.value()).ok())
        .unwrap_or_default())
}

pub fn put(txn: &WriteTransaction, s: &Settings) -> Result<()> {
    let bytes = serde_json::to_vec(s)?;
    txn.open_table(MB_CONFIG)?.insert(KEY, bytes.as_slice())?;
    Ok(())
}
