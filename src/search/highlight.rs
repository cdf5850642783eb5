//! Highlighted title and snippet, as HTML that is safe to splice into a page.
//!
//! Why not tantivy's `SnippetGenerator`: it only marks terms its field's tokenizer produced,
//! so a word found through the grams (税 inside 税收) would show unmarked; and it picks the
//! fragment by its own scoring. Here the query words are found as text (ASCII
//! case-insensitively) in the stored title and body, which marks exactly what matched. Every
//! byte outside a `<mark>` goes through `escape`, so stored content can never inject markup.

use std::ops::Range;

/// Snippet length in characters (a line or two on a results page).
pub const SNIPPET_CHARS: usize = 120;
/// Characters of context kept before the first match in a snippet.
const LEAD_CHARS: usize = 20;
/// Matches considered when choosing a window; a body with thousands of hits needs no more.
const MAX_MATCHES: usize = 256;

pub fn escape(s: &str, out: &mut String) {
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

/// Byte ranges of every occurrence of any word, sorted, overlaps merged. Words are lowercase
/// already; the text is ASCII-lowercased, which keeps byte offsets unchanged.
fn find(text: &str, words: &[String]) -> Vec<(Range<usize>, usize)> {
    let lower = text.to_ascii_lowercase();
    let mut hits: Vec<(Range<usize>, usize)> = Vec::new();
    for (wi, w) in words.iter().enumerate() {
        if w.is_empty() {
            continue;
        }
        for (at, _) in lower.match_indices(w.as_str()).take(MAX_MATCHES) {
            hits.push((at..at + w.len(), wi));
        }
    }
    hits.sort_by_key(|(r, _)| (r.start, r.end));
    let mut merged: Vec<(Range<usize>, usize)> = Vec::with_capacity(hits.len());
    for (r, wi) in hits {
        match merged.last_mut() {
            Some((last, _)) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push((r, wi)),
        }
    }
    merged.truncate(MAX_MATCHES);
    merged
}

/// `text[window]` escaped, with the matches inside the window marked.
fn render(text: &str, window: Range<usize>, hits: &[(Range<usize>, usize)], out: &mut String) {
    let mut at = window.start;
    for (r, _) in hits {
        let (s, e) = (r.start.max(window.start), r.end.min(window.end));
        if s >= e || s < at {
            continue;
        }
        escape(&text[at..s], out);
        out.push_str("<mark>");
        escape(&text[s..e], out);
        out.push_str("</mark>");
        at = e;
    }
    escape(&text[at..window.end], out);
}

/// The whole title, escaped, matches marked.
pub fn title_html(title: &str, words: &[String]) -> String {
    let mut out = String::with_capacity(title.len() + 32);
    render(title, 0..title.len(), &find(title, words), &mut out);
    out
}

/// Byte offset `n` characters after `from` (or the end).
fn advance_chars(text: &str, from: usize, n: usize) -> usize {
    text[from..]
        .char_indices()
        .nth(n)
        .map_or(text.len(), |(i, _)| from + i)
}

/// Byte offset `n` characters before `to` (or 0).
fn back_chars(text: &str, to: usize, n: usize) -> usize {
    if n == 0 {
        return to;
    }
    text[..to]
        .char_indices()
        .rev()
        .nth(n - 1)
        .map_or(0, |(i, _)| i)
}

/// About `SNIPPET_CHARS` of the body around the densest cluster of matches, or the start of
/// the body when nothing matches. `None` when nothing in the body matches, so the caller can
/// try another text (attachment names) before falling back to `lead`.
pub fn snippet_html(body: &str, words: &[String]) -> Option<String> {
    let hits = find(body, words);
    if hits.is_empty() {
        return None;
    }
    // Pick the window that shows the most distinct words, earliest on ties.
    let mut best = (0usize, 0usize); // (distinct words, window start byte)
    for (r, _) in &hits {
        let start = back_chars(body, r.start, LEAD_CHARS);
        let end = advance_chars(body, start, SNIPPET_CHARS);
        let mut seen: Vec<usize> = hits
            .iter()
            .filter(|(h, _)| h.start >= start && h.end <= end)
            .map(|(_, wi)| *wi)
            .collect();
        seen.sort_unstable();
        seen.dedup();
        if seen.len() > best.0 {
            best = (seen.len(), start);
        }
    }
    let start = best.1;
    let end = advance_chars(body, start, SNIPPET_CHARS);
    let mut out = String::with_capacity((end - start) + 64);
    if start > 0 {
        out.push('…');
    }
    render(body, start..end, &hits, &mut out);
    if end < body.len() {
        out.push('…');
    }
    Some(out)
}

/// The first `SNIPPET_CHARS` of a text, escaped, for hits whose body did not match.
pub fn lead(body: &str) -> String {
    let end = advance_chars(body, 0, SNIPPET_CHARS);
    let mut out = String::with_capacity(end + 4);
    escape(&body[..end], &mut out);
    if end < body.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn title_marks_matches_and_escapes_the_rest() {
        let html = title_html("关于<b>营商环境</b>的通知 & 说明", &w(&["营商环境"]));
        assert_eq!(
            html,
            "关于&lt;b&gt;<mark>营商环境</mark>&lt;/b&gt;的通知 &amp; 说明"
        );
    }

    #[test]
    fn ascii_matches_ignore_case_and_overlaps_merge() {
        let html = title_html("GDP 与 gdp 统计", &w(&["gdp"]));
        assert_eq!(html, "<mark>GDP</mark> 与 <mark>gdp</mark> 统计");
        let html = title_html("信息公开", &w(&["信息", "信息公开", "公开"]));
        assert_eq!(html, "<mark>信息公开</mark>");
    }

    #[test]
    fn snippet_is_a_window_around_matches() {
        let filler = "这是一段与主题无关的文字。".repeat(20);
        let body = format!("{filler}本区发布老旧小区改造计划，改造涉及十二个小区。{filler}");
        let html = snippet_html(&body, &w(&["改造"])).expect("matches");
        assert!(html.starts_with('…') && html.ends_with('…'), "{html}");
        assert_eq!(html.matches("<mark>改造</mark>").count(), 2, "{html}");
        let visible = html.replace("<mark>", "").replace("</mark>", "");
        assert!(visible.chars().count() <= SNIPPET_CHARS + 2);
    }

    #[test]
    fn snippet_none_without_match_and_lead_escapes() {
        assert!(snippet_html("今天天气很好", &w(&["台风"])).is_none());
        let body = format!("<img src=x onerror=alert(1)>{}", "字".repeat(200));
        let l = lead(&body);
        assert!(l.starts_with("&lt;img src=x onerror=alert(1)&gt;"), "{l}");
        assert!(!l.contains('<'));
        assert!(l.ends_with('…'));
        assert_eq!(lead("短文"), "短文");
    }

    #[test]
    fn injected_markup_in_body_stays_escaped_next_to_marks() {
        let html = snippet_html("<script>税收</script>", &w(&["税"])).expect("match");
        assert_eq!(html, "&lt;script&gt;<mark>税</mark>收&lt;/script&gt;");
    }
}
