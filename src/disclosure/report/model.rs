//! One annual report (年度报告) as stored: per unit and year (`GK_REPORTS`, "{unit}/{year}"),
//! the district government's being the roll-up. The tables are not stored while it is a
//! draft: they are generated from the system's data each time; finalising (定稿) freezes
//! them, so a published report keeps the numbers it was published with.

use serde::{Deserialize, Serialize};

pub use super::fee::Fee;
use super::tables::Tables;
use crate::auth::model::UnitCode;
use crate::flow::Instance;

/// The free-text sections (一、五、六).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Texts {
    /// 一、总体情况
    #[serde(default)]
    pub overview: String,
    /// 五、存在的主要问题及改进情况
    #[serde(default)]
    pub problems: String,
    /// 六、其他需要报告的事项
    #[serde(default)]
    pub other: String,
}

/// The figures of table 二 that come from outside the system, entered by hand. `None`
/// until entered (shown and counted as 0, with a warning).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandCounts {
    /// 行政许可 本年处理决定数量
    #[serde(default)]
    pub permits: Option<u64>,
    /// 行政处罚 本年处理决定数量
    #[serde(default)]
    pub penalties: Option<u64>,
    /// 行政强制 本年处理决定数量
    #[serde(default)]
    pub enforcement: Option<u64>,
    /// 行政事业性收费 本年收费金额（万元）
    #[serde(default)]
    pub fees: Option<Fee>,
}

/// A hand adjustment to one cell of table 三: requests handled outside the system (before it
/// was in use, on paper) or the first year's 上年结转. Added to the generated cell; a total
/// row or column adjusted by itself no longer adds up, which the checks then report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Adjustment {
    /// A row id of table 三 (`tables::ROWS`).
    pub row: String,
    /// A column id (`tables::COLS`): an applicant kind or "total".
    pub col: String,
    pub amount: u64,
    /// Why (说明), shown beside it.
    #[serde(default)]
    pub note: String,
    pub by: String,
    pub at_ms: i64,
}

/// One annual report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnnualReport {
    /// The id its search document carries.
    pub id: u64,
    pub unit: UnitCode,
    pub year: i32,
    #[serde(default)]
    pub texts: Texts,
    #[serde(default)]
    pub hand: HandCounts,
    #[serde(default)]
    pub adjustments: Vec<Adjustment>,
    /// draft → finalised → published (`report::flow`), with who and when.
    pub flow: Instance,
    /// The tables as finalised; `None` while a draft.
    #[serde(default)]
    pub frozen: Option<Tables>,
    pub updated_ms: i64,
    #[serde(default)]
    pub updated_by: String,
    /// When it was (last) published.
    #[serde(default)]
    pub published_ms: Option<i64>,
}

impl AnnualReport {
    pub fn new(id: u64, unit: UnitCode, year: i32, now_ms: i64) -> AnnualReport {
        AnnualReport {
            id,
            unit,
            year,
            texts: Texts::default(),
            hand: HandCounts::default(),
            adjustments: Vec::new(),
            flow: Instance::new(super::flow::definition()),
            frozen: None,
            updated_ms: now_ms,
            updated_by: String::new(),
            published_ms: None,
        }
    }
    pub fn key(&self) -> String {
        key(&self.unit, self.year)
    }
    pub fn state(&self) -> &str {
        &self.flow.state
    }
    pub fn is_published(&self) -> bool {
        self.flow.state == super::flow::state::PUBLISHED
    }
    /// Finalised or published: its tables are frozen.
    pub fn is_final(&self) -> bool {
        self.flow.state != super::flow::state::DRAFT
    }
}

/// The store key of a unit's report for a year.
pub fn key(unit: &UnitCode, year: i32) -> String {
    format!("{unit}/{year:04}")
}

/// The report's title, as published.
pub fn title(unit_name: &str, year: i32) -> String {
    format!("{unit_name}{year}年政府信息公开工作年度报告")
}
