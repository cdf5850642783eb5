//! How text becomes terms: one analyzer, `gk_grams`, for every text field. Every Han
//! character and every pair of adjacent Han characters, plus lowercased runs of other letters
//! and digits: the CJK analyzer of Elasticsearch (bigrams) with unigrams added so a one-character
//! query (税) finds the character inside any word (税收).
//!
//! Why no dictionary segmenter (jieba): its dictionary cost 33 MB of resident memory once the
//! first search loaded it, more than the whole server is allowed on a small box, and 2 MB of
//! the binary. Bigrams find every contiguous text a dictionary word would, without missing the
//! words a dictionary glues to their neighbours (区长 inside 副区长); BM25 over bigrams ranks
//! well for the short queries a portal gets (docs/ARCHITECTURE.md, "Search", has the figures).

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

pub const GRAMS: &str = "gk_grams";

/// Longest term kept: a run of letters or digits longer than this is junk (base64, long
/// numbers) and would only bloat the term dictionary.
const MAX_TERM_BYTES: usize = 64;

/// Han ideographs (CJK unified, extension A, compatibility, supplementary planes).
pub fn is_han(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FA1F}')
}

/// A token stream over tokens computed up front (adjacent pairs need a look behind).
pub struct VecTokenStream {
    tokens: Vec<Token>,
    next: usize,
}

impl VecTokenStream {
    fn new(tokens: Vec<Token>) -> Self {
        VecTokenStream { tokens, next: 0 }
    }
}

impl TokenStream for VecTokenStream {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }

    // `advance` is always called first by tantivy; before that we show the first token
    // (or an empty one) rather than panic.
    fn token(&self) -> &Token {
        let i = self.next.saturating_sub(1);
        self.tokens.get(i).unwrap_or(&EMPTY)
    }

    fn token_mut(&mut self) -> &mut Token {
        let i = self.next.saturating_sub(1);
        if i < self.tokens.len() {
            &mut self.tokens[i]
        } else {
            self.tokens.push(Token::default());
            let last = self.tokens.len() - 1;
            &mut self.tokens[last]
        }
    }
}

static EMPTY: Token = Token {
    offset_from: 0,
    offset_to: 0,
    position: 0,
    text: String::new(),
    position_length: 1,
};

/// Han unigrams and bigrams plus lowercased runs of other letters and digits.
#[derive(Clone, Default)]
pub struct Grams;

impl Grams {
    pub fn grams(text: &str) -> Vec<Token> {
        let mut out: Vec<Token> = Vec::new();
        let push = |from: usize, to: usize, out: &mut Vec<Token>| {
            let mut s = text[from..to].to_string();
            s.make_ascii_lowercase();
            if s.len() <= MAX_TERM_BYTES {
                let position = out.len();
                out.push(Token {
                    offset_from: from,
                    offset_to: to,
                    position,
                    text: s,
                    position_length: 1,
                });
            }
        };
        let mut prev_han: Option<usize> = None; // byte offset of the previous Han char
        let mut run_start: Option<usize> = None; // start of a non-Han alphanumeric run
        for (i, c) in text.char_indices() {
            if is_han(c) {
                if let Some(s) = run_start.take() {
                    push(s, i, &mut out);
                }
                push(i, i + c.len_utf8(), &mut out);
                if let Some(p) = prev_han {
                    push(p, i + c.len_utf8(), &mut out);
                }
                prev_han = Some(i);
            } else {
                prev_han = None;
                if c.is_alphanumeric() {
                    run_start.get_or_insert(i);
                } else if let Some(s) = run_start.take() {
                    push(s, i, &mut out);
                }
            }
        }
        if let Some(s) = run_start {
            push(s, text.len(), &mut out);
        }
        out
    }

    /// The gram terms a document must all contain to contain `word` (approximately: the
    /// bigrams of a 3+ character word are required, not their order). A lone Han character
    /// needs its unigram; longer Han runs need only their bigrams.
    pub fn required_for(word: &str) -> Vec<String> {
        let chars: Vec<(usize, char)> = word.char_indices().collect();
        let mut out = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let (start, c) = chars[i];
            if is_han(c) {
                let mut j = i;
                while j + 1 < chars.len() && is_han(chars[j + 1].1) {
                    j += 1;
                }
                if i == j {
                    out.push(c.to_string());
                } else {
                    for k in i..j {
                        let from = chars[k].0;
                        let to = chars[k + 1].0 + chars[k + 1].1.len_utf8();
                        out.push(word[from..to].to_string());
                    }
                }
                i = j + 1;
            } else if c.is_alphanumeric() {
                let mut j = i;
                while j + 1 < chars.len()
                    && !is_han(chars[j + 1].1)
                    && chars[j + 1].1.is_alphanumeric()
                {
                    j += 1;
                }
                let end = chars.get(j + 1).map_or(word.len(), |x| x.0);
                out.push(word[start..end].to_ascii_lowercase());
                i = j + 1;
            } else {
                i += 1;
            }
        }
        out.sort();
        out.dedup();
        out
    }
}

impl Tokenizer for Grams {
    type TokenStream<'a> = VecTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        VecTokenStream::new(Grams::grams(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(tokens: &[Token]) -> Vec<&str> {
        tokens.iter().map(|t| t.text.as_str()).collect()
    }

    #[test]
    fn grams_cover_han_pairs_and_ascii_runs() {
        let g = Grams::grams("区长Email：ABC12，税收");
        assert_eq!(
            texts(&g),
            ["区", "长", "区长", "email", "abc12", "税", "收", "税收"]
        );
        for t in &g {
            assert!(t.offset_to <= "区长Email：ABC12，税收".len());
        }
    }

    #[test]
    fn required_grams_of_words() {
        assert_eq!(Grams::required_for("税"), ["税"]);
        assert_eq!(Grams::required_for("区长"), ["区长"]);
        assert_eq!(Grams::required_for("营商环境"), ["商环", "环境", "营商"]);
        assert_eq!(Grams::required_for("2025年"), ["2025", "年"]);
        assert!(Grams::required_for("，。").is_empty());
    }
}
