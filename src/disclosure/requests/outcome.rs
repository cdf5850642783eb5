//! The reply outcomes (答复结果) of a disclosure request: exactly the leaves of table 三 of the
//! annual report (国办公开办函〔2021〕30号), so every reply counts in one row of the report.
//! A reply picks one leaf by its code (`"3.4"`: 不予公开 / 保护第三方合法权益).

use serde::{Deserialize, Serialize};

/// The six groups of table 三 (rows （一） to （六）).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Group {
    Disclosed,
    Partly,
    NotDisclosed,
    CannotProvide,
    NotProcessed,
    Other,
}

impl Group {
    pub const ALL: [Group; 6] = [
        Group::Disclosed,
        Group::Partly,
        Group::NotDisclosed,
        Group::CannotProvide,
        Group::NotProcessed,
        Group::Other,
    ];
    /// The row label in table 三, with its number.
    pub fn row_label(self) -> &'static str {
        match self {
            Group::Disclosed => "（一）予以公开",
            Group::Partly => "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
            Group::NotDisclosed => "（三）不予公开",
            Group::CannotProvide => "（四）无法提供",
            Group::NotProcessed => "（五）不予处理",
            Group::Other => "（六）其他处理",
        }
    }
    /// The short name, as staff and requesters see it.
    pub fn label(self) -> &'static str {
        match self {
            Group::Disclosed => "予以公开",
            Group::Partly => "部分公开",
            Group::NotDisclosed => "不予公开",
            Group::CannotProvide => "无法提供",
            Group::NotProcessed => "不予处理",
            Group::Other => "其他处理",
        }
    }
}

/// One leaf of the taxonomy.
#[derive(Debug, PartialEq, Eq)]
pub struct OutcomeDef {
    /// "1", "2", or "{group}.{n}" as in table 三: "3.1" … "6.3".
    pub code: &'static str,
    pub group: Group,
    /// The sub-row label in table 三 ("1.属于国家秘密"); for 予以公开 and 部分公开 the group's.
    pub label: &'static str,
    /// The reply must say why (不予公开 and 部分公开, and where the 条例 asks for reasons).
    pub needs_reason: bool,
}

const fn o(
    code: &'static str,
    group: Group,
    label: &'static str,
    needs_reason: bool,
) -> OutcomeDef {
    OutcomeDef {
        code,
        group,
        label,
        needs_reason,
    }
}

/// Every outcome, in table order.
pub static OUTCOMES: &[OutcomeDef] = &[
    o("1", Group::Disclosed, "予以公开", false),
    o("2", Group::Partly, "部分公开", true),
    o("3.1", Group::NotDisclosed, "1.属于国家秘密", true),
    o(
        "3.2",
        Group::NotDisclosed,
        "2.其他法律行政法规禁止公开",
        true,
    ),
    o("3.3", Group::NotDisclosed, "3.危及“三安全一稳定”", true),
    o("3.4", Group::NotDisclosed, "4.保护第三方合法权益", true),
    o("3.5", Group::NotDisclosed, "5.属于三类内部事务信息", true),
    o("3.6", Group::NotDisclosed, "6.属于四类过程性信息", true),
    o("3.7", Group::NotDisclosed, "7.属于行政执法案卷", true),
    o("3.8", Group::NotDisclosed, "8.属于行政查询事项", true),
    o(
        "4.1",
        Group::CannotProvide,
        "1.本机关不掌握相关政府信息",
        true,
    ),
    o(
        "4.2",
        Group::CannotProvide,
        "2.没有现成信息需要另行制作",
        true,
    ),
    o(
        "4.3",
        Group::CannotProvide,
        "3.补正后申请内容仍不明确",
        true,
    ),
    o("5.1", Group::NotProcessed, "1.信访举报投诉类申请", true),
    o("5.2", Group::NotProcessed, "2.重复申请", true),
    o("5.3", Group::NotProcessed, "3.要求提供公开出版物", true),
    o("5.4", Group::NotProcessed, "4.无正当理由大量反复申请", true),
    o(
        "5.5",
        Group::NotProcessed,
        "5.要求行政机关确认或重新出具已获取信息",
        true,
    ),
    o(
        "6.1",
        Group::Other,
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        false,
    ),
    o(
        "6.2",
        Group::Other,
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        false,
    ),
    o("6.3", Group::Other, "3.其他", true),
];

/// A chosen outcome: one leaf of `OUTCOMES`, stored as its code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Outcome(&'static OutcomeDef);

impl Outcome {
    pub fn parse(code: &str) -> Option<Outcome> {
        OUTCOMES.iter().find(|d| d.code == code).map(Outcome)
    }
    pub fn def(self) -> &'static OutcomeDef {
        self.0
    }
    pub fn code(self) -> &'static str {
        self.0.code
    }
    pub fn group(self) -> Group {
        self.0.group
    }
    /// "不予公开：4.保护第三方合法权益", or "予以公开".
    pub fn full_label(self) -> String {
        match self.0.group {
            Group::Disclosed | Group::Partly => self.0.group.label().to_owned(),
            g => format!("{}：{}", g.label(), self.0.label),
        }
    }
    /// The outcome a request closed for want of 补正 gets (row 六.1).
    pub fn abandoned() -> Outcome {
        Outcome(&OUTCOMES[18])
    }
}

impl TryFrom<String> for Outcome {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Outcome::parse(&s).ok_or_else(|| format!("unknown outcome {s}"))
    }
}

impl From<Outcome> for String {
    fn from(o: Outcome) -> String {
        o.0.code.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twenty_one_leaves_with_unique_codes() {
        assert_eq!(OUTCOMES.len(), 21);
        for (i, d) in OUTCOMES.iter().enumerate() {
            assert!(OUTCOMES[..i].iter().all(|e| e.code != d.code), "{}", d.code);
            assert_eq!(Outcome::parse(d.code).map(Outcome::code), Some(d.code));
        }
        assert_eq!(Outcome::abandoned().code(), "6.1");
        let n = |g| OUTCOMES.iter().filter(|d| d.group == g).count();
        assert_eq!(
            Group::ALL.map(n),
            [1, 1, 8, 3, 5, 3],
            "the sub-rows of table 三"
        );
    }
}
