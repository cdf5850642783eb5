//! Rich text from editors is cleaned with an allowlist (ammonia) before it is stored;
//! only this cleaned HTML is ever emitted unescaped.
//!
//! Cleaning is two ammonia passes with a small rewrite between them:
//! 1. a wide pass that keeps, besides the allowlist, `h1`/`h5`/`h6`, `align` and the
//!    `text-align`/`width`/`height` declarations of `style` (everything else in `style`
//!    is dropped); contents of `script`, `style`, `title`, `xml`, `o:p`… go entirely;
//! 2. [`rewrite`] walks that output (well-formed, attributes double-quoted) and maps
//!    `h1` → `h2`, `h5`/`h6` → `h4`, alignment → a class `align-center` etc., an
//!    image's pixel `width`/`height` style → attributes; it drops images without a
//!    usable `src`, anchors without `href`, and elements left empty (Word's blank
//!    `<p><o:p>&nbsp;</o:p></p>`);
//! 3. the final pass with the real allowlist: no `style` anywhere, `class` only for the
//!    alignment classes. So whatever the rewrite does, the result is ammonia's.
//!
//! Word/WPS junk (`class="MsoNormal"`, `mso-*` styles, `<o:p>`, `<font>`, `<span>`s)
//! disappears because none of it is on the allowlist.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// Tags kept in stored HTML.
const TAGS: [&str; 30] = [
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
];

/// Elements that may carry an alignment class.
const ALIGNABLE: [&str; 12] = [
    "p",
    "h2",
    "h3",
    "h4",
    "div",
    "li",
    "blockquote",
    "caption",
    "th",
    "td",
    "figure",
    "figcaption",
];

/// `text-align` values we keep, each as the class `align-<value>`.
const ALIGNS: [&str; 4] = ["left", "center", "right", "justify"];
const ALIGN_CLASSES: [&str; 4] = ["align-left", "align-center", "align-right", "align-justify"];

/// Elements whose whole content is dropped, not just the tag.
const DROP_WITH_CONTENT: [&str; 13] = [
    "script", "style", "title", "xml", "template", "noscript", "iframe", "object", "embed",
    "select", "textarea", "svg", "o:p",
];

/// Attributes per tag in the final pass (besides `class` for alignment).
fn final_attributes() -> HashMap<&'static str, HashSet<&'static str>> {
    HashMap::from([
        ("a", HashSet::from(["href", "title"])),
        ("img", HashSet::from(["src", "alt", "width", "height"])),
        ("td", HashSet::from(["colspan", "rowspan"])),
        ("th", HashSet::from(["colspan", "rowspan", "scope"])),
        ("ol", HashSet::from(["start"])),
    ])
}

/// Values of attributes checked beyond their name (both passes).
fn attribute_value<'u>(element: &str, attribute: &str, value: &'u str) -> Option<Cow<'u, str>> {
    match (element, attribute) {
        ("img", "src") => image_src_ok(value).then_some(Cow::Borrowed(value)),
        (_, "width" | "height" | "colspan" | "rowspan" | "start") => {
            let v = value.trim().trim_end_matches("px");
            (!v.is_empty() && v.len() <= 5 && v.bytes().all(|b| b.is_ascii_digit()))
                .then(|| Cow::Owned(v.to_owned()))
        }
        ("th", "scope") => ["row", "col", "rowgroup", "colgroup"]
            .contains(&value.trim().to_ascii_lowercase().as_str())
            .then(|| Cow::Owned(value.trim().to_ascii_lowercase())),
        (_, "align") => ALIGNS
            .contains(&value.trim().to_ascii_lowercase().as_str())
            .then(|| Cow::Owned(value.trim().to_ascii_lowercase())),
        _ => Some(Cow::Borrowed(value)),
    }
}

/// Pictures come from our own stored files or from an http(s) address; never `data:`,
/// `file:`, protocol-relative or other same-site paths.
fn image_src_ok(src: &str) -> bool {
    let s = src.trim();
    let lower = s.to_ascii_lowercase();
    if let Some(rest) = s.strip_prefix("/files/") {
        return !rest.is_empty() && !rest.contains("..") && !rest.contains('\\');
    }
    lower.starts_with("https://") || lower.starts_with("http://")
}

fn alignment_classes() -> HashMap<&'static str, HashSet<&'static str>> {
    ALIGNABLE
        .iter()
        .map(|t| (*t, ALIGN_CLASSES.into_iter().collect()))
        .collect()
}

fn common(b: &mut ammonia::Builder<'static>) {
    b.generic_attributes(HashSet::new())
        .allowed_classes(alignment_classes())
        .clean_content_tags(DROP_WITH_CONTENT.into_iter().collect())
        .attribute_filter(attribute_value)
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .url_relative(ammonia::UrlRelative::PassThrough)
        .link_rel(Some("noopener noreferrer"));
}

/// The first, wide pass (see the module comment).
fn wide() -> &'static ammonia::Builder<'static> {
    static B: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    B.get_or_init(|| {
        let mut tags: HashSet<&str> = TAGS.into_iter().collect();
        tags.extend(["h1", "h5", "h6"]);
        let mut attrs = final_attributes();
        for t in ALIGNABLE.iter().chain(&["h1", "h5", "h6", "img"]) {
            attrs.entry(t).or_default().extend(["style", "align"]);
        }
        let mut classes = alignment_classes();
        for t in ["h1", "h5", "h6"] {
            classes.insert(t, ALIGN_CLASSES.into_iter().collect());
        }
        let mut b = ammonia::Builder::empty();
        b.tags(tags).tag_attributes(attrs);
        common(&mut b);
        b.allowed_classes(classes)
            .filter_style_properties(["text-align", "width", "height"].into_iter().collect());
        b
    })
}

/// The final pass: the real allowlist.
fn strict() -> &'static ammonia::Builder<'static> {
    static B: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    B.get_or_init(|| {
        let mut b = ammonia::Builder::empty();
        b.tags(TAGS.into_iter().collect())
            .tag_attributes(final_attributes());
        common(&mut b);
        b
    })
}

/// Cleans editor HTML: unknown tags and attributes, scripts, event handlers, styles and
/// `javascript:` URLs are removed; text is kept. Headings are h2–h4, alignment is a
/// class, tables keep their structure and cell spans. Cleaning cleaned HTML changes
/// nothing.
pub fn clean(html: &str) -> String {
    let first = wide().clean(html).to_string();
    strict()
        .clean(&rewrite(&first))
        .to_string()
        .trim()
        .to_owned()
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

// ---- the rewrite between the passes

/// Elements dropped when nothing but white space ended up inside them.
const DROP_WHEN_EMPTY: [&str; 16] = [
    "p",
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
    "blockquote",
    "li",
    "ul",
    "ol",
    "div",
];
/// Inline elements: when dropped for being empty, a space inside them is kept.
const INLINE: [&str; 7] = ["strong", "b", "em", "i", "u", "sub", "sup"];
const VOID: [&str; 3] = ["br", "hr", "img"];

struct Open {
    name: String,
    /// Where the start tag begins in the output.
    at: usize,
    /// Something other than white space is inside.
    filled: bool,
    /// The start tag was not written (an anchor without a link): skip the end tag too.
    unwrapped: bool,
}

/// One tag of ammonia's output: `<name a="v" …>` or `</name>`.
struct Tag<'a> {
    end: bool,
    name: String,
    attrs: Vec<(&'a str, &'a str)>,
}

/// Parses a tag starting at `s[0] == '<'`; returns it and its length. Ammonia's
/// serializer writes every attribute as `name="value"` with `"` escaped in values.
fn parse_tag(s: &str) -> Option<(Tag<'_>, usize)> {
    let b = s.as_bytes();
    let mut i = 1;
    let end = b.get(1) == Some(&b'/');
    if end {
        i += 1;
    }
    let start = i;
    while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' && b[i] != b'/' {
        i += 1;
    }
    let name = s[start..i].to_ascii_lowercase();
    let mut attrs = Vec::new();
    loop {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        match b.get(i) {
            None => return None,
            Some(b'>') => return Some((Tag { end, name, attrs }, i + 1)),
            _ => {}
        }
        let ns = i;
        while i < b.len() && b[i] != b'=' && b[i] != b'>' && !b[i].is_ascii_whitespace() {
            i += 1;
        }
        let an = &s[ns..i];
        if b.get(i) == Some(&b'=') && b.get(i + 1) == Some(&b'"') {
            let vs = i + 2;
            let ve = vs + s[vs..].find('"')?;
            attrs.push((an, &s[vs..ve]));
            i = ve + 1;
        } else {
            attrs.push((an, ""));
        }
    }
}

/// The alignment an element asks for: `style` wins over a class, a class over `align`.
fn alignment(attrs: &[(&str, &str)]) -> Option<&'static str> {
    let from_style = attrs
        .iter()
        .filter(|(k, _)| *k == "style")
        .flat_map(|(_, v)| v.split(';'))
        .filter_map(|d| d.split_once(':'))
        .filter(|(p, _)| p.trim().eq_ignore_ascii_case("text-align"))
        .map(|(_, v)| v.trim().to_ascii_lowercase())
        .next_back();
    let from_class = attrs
        .iter()
        .filter(|(k, _)| *k == "class")
        .flat_map(|(_, v)| v.split_ascii_whitespace())
        .filter_map(|c| c.strip_prefix("align-"))
        .map(str::to_owned)
        .next_back();
    let from_attr = attrs
        .iter()
        .find(|(k, _)| *k == "align")
        .map(|(_, v)| v.to_ascii_lowercase());
    let want = from_style.or(from_class).or(from_attr)?;
    let want = match want.as_str() {
        "start" => "left",
        "end" => "right",
        w => w,
    };
    ALIGNS.iter().find(|a| **a == want).copied()
}

/// A pixel size from an image's `style` (`width:320px`), when no attribute gives it.
fn style_px(attrs: &[(&str, &str)], prop: &str) -> Option<String> {
    attrs
        .iter()
        .filter(|(k, _)| *k == "style")
        .flat_map(|(_, v)| v.split(';'))
        .filter_map(|d| d.split_once(':'))
        .filter(|(p, _)| p.trim().eq_ignore_ascii_case(prop))
        .filter_map(|(_, v)| {
            let v = v.trim().to_ascii_lowercase();
            let n = v.strip_suffix("px")?.trim();
            let n: f64 = n.parse().ok()?;
            (1.0..100_000.0)
                .contains(&n)
                .then(|| format!("{}", n.round() as u32))
        })
        .next_back()
}

fn write_start(out: &mut String, name: &str, attrs: &[(&str, &str)]) {
    let keep: Vec<(&str, String)> = {
        let mut v: Vec<(&str, String)> = attrs
            .iter()
            .filter(|(k, _)| !matches!(*k, "style" | "class" | "align"))
            .map(|(k, v)| (*k, (*v).to_owned()))
            .collect();
        if ALIGNABLE.contains(&name)
            && let Some(a) = alignment(attrs)
        {
            v.push(("class", format!("align-{a}")));
        }
        if name == "img" {
            for p in ["width", "height"] {
                if !v.iter().any(|(k, _)| *k == p)
                    && let Some(px) = style_px(attrs, p)
                {
                    v.push((p, px));
                }
            }
        }
        v
    };
    out.push('<');
    out.push_str(name);
    for (k, v) in keep {
        out.push(' ');
        out.push_str(k);
        out.push_str("=\"");
        out.push_str(&v);
        out.push('"');
    }
    out.push('>');
}

/// Is this text (as serialized: entities escaped) only white space?
fn blank(text: &str) -> bool {
    text.replace("&nbsp;", "")
        .chars()
        .all(|c| c.is_whitespace() || c == '\u{a0}')
}

/// The rewrite between the passes (see the module comment).
fn rewrite(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut open: Vec<Open> = Vec::new();
    let mut rest = html;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            if !blank(rest) {
                open.iter_mut().for_each(|o| o.filled = true);
            }
            out.push_str(rest);
            break;
        };
        let text = &rest[..lt];
        if !blank(text) {
            open.iter_mut().for_each(|o| o.filled = true);
        }
        out.push_str(text);
        rest = &rest[lt..];
        let Some((tag, len)) = parse_tag(rest) else {
            // Not a tag after all (cannot happen with serializer output): keep as text.
            out.push_str("&lt;");
            rest = &rest[1..];
            continue;
        };
        rest = &rest[len..];
        let name = match tag.name.as_str() {
            "h1" => "h2".to_owned(),
            "h5" | "h6" => "h4".to_owned(),
            n => n.to_owned(),
        };
        if tag.end {
            let Some(pos) = open.iter().rposition(|o| o.name == name) else {
                continue;
            };
            // Ammonia's output is balanced: whatever is above closes with it.
            while open.len() > pos + 1 {
                let o = open.pop().unwrap_or_else(|| unreachable!());
                if !o.unwrapped {
                    out.push_str(&format!("</{}>", o.name));
                }
            }
            let o = open.pop().unwrap_or_else(|| unreachable!());
            if o.unwrapped {
                continue;
            }
            if !o.filled && DROP_WHEN_EMPTY.contains(&o.name.as_str()) {
                let inner_space = out[o.at..].contains(|c: char| c.is_whitespace())
                    || out[o.at..].contains("&nbsp;");
                out.truncate(o.at);
                if INLINE.contains(&o.name.as_str()) && inner_space {
                    out.push(' ');
                }
                continue;
            }
            if o.filled {
                open.iter_mut().for_each(|p| p.filled = true);
            }
            out.push_str(&format!("</{}>", o.name));
            continue;
        }
        let attrs = tag.attrs;
        if VOID.contains(&name.as_str()) {
            if name == "img" && !attrs.iter().any(|(k, v)| *k == "src" && !v.is_empty()) {
                continue;
            }
            open.iter_mut().for_each(|o| o.filled = true);
            write_start(&mut out, &name, &attrs);
            continue;
        }
        let unwrapped = name == "a" && !attrs.iter().any(|(k, _)| *k == "href");
        let at = out.len();
        if !unwrapped {
            write_start(&mut out, &name, &attrs);
            if !DROP_WHEN_EMPTY.contains(&name.as_str()) {
                // A table, cell or link counts as content for what holds it.
                open.iter_mut().for_each(|o| o.filled = true);
            }
        }
        open.push(Open {
            name,
            at,
            filled: false,
            unwrapped,
        });
    }
    // Unclosed elements (not produced by the serializer) are closed by the final pass.
    out
}

#[cfg(test)]
mod tests;
