//! From what a citizen typed to a tantivy query.
//!
//! We never hand user text to tantivy's query parser: the text is cut into words here (runs
//! of Han characters, runs of other letters and digits) and every word becomes a fixed shape
//! of gram-term queries, so no input can be a syntax error or an expensive wildcard/regex.
//! Every word must match (AND), in the title, body or an attachment name; title matches weigh
//! more. A long word must contain all its bigrams; when that finds nothing, `relaxed` asks for
//! two thirds of them, so 垃圾分类宣传 still finds an item about 垃圾分类 and its 宣传.

use std::fmt;
use std::ops::Bound;

use tantivy::Term;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query as TQuery, RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};

use super::Query;
use super::schema::Fields;
use super::tokenize::{Grams, is_han};

/// Longest query accepted, in characters. Long enough for a document title, short enough that
/// a pasted paragraph becomes a helpful message rather than a 40-clause query.
pub const MAX_QUERY_CHARS: usize = 64;

/// At most this many words are searched; later ones are ignored (bounds query cost).
pub const MAX_WORDS: usize = 12;

/// Title matches count this many times a body match (the brief's "title above body").
const TITLE_BOOST: f32 = 3.0;
/// Attachment names are short like titles but less telling.
const ATTACHMENT_BOOST: f32 = 1.5;
/// A relaxed long word needs this share of its bigrams (rounded up).
const RELAXED_SHARE: (usize, usize) = (2, 3);
/// Words with at least this many bigrams may be relaxed; shorter ones are too short to guess.
const RELAXED_MIN_GRAMS: usize = 3;

/// Why a query cannot be searched; `Display` is the message shown to the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryProblem {
    Empty,
    /// The query's length in characters (after cleaning).
    TooLong(usize),
}

impl fmt::Display for QueryProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QueryProblem::Empty => f.write_str("请输入要搜索的关键词"),
            QueryProblem::TooLong(n) => write!(
                f,
                "搜索词过长（{n} 个字），请缩短到 {MAX_QUERY_CHARS} 个字以内"
            ),
        }
    }
}

impl std::error::Error for QueryProblem {}

/// Characters with meaning in tantivy's query grammar (and HTML's), plus controls: replaced by
/// spaces so the cleaned text is plain words whatever a caller later does with it.
fn is_syntax(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '+' | '-'
                | '&'
                | '|'
                | '!'
                | '('
                | ')'
                | '{'
                | '}'
                | '['
                | ']'
                | '^'
                | '"'
                | '~'
                | '*'
                | '?'
                | ':'
                | '\\'
                | '/'
                | '`'
                | '\''
                | '<'
                | '>'
                | '='
        )
}

/// Syntax characters to spaces, whitespace runs (including the full-width space) collapsed.
fn normalize(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len().min(1024));
    for word in raw
        .split(|c: char| c.is_whitespace() || is_syntax(c))
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Cleans a raw query for display and search: trimmed, syntax characters removed, length
/// checked. The result is what the search box should show back to the user.
pub fn clean_query(raw: &str) -> Result<String, QueryProblem> {
    let cleaned = normalize(raw);
    let n = cleaned.chars().count();
    // Only punctuation (e.g. "！？") has no word to search for either.
    if !cleaned.chars().any(char::is_alphanumeric) {
        Err(QueryProblem::Empty)
    } else if n > MAX_QUERY_CHARS {
        Err(QueryProblem::TooLong(n))
    } else {
        Ok(cleaned)
    }
}

/// The words of a query: runs of Han characters and runs of other letters and digits (so
/// `GDP核算` is `gdp` and `核算`), lowercased and deduplicated, at most `MAX_WORDS`. Applied to
/// any text, so `search` is safe even if the caller skipped `clean_query`.
pub fn query_words(text: &str) -> Vec<String> {
    let capped: String = normalize(text).chars().take(MAX_QUERY_CHARS).collect();
    let mut words: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut cur_han = false;
    let flush = |cur: &mut String, words: &mut Vec<String>| {
        if !cur.is_empty() && words.len() < MAX_WORDS && !words.contains(cur) {
            words.push(std::mem::take(cur));
        }
        cur.clear();
    };
    for c in capped.chars() {
        if !c.is_alphanumeric() {
            flush(&mut cur, &mut words);
            continue;
        }
        let han = is_han(c);
        if han != cur_han {
            flush(&mut cur, &mut words);
            cur_han = han;
        }
        cur.push(c.to_ascii_lowercase());
    }
    flush(&mut cur, &mut words);
    words
}

/// Whether a relaxed search can help: some word is long enough to be relaxed.
pub fn can_relax(words: &[String]) -> bool {
    words
        .iter()
        .any(|w| Grams::required_for(w).len() >= RELAXED_MIN_GRAMS)
}

/// What to mark in results: the words, or for a relaxed search the bigrams of its long words
/// (a long word as a whole may not occur in a relaxed hit).
pub fn marks(words: &[String], relaxed: bool) -> Vec<String> {
    let mut out = Vec::new();
    for w in words {
        let grams = Grams::required_for(w);
        if relaxed && grams.len() >= RELAXED_MIN_GRAMS {
            out.extend(grams);
        } else {
            out.push(w.clone());
        }
    }
    out
}

fn term(field: Field, text: &str) -> Box<dyn TQuery> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::WithFreqs,
    ))
}

fn boost(q: Box<dyn TQuery>, by: f32) -> Box<dyn TQuery> {
    Box::new(BoostQuery::new(q, by))
}

/// The grams of `word` in one field: all of them, or (relaxed, long words) two thirds.
fn grams_match(field: Field, word: &str, relaxed: bool) -> Option<Box<dyn TQuery>> {
    let grams = Grams::required_for(word);
    let n = grams.len();
    let clauses = |occur| grams.iter().map(|g| (occur, term(field, g))).collect();
    match n {
        0 => None,
        1 => Some(term(field, &grams[0])),
        _ if relaxed && n >= RELAXED_MIN_GRAMS => {
            let need = (n * RELAXED_SHARE.0).div_ceil(RELAXED_SHARE.1);
            Some(Box::new(BooleanQuery::with_minimum_required_clauses(
                clauses(Occur::Should),
                need,
            )))
        }
        _ => Some(Box::new(BooleanQuery::new(clauses(Occur::Must)))),
    }
}

/// One word, in the title, the body or an attachment name.
fn word_query(f: &Fields, word: &str, relaxed: bool) -> Option<Box<dyn TQuery>> {
    let should: Vec<(Occur, Box<dyn TQuery>)> = [
        (f.title, TITLE_BOOST),
        (f.body, 1.0),
        (f.attachments, ATTACHMENT_BOOST),
    ]
    .into_iter()
    .filter_map(|(field, by)| {
        let q = grams_match(field, word, relaxed)?;
        Some((Occur::Should, if by == 1.0 { q } else { boost(q, by) }))
    })
    .collect();
    if should.is_empty() {
        None
    } else {
        Some(Box::new(BooleanQuery::new(should)))
    }
}

/// A filter that must match but adds nothing to the score.
fn filter(q: Box<dyn TQuery>) -> (Occur, Box<dyn TQuery>) {
    (Occur::Must, Box::new(ConstScoreQuery::new(q, 0.0)))
}

/// The whole query: every word (Must) plus the filters. `None` when there is nothing to
/// require at all, i.e. no words and no filters: the caller then matches everything.
pub fn build(f: &Fields, q: &Query, words: &[String], relaxed: bool) -> Option<Box<dyn TQuery>> {
    let mut must: Vec<(Occur, Box<dyn TQuery>)> = words
        .iter()
        .filter_map(|w| Some((Occur::Must, word_query(f, w, relaxed)?)))
        .collect();
    if let Some(kind) = &q.kind {
        must.push(filter(term(f.kind, kind)));
    }
    if let Some(site) = &q.site {
        must.push(filter(term(f.site, site)));
    }
    if let Some(unit) = &q.unit {
        must.push(filter(term(f.unit, unit)));
    }
    if let Some(ch) = q.channel {
        must.push(filter(Box::new(TermQuery::new(
            Term::from_field_u64(f.channels, ch),
            IndexRecordOption::Basic,
        ))));
    }
    if q.from_ms.is_some() || q.to_ms.is_some() {
        let bound = |v: Option<i64>| match v {
            Some(ms) => Bound::Included(Term::from_field_i64(f.publish_ms, ms)),
            None => Bound::Unbounded,
        };
        must.push(filter(Box::new(RangeQuery::new(
            bound(q.from_ms),
            bound(q.to_ms),
        ))));
    }
    if must.is_empty() {
        None
    } else {
        Some(Box::new(BooleanQuery::new(must)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_query_trims_and_strips_syntax() {
        assert_eq!(clean_query("  营商环境  ").as_deref(), Ok("营商环境"));
        assert_eq!(
            clean_query("title:\"信息公开\" AND (2025年)^3 -税*").as_deref(),
            Ok("title 信息公开 AND 2025年 3 税")
        );
        assert_eq!(clean_query("区长\u{3000}信箱").as_deref(), Ok("区长 信箱"));
        assert_eq!(
            clean_query("<script>alert(1)</script>").as_deref(),
            Ok("script alert 1 script")
        );
    }

    #[test]
    fn clean_query_rejects_empty_and_too_long() {
        assert_eq!(clean_query(""), Err(QueryProblem::Empty));
        assert_eq!(clean_query("  ()^~* \t"), Err(QueryProblem::Empty));
        assert_eq!(clean_query("！？。……"), Err(QueryProblem::Empty));
        let long = "街道办事处".repeat(13); // 65 chars
        assert_eq!(clean_query(&long), Err(QueryProblem::TooLong(65)));
        let fits = "街".repeat(MAX_QUERY_CHARS);
        assert!(clean_query(&fits).is_ok());
        assert!(QueryProblem::TooLong(65).to_string().contains("65"));
        assert_eq!(QueryProblem::Empty.to_string(), "请输入要搜索的关键词");
    }

    #[test]
    fn query_words_are_capped_and_deduplicated() {
        let w = query_words("公示 公示 公示");
        assert_eq!(w, ["公示"]);
        let many = (0..40)
            .map(|i| format!("x{i}"))
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(query_words(&many).len(), MAX_WORDS);
        assert!(query_words("！？。，").is_empty());
    }

    #[test]
    fn query_words_are_runs_of_han_and_of_other_letters() {
        assert_eq!(query_words("GDP核算"), ["gdp", "核算"]);
        assert_eq!(query_words("2025年 财政"), ["2025", "年", "财政"]);
        assert_eq!(query_words("区长，信箱"), ["区长", "信箱"]);
        assert_eq!(query_words("营商环境"), ["营商环境"]);
    }

    #[test]
    fn relaxing_asks_for_two_thirds_of_a_long_words_bigrams() {
        let w = query_words("垃圾分类宣传 税");
        assert!(can_relax(&w));
        assert!(!can_relax(&query_words("营商 税收")));
        assert_eq!(marks(&w, false), ["垃圾分类宣传", "税"]);
        assert_eq!(
            marks(&w, true),
            ["分类", "圾分", "垃圾", "宣传", "类宣", "税"]
        );
    }
}
