//! How text becomes terms. Two analyzers, registered under fixed names in every index:
//!
//! - `gk_words`: jieba in search mode (a long word is also indexed as its shorter dictionary
//!   words), ASCII-lowercased, punctuation and spaces dropped. Word terms give precise,
//!   well-ranked matches for 信息公开, 营商环境 and so on.
//! - `gk_grams`: every Han character and every pair of adjacent Han characters, plus lowercased
//!   runs of other letters/digits. Jieba alone misses a word the dictionary glued to its
//!   neighbour (税 inside 税收, 区长 inside 副区长); the grams make "contains this text" always
//!   findable, and the word fields then decide the ranking.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use tantivy_jieba::JiebaTokenizer;

pub const WORDS: &str = "gk_words";
pub const GRAMS: &str = "gk_grams";

/// Longest term kept: a jieba "word" longer than this is a run of junk (base64, long numbers)
/// and would only bloat the term dictionary.
const MAX_TERM_BYTES: usize = 64;

/// Han ideographs (CJK unified, extension A, compatibility, supplementary planes).
pub fn is_han(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FA1F}')
}

/// A token stream over tokens computed up front: both analyzers need a look at the whole
/// text (jieba's DAG, adjacent pairs), so streaming them lazily would gain nothing.
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

fn is_word(text: &str) -> bool {
    text.len() <= MAX_TERM_BYTES && text.chars().any(char::is_alphanumeric)
}

/// Jieba words, filtered and ASCII-lowercased (ASCII only, so byte offsets stay valid).
#[derive(Clone)]
pub struct Words {
    jieba: JiebaTokenizer,
}

impl Words {
    /// Search mode for indexing: also emits the dictionary words inside a long word.
    pub fn for_index() -> Self {
        Words {
            jieba: JiebaTokenizer::with_search_mode(true),
        }
    }

    /// Default mode for queries: one term per word the user typed, so 营商环境 asks for the
    /// word (or its parts, if the dictionary splits it) and not for every fragment.
    pub fn for_query() -> Self {
        Words {
            jieba: JiebaTokenizer::with_search_mode(false),
        }
    }

    pub fn words(&mut self, text: &str) -> Vec<Token> {
        let mut stream = self.jieba.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            let t = stream.token();
            if is_word(&t.text) {
                let mut t = t.clone();
                t.text.make_ascii_lowercase();
                t.position = out.len();
                t.position_length = 1;
                out.push(t);
            }
        }
        out
    }
}

impl Tokenizer for Words {
    type TokenStream<'a> = VecTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        VecTokenStream::new(self.words(text))
    }
}

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

    #[test]
    fn words_drop_punctuation_and_lowercase_ascii() {
        let w = Words::for_query().words("关于 PDF 文件，请下载！");
        let t = texts(&w);
        assert!(t.contains(&"pdf"), "{t:?}");
        assert!(
            !t.iter().any(|x| x.contains('，') || x.trim().is_empty()),
            "{t:?}"
        );
    }
}
