//! Rich text from editors is cleaned with an allowlist (ammonia) before it is stored;
//! only this cleaned HTML is ever emitted unescaped.

use std::collections::HashSet;
use std::sync::OnceLock;

fn builder() -> &'static ammonia::Builder<'static> {
    static B: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    B.get_or_init(|| {
        let tags: HashSet<&str> = [
            "p",
            "br",
            "h2",
            "h3",
            "h4",
            "strong",
            "b",
            "em",
            "i",
            "u",
            "sub",
            "sup",
            "ul",
            "ol",
            "li",
            "blockquote",
            "hr",
            "table",
            "caption",
            "thead",
            "tbody",
            "tfoot",
            "tr",
            "th",
            "td",
            "a",
            "img",
            "figure",
            "figcaption",
            "div",
            "span",
        ]
        .into_iter()
        .collect();
        let mut b = ammonia::Builder::empty();
        b.tags(tags)
            .add_tag_attributes("a", ["href", "title"])
            .add_tag_attributes("img", ["src", "alt", "width", "height"])
            .add_tag_attributes("td", ["colspan", "rowspan"])
            .add_tag_attributes("th", ["colspan", "rowspan", "scope"])
            .url_schemes(["http", "https", "mailto"].into_iter().collect())
            .url_relative(ammonia::UrlRelative::PassThrough)
            .link_rel(Some("noopener noreferrer"));
        b
    })
}

/// Cleans editor HTML: unknown tags and attributes, scripts, event handlers, styles and
/// `javascript:` URLs are removed; text is kept.
pub fn clean(html: &str) -> String {
    builder().clean(html).to_string()
}

/// Turns plain text (e.g. typed without the rich editor) into paragraphs.
pub fn paragraphs(text: &str) -> String {
    text.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            let escaped = maud::html! { (p) }.into_string().replace('\n', "<br>");
            format!("<p>{escaped}</p>")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_scripts_and_handlers() {
        let dirty = r#"<p onclick="x()">正文<script>alert(1)</script><a href="javascript:alert(1)">链接</a><img src="/files/ab/x.png" onerror="y()" alt="图"></p><style>p{}</style>"#;
        let c = clean(dirty);
        assert!(!c.contains("script"), "{c}");
        assert!(!c.contains("onclick"), "{c}");
        assert!(!c.contains("onerror"), "{c}");
        assert!(!c.contains("javascript"), "{c}");
        assert!(!c.contains("style"), "{c}");
        assert!(c.contains("正文"));
        assert!(c.contains(r#"<img src="/files/ab/x.png" alt="图">"#), "{c}");
    }

    #[test]
    fn keeps_tables_and_links() {
        let c = clean(
            r#"<table><tr><td colspan="2">表</td></tr></table><a href="https://www.gov.cn/">国务院</a>"#,
        );
        assert!(c.contains("<td colspan=\"2\">表</td>"), "{c}");
        assert!(c.contains("rel=\"noopener noreferrer\""), "{c}");
    }

    #[test]
    fn paragraphs_escape() {
        assert_eq!(
            paragraphs("一<b>\n二\n\n三"),
            "<p>一&lt;b&gt;<br>二</p><p>三</p>"
        );
    }
}
