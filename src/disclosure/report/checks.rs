//! The 勾稽 checks of table 三 (standards.md §4.2), pure. Each failure is a Chinese sentence
//! naming the column (or row) and both sides' numbers; finalising is refused while any
//! fails.

use super::tables::{CARRIED, FORWARD, NEW, ROWS, TOTAL, TOTAL_COL, Table3, col_name};

/// Last year's 四, to compare this year's 二 with.
pub struct LastYear<'a> {
    pub year: i32,
    pub table: &'a Table3,
}

/// Every failed check, in table order.
pub fn failures(t: &Table3, last: Option<LastYear<'_>>) -> Vec<String> {
    let mut out = Vec::new();
    for c in 0..=TOTAL_COL {
        let left = t.get(NEW, c) + t.get(CARRIED, c);
        let right = t.get(TOTAL, c) + t.get(FORWARD, c);
        if left != right {
            out.push(format!(
                "“{}”列：第一项加第二项之和（{left}）不等于第三项加第四项之和（{right}）",
                col_name(c)
            ));
        }
    }
    for c in 0..=TOTAL_COL {
        let total = t.get(TOTAL, c);
        let sum: u64 = ROWS
            .iter()
            .filter(|r| r.group.is_some())
            .map(|r| t.get(r.id, c))
            .sum();
        if total != sum {
            out.push(format!(
                "“{}”列：（七）总计（{total}）不等于（一）至（六）各项之和（{sum}）",
                col_name(c)
            ));
        }
    }
    for r in ROWS.iter() {
        let total = t.get(r.id, TOTAL_COL);
        let sum: u64 = (0..TOTAL_COL).map(|c| t.get(r.id, c)).sum();
        if total != sum {
            out.push(format!(
                "“{}”行：总计（{total}）不等于自然人与法人或其他组织各列之和（{sum}）",
                r.label
            ));
        }
    }
    if let Some(l) = last {
        for c in 0..=TOTAL_COL {
            let now = t.get(CARRIED, c);
            let before = l.table.get(FORWARD, c);
            if now != before {
                out.push(format!(
                    "“{}”列：二、上年结转政府信息公开申请数量（{now}）不等于{}年度报告的四、结转下年度继续办理（{before}）",
                    col_name(c),
                    l.year
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::disclosure::report::generate::finish;
    use crate::disclosure::report::model::Adjustment;

    fn adj(row: &str, col: &str, amount: u64) -> Adjustment {
        Adjustment {
            row: row.into(),
            col: col.into(),
            amount,
            note: String::new(),
            by: String::new(),
            at_ms: 0,
        }
    }

    #[test]
    fn consistent_adjustments_pass_and_a_lone_one_fails_by_name() {
        let base = Table3::default();
        let ok = finish(
            &base,
            &[
                adj("new", "person", 2),
                adj("1", "person", 1),
                adj("forward", "person", 1),
            ],
        );
        assert!(failures(&ok, None).is_empty(), "{:?}", failures(&ok, None));
        let bad = finish(&base, &[adj("new", "legal", 1)]);
        let f = failures(&bad, None);
        assert_eq!(f.len(), 2, "{f:?}");
        assert!(f[0].starts_with("“法人或其他组织·法律服务机构”列：第一项加第二项之和（1）"));
        let total_alone = finish(&base, &[adj("total", "total", 1)]);
        assert_eq!(failures(&total_alone, None).len(), 3);
    }
}
