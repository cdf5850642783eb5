//! A practical project (民生实事项目) and a progress update (进展), with their rules. No I/O.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::auth::model::UnitCode;
use crate::flow::Instance;
use crate::portal::model::Attachment;

/// How long without a published update before a project not finished is marked stale.
pub const STALE_MS: i64 = 30 * 86_400_000;

/// Where a project stands, as the public sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    NotStarted,
    InProgress,
    Done,
    Delayed,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::NotStarted,
        Status::InProgress,
        Status::Done,
        Status::Delayed,
    ];
    pub fn label(self) -> &'static str {
        match self {
            Status::NotStarted => "未开工",
            Status::InProgress => "进行中",
            Status::Done => "已完成",
            Status::Delayed => "延期",
        }
    }
    /// The value in forms and query strings.
    pub fn key(self) -> &'static str {
        match self {
            Status::NotStarted => "not_started",
            Status::InProgress => "in_progress",
            Status::Done => "done",
            Status::Delayed => "delayed",
        }
    }
    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.key() == s)
    }
    pub fn index(self) -> usize {
        match self {
            Status::NotStarted => 0,
            Status::InProgress => 1,
            Status::Done => 2,
            Status::Delayed => 3,
        }
    }
}

/// A progress percentage, 0 to 100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Percent(u8);

impl Percent {
    pub fn new(n: u8) -> Option<Percent> {
        (n <= 100).then_some(Percent(n))
    }
    /// From a form field: a whole number 0–100, or why not.
    pub fn parse(s: &str) -> Result<Percent, &'static str> {
        let s = s.trim().trim_end_matches(['%', '％']);
        if s.is_empty() {
            return Err("请填写完成进度（0 到 100 的整数）");
        }
        s.parse::<u8>()
            .ok()
            .and_then(Percent::new)
            .ok_or("完成进度应为 0 到 100 的整数")
    }
    pub fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for Percent {
    type Error = String;
    fn try_from(n: u8) -> Result<Self, Self::Error> {
        Percent::new(n).ok_or_else(|| format!("进度 {n} 超过 100"))
    }
}

impl From<Percent> for u8 {
    fn from(p: Percent) -> u8 {
        p.0
    }
}

/// Where the project stands publicly: from its newest published update, or not started.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub percent: Percent,
    pub status: Status,
    /// Why it is 延期 (only then).
    pub delay_reason: String,
    /// When the newest published update was published; `None` before any.
    pub last_published_ms: Option<i64>,
}

impl Default for Progress {
    fn default() -> Progress {
        Progress {
            percent: Percent::default(),
            status: Status::NotStarted,
            delay_reason: String::new(),
            last_published_ms: None,
        }
    }
}

/// One project of a year's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Project {
    pub id: u64,
    pub year: u16,
    /// 序号 within the year's list.
    pub number: u32,
    pub title: String,
    /// The responsible unit (责任单位).
    pub unit: UnitCode,
    /// 建设目标/内容.
    pub target: String,
    /// 计划完成时间.
    pub planned: Date,
    /// Kept in step with the published updates (`progress_of`) in every write.
    pub progress: Progress,
    pub created_ms: i64,
    pub updated_ms: i64,
    pub created_by: String,
}

impl Project {
    /// Past its planned date (the day after it, Beijing time) and not finished.
    pub fn overdue(&self, today: Date) -> bool {
        self.progress.status != Status::Done && today > self.planned
    }
    /// Not finished and no update published in `STALE_MS` (counted from its creation when it
    /// never had one).
    pub fn stale(&self, now_ms: i64) -> bool {
        self.progress.status != Status::Done
            && now_ms - self.progress.last_published_ms.unwrap_or(self.created_ms) > STALE_MS
    }
}

/// A progress update by the responsible unit, driven through the editorial flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Update {
    pub id: u64,
    pub project: u64,
    /// The responsible unit when written: whose reviewers review it.
    pub unit: UnitCode,
    /// The day the progress was seen (进展日期).
    pub date: Date,
    pub text: String,
    pub percent: Percent,
    pub status: Status,
    /// Required when `status` is 延期.
    pub delay_reason: String,
    /// Pictures only (typed by their bytes when received).
    pub photos: Vec<Attachment>,
    pub created_by: String,
    pub created_ms: i64,
    pub updated_ms: i64,
    /// Set when it goes public.
    pub published_ms: Option<i64>,
    pub flow: Instance,
}

impl Update {
    pub fn is_public(&self) -> bool {
        self.flow.state == crate::publishing::flow::state::PUBLISHED
    }
}

/// The project's public progress from its updates: the published one with the latest
/// progress date (then the latest published), or not started when none is published.
pub fn progress_of<'a>(updates: impl IntoIterator<Item = &'a Update>) -> Progress {
    let public: Vec<&Update> = updates.into_iter().filter(|u| u.is_public()).collect();
    let last = public.iter().filter_map(|u| u.published_ms).max();
    public
        .into_iter()
        .max_by_key(|u| (u.date, u.published_ms, u.id))
        .map(|u| Progress {
            percent: u.percent,
            status: u.status,
            delay_reason: if u.status == Status::Delayed {
                u.delay_reason.clone()
            } else {
                String::new()
            },
            last_published_ms: last,
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_parses_whole_numbers_up_to_100() {
        assert_eq!(Percent::parse("45").map(Percent::get), Ok(45));
        assert_eq!(Percent::parse(" 100% ").map(Percent::get), Ok(100));
        assert!(Percent::parse("101").is_err());
        assert!(Percent::parse("-1").is_err());
        assert!(Percent::parse("4.5").is_err());
        assert!(Percent::parse("").is_err());
    }

    fn project(planned: Date, status: Status, last: Option<i64>) -> Project {
        Project {
            id: 1,
            year: 2026,
            number: 1,
            title: "口袋公园".into(),
            unit: UnitCode::parse("east").unwrap(),
            target: String::new(),
            planned,
            progress: Progress {
                percent: Percent::default(),
                status,
                delay_reason: String::new(),
                last_published_ms: last,
            },
            created_ms: 0,
            updated_ms: 0,
            created_by: String::new(),
        }
    }

    #[test]
    fn overdue_and_stale_only_while_not_done() {
        let day = time::macros::date!(2026 - 11 - 26);
        let past = time::macros::date!(2026 - 11 - 25);
        assert!(project(past, Status::InProgress, None).overdue(day));
        assert!(
            !project(day, Status::InProgress, None).overdue(day),
            "due today"
        );
        assert!(!project(past, Status::Done, None).overdue(day));
        let now = 40 * 86_400_000;
        assert!(project(day, Status::InProgress, Some(now - STALE_MS - 1)).stale(now));
        assert!(!project(day, Status::InProgress, Some(now - STALE_MS)).stale(now));
        assert!(
            project(day, Status::NotStarted, None).stale(now),
            "never updated"
        );
        assert!(!project(day, Status::Done, Some(0)).stale(now));
    }

    fn update(id: u64, day: u8, state: &str, pct: u8, status: Status) -> Update {
        let def = crate::projects::flow::definition();
        let mut flow = Instance::new(def);
        flow.state = state.into();
        Update {
            id,
            project: 1,
            unit: UnitCode::parse("east").unwrap(),
            date: Date::from_calendar_date(2026, time::Month::November, day).unwrap(),
            text: String::new(),
            percent: Percent::new(pct).unwrap(),
            status,
            delay_reason: "管线迁改".into(),
            photos: Vec::new(),
            created_by: String::new(),
            created_ms: 0,
            updated_ms: 0,
            published_ms: (state == "published").then_some(i64::from(day) * 10),
            flow,
        }
    }

    #[test]
    fn public_progress_comes_from_the_latest_published_update_only() {
        assert_eq!(progress_of(&[]), Progress::default());
        let ups = [
            update(1, 10, "published", 40, Status::InProgress),
            update(2, 20, "published", 60, Status::Delayed),
            update(3, 25, "unit_review", 90, Status::InProgress),
            update(4, 15, "withdrawn", 10, Status::InProgress),
        ];
        let p = progress_of(&ups);
        assert_eq!(p.percent.get(), 60);
        assert_eq!(p.status, Status::Delayed);
        assert_eq!(p.delay_reason, "管线迁改");
        assert_eq!(p.last_published_ms, Some(200));
        // A reason is kept only with 延期.
        let p = progress_of(&ups[..1]);
        assert_eq!(p.delay_reason, "");
    }

    #[test]
    fn statuses_round_trip_their_keys() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.key()), Some(s));
        }
        assert_eq!(Status::parse("x"), None);
    }
}
