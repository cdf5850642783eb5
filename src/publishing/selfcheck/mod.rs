//! 网站自查: the page the government office opens first each morning. For every site it
//! applies the national website inspection's rules (国办秘函〔2019〕19号, see
//! docs/ARCHITECTURE.md) and shows each as 合格 / 有风险 / 不合格, warning well before the line:
//!
//! - `rules`: the thresholds and the verdicts, pure (facts and a time in, rows out);
//! - `facts`: what the rules read, gathered from the store cheaply on every view (the newest
//!   item and the count of each channel are one key each);
//! - `scan`: what needs every item read (links that lead nowhere, items without a publish
//!   date), run daily and on demand, its result kept in `meta`;
//! - `page`: `/admin/selfcheck` — unit admins see their own sites, the office and the 系统管理员
//!   all of them;
//! - `daily`: the scheduler's once-a-day run, which tells the responsible unit admins.

pub mod daily;
pub mod facts;
pub mod page;
pub mod rules;
pub mod scan;

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

/// A row's verdict; ordered so the worst is the greatest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Pass,
    Risk,
    Fail,
}

impl Verdict {
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Pass => "合格",
            Verdict::Risk => "有风险",
            Verdict::Fail => "不合格",
        }
    }
    pub fn class(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Risk => "risk",
            Verdict::Fail => "fail",
        }
    }
}

/// One line of a site's self-check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The rule: 首页更新, 栏目更新, 空白栏目, 站内链接, 发布日期, 页脚标识 …
    pub check: &'static str,
    /// What it is about: a channel's name, an item's title, the site.
    pub subject: String,
    /// What was found, in words: "最近更新：2026年11月20日（11天前）".
    pub finding: String,
    pub verdict: Verdict,
    /// The page that fixes it, with the link's words.
    pub fix: Option<(String, String)>,
}

impl Row {
    /// A row another capability added (`staff::site_checks`).
    pub fn from_check(c: crate::staff::site_checks::CheckRow) -> Row {
        use crate::staff::site_checks::Level;
        Row {
            check: c.check,
            subject: c.subject,
            finding: c.finding,
            verdict: match c.level {
                Level::Pass => Verdict::Pass,
                Level::Risk => Verdict::Risk,
                Level::Fail => Verdict::Fail,
            },
            fix: c.fix,
        }
    }
}

/// One site's rows and its worst verdict.
#[derive(Debug, Clone)]
pub struct SiteReport {
    pub unit: crate::auth::model::UnitCode,
    pub name: String,
    pub rows: Vec<Row>,
}

impl SiteReport {
    pub fn worst(&self) -> Verdict {
        self.rows
            .iter()
            .map(|r| r.verdict)
            .max()
            .unwrap_or(Verdict::Pass)
    }
    pub fn count(&self, v: Verdict) -> usize {
        self.rows.iter().filter(|r| r.verdict == v).count()
    }
}
