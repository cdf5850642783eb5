//! Check rules for the demo district. The leaders are invented; the words are mild examples
//! of what a government site keeps out (gambling, scam advertising) or double-checks.

use super::content::{CheckRules, DEFAULT_EXTENSIONS, Severity, WordRule, WordingRule};

/// The district's own name (`site.name`, e.g. 示范区人民政府) as a required wording with two
/// typical wrong forms where they can be made from it (the pre-reorganisation 县 for 区, the
/// input-method slip 人名 for 人民); two invented leaders with wrong titles and characters;
/// a few forbidden and sensitive words; the default attachment types. Every rule passes
/// `CheckRules::validate`; a district name that could not be a rule (spaces, too long) is left out.
pub fn demo_rules(district: &str) -> CheckRules {
    let word = |w: &str, severity, note: &str| WordRule {
        word: w.to_owned(),
        severity,
        note: (!note.is_empty()).then(|| note.to_owned()),
    };
    let wording = |correct: &str, wrong: &[&str]| WordingRule {
        correct: correct.to_owned(),
        wrong: wrong.iter().map(|w| (*w).to_owned()).collect(),
        severity: Severity::Block,
    };
    let mut rules = CheckRules {
        words: vec![
            word("博彩", Severity::Block, "涉赌内容"),
            word("六合彩", Severity::Block, "涉赌内容"),
            word("网络赌场", Severity::Block, "涉赌内容"),
            word("代开发票", Severity::Block, "违法广告"),
            word("刷单返利", Severity::Block, "诈骗广告"),
            word("网传", Severity::Warn, "请核实信息来源"),
            word("史上最", Severity::Warn, "避免绝对化用语"),
            word("绝对安全", Severity::Warn, "避免绝对化承诺"),
        ],
        wordings: vec![
            // 区长 陈景行; 副区长 许清禾 (invented).
            wording("陈景行", &["陈敬行", "陈景航"]),
            wording("陈景行区长", &["陈景行副区长"]),
            wording("许清禾", &["徐清禾", "许青禾"]),
            wording("副区长许清禾", &["许清禾区长"]),
        ],
        allowed_extensions: DEFAULT_EXTENSIONS.iter().map(|e| (*e).to_owned()).collect(),
    };
    let name = district.trim();
    let mut wrong = Vec::new();
    if let Some(i) = name.rfind('区') {
        wrong.push(format!("{}县{}", &name[..i], &name[i + '区'.len_utf8()..]));
    }
    if name.contains("人民") {
        wrong.push(name.replacen("人民", "人名", 1));
    }
    if !wrong.is_empty() {
        let candidate = CheckRules {
            wordings: vec![WordingRule {
                correct: name.to_owned(),
                wrong,
                severity: Severity::Block,
            }],
            ..rules.clone()
        };
        if candidate.validate().is_ok() {
            rules.wordings.insert(0, candidate.wordings[0].clone());
            if rules.validate().is_err() {
                rules.wordings.remove(0);
            }
        }
    }
    rules
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::publishing::checks::content::{FindingKind, Input, LinkStatus, check};

    fn hits(rules: &CheckRules, text: &str) -> Vec<String> {
        let none = |_: &str| LinkStatus::NotInternal;
        check(
            rules,
            &Input {
                title: "",
                body_html: text,
                attachments: vec![],
                resolver: &none,
            },
        )
        .into_iter()
        .map(|f| match f.kind {
            FindingKind::WrongWording { correct } => format!("{}→{correct}", f.text),
            _ => f.text,
        })
        .collect()
    }

    #[test]
    fn demo_rules_are_valid_and_round_trip() {
        for district in ["示范区人民政府", "云溪区", "某某市", "  有 空格 区  ", ""]
        {
            let r = demo_rules(district);
            assert!(r.validate().is_ok(), "{district}: {:?}", r.validate());
            assert_eq!(CheckRules::parse(&r.to_text()).unwrap(), r, "{district}");
            assert!(r.words.iter().any(|w| w.severity == Severity::Block));
            assert!(r.words.iter().any(|w| w.severity == Severity::Warn));
            assert!(r.allowed_extensions.iter().any(|e| e == "pdf"));
        }
    }

    #[test]
    fn district_name_and_leaders() {
        let r = demo_rules("示范区人民政府");
        assert_eq!(r.wordings[0].correct, "示范区人民政府");
        assert_eq!(r.wordings[0].wrong, ["示范县人民政府", "示范区人名政府"]);
        assert_eq!(
            hits(&r, "<p>示范县人民政府、示范区人名政府、示范区人民政府</p>"),
            [
                "示范县人民政府→示范区人民政府",
                "示范区人名政府→示范区人民政府"
            ]
        );
        assert_eq!(
            hits(
                &r,
                "<p>陈景行区长、陈景行副区长、副区长许清禾、许清禾区长、徐清禾</p>"
            ),
            [
                "陈景行副区长→陈景行区长",
                "许清禾区长→副区长许清禾",
                "徐清禾→许清禾"
            ]
        );
        assert_eq!(hits(&r, "<p>网传某地开设博彩</p>"), ["网传", "博彩"]);
        // No county form for a name without 区, no 人名 form without 人民.
        assert_eq!(demo_rules("某某市").wordings.len(), 4);
    }
}
