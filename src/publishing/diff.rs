//! What changed between two revisions of an article, field by field, for the history
//! page ("a diff between any two revisions") and the edit-conflict message ("the second
//! editor gets the diff"). Pure: no I/O, no clock other than the diff's own deadline.
//!
//! Editors read words, not markup: the body is cut into paragraphs at block tags and each
//! paragraph is reduced to its text (pictures become a visible `〔图片：…〕` marker). Chinese
//! has no spaces, so paragraphs are compared first and changed paragraphs then character by
//! character; short unchanged stretches between changes are folded into the change so the
//! result reads as phrases (`<del>旧说法</del><ins>新说法</ins>`), not as confetti.
//!
//! The output is HTML: every character of content is escaped; the only tags are ours —
//! `<ins>`, `<del>` and, in 正文, `<p>` (with `class="diff-gap"` for skipped paragraphs).

use std::time::{Duration, Instant};

use similar::{Algorithm, DiffTag, capture_diff_slices_deadline};

use crate::portal::model::{Article, plain_text};

/// The fields of one revision that are compared.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Fields<'a> {
    pub title: &'a str,
    pub subtitle: &'a str,
    pub source: &'a str,
    pub author: &'a str,
    pub keywords: &'a str,
    pub summary: &'a str,
    /// Sanitized HTML, as stored.
    pub body_html: &'a str,
}

impl<'a> From<&'a Article> for Fields<'a> {
    fn from(a: &'a Article) -> Self {
        Fields {
            title: &a.title,
            subtitle: &a.subtitle,
            source: &a.source,
            author: &a.author,
            keywords: &a.keywords,
            summary: &a.summary,
            body_html: &a.body_html,
        }
    }
}

/// The label of the body field, as used in [`FieldDiff::field`].
pub const BODY: &str = "正文";

/// One field of the comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldDiff {
    /// Chinese label: 标题, 副标题, 来源, 作者, 关键词, 摘要 or 正文.
    pub field: &'static str,
    pub changed: bool,
    /// The field's text with `<ins>`/`<del>` around insertions and deletions; all content
    /// escaped. The body is a sequence of `<p>` elements.
    pub html: String,
    /// Characters inserted and deleted (whitespace not counted).
    pub inserted: usize,
    pub deleted: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// `Some(n)`: in 正文, show only `n` unchanged paragraphs on each side of a change and
    /// replace longer unchanged stretches by one gap line. `None`: show the whole text.
    pub context: Option<usize>,
    /// Time budget for the whole comparison. Past it the remaining differences are shown
    /// coarser (whole stretches replaced) but still correctly.
    pub timeout: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            context: None,
            timeout: Duration::from_millis(200),
        }
    }
}

/// Compares two revisions, whole text shown.
pub fn diff(old: &Fields<'_>, new: &Fields<'_>) -> Vec<FieldDiff> {
    diff_with(old, new, &Options::default())
}

/// Compares two stored articles (e.g. the saved version and the one an editor submitted).
pub fn diff_articles(old: &Article, new: &Article) -> Vec<FieldDiff> {
    diff(&old.into(), &new.into())
}

/// Compares two revisions: one entry per field, in the editor's order.
pub fn diff_with(old: &Fields<'_>, new: &Fields<'_>, opts: &Options) -> Vec<FieldDiff> {
    let deadline = Instant::now().checked_add(opts.timeout);
    let line = |field, a: &str, b: &str| inline_field(field, a, b, deadline);
    vec![
        line("标题", old.title, new.title),
        line("副标题", old.subtitle, new.subtitle),
        line("来源", old.source, new.source),
        line("作者", old.author, new.author),
        line("关键词", old.keywords, new.keywords),
        line("摘要", old.summary, new.summary),
        body_field(old.body_html, new.body_html, opts.context, deadline),
    ]
}

/// One line for lists and conflict messages, e.g. "标题、正文有修改（正文 +12 −5 字）".
pub fn summary(diffs: &[FieldDiff]) -> String {
    let changed: Vec<&FieldDiff> = diffs.iter().filter(|d| d.changed).collect();
    if changed.is_empty() {
        return "无修改".to_owned();
    }
    let names: Vec<&str> = changed.iter().map(|d| d.field).collect();
    let mut out = format!("{}有修改", names.join("、"));
    if let Some(b) = changed.iter().find(|d| d.field == BODY) {
        if b.inserted == 0 && b.deleted == 0 {
            out.push_str("（正文仅调整格式或分段）");
        } else {
            out.push_str(&format!("（正文 +{} −{} 字）", b.inserted, b.deleted));
        }
    }
    out
}

/// The text paragraphs of an HTML fragment: cut at block tags (`p`, `br`, headings, list
/// items, table rows …), inline tags dropped, table cells separated by a space, pictures
/// shown as `〔图片：alt〕`, entities decoded, whitespace folded, empty paragraphs left out.
pub fn paragraphs(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chunk = String::new();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        chunk.push_str(&rest[..lt]);
        let from_lt = &rest[lt..];
        let Some(gt) = from_lt.find('>') else {
            // A stray '<' with no tag after it: plain text (plain_text treats it as a tag
            // start, so keep it escaped).
            chunk.push_str("&lt;");
            rest = &from_lt[1..];
            continue;
        };
        let tag = &from_lt[..=gt];
        rest = &from_lt[gt + 1..];
        let name = tag_name(tag);
        match name.as_str() {
            "img" => chunk.push_str(&image_marker(tag)),
            "td" | "th" => chunk.push(' '),
            n if is_block(n) => flush(&mut chunk, &mut out),
            _ => {}
        }
    }
    chunk.push_str(rest);
    flush(&mut chunk, &mut out);
    out
}

fn flush(chunk: &mut String, out: &mut Vec<String>) {
    let text = plain_text(chunk);
    if !text.is_empty() {
        out.push(text);
    }
    chunk.clear();
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "br"
            | "div"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "li"
            | "ul"
            | "ol"
            | "tr"
            | "table"
            | "thead"
            | "tbody"
            | "tfoot"
            | "caption"
            | "blockquote"
            | "figure"
            | "figcaption"
            | "hr"
            | "pre"
            | "dl"
            | "dt"
            | "dd"
            | "section"
            | "article"
    )
}

/// Lower-case name of `<name …>` or `</name>`; empty for comments and the like.
fn tag_name(tag: &str) -> String {
    let inner = tag.trim_start_matches('<').trim_start_matches('/');
    inner
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// `〔图片：alt〕`, as HTML text (the alt is still entity-encoded, as in the attribute).
fn image_marker(tag: &str) -> String {
    let alt = attribute(tag, "alt").unwrap_or("").trim();
    let alt = alt.replace('<', "&lt;").replace('>', "&gt;");
    if alt.is_empty() {
        " 〔图片〕 ".to_owned()
    } else {
        format!(" 〔图片：{alt}〕 ")
    }
}

/// The value of a quoted attribute in a start tag.
fn attribute<'t>(tag: &'t str, name: &str) -> Option<&'t str> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(pos) = lower[from..].find(name) {
        let start = from + pos;
        from = start + name.len();
        let before = lower[..start].chars().next_back();
        if !before.is_some_and(char::is_whitespace) {
            continue;
        }
        let after = lower[from..].trim_start();
        let Some(after) = after.strip_prefix('=') else {
            continue;
        };
        let after = after.trim_start();
        let quote = after.chars().next()?;
        if quote != '"' && quote != '\'' {
            continue;
        }
        // Same byte offsets in `tag`: to_ascii_lowercase keeps lengths.
        let value_start = tag.len() - after.len() + 1;
        let len = tag[value_start..].find(quote)?;
        return Some(&tag[value_start..value_start + len]);
    }
    None
}

// ---------------------------------------------------------------------------------------
// Character diff with grouping

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    Equal,
    Delete,
    Insert,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Seg {
    tag: Tag,
    text: String,
}

#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    inserted: usize,
    deleted: usize,
}

fn visible(s: &[char]) -> usize {
    s.iter().filter(|c| !c.is_whitespace()).count()
}

/// Character diff of two texts, grouped for reading, with the raw counts.
fn char_diff(old: &str, new: &str, deadline: Option<Instant>) -> (Vec<Seg>, Counts) {
    let o: Vec<char> = old.chars().collect();
    let n: Vec<char> = new.chars().collect();
    let mut segs = Vec::new();
    let mut counts = Counts::default();
    for op in capture_diff_slices_deadline(Algorithm::Myers, &o, &n, deadline) {
        let (tag, or, nr) = op.as_tag_tuple();
        let old_part = &o[or];
        let new_part = &n[nr];
        match tag {
            DiffTag::Equal => segs.push(seg(Tag::Equal, old_part)),
            DiffTag::Delete => segs.push(seg(Tag::Delete, old_part)),
            DiffTag::Insert => segs.push(seg(Tag::Insert, new_part)),
            DiffTag::Replace => {
                segs.push(seg(Tag::Delete, old_part));
                segs.push(seg(Tag::Insert, new_part));
            }
        }
        if tag != DiffTag::Equal {
            counts.deleted += visible(old_part);
            counts.inserted += visible(new_part);
        }
    }
    (group(segs), counts)
}

fn seg(tag: Tag, chars: &[char]) -> Seg {
    Seg {
        tag,
        text: chars.iter().collect(),
    }
}

/// Merges neighbours with the same tag and puts each run of changes in the order
/// "all deleted, then all inserted".
fn normalize(segs: Vec<Seg>) -> Vec<Seg> {
    let mut out: Vec<Seg> = Vec::with_capacity(segs.len());
    let mut del = String::new();
    let mut ins = String::new();
    let flush = |out: &mut Vec<Seg>, del: &mut String, ins: &mut String| {
        if !del.is_empty() {
            out.push(Seg {
                tag: Tag::Delete,
                text: std::mem::take(del),
            });
        }
        if !ins.is_empty() {
            out.push(Seg {
                tag: Tag::Insert,
                text: std::mem::take(ins),
            });
        }
    };
    for s in segs {
        match s.tag {
            Tag::Delete => del.push_str(&s.text),
            Tag::Insert => ins.push_str(&s.text),
            Tag::Equal => {
                flush(&mut out, &mut del, &mut ins);
                if s.text.is_empty() {
                    continue;
                }
                match out.last_mut() {
                    Some(last) if last.tag == Tag::Equal => last.text.push_str(&s.text),
                    _ => out.push(s),
                }
            }
        }
    }
    flush(&mut out, &mut del, &mut ins);
    out
}

/// Size of the run of changes next to an unchanged stretch: the longer of its deleted and
/// inserted text, in characters.
fn run_size<'s>(run: impl Iterator<Item = &'s Seg>) -> usize {
    let (mut del, mut ins) = (0, 0);
    for s in run.take_while(|s| s.tag != Tag::Equal) {
        match s.tag {
            Tag::Delete => del += s.text.chars().count(),
            Tag::Insert => ins += s.text.chars().count(),
            Tag::Equal => {}
        }
    }
    del.max(ins)
}

/// Folds an unchanged stretch between two changes into them when it is no longer than the
/// changes on either side (the "semantic cleanup" of diff-match-patch), so that scattered
/// single characters read as one replaced phrase. Paragraph breaks are never folded.
fn group(segs: Vec<Seg>) -> Vec<Seg> {
    let mut segs = normalize(segs);
    loop {
        let mut folded = false;
        let mut out: Vec<Seg> = Vec::with_capacity(segs.len() + 2);
        for i in 0..segs.len() {
            let s = &segs[i];
            let inner = i > 0 && i + 1 < segs.len();
            if s.tag == Tag::Equal && inner && !s.text.contains('\n') {
                let len = s.text.chars().count();
                if len <= run_size(segs[..i].iter().rev()) && len <= run_size(segs[i + 1..].iter())
                {
                    out.push(Seg {
                        tag: Tag::Delete,
                        text: s.text.clone(),
                    });
                    out.push(Seg {
                        tag: Tag::Insert,
                        text: s.text.clone(),
                    });
                    folded = true;
                    continue;
                }
            }
            out.push(s.clone());
        }
        segs = normalize(out);
        if !folded {
            return segs;
        }
    }
}

// ---------------------------------------------------------------------------------------
// Rendering

fn escape_into(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
}

fn wrapped(tag: Tag, text: &str, out: &mut String) {
    match tag {
        Tag::Equal => escape_into(text, out),
        Tag::Delete => {
            out.push_str("<del>");
            escape_into(text, out);
            out.push_str("</del>");
        }
        Tag::Insert => {
            out.push_str("<ins>");
            escape_into(text, out);
            out.push_str("</ins>");
        }
    }
}

fn inline_field(field: &'static str, old: &str, new: &str, deadline: Option<Instant>) -> FieldDiff {
    let mut html = String::with_capacity(old.len().max(new.len()) + 16);
    if old == new {
        escape_into(old, &mut html);
        return FieldDiff {
            field,
            changed: false,
            html,
            inserted: 0,
            deleted: 0,
        };
    }
    let (segs, counts) = char_diff(old, new, deadline);
    for s in &segs {
        wrapped(s.tag, &s.text, &mut html);
    }
    FieldDiff {
        field,
        changed: true,
        html,
        inserted: counts.inserted,
        deleted: counts.deleted,
    }
}

/// Renders changed paragraphs (joined with '\n') as `<p>` elements; a paragraph break that
/// was added or removed shows as a marked `¶`.
fn render_block(segs: &[Seg], out: &mut String) {
    let start = out.len();
    out.push_str("<p>");
    for s in segs {
        let mut pieces = s.text.split('\n').peekable();
        while let Some(piece) = pieces.next() {
            let brk = pieces.peek().is_some();
            match s.tag {
                Tag::Equal => escape_into(piece, out),
                Tag::Delete | Tag::Insert if piece.is_empty() && !brk => {}
                Tag::Delete | Tag::Insert => {
                    let name = if s.tag == Tag::Delete { "del" } else { "ins" };
                    out.push_str(&format!("<{name}>"));
                    escape_into(piece, out);
                    if brk {
                        out.push('¶');
                    }
                    out.push_str(&format!("</{name}>"));
                }
            }
            if brk {
                out.push_str("</p><p>");
            }
        }
    }
    out.push_str("</p>");
    // Only our own markup can spell an empty paragraph: content is escaped.
    let block = out[start..].replace("<p></p>", "");
    out.truncate(start);
    out.push_str(&block);
}

fn paragraph(tag: Tag, text: &str, out: &mut String) {
    out.push_str("<p>");
    wrapped(tag, text, out);
    out.push_str("</p>");
}

fn gap(n: usize, out: &mut String) {
    out.push_str(&format!("<p class=\"diff-gap\">……（{n} 段未改动）</p>"));
}

fn body_field(
    old_html: &str,
    new_html: &str,
    context: Option<usize>,
    deadline: Option<Instant>,
) -> FieldDiff {
    let old = paragraphs(old_html);
    let new = paragraphs(new_html);
    let mut html = String::with_capacity(new_html.len() + 64);
    let mut counts = Counts::default();
    let ops = capture_diff_slices_deadline(Algorithm::Patience, &old, &new, deadline);
    let last = ops.len().saturating_sub(1);
    for (k, op) in ops.iter().enumerate() {
        let (tag, or, nr) = op.as_tag_tuple();
        match tag {
            DiffTag::Equal => {
                let run = &old[or];
                let (head, tail) = match context {
                    None => (run.len(), 0),
                    Some(c) => (if k > 0 { c } else { 0 }, if k < last { c } else { 0 }),
                };
                if head + tail + 1 >= run.len() {
                    for p in run {
                        paragraph(Tag::Equal, p, &mut html);
                    }
                } else {
                    for p in &run[..head] {
                        paragraph(Tag::Equal, p, &mut html);
                    }
                    gap(run.len() - head - tail, &mut html);
                    for p in &run[run.len() - tail..] {
                        paragraph(Tag::Equal, p, &mut html);
                    }
                }
            }
            DiffTag::Delete => {
                for p in &old[or] {
                    counts.deleted += p.chars().filter(|c| !c.is_whitespace()).count();
                    paragraph(Tag::Delete, p, &mut html);
                }
            }
            DiffTag::Insert => {
                for p in &new[nr] {
                    counts.inserted += p.chars().filter(|c| !c.is_whitespace()).count();
                    paragraph(Tag::Insert, p, &mut html);
                }
            }
            DiffTag::Replace => {
                let (segs, c) = char_diff(&old[or].join("\n"), &new[nr].join("\n"), deadline);
                counts.inserted += c.inserted;
                counts.deleted += c.deleted;
                render_block(&segs, &mut html);
            }
        }
    }
    FieldDiff {
        field: BODY,
        // A change of markup only (bold, a link target) still counts as a change, with no
        // characters marked.
        changed: old != new || old_html != new_html,
        html,
        inserted: counts.inserted,
        deleted: counts.deleted,
    }
}

#[cfg(test)]
mod tests;
