//! JSON placed inside a `<script>` element.
//!
//! The HTML parser ends or re-modes a script element on `</script`, `<!--` and `<script`, whatever
//! the JSON around them means, so a title like `<!--<script>` could swallow the rest of the page.
//! Escaping every `<`, `>` and `&` (and the two JavaScript line separators) as `\uXXXX` keeps the
//! JSON value identical and leaves the parser nothing to react to.

use maud::{Markup, PreEscaped, Render};

/// JSON text that is safe to emit verbatim inside a script element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptJson(String);

impl ScriptJson {
    /// Escapes serialized JSON for a script element; the JSON value it denotes is unchanged.
    pub fn new(json: &str) -> Self {
        let mut out = String::with_capacity(json.len() + 16);
        for ch in json.chars() {
            match ch {
                '<' => out.push_str("\\u003c"),
                '>' => out.push_str("\\u003e"),
                '&' => out.push_str("\\u0026"),
                '\u{2028}' => out.push_str("\\u2028"),
                '\u{2029}' => out.push_str("\\u2029"),
                c => out.push(c),
            }
        }
        ScriptJson(out)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Render for ScriptJson {
    fn render(&self) -> Markup {
        PreEscaped(self.0.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_the_html_parser_reacts_to_survives() {
        let raw =
            serde_json::json!({ "headline": "<!--<script></script>&amp;\u{2028}" }).to_string();
        let s = ScriptJson::new(&raw);
        for bad in ["<", ">", "&", "\u{2028}"] {
            assert!(!s.as_str().contains(bad), "{bad} left in {}", s.as_str());
        }
        // The JSON value is unchanged.
        let back: serde_json::Value = serde_json::from_str(s.as_str()).unwrap_or_default();
        assert_eq!(back["headline"], "<!--<script></script>&amp;\u{2028}");
    }
}
