//! The three tables of the 2021 format (国办公开办函〔2021〕30号) as values, with their exact
//! row and column labels (standards.md §4). Table 三's rows are the taxonomy of
//! `requests::outcome` between 一、二 and （七）、四.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use super::fee::Fee;
use crate::disclosure::requests::model::{ApplicantKind, CaseKind, CaseResult};
use crate::disclosure::requests::outcome::{Group, OUTCOMES};

/// Table 三's top-left cell.
pub const NOTE: &str = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）";
pub const APPLICANTS: &str = "申请人情况";
pub const ORGANISATIONS: &str = "法人或其他组织";
pub const RESULTS: &str = "三、本年度办理结果";

pub const NEW: &str = "new";
pub const CARRIED: &str = "carried";
pub const TOTAL: &str = "total";
pub const FORWARD: &str = "forward";

/// A numeric row of table 三.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowDef {
    /// "new", "carried", an outcome code ("1" … "6.3"), "total", "forward".
    pub id: &'static str,
    /// The row's own label, exactly as in the format.
    pub label: &'static str,
    /// The group a result row belongs to; `None` for 一、二、（七）、四.
    pub group: Option<Group>,
    /// Sub-rows of （三）…（六）: the group's label stands beside them.
    pub is_leaf: bool,
}

/// Every numeric row, in table order (25).
pub static ROWS: LazyLock<Vec<RowDef>> = LazyLock::new(|| {
    let mut v = vec![
        RowDef {
            id: NEW,
            label: "一、本年新收政府信息公开申请数量",
            group: None,
            is_leaf: false,
        },
        RowDef {
            id: CARRIED,
            label: "二、上年结转政府信息公开申请数量",
            group: None,
            is_leaf: false,
        },
    ];
    for d in OUTCOMES {
        let single = matches!(d.group, Group::Disclosed | Group::Partly);
        v.push(RowDef {
            id: d.code,
            label: if single { d.group.row_label() } else { d.label },
            group: Some(d.group),
            is_leaf: !single,
        });
    }
    v.push(RowDef {
        id: TOTAL,
        label: "（七）总计",
        group: None,
        is_leaf: false,
    });
    v.push(RowDef {
        id: FORWARD,
        label: "四、结转下年度继续办理",
        group: None,
        is_leaf: false,
    });
    v
});

pub fn row(id: &str) -> Option<&'static RowDef> {
    ROWS.iter().find(|r| r.id == id)
}

/// Whether a row is one of the results (（一）…（七）), under 三、本年度办理结果.
pub fn is_result(r: &RowDef) -> bool {
    r.group.is_some() || r.id == TOTAL
}

/// The seven numeric columns: the six applicant kinds, then 总计.
pub const NCOLS: usize = 7;
pub const TOTAL_COL: usize = 6;

pub fn col_id(c: usize) -> &'static str {
    ApplicantKind::ALL.get(c).map_or(TOTAL, |k| k.id())
}

pub fn col_label(c: usize) -> &'static str {
    ApplicantKind::ALL.get(c).map_or("总计", |k| k.label())
}

pub fn col_index(id: &str) -> Option<usize> {
    (0..NCOLS).find(|&c| col_id(c) == id)
}

/// A column as the checks name it: "自然人", "法人或其他组织·商业企业", "总计".
pub fn col_name(c: usize) -> String {
    match c {
        0 | TOTAL_COL => col_label(c).to_owned(),
        _ => format!("{ORGANISATIONS}·{}", col_label(c)),
    }
}

/// Table 三: every numeric row × the seven columns.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table3 {
    pub rows: BTreeMap<String, [u64; NCOLS]>,
}

impl Table3 {
    pub fn get(&self, row: &str, col: usize) -> u64 {
        self.rows
            .get(row)
            .and_then(|r| r.get(col))
            .copied()
            .unwrap_or(0)
    }
    pub fn add(&mut self, row: &str, col: usize, n: u64) {
        let r = self.rows.entry(row.to_owned()).or_insert([0; NCOLS]);
        if let Some(c) = r.get_mut(col) {
            *c = c.saturating_add(n);
        }
    }
    /// Cell by cell sum (the roll-up).
    pub fn plus(&mut self, o: &Table3) {
        for (row, cells) in &o.rows {
            for (c, n) in cells.iter().enumerate() {
                self.add(row, c, *n);
            }
        }
    }
}

/// Table 二's figures.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table2 {
    /// 规章: 本年制发件数, 本年废止件数, 现行有效件数.
    pub rules: [u64; 3],
    /// 行政规范性文件: the same three.
    pub normative: [u64; 3],
    /// 行政许可, 行政处罚, 行政强制: 本年处理决定数量.
    pub permits: u64,
    pub penalties: u64,
    pub enforcement: u64,
    /// 行政事业性收费: 本年收费金额（单位：万元）.
    pub fees: Fee,
}

pub const T2_COLS: [&str; 3] = ["本年制发件数", "本年废止件数", "现行有效件数"];
pub const T2_DECISIONS: &str = "本年处理决定数量";
pub const T2_FEES: &str = "本年收费金额（单位：万元）";
pub const T2_CONTENT: &str = "信息内容";

/// Table 四: three groups (复议, 直接起诉, 复议后起诉) × 维持, 纠正, 其他, 尚未审结, 总计.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table4 {
    pub cells: [[u64; 5]; 3],
}

pub const T4_RESULTS: [&str; 5] = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"];
pub const T4_RECONSIDERATION: &str = "行政复议";
pub const T4_LITIGATION: &str = "行政诉讼";
pub const T4_SUITS: [&str; 2] = ["未经复议直接起诉", "复议后起诉"];

impl Table4 {
    pub fn count(&mut self, kind: CaseKind, result: CaseResult) {
        let g = CaseKind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
        let r = CaseResult::ALL
            .iter()
            .position(|k| *k == result)
            .unwrap_or(0);
        if let Some(row) = self.cells.get_mut(g) {
            row[r] += 1;
            row[4] += 1;
        }
    }
    pub fn plus(&mut self, o: &Table4) {
        for (a, b) in self.cells.iter_mut().zip(o.cells.iter()) {
            for (x, y) in a.iter_mut().zip(b.iter()) {
                *x += y;
            }
        }
    }
    /// The 15 cells of the one data row, left to right.
    pub fn flat(&self) -> Vec<u64> {
        self.cells.iter().flatten().copied().collect()
    }
}

/// The three tables of one report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tables {
    pub t2: Table2,
    pub t3: Table3,
    pub t4: Table4,
}

/// The six sections' headings, in order.
pub const HEADINGS: [&str; 6] = [
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twenty_five_rows_with_the_formats_labels() {
        assert_eq!(ROWS.len(), 25);
        assert_eq!(
            row("2").map(|r| r.label),
            Some("（二）部分公开（区分处理的，只计这一情形，不计其他情形）")
        );
        assert_eq!(row("3.1").map(|r| r.label), Some("1.属于国家秘密"));
        assert_eq!(col_index("total"), Some(TOTAL_COL));
        assert_eq!(col_name(1), "法人或其他组织·商业企业");
    }
}
