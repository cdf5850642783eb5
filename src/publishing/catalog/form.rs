//! The item form's catalog fields (政府信息公开目录信息): their values from an item, their
//! markup, and the posted values checked. 索引号 is shown, never posted: the system gives it
//! at publication (`index_no`).

use maud::{Markup, html};

use super::codes::Codes;
use super::fields::{
    self, DOC_NO_EXAMPLE, NORMATIVE, ON_REQUEST, VALIDITY, check_doc_no, parse_date, validity_of,
};
use crate::http::extract::Posted;
use crate::portal::model::DisclosureMeta;
use crate::views::form::{self, Field, FormState};

/// The form's field names, in the order shown.
pub const NAMES: [&str; 11] = [
    "doc_no",
    "issuer",
    "written_date",
    "changed_date",
    "topic",
    "genre",
    "category",
    "normative",
    "validity",
    "validity_date",
    "mode",
];

/// The form's values for a stored item's fields.
pub fn values(m: &DisclosureMeta) -> Vec<(String, String)> {
    let mode = if m.mode == ON_REQUEST {
        ON_REQUEST
    } else {
        "主动公开"
    };
    vec![
        ("index_no".into(), m.index_no.clone()),
        ("doc_no".into(), m.doc_no.clone()),
        ("issuer".into(), m.issuer.clone()),
        ("written_date".into(), m.written_date.clone()),
        ("changed_date".into(), m.changed_date.clone()),
        ("topic".into(), m.topic.clone()),
        ("genre".into(), m.genre.clone()),
        ("category".into(), m.category.clone()),
        ("normative".into(), m.normative.clone()),
        ("validity".into(), validity_of(&m.validity).to_owned()),
        ("validity_date".into(), m.validity_date.clone()),
        ("mode".into(), mode.into()),
    ]
}

/// Options: "" first (labelled `none`), the entries, and the current value when the table
/// no longer has it (so saving does not lose it unseen).
fn options<'a>(
    none: &str,
    entries: impl Iterator<Item = &'a str>,
    cur: &str,
) -> Vec<(String, String)> {
    let mut v = vec![(String::new(), none.to_owned())];
    for e in entries {
        v.push((e.to_owned(), e.to_owned()));
    }
    if !cur.is_empty() && !v.iter().any(|(k, _)| k == cur) {
        v.push((cur.to_owned(), format!("{cur}（已不在分类表中）")));
    }
    v
}

/// The fieldset inside the item form.
pub fn markup(fs: &FormState, codes: &Codes) -> Markup {
    let open = NAMES.iter().any(|n| {
        fs.error(n).is_some() || (!fs.value(n).is_empty() && *n != "mode" && *n != "issuer")
    }) || !fs.value("index_no").is_empty();
    let index_no = fs.value("index_no");
    let topics = options(
        "（不选）",
        codes.topics.iter().map(String::as_str),
        fs.value("topic"),
    );
    let genres = options(
        "（不选）",
        codes.genres.iter().map(String::as_str),
        fs.value("genre"),
    );
    let cats = options("（不列入）", fields::categories(), fs.value("category"));
    let normative = options(
        "（一般文件）",
        NORMATIVE.iter().copied(),
        fs.value("normative"),
    );
    let validity = options("（不标注）", VALIDITY.iter().copied(), fs.value("validity"));
    let modes: Vec<(String, String)> = ["主动公开", ON_REQUEST]
        .iter()
        .map(|m| ((*m).to_owned(), (*m).to_owned()))
        .collect();
    html! {
        details.disclosure-meta open[open] {
            summary { "政府信息公开目录信息（主动公开的信息和政策文件填写）" }
            div.field-row {
                div.field {
                    label for="f-index_no" { "索引号" }
                    p.hint id="f-index_no-hint" { "发布时自动生成，生成后不能修改" }
                    input id="f-index_no" type="text" readonly value=(if index_no.is_empty() { "发布时自动生成" } else { index_no }) aria-describedby="f-index_no-hint";
                }
                (form::field(&Field::new("doc_no", "文号").optional().hint(&format!("年份用六角括号，如 {DOC_NO_EXAMPLE}")), fs))
            }
            div.field-row {
                (form::field(&Field::new("issuer", "发文机关").optional().hint("联合发文填主办机关；不填时为本单位名称"), fs))
                (form::field(&Field::new("written_date", "成文日期").kind("date").optional(), fs))
            }
            div.field-row {
                (form::field(&Field::new("changed_date", "形成或变更日期").kind("date").optional().hint("晚于成文日期时填写；应在此后 20 个工作日内公开"), fs))
                (form::select("mode", "公开方式", &modes, fs))
            }
            div.field-row {
                (form::select("topic", "主题分类", &topics, fs))
                (form::select("genre", "体裁分类", &genres, fs))
            }
            (form::select("category", "目录类别（法定主动公开内容或公开制度）", &cats, fs))
            div.field-row {
                (form::select("normative", "文件属性", &normative, fs))
                (form::select("validity", "有效性", &validity, fs))
            }
            (form::field(&Field::new("validity_date", "失效或废止日期").kind("date").optional().hint("有效性为失效或废止时必填"), fs))
        }
    }
}

fn text(p: &Posted, name: &str, max: usize, label: &str, fs: &mut FormState) -> String {
    let v = p.get(name).trim().to_owned();
    if v.chars().count() > max {
        fs.add_error(name, format!("{label}不超过 {max} 个字"));
    }
    v
}

fn date(p: &Posted, name: &str, label: &str, fs: &mut FormState) -> String {
    let v = p.get(name).trim().to_owned();
    if !v.is_empty() && parse_date(&v).is_none() {
        fs.add_error(
            name,
            format!("{label}须是真实的日期，按 2026-11-26 的格式填写"),
        );
    }
    v
}

/// One choice from a list (or the value the item already holds).
fn choice(
    p: &Posted,
    name: &str,
    allowed: &[&str],
    held: &str,
    msg: &str,
    fs: &mut FormState,
) -> String {
    let v = p.get(name).trim().to_owned();
    if !v.is_empty() && v != held && !allowed.contains(&v.as_str()) {
        fs.add_error(name, msg);
    }
    v
}

/// The posted catalog fields, checked against the code tables; `held` is the stored item's
/// (its values stay allowed even when a table dropped them). The index number is `held`'s.
pub fn parse(
    p: &Posted,
    codes: &Codes,
    held: &DisclosureMeta,
    fs: &mut FormState,
) -> DisclosureMeta {
    let doc_no = text(p, "doc_no", 60, "文号", fs);
    if !doc_no.is_empty()
        && fs.error("doc_no").is_none()
        && let Err(e) = check_doc_no(&doc_no)
    {
        fs.add_error("doc_no", e);
    }
    let written_date = date(p, "written_date", "成文日期", fs);
    let changed_date = date(p, "changed_date", "形成或变更日期", fs);
    if let (Some(w), Some(c)) = (parse_date(&written_date), parse_date(&changed_date))
        && c < w
    {
        fs.add_error("changed_date", "形成或变更日期不能早于成文日期");
    }
    let topics: Vec<&str> = codes.topics.iter().map(String::as_str).collect();
    let genres: Vec<&str> = codes.genres.iter().map(String::as_str).collect();
    let cats: Vec<&str> = fields::categories().collect();
    let topic = choice(p, "topic", &topics, &held.topic, "请从主题分类表中选择", fs);
    let genre = choice(p, "genre", &genres, &held.genre, "请从体裁分类表中选择", fs);
    let category = choice(
        p,
        "category",
        &cats,
        &held.category,
        "请从所列目录类别中选择",
        fs,
    );
    let normative = choice(
        p,
        "normative",
        &NORMATIVE,
        "",
        "文件属性只能是规章或行政规范性文件",
        fs,
    );
    let mut validity = choice(
        p,
        "validity",
        &VALIDITY,
        "",
        "有效性只能是有效、失效或废止",
        fs,
    );
    let validity_date = date(p, "validity_date", "失效或废止日期", fs);
    let ended = validity == "失效" || validity == "废止";
    if ended && validity_date.is_empty() {
        fs.add_error(
            "validity_date",
            format!("有效性为{validity}时，请填写{validity}日期"),
        );
    }
    if !ended && !validity_date.is_empty() {
        fs.add_error(
            "validity_date",
            "只有失效或废止的文件填写此日期，请先选择有效性",
        );
    }
    if let (Some(w), Some(v)) = (parse_date(&written_date), parse_date(&validity_date))
        && v < w
    {
        fs.add_error("validity_date", "失效或废止日期不能早于成文日期");
    }
    // A 规章 or 行政规范性文件 is in force unless said otherwise (table 二 counts them).
    if !normative.is_empty() && validity.is_empty() {
        validity = "有效".into();
    }
    let mode = match p.get("mode").trim() {
        "" | "主动公开" => String::new(),
        ON_REQUEST => ON_REQUEST.to_owned(),
        _ => {
            fs.add_error("mode", "公开方式只能是主动公开或依申请公开");
            String::new()
        }
    };
    DisclosureMeta {
        index_no: held.index_no.clone(),
        doc_no,
        issuer: text(p, "issuer", 60, "发文机关", fs),
        written_date,
        topic,
        validity,
        genre,
        category,
        normative,
        validity_date,
        mode,
        changed_date,
    }
}
