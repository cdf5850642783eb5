//! Finding every occurrence of many patterns in a text, robustly for Chinese.
//!
//! Text and patterns are normalized the same way: ASCII letters lower-cased, full-width ASCII
//! (`Ａ`, `１`, `！`) folded to half-width, zero-width characters dropped, and a space that sits
//! between two non-ASCII characters skipped (so `张 明` still matches `张明`). Matching runs on
//! the normalized characters; every span is mapped back to char offsets in the original text.
//! All start positions are tried, so overlapping occurrences are all found. Patterns that begin
//! (end) with an ASCII letter or digit only match where the text has no ASCII letter or digit
//! just before (after) them, so `sb` does not hit inside `usb`.

use std::collections::HashMap;

fn fold(c: char) -> char {
    let c = match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    };
    c.to_ascii_lowercase()
}

fn is_zero_width(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
    )
}

/// A text ready for matching.
pub(crate) struct Prepared {
    /// The original characters (offsets refer to these).
    pub chars: Vec<char>,
    norm: Vec<char>,
    /// `map[i]` is the index in `chars` of `norm[i]`.
    map: Vec<usize>,
}

impl Prepared {
    pub fn new(text: &str) -> Prepared {
        let chars: Vec<char> = text.chars().collect();
        let mut norm: Vec<char> = Vec::with_capacity(chars.len());
        let mut map = Vec::with_capacity(chars.len());
        for (i, &c) in chars.iter().enumerate() {
            if is_zero_width(c) {
                continue;
            }
            let f = fold(c);
            if f.is_whitespace() && f != '\n' {
                let prev = norm.last().copied();
                let next = chars[i + 1..]
                    .iter()
                    .map(|&c| fold(c))
                    .find(|c| !(is_zero_width(*c) || c.is_whitespace() && *c != '\n'));
                let skippable =
                    matches!((prev, next), (Some(p), Some(n)) if !p.is_ascii() && !n.is_ascii());
                if skippable || prev.is_some_and(|p| p == ' ') {
                    continue;
                }
                norm.push(' ');
                map.push(i);
                continue;
            }
            norm.push(f);
            map.push(i);
        }
        Prepared { chars, norm, map }
    }

    /// The original text of a span.
    pub fn slice(&self, start: usize, end: usize) -> String {
        self.chars[start..end].iter().collect()
    }
}

/// The normalized form of a pattern (what two patterns are compared by).
pub(crate) fn normalize_key(s: &str) -> String {
    Prepared::new(s.trim()).norm.into_iter().collect()
}

/// Many patterns, indexed by their first normalized character.
pub(crate) struct PatternSet {
    pats: Vec<Vec<char>>,
    by_first: HashMap<char, Vec<usize>>,
}

impl PatternSet {
    pub fn new<'a>(patterns: impl IntoIterator<Item = &'a str>) -> PatternSet {
        let mut pats = Vec::new();
        let mut by_first: HashMap<char, Vec<usize>> = HashMap::new();
        for p in patterns {
            let n: Vec<char> = normalize_key(p).chars().collect();
            if let Some(&f) = n.first() {
                by_first.entry(f).or_default().push(pats.len());
            }
            pats.push(n);
        }
        PatternSet { pats, by_first }
    }

    /// Every occurrence of every pattern: `(pattern index, start, end)` in original char offsets,
    /// ordered by start.
    pub fn find_all(&self, text: &Prepared) -> Vec<(usize, usize, usize)> {
        let n = &text.norm;
        let mut out = Vec::new();
        for i in 0..n.len() {
            let Some(ids) = self.by_first.get(&n[i]) else {
                continue;
            };
            for &id in ids {
                let p = &self.pats[id];
                let end = i + p.len();
                if end > n.len() || n[i..end] != p[..] {
                    continue;
                }
                let alnum = |c: &char| c.is_ascii_alphanumeric();
                if p.first().is_some_and(alnum) && i > 0 && alnum(&n[i - 1]) {
                    continue;
                }
                if p.last().is_some_and(alnum) && n.get(end).is_some_and(alnum) {
                    continue;
                }
                out.push((id, text.map[i], text.map[end - 1] + 1));
            }
        }
        out
    }
}
