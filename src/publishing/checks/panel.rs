//! What the reviewer sees of the checks: the findings listed, then the title, the body text and
//! the attachments' names with every hit marked. No `<form>` here: the override field is a
//! separate fragment (`override_field`) for the caller to put inside its own approve/publish
//! form, which posts `override_reason`.

use maud::{Markup, PreEscaped, html};

use super::content::{
    Finding, Override, Place, Severity, blocking, body_text, findings_at, highlight,
};
use crate::portal::model::Article;
use crate::views::form::FormState;

/// The form field name of the reviewer's override reason.
pub const OVERRIDE_FIELD: &str = "override_reason";

/// The findings panel of an item. `can_override`: the viewer may let blocking findings
/// through (the caller then also shows `override_field` in its form).
pub fn findings_panel(a: &Article, findings: &[Finding], can_override: bool) -> Markup {
    let names: Vec<&str> = a.attachments.iter().map(|x| x.name.as_str()).collect();
    let stored = Override::of(a);
    let covered = stored
        .as_ref()
        .filter(|_| blocking(findings))
        .map(|o| (o, o.covers(findings)));
    let body = panel_parts(&a.title, &a.body_html, &names, findings, can_override);
    html! {
        (body)
        @if let Some((o, covers)) = covered {
            @if covers {
                p.notice.ok role="status" {
                    "已由 " (o.by) " 放行，理由：" (o.reason)
                }
            } @else {
                p.notice role="status" {
                    "此前 " (o.by) " 的放行（理由：" (o.reason) "）不再覆盖当前的问题：内容已有改动，需重新放行。"
                }
            }
        }
    }
}

/// The panel for text that is not (yet) an article, e.g. the rule page's 试一试 box.
pub fn panel_parts(
    title: &str,
    body_html: &str,
    attachment_names: &[&str],
    findings: &[Finding],
    can_override: bool,
) -> Markup {
    let block = findings
        .iter()
        .filter(|f| f.severity == Severity::Block)
        .count();
    let warn = findings.len() - block;
    let body = body_text(body_html);
    let title_hits = findings_at(findings, Place::Title);
    let body_hits = findings_at(findings, Place::Body);
    html! {
        section.card.checks aria-labelledby="checks-h" {
            h2 id="checks-h" { "发布前检查" }
            @if findings.is_empty() {
                p.notice.ok role="status" { "未发现问题" }
            } @else {
                p.check-summary role="status" {
                    "共 " (findings.len()) " 项："
                    span.check-sev.check-sev-block { (Severity::Block.label()) } " " (block) " 项，"
                    span.check-sev.check-sev-warn { (Severity::Warn.label()) } " " (warn) " 项。"
                    @if block > 0 {
                        @if can_override {
                            " 请退回修改；确需发布的，在下方填写放行理由（记入审计日志）。"
                        } @else {
                            " 请修改后再提交；确需发布的，由审核人填写放行理由后放行。"
                        }
                    }
                }
                ol.check-findings {
                    @for f in findings {
                        li class=(sev_class(f.severity)) {
                            span class=(format!("check-sev {}", sev_class_label(f.severity))) { (f.severity.label()) }
                            " "
                            span.check-place { (f.place.label()) }
                            " "
                            (f.message)
                        }
                    }
                }
                h3 { "标题" }
                p.check-text { (PreEscaped(highlight(title, &title_hits))) }
                h3 { "正文" }
                @if body.is_empty() && body_hits.is_empty() {
                    p.muted { "（无正文）" }
                } @else {
                    div.check-text { (PreEscaped(highlight(&body, &body_hits))) }
                }
                @if !attachment_names.is_empty() {
                    h3 { "附件" }
                    ul.check-attachments {
                        @for (index, name) in attachment_names.iter().enumerate() {
                            @let place = Place::Attachment { index };
                            li {
                                span.check-place { (place.label()) "：" }
                                (PreEscaped(highlight(name, &findings_at(findings, place))))
                            }
                        }
                    }
                }
            }
        }
    }
}

fn sev_class(s: Severity) -> &'static str {
    match s {
        Severity::Block => "check-block",
        Severity::Warn => "check-warn",
    }
}

fn sev_class_label(s: Severity) -> &'static str {
    match s {
        Severity::Block => "check-sev-block",
        Severity::Warn => "check-sev-warn",
    }
}

/// The 放行理由 field, for the caller's approve/publish form; shows `fs`'s error and keeps
/// its value. Optional: left empty, nothing is overridden.
pub fn override_field(fs: &FormState) -> Markup {
    let id = format!("f-{OVERRIDE_FIELD}");
    let hint_id = format!("{id}-hint");
    let err_id = format!("{id}-err");
    let err = fs.error(OVERRIDE_FIELD);
    let described = match err {
        Some(_) => format!("{err_id} {hint_id}"),
        None => hint_id.clone(),
    };
    html! {
        div.field.check-override.has-error[err.is_some()] {
            label for=(id) { "放行理由" }
            p.hint id=(hint_id) {
                "存在阻止发布的问题。确需照原样发布的，写明理由（至少 2 个字），将与本人姓名一起记入审计日志；不放行的请留空。"
            }
            @if let Some(e) = err { p.error id=(err_id) role="alert" { (e) } }
            textarea id=(id) name=(OVERRIDE_FIELD) rows="3"
                aria-invalid=[err.map(|_| "true")]
                aria-describedby=(described) { (fs.value(OVERRIDE_FIELD)) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::model::UnitCode;
    use crate::portal::model::Attachment;
    use crate::publishing::checks::content::{CheckRules, Input, LinkStatus, Override, check};

    fn article() -> Article {
        Article {
            title: "关于违禁甲的通知".into(),
            body_html:
                "<p>第一段<b>违禁</b>甲。</p><p>x &lt;y&gt; 敏感乙</p><img src=\"/files/a/b.png\">"
                    .into(),
            attachments: vec![Attachment {
                sha: "0".repeat(64),
                name: "名单.exe".into(),
                size: 1,
                mime: "application/octet-stream".into(),
            }],
            ..Article::blank(1, UnitCode::parse("gov").unwrap(), "t")
        }
    }

    fn findings(a: &Article) -> Vec<Finding> {
        let rules = CheckRules::parse("禁用词 违禁甲\n敏感词 敏感乙\n附件类型 pdf\n").unwrap();
        let none = |_: &str| LinkStatus::NotInternal;
        check(&rules, &Input::from_article(a, &none))
    }

    #[test]
    fn lists_and_highlights_every_place() {
        let a = article();
        let f = findings(&a);
        let html = findings_panel(&a, &f, true).into_string();
        assert!(html.contains("发布前检查"));
        assert!(html.contains("阻止发布"), "{html}");
        assert!(html.contains("提示"));
        assert!(html.contains("<mark class=\"check-hit\""), "{html}");
        // Title, body (joined across <b>), attachment name, the image's place.
        assert_eq!(html.matches(">违禁甲</mark>").count(), 2, "{html}");
        assert!(html.contains(">敏感乙</mark>"));
        assert!(html.contains(">名单.exe</mark>"));
        assert!(html.contains("〔图片〕"));
        // Body text stays escaped.
        assert!(html.contains("x &lt;y&gt;"), "{html}");
        assert!(html.contains("填写放行理由"));
        assert!(!html.contains("<form"));
    }

    #[test]
    fn nothing_found() {
        let a = Article {
            title: "通知".into(),
            body_html: "<p>正文</p>".into(),
            ..Article::blank(1, UnitCode::parse("gov").unwrap(), "t")
        };
        let html = findings_panel(&a, &findings(&a), false).into_string();
        assert!(html.contains("未发现问题"), "{html}");
        assert!(!html.contains("<mark"));
    }

    #[test]
    fn shows_whether_an_override_still_covers() {
        let mut a = article();
        let f = findings(&a);
        a.check_override = Some(
            Override::new("审核员甲", "已核实无误", &f)
                .unwrap()
                .stored(),
        );
        let html = findings_panel(&a, &f, false).into_string();
        assert!(html.contains("已由 审核员甲 放行"), "{html}");
        a.title.push_str("违禁甲");
        let f2 = findings(&a);
        let html = findings_panel(&a, &f2, false).into_string();
        assert!(html.contains("不再覆盖"), "{html}");
    }

    #[test]
    fn override_field_keeps_input_and_shows_errors() {
        let mut fs = FormState {
            values: vec![(OVERRIDE_FIELD.into(), "<理由>".into())],
            ..FormState::default()
        };
        fs.add_error(OVERRIDE_FIELD, "请填写放行理由");
        let html = override_field(&fs).into_string();
        assert!(html.contains("name=\"override_reason\""));
        assert!(html.contains("&lt;理由&gt;</textarea>"), "{html}");
        assert!(html.contains("请填写放行理由"));
        assert!(html.contains("aria-invalid=\"true\""));
        assert!(!html.contains("<form"));
    }
}
