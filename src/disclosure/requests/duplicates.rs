//! Possible repeat requests (第三十六条第六项, 重复申请): the same applicant — the same
//! certificate number, or the same name and phone — asking for much the same information
//! (most of the two descriptions' character pairs shared). Suggested to staff, never decided.

use std::collections::HashSet;

use super::model::DisclosureRequest;

/// How alike two texts are: shared adjacent-character pairs over all pairs (Jaccard).
pub fn likeness(a: &str, b: &str) -> f64 {
    let pairs = |s: &str| -> HashSet<(char, char)> {
        let cs: Vec<char> = s.chars().filter(|c| c.is_alphanumeric()).collect();
        cs.windows(2).map(|w| (w[0], w[1])).collect()
    };
    let (x, y) = (pairs(a), pairs(b));
    if x.is_empty() || y.is_empty() {
        return 0.0;
    }
    let shared = x.intersection(&y).count() as f64;
    shared / (x.len() as f64 + y.len() as f64 - shared)
}

fn same_applicant(a: &DisclosureRequest, b: &DisclosureRequest) -> bool {
    let (x, y) = (&a.applicant, &b.applicant);
    (!x.id_number.is_empty() && x.id_number.eq_ignore_ascii_case(&y.id_number))
        || (x.name == y.name && x.phone == y.phone)
}

/// The earlier requests `r` may repeat, most alike first.
pub fn suggest<'a>(
    r: &DisclosureRequest,
    all: &'a [DisclosureRequest],
) -> Vec<&'a DisclosureRequest> {
    let text = |q: &DisclosureRequest| {
        format!(
            "{}{}{}",
            q.wanted.name, q.wanted.doc_no, q.wanted.description
        )
    };
    let mine = text(r);
    let mut found: Vec<(f64, &DisclosureRequest)> = all
        .iter()
        .filter(|o| o.id != r.id && o.submitted_ms <= r.submitted_ms && o.unit == r.unit)
        .filter(|o| same_applicant(r, o))
        .map(|o| (likeness(&mine, &text(o)), o))
        .filter(|(l, _)| *l >= 0.5)
        .collect();
    found.sort_by(|a, b| b.0.total_cmp(&a.0));
    found.into_iter().map(|(_, o)| o).collect()
}

#[cfg(test)]
mod tests {
    use super::likeness;

    #[test]
    fn likeness_of_texts() {
        assert!(likeness("2025年区财政预算执行情况", "2025年区财政预算执行情况。") > 0.99);
        assert!(likeness("2025年区财政预算执行情况", "请提供2025年区财政预算执行情况") > 0.5);
        assert!(likeness("2025年区财政预算执行情况", "某小区拆迁补偿标准") < 0.2);
        assert_eq!(likeness("", "x"), 0.0);
    }
}
