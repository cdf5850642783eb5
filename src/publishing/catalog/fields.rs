//! The catalog fields' allowed values and their checks. The annual report reads `normative`
//! and `validity` exactly as written here, so these strings are fixed.

use time::Date;

/// 目录类别 that puts an item in the area's 公开制度 column.
pub const RULES_CATEGORY: &str = "公开制度";

/// 条例 第二十条: the fifteen categories every body publishes proactively.
pub const ARTICLE_20: [&str; 15] = [
    "行政法规、规章和规范性文件",
    "机关职能、机构设置、办公地址、办公时间、联系方式、负责人姓名",
    "规划及相关政策",
    "统计信息",
    "行政许可和其他对外管理服务事项的依据、条件、程序以及办理结果",
    "行政处罚、行政强制的依据、条件、程序及有一定社会影响的处罚决定",
    "财政预算、决算",
    "行政事业性收费项目及其依据、标准",
    "政府集中采购项目的目录、标准及实施情况",
    "重大建设项目的批准和实施情况",
    "扶贫、教育、医疗、社会保障、促进就业等方面的政策、措施及其实施情况",
    "突发公共事件的应急预案、预警信息及应对情况",
    "环境保护、公共卫生、安全生产、食品药品、产品质量的监督检查情况",
    "公务员招考的职位、名额、报考条件等事项以及录用结果",
    "法律、法规、规章和国家有关规定规定应当主动公开的其他政府信息",
];

/// 条例 第二十一条: what governments at county level (our district) publish besides.
pub const ARTICLE_21: [&str; 7] = [
    "市政建设",
    "公共服务",
    "公益事业",
    "土地征收",
    "房屋征收",
    "治安管理",
    "社会救助",
];

/// 文件属性 (table 二 of the annual report).
pub const NORMATIVE: [&str; 2] = ["规章", "行政规范性文件"];

/// 有效性 values; empty means not stated.
pub const VALIDITY: [&str; 3] = ["有效", "失效", "废止"];

/// 公开方式 other than the default 主动公开 (stored empty).
pub const ON_REQUEST: &str = "依申请公开";

/// Every 目录类别 the form offers, in order.
pub fn categories() -> impl Iterator<Item = &'static str> {
    ARTICLE_20
        .iter()
        .chain(ARTICLE_21.iter())
        .copied()
        .chain(std::iter::once(RULES_CATEGORY))
}

/// The 有效性 as the catalog shows and filters it: older data said 已废止 (= 废止) and
/// 已修改 (amended, still in force).
pub fn validity_of(stored: &str) -> &str {
    match stored {
        "已废止" => "废止",
        "已修改" => "有效",
        v => v,
    }
}

/// The form's example 文号, shown in every message about one.
pub const DOC_NO_EXAMPLE: &str = "东政办发〔2026〕12号";

/// Checks a 文号 `{机关代字}〔YYYY〕N号`; the message says what is wrong and shows the right
/// form.
pub fn check_doc_no(s: &str) -> Result<(), String> {
    let right = format!("请按“机关代字〔年份〕序号号”填写，如 {DOC_NO_EXAMPLE}");
    if s.contains([
        '[', ']', '(', ')', '（', '）', '【', '】', '［', '］', '〈', '〉', '{', '}',
    ]) {
        return Err(format!("年份须用六角括号〔〕括起，{right}"));
    }
    let Some((agency, rest)) = s.split_once('〔') else {
        return Err(format!("文号缺少用六角括号〔〕括起的年份，{right}"));
    };
    let Some((year, serial)) = rest.split_once('〕') else {
        return Err(format!("文号的年份缺少右括号〕，{right}"));
    };
    if agency.trim().is_empty() || agency.chars().any(char::is_whitespace) {
        return Err(format!("文号须以机关代字开头，不含空格，{right}"));
    }
    let year_ok = year.len() == 4
        && year.chars().all(|c| c.is_ascii_digit())
        && year
            .parse::<i32>()
            .is_ok_and(|y| (1949..=2100).contains(&y));
    if !year_ok {
        return Err(format!("文号中的年份须是四位数字，{right}"));
    }
    let Some(n) = serial.strip_suffix('号') else {
        return Err(format!("文号须以“号”结尾，{right}"));
    };
    if n.is_empty() || !n.chars().all(|c| c.is_ascii_digit()) || n.starts_with('0') {
        return Err(format!("文号的序号须是数字（不以 0 开头），{right}"));
    }
    Ok(())
}

/// A real calendar date written `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Option<Date> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    if s.len() != 10 {
        return None;
    }
    Date::parse(s, &fmt).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_numbers() {
        assert!(check_doc_no("东政办发〔2026〕12号").is_ok());
        assert!(check_doc_no("国办发〔2017〕47号").is_ok());
        for bad in [
            "东政办发[2026]12号",
            "东政办发（2026）12号",
            "东政办发【2026】12号",
            "东政办发(2026)12号",
        ] {
            let e = check_doc_no(bad).unwrap_err();
            assert!(
                e.contains("六角括号") && e.contains(DOC_NO_EXAMPLE),
                "{bad}: {e}"
            );
        }
        assert!(
            check_doc_no("东政办发〔2026〕12")
                .unwrap_err()
                .contains("号")
        );
        assert!(check_doc_no("〔2026〕12号").is_err());
        assert!(check_doc_no("东政办发〔26〕12号").is_err());
        assert!(check_doc_no("东政办发2026年12号").is_err());
        assert!(check_doc_no("东政办发〔2026〕012号").is_err());
    }

    #[test]
    fn dates_are_real() {
        assert!(parse_date("2026-02-28").is_some());
        assert!(parse_date("2026-02-30").is_none());
        assert!(parse_date("2026-2-3").is_none());
        assert!(parse_date("2026/02/03").is_none());
    }

    #[test]
    fn old_validity_words_read_as_today_s() {
        assert_eq!(validity_of("已废止"), "废止");
        assert_eq!(validity_of("失效"), "失效");
    }
}
