//! From what a citizen typed to a tantivy query.
//!
//! We never hand user text to tantivy's query parser: the text is segmented into words here
//! and every word becomes a fixed shape of term queries, so no input can be a syntax error or
//! an expensive wildcard/regex. Every word must match (AND), in the title, body or an
//! attachment name; title matches weigh more.

use std::fmt;
use std::ops::Bound;

use tantivy::Term;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query as TQuery, RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};

use super::Query;
use super::schema::Fields;
use super::tokenize::{Grams, Words};

/// Longest query accepted, in characters. Long enough for a document title, short enough that
/// a pasted paragraph becomes a helpful message rather than a 40-clause query.
pub const MAX_QUERY_CHARS: usize = 64;

/// At most this many words are searched; later ones are ignored (bounds query cost).
pub const MAX_WORDS: usize = 12;

/// Title matches count this many times a body match (the brief's "title above body").
const TITLE_BOOST: f32 = 3.0;
/// Attachment names are short like titles but less telling.
const ATTACHMENT_BOOST: f32 = 1.5;
/// The grams fields exist for recall; a match found only through them ranks below one the
/// word fields agree on.
const GRAMS_WEIGHT: f32 = 0.3;

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

/// The words of a query, lowercased and deduplicated, at most `MAX_WORDS`. Applied to any
/// text, so `search` is safe even if the caller skipped `clean_query`.
pub fn query_words(text: &str) -> Vec<String> {
    let capped: String = normalize(text).chars().take(MAX_QUERY_CHARS).collect();
    let mut words: Vec<String> = Vec::new();
    for t in Words::for_query().words(&capped) {
        if !words.contains(&t.text) {
            words.push(t.text);
        }
        if words.len() == MAX_WORDS {
            break;
        }
    }
    words
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

/// All the grams of `word` in one grams field.
fn grams_match(field: Field, word: &str) -> Option<Box<dyn TQuery>> {
    let grams = Grams::required_for(word);
    match grams.len() {
        0 => None,
        1 => Some(term(field, &grams[0])),
        _ => Some(Box::new(BooleanQuery::new(
            grams
                .iter()
                .map(|g| (Occur::Must, term(field, g)))
                .collect(),
        ))),
    }
}

/// One word: found as a jieba word in title/body/attachments, or as text in the grams.
fn word_query(f: &Fields, word: &str) -> Box<dyn TQuery> {
    let mut should: Vec<(Occur, Box<dyn TQuery>)> = vec![
        (Occur::Should, boost(term(f.title, word), TITLE_BOOST)),
        (Occur::Should, term(f.body, word)),
        (
            Occur::Should,
            boost(term(f.attachments, word), ATTACHMENT_BOOST),
        ),
    ];
    if let Some(q) = grams_match(f.title_grams, word) {
        should.push((Occur::Should, boost(q, TITLE_BOOST * GRAMS_WEIGHT)));
    }
    if let Some(q) = grams_match(f.body_grams, word) {
        should.push((Occur::Should, boost(q, GRAMS_WEIGHT)));
    }
    Box::new(BooleanQuery::new(should))
}

/// A filter that must match but adds nothing to the score.
fn filter(q: Box<dyn TQuery>) -> (Occur, Box<dyn TQuery>) {
    (Occur::Must, Box::new(ConstScoreQuery::new(q, 0.0)))
}

/// The whole query: every word (Must) plus the filters. `None` when there is nothing to
/// require at all, i.e. no words and no filters: the caller then matches everything.
pub fn build(f: &Fields, q: &Query, words: &[String]) -> Option<Box<dyn TQuery>> {
    let mut must: Vec<(Occur, Box<dyn TQuery>)> = words
        .iter()
        .map(|w| (Occur::Must, word_query(f, w)))
        .collect();
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
}
