//! Fictitious names and places only.

use super::*;

mod links;

const RULES: &str = "\
# 测试规则
禁用词 违禁甲 内部测试用
敏感词 敏感乙
禁用词 ABC
规范 云溪示范区人民政府 = 云溪示范区政府办, 云溪区政府
规范 林知远区长 = 林知远副区长，林志远区长
规范 副区长周若溪 = 区长周若溪
建议规范 云溪示范区 = 云西示范区
附件类型 pdf .DOCX xlsx
";

fn rules() -> CheckRules {
    CheckRules::parse(RULES).expect("rules parse")
}

fn no_links(_: &str) -> LinkStatus {
    LinkStatus::NotInternal
}

fn run(title: &str, body: &str) -> Vec<Finding> {
    let r = rules();
    check(
        &r,
        &Input {
            title,
            body_html: body,
            attachments: vec![],
            resolver: &no_links,
        },
    )
}

fn texts(f: &[Finding]) -> Vec<(&str, usize, usize)> {
    f.iter()
        .map(|f| (f.text.as_str(), f.start, f.end))
        .collect()
}

// ---- rules and the text format ----

#[test]
fn parses_every_line_kind() {
    let r = rules();
    assert_eq!(r.words.len(), 3);
    assert_eq!(r.words[0].word, "违禁甲");
    assert_eq!(r.words[0].severity, Severity::Block);
    assert_eq!(r.words[0].note.as_deref(), Some("内部测试用"));
    assert_eq!(r.words[1].severity, Severity::Warn);
    assert_eq!(r.words[1].note, None);
    assert_eq!(r.wordings.len(), 4);
    assert_eq!(r.wordings[1].correct, "林知远区长");
    assert_eq!(r.wordings[1].wrong, ["林知远副区长", "林志远区长"]);
    assert_eq!(r.wordings[3].severity, Severity::Warn);
    assert_eq!(r.allowed_extensions, ["pdf", "docx", "xlsx"]);
}

#[test]
fn text_format_round_trips() {
    let r = rules();
    assert_eq!(CheckRules::parse(&r.to_text()).unwrap(), r);
    let d = CheckRules::default();
    assert_eq!(CheckRules::parse(&d.to_text()).unwrap(), d);
    assert!(r.validate().is_ok());
}

#[test]
fn rules_serialize_as_json() {
    let r = rules();
    let j = serde_json::to_string(&r).unwrap();
    assert!(j.contains("\"severity\":\"block\""), "{j}");
    assert_eq!(serde_json::from_str::<CheckRules>(&j).unwrap(), r);
    // Missing fields take their defaults.
    let r2: CheckRules =
        serde_json::from_str(r#"{"wordings":[{"correct":"甲乙","wrong":["乙甲"]}]}"#).unwrap();
    assert_eq!(r2.wordings[0].severity, Severity::Block);
    assert!(r2.words.is_empty());
}

#[test]
fn parser_errors_carry_line_numbers() {
    let text = "\
禁用词 好词
不认识 某词
规范 正确 错误
规范 同样 = 同样
敏感词 好词
规范 甲乙丙 =
附件类型 p-d-f
禁用词
";
    let e = CheckRules::parse(text).unwrap_err();
    let lines: Vec<usize> = e.0.iter().map(|e| e.line).collect();
    assert_eq!(lines, [2, 3, 4, 5, 6, 7, 8], "{e}");
    let s = e.to_string();
    assert!(s.contains("第 2 行：无法识别「不认识」"), "{s}");
    assert!(s.contains("第 3 行：缺少「=」"), "{s}");
    assert!(s.contains("第 4 行：错误写法「同样」与正确写法相同"), "{s}");
    assert!(
        s.contains("第 5 行：「好词」已在第 1 行作为禁用词列出"),
        "{s}"
    );
    assert!(s.contains("第 6 行：「甲乙丙」至少要写一个错误写法"), "{s}");
    assert!(s.contains("第 7 行：扩展名「p-d-f」无效"), "{s}");
    assert!(s.contains("第 8 行：缺少词语"), "{s}");
}

#[test]
fn parser_refuses_contradictions_across_lines() {
    // A wrong form that is another rule's correct form, and duplicates differing only in case.
    let e = CheckRules::parse("规范 甲乙 = 乙甲\n规范 乙甲 = 甲甲\n禁用词 abc\n禁用词 ＡBC\n")
        .unwrap_err();
    let s = e.to_string();
    assert!(
        s.contains("第 2 行：「乙甲」已在第 1 行作为错误写法列出"),
        "{s}"
    );
    assert!(
        s.contains("第 4 行：「ＡBC」已在第 3 行作为禁用词列出"),
        "{s}"
    );
}

#[test]
fn parser_accepts_full_width_separators_and_blank_lines() {
    let r = CheckRules::parse("\n   \n# 注释\n规范　正确甲＝错甲、错乙；错丙\n").unwrap();
    assert_eq!(r.wordings[0].correct, "正确甲");
    assert_eq!(r.wordings[0].wrong, ["错甲", "错乙", "错丙"]);
    assert!(r.allowed_extensions.is_empty());
}

#[test]
fn validate_catches_bad_stored_rules() {
    let mut r = rules();
    r.words.push(WordRule {
        word: "两 个".into(),
        severity: Severity::Block,
        note: None,
    });
    assert!(r.validate().is_err());
}

// ---- words ----

#[test]
fn forbidden_word_in_title_and_body() {
    let f = run("关于违禁甲的通知", "<p>正文提到违禁甲。</p>");
    assert_eq!(f.len(), 2);
    assert_eq!(f[0].place, Place::Title);
    assert_eq!(f[0].kind, FindingKind::ForbiddenWord);
    assert_eq!(f[0].severity, Severity::Block);
    assert_eq!((f[0].start, f[0].end), (2, 5));
    assert_eq!(f[0].message, "含禁用词「违禁甲」（内部测试用）");
    assert_eq!(f[1].place, Place::Body);
    assert_eq!((f[1].start, f[1].end), (4, 7));
    assert!(blocking(&f));
}

#[test]
fn sensitive_word_only_warns() {
    let f = run("", "<p>敏感乙</p>");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].severity, Severity::Warn);
    assert!(f[0].message.contains("含敏感词「敏感乙」"));
    assert!(!blocking(&f));
}

#[test]
fn every_occurrence_is_found() {
    let f = run("", "<p>违禁甲、违禁甲</p><p>又是违禁甲</p>");
    assert_eq!(
        texts(&f),
        [("违禁甲", 0, 3), ("违禁甲", 4, 7), ("违禁甲", 10, 13)]
    );
}

#[test]
fn overlapping_occurrences_are_found() {
    let r = CheckRules::parse("禁用词 甲甲\n禁用词 乙丙\n敏感词 丙丁").unwrap();
    let f = check(
        &r,
        &Input {
            title: "甲甲甲乙丙丁",
            body_html: "",
            attachments: vec![],
            resolver: &no_links,
        },
    );
    assert_eq!(
        texts(&f),
        [
            ("甲甲", 0, 2),
            ("甲甲", 1, 3),
            ("乙丙", 3, 5),
            ("丙丁", 4, 6)
        ]
    );
}

#[test]
fn offsets_are_chars_not_bytes() {
    let f = run("", "<p>ab中文违禁甲</p>");
    assert_eq!((f[0].start, f[0].end), (4, 7));
    let text = body_text("<p>ab中文违禁甲</p>");
    let hit: String = text
        .chars()
        .skip(f[0].start)
        .take(f[0].end - f[0].start)
        .collect();
    assert_eq!(hit, "违禁甲");
}

#[test]
fn ascii_is_case_insensitive_and_full_width_folded_with_word_edges() {
    let f = run("abc Abc ＡＢＣ", "<p>xabc abcd ABC!</p>");
    assert_eq!(
        texts(&f),
        [
            ("abc", 0, 3),
            ("Abc", 4, 7),
            ("ＡＢＣ", 8, 11),
            ("ABC", 10, 13)
        ]
    );
}

#[test]
fn spaces_and_zero_width_between_chinese_are_ignored() {
    let f = run("违 禁　甲", "<p>违\u{200B}禁甲</p><p>违禁</p><p>甲</p>");
    assert_eq!(texts(&f), [("违 禁　甲", 0, 5), ("违\u{200B}禁甲", 0, 4)]);
}

#[test]
fn inline_markup_does_not_split_words_but_blocks_do() {
    let f = run("", "<p>违<strong>禁</strong>甲</p><p>违禁</p><p>甲</p>");
    assert_eq!(texts(&f), [("违禁甲", 0, 3)]);
}

#[test]
fn markup_in_attributes_is_not_matched_as_text() {
    let f = run(
        "",
        r#"<p><a href="/search?q=违禁甲" title="违禁甲">链接</a><img src="/f/违禁甲.png" alt="云溪区政府"></p>"#,
    );
    assert!(f.is_empty(), "{f:?}");
}

#[test]
fn entities_are_decoded_before_matching() {
    let r = CheckRules::parse("禁用词 a&b").unwrap();
    let f = check(
        &r,
        &Input {
            title: "",
            body_html: "<p>x a&amp;b &#36829;</p>",
            attachments: vec![],
            resolver: &no_links,
        },
    );
    assert_eq!(texts(&f), [("a&b", 2, 5)]);
    assert_eq!(body_text("<p>x a&amp;b &#36829;</p>"), "x a&b 违");
}

#[test]
fn longer_word_hides_the_shorter_inside_it() {
    let r = CheckRules::parse("禁用词 违禁\n禁用词 违禁甲\n敏感词 禁甲").unwrap();
    let f = check(
        &r,
        &Input {
            title: "违禁甲 违禁",
            body_html: "",
            attachments: vec![],
            resolver: &no_links,
        },
    );
    assert_eq!(texts(&f), [("违禁甲", 0, 3), ("违禁", 4, 6)]);
    // A blocking word inside a longer warning is still reported.
    let r = CheckRules::parse("敏感词 违禁甲\n禁用词 违禁").unwrap();
    let f = check(
        &r,
        &Input {
            title: "违禁甲",
            body_html: "",
            attachments: vec![],
            resolver: &no_links,
        },
    );
    assert_eq!(texts(&f), [("违禁", 0, 2), ("违禁甲", 0, 3)]);
}

// ---- wordings ----

#[test]
fn wrong_wording_reported_with_correct_form() {
    let f = run("", "<p>云溪示范区政府办发布通知，林知远副区长出席。</p>");
    assert_eq!(f.len(), 2, "{f:?}");
    assert_eq!(
        f[0].kind,
        FindingKind::WrongWording {
            correct: "云溪示范区人民政府".into()
        }
    );
    assert_eq!(f[0].text, "云溪示范区政府办");
    assert_eq!((f[0].start, f[0].end), (0, 8));
    assert_eq!(
        f[0].message,
        "「云溪示范区政府办」应写作「云溪示范区人民政府」"
    );
    assert_eq!(f[1].text, "林知远副区长");
    assert_eq!(f[1].severity, Severity::Block);
}

#[test]
fn correct_forms_are_not_reported() {
    let f = run(
        "云溪示范区人民政府",
        "<p>林知远区长、常务副区长周若溪出席。</p>",
    );
    assert!(f.is_empty(), "{f:?}");
}

#[test]
fn wrong_form_inside_correct_form_is_not_reported() {
    // 「区长周若溪」 is a wrong form and a substring of the correct 「副区长周若溪」.
    let f = run("", "<p>副区长周若溪主持，区长周若溪讲话。</p>");
    assert_eq!(texts(&f), [("区长周若溪", 9, 14)]);
    assert_eq!(
        f[0].kind,
        FindingKind::WrongWording {
            correct: "副区长周若溪".into()
        }
    );
}

#[test]
fn wrong_form_inside_another_rules_correct_form_is_not_reported() {
    let r = CheckRules::parse("规范 云溪示范区人民政府 = 示范区政府\n规范 人民政府网 = 人民政府")
        .unwrap();
    let f = check(
        &r,
        &Input {
            title: "云溪示范区人民政府",
            body_html: "<p>人民政府</p>",
            attachments: vec![],
            resolver: &no_links,
        },
    );
    // 「人民政府」 inside the correct 「云溪示范区人民政府」 in the title is fine; alone it is not.
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].place, Place::Body);
}

#[test]
fn longest_wrong_form_wins() {
    let r = CheckRules::parse("规范 云溪示范区人民政府 = 示范区政府, 云溪示范区政府办").unwrap();
    let f = check(
        &r,
        &Input {
            title: "云溪示范区政府办；示范区政府",
            body_html: "",
            attachments: vec![],
            resolver: &no_links,
        },
    );
    assert_eq!(
        texts(&f),
        [("云溪示范区政府办", 0, 8), ("示范区政府", 9, 14)]
    );
}

#[test]
fn suggested_wording_only_warns() {
    let f = run("", "<p>云西示范区</p>");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].severity, Severity::Warn);
    assert!(!blocking(&f));
}

// ---- images ----

#[test]
fn image_without_alt_is_a_finding_empty_alt_is_allowed() {
    let f = run(
        "",
        r#"<p>前文<img src="/files/ab/a.png">后文<img src="/files/ab/deco.png" alt=""><img src="/files/ab/c.png" alt="示意图"></p>"#,
    );
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].kind, FindingKind::ImageWithoutAlt);
    assert_eq!(f[0].text, "/files/ab/a.png");
    assert_eq!((f[0].start, f[0].end), (2, 2));
    assert_eq!(f[0].severity, Severity::Block);
}

#[test]
fn image_alt_attribute_forms() {
    let s = scan(r#"<img alt src=x><IMG SRC='y' ALT='说明'><img src=z alt = "">"#);
    let alts: Vec<Option<&str>> = s.images.iter().map(|i| i.alt.as_deref()).collect();
    assert_eq!(alts, [Some(""), Some("说明"), Some("")]);
    assert_eq!(s.images[1].src, "y");
}

// ---- attachments ----

#[test]
fn attachment_types_by_extension() {
    let r = rules();
    let f = check(
        &r,
        &Input {
            title: "",
            body_html: "",
            attachments: vec![
                AttachmentInfo {
                    name: "通知.PDF",
                    mime: "application/pdf",
                },
                AttachmentInfo {
                    name: "表格.docx",
                    mime: "application/octet-stream",
                },
                AttachmentInfo {
                    name: "工具.pdf.exe",
                    mime: "application/x-msdownload",
                },
                AttachmentInfo {
                    name: "无扩展名",
                    mime: "application/octet-stream",
                },
                AttachmentInfo {
                    name: "违禁甲.pdf",
                    mime: "application/pdf",
                },
            ],
            resolver: &no_links,
        },
    );
    let got: Vec<(Place, &FindingKind, &str)> = f
        .iter()
        .map(|f| (f.place, &f.kind, f.message.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (
                Place::Attachment { index: 2 },
                &FindingKind::AttachmentTypeNotAllowed,
                "附件「工具.pdf.exe」的类型 .exe 不在允许范围内（允许：pdf、docx、xlsx）"
            ),
            (
                Place::Attachment { index: 3 },
                &FindingKind::AttachmentTypeNotAllowed,
                "附件「无扩展名」没有扩展名，无法确认类型（允许：pdf、docx、xlsx）"
            ),
            (
                Place::Attachment { index: 4 },
                &FindingKind::ForbiddenWord,
                "含禁用词「违禁甲」（内部测试用）"
            ),
        ]
    );
    assert_eq!((f[0].start, f[0].end), (0, 10));
}

#[test]
fn input_from_article() {
    let a: crate::portal::model::Article = serde_json::from_value(serde_json::json!({
        "id": 7, "channel": 1, "site": "001", "placements": [], "title": "违禁甲",
        "subtitle": "", "source": "", "author": "", "keywords": "", "summary": "",
        "body_html": "<p>云溪区政府</p>", "cover": null,
        "attachments": [{"sha": "ab", "name": "x.exe", "size": 1, "mime": "application/x-msdownload"}],
        "related": [], "interprets": null, "interpretations": [],
        "state": {"state": "draft"}, "publish_ms": null, "created_ms": 0, "updated_ms": 0,
        "created_by": "u", "revision": 1
    }))
    .unwrap();
    let f = check(&rules(), &Input::from_article(&a, &no_links));
    let places: Vec<Place> = f.iter().map(|f| f.place).collect();
    assert_eq!(
        places,
        [Place::Title, Place::Body, Place::Attachment { index: 0 }]
    );
}

// ---- highlight ----

#[test]
fn highlight_marks_spans_and_escapes_html() {
    let text = "<b>违禁甲</b> & \"云溪区政府\"";
    let r = rules();
    let f = check(
        &r,
        &Input {
            title: text,
            body_html: "",
            attachments: vec![],
            resolver: &no_links,
        },
    );
    assert_eq!(f.len(), 2);
    let h = highlight(text, &f);
    assert_eq!(
        h,
        "&lt;b&gt;<mark class=\"check-hit\" title=\"含禁用词「违禁甲」（内部测试用）\">违禁甲</mark>&lt;/b&gt; &amp; &quot;<mark class=\"check-hit\" title=\"「云溪区政府」应写作「云溪示范区人民政府」\">云溪区政府</mark>&quot;"
    );
}

#[test]
fn highlight_escapes_messages_and_splits_overlaps() {
    let mk = |s, e, m: &str| Finding {
        kind: FindingKind::ForbiddenWord,
        severity: Severity::Block,
        place: Place::Body,
        text: String::new(),
        start: s,
        end: e,
        message: m.into(),
    };
    let h = highlight(
        "一二三四",
        &[mk(0, 3, "a\"<"), mk(1, 2, "b"), mk(3, 99, "c")],
    );
    assert_eq!(
        h,
        "<mark class=\"check-hit\" title=\"a&quot;&lt;\">一</mark><mark class=\"check-hit\" title=\"a&quot;&lt;；b\">二</mark><mark class=\"check-hit\" title=\"a&quot;&lt;\">三</mark><mark class=\"check-hit\" title=\"c\">四</mark>"
    );
    assert_eq!(highlight("a<b", &[]), "a&lt;b");
}

#[test]
fn highlight_shows_images_as_points() {
    let body = r#"<p>图前<img src="/x.png">图后</p>"#;
    let f = run("违禁甲", body);
    let h = highlight(&body_text(body), &findings_at(&f, Place::Body));
    assert_eq!(
        h,
        "图前<mark class=\"check-hit\" title=\"图片缺少替代文字（alt），请填写图片说明；纯装饰图片可设为空\">〔图片〕</mark>图后"
    );
    let f = run("", r#"<p><img src="/x.png"></p>"#);
    assert!(highlight("", &f).contains("〔图片〕"));
}

// ---- blocking and override ----

#[test]
fn override_needs_a_reason_and_covers_only_what_was_seen() {
    let f = run("", "<p>违禁甲。敏感乙。</p>");
    assert!(blocking(&f));
    assert!(!may_publish(&f, None));
    assert!(Override::new("审核员", "  ", &f).is_err());
    assert!(Override::new(" ", "已核实为引用原文", &f).is_err());
    let o = Override::new("审核员", "已核实为引用原文", &f).unwrap();
    assert_eq!(o.findings.len(), 1, "only blocking findings are recorded");
    assert!(may_publish(&f, Some(&o)));
    // The hit moved: still covered.
    let moved = run("", "<p>前面加字。违禁甲。敏感乙。</p>");
    assert!(may_publish(&moved, Some(&o)));
    // A second occurrence, or a new hit, needs a new override.
    let more = run("", "<p>违禁甲。违禁甲。</p>");
    assert!(!may_publish(&more, Some(&o)));
    let other = run("", "<p>违禁甲。云溪区政府。</p>");
    assert!(!may_publish(&other, Some(&o)));
    // Nothing blocking: no override needed.
    assert!(may_publish(&run("", "<p>敏感乙</p>"), None));
}

#[test]
fn findings_and_override_serialize() {
    let f = run("", r#"<p><a href="/a/3">x</a></p>"#);
    assert!(f.is_empty());
    let f = run("违禁甲", "<p>云溪区政府</p>");
    let o = Override::new("审核员", "理由充分", &f).unwrap();
    let j = serde_json::to_string(&o).unwrap();
    assert!(j.contains("\"kind\":\"wrong_wording\""), "{j}");
    assert!(j.contains("\"in\":\"title\""), "{j}");
    assert_eq!(serde_json::from_str::<Override>(&j).unwrap(), o);
}

#[test]
fn an_override_kept_with_an_item_reads_back_whole() {
    let f = run("违禁甲", "<p>云溪区政府</p>");
    let o = Override::new("审核员", "理由充分", &f).unwrap();
    // As items written before the override moved into the portal's model kept it.
    let blank = Article::blank(1, crate::auth::model::UnitCode::parse("gov").unwrap(), "w");
    let mut old = serde_json::to_value(&blank).unwrap();
    old["check_override"] = serde_json::to_value(&o).unwrap();
    let mut a: Article = serde_json::from_value(old).unwrap();
    assert_eq!(Override::of(&a), Some(o.clone()));
    // And as it is kept now.
    a.check_override = Some(o.stored());
    let again: Article = serde_json::from_str(&serde_json::to_string(&a).unwrap()).unwrap();
    assert_eq!(Override::of(&again), Some(o));
    a.check_override = None;
    assert_eq!(Override::of(&a), None);
}

// ---- the scanner ----

#[test]
fn scanner_text_and_positions() {
    let s = scan(
        "<h2>标题</h2><p>第一&nbsp;段<br>换行<!-- 违禁甲 --></p><table><tr><td>甲</td><td>乙</td></tr></table><p>a < b</p>",
    );
    assert_eq!(s.text, "标题\n第一 段\n换行\n甲\n乙\na < b");
    let s = scan(
        r#"<p><a href="/a/1"><img src="/i.png" alt="图"></a>文字<a href='/a/2'>链<b>接</b></a></p>"#,
    );
    assert_eq!(
        s.links,
        [
            LinkRef {
                href: "/a/1".into(),
                start: 0,
                end: 0
            },
            LinkRef {
                href: "/a/2".into(),
                start: 2,
                end: 4
            },
        ]
    );
    assert_eq!(s.images[0].at, 0);
}

#[test]
fn scanner_skips_raw_text_elements() {
    assert_eq!(
        scan("<p>甲</p><script>违禁甲</script><style>x</style><p>乙</p>").text,
        "甲\n乙"
    );
}

#[test]
fn empty_input_has_no_findings() {
    assert!(run("", "").is_empty());
    assert_eq!(highlight("", &[]), "");
}

#[test]
fn many_occurrences_stay_fast() {
    let r = CheckRules::parse("禁用词 的\n敏感词 的的\n规范 的的的的 = 的的的").unwrap();
    let body = format!("<p>{}</p>", "的".repeat(20_000));
    let t = std::time::Instant::now();
    let f = check(
        &r,
        &Input {
            title: "",
            body_html: &body,
            attachments: vec![],
            resolver: &no_links,
        },
    );
    // Every 「的」 (blocking, so not hidden by the warning 「的的」) and every 「的的」 is
    // reported; each 「的的的」 lies inside an occurrence of the correct 「的的的的」.
    assert_eq!(f.len(), 20_000 + 19_999);
    let h = highlight(&body_text(&body), &f);
    assert!(h.starts_with("<mark class=\"check-hit\""));
    assert!(
        t.elapsed() < std::time::Duration::from_secs(10),
        "{:?}",
        t.elapsed()
    );
}
