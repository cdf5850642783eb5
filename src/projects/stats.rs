//! 百件实事 figures for 统计分析 (`/admin/stats`): a year's projects per responsible unit and
//! status, as the public sees them (from published updates).

use redb::ReadTransaction;

use super::model::Status;
use super::store;
use crate::auth::model::UnitCode;
use crate::auth::units::Units;
use crate::error::Result;

/// One unit's row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitFigures {
    pub unit: UnitCode,
    pub name: String,
    /// Per status, in `Status::ALL` order (未开工, 进行中, 已完成, 延期).
    pub by_status: [u32; 4],
    /// Past the planned date and not finished.
    pub overdue: u32,
}

impl UnitFigures {
    pub fn total(&self) -> u32 {
        self.by_status.iter().sum()
    }
}

/// The table's column heads.
pub const HEADERS: [&str; 7] = [
    "责任单位",
    "项目数",
    "未开工",
    "进行中",
    "已完成",
    "延期",
    "超期未完成",
];

/// Every unit with projects in `year`, in the unit tree's order.
pub fn figures(
    txn: &ReadTransaction,
    units: &Units,
    year: i32,
    today: time::Date,
) -> Result<Vec<UnitFigures>> {
    let Ok(y) = u16::try_from(year) else {
        return Ok(Vec::new());
    };
    let projects = store::of_year(txn, y)?;
    let mut out = Vec::new();
    for (_, u) in crate::auth::store::tree_order(&units.units) {
        let mine: Vec<_> = projects.iter().filter(|p| p.unit == u.code).collect();
        if mine.is_empty() {
            continue;
        }
        let mut by_status = [0u32; 4];
        for p in &mine {
            by_status[p.progress.status.index()] += 1;
        }
        out.push(UnitFigures {
            unit: u.code.clone(),
            name: u.name.clone(),
            by_status,
            overdue: u32::try_from(mine.iter().filter(|p| p.overdue(today)).count())
                .unwrap_or(u32::MAX),
        });
    }
    Ok(out)
}

/// The columns of a row after the unit's name.
pub fn columns(f: &UnitFigures) -> [u32; 6] {
    let s = |x: Status| f.by_status[x.index()];
    [
        f.total(),
        s(Status::NotStarted),
        s(Status::InProgress),
        s(Status::Done),
        s(Status::Delayed),
        f.overdue,
    ]
}
