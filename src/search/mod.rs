//! Full-text search over public content, in Chinese (tantivy, Han unigrams and bigrams).
//!
//! The index is derived data (`data/search/`): the store is the truth, and a missing, broken or
//! older-format index is rebuilt from it (`indexer::open`). One `IndexWriter` lives behind a
//! mutex (tantivy allows one per index); the reader is reloaded by hand after every commit, so
//! a search right after `upsert` returns sees the change.
//!
//! Every document has a kind (an article, later a catalog item, a letter…). A capability
//! registers a `Source` (its kind and how to produce all its documents from the store) with
//! the composition root and hands changes to the one `Indexer`; only this module touches
//! tantivy.
//!
//! Files: `schema` (fields), `tokenize` (Han unigrams and bigrams, other letters and digits as runs), `query` (user text →
//! query, `clean_query`), `highlight` (escaped HTML with `<mark>`), `index` (open, write,
//! search), `indexer` (the worker thread, rebuilds from the registered sources).

mod highlight;
mod index;
pub mod indexer;
mod query;
mod schema;
mod tokenize;

#[cfg(test)]
mod bench;
#[cfg(test)]
mod tests;

pub use index::{SearchIndex, open_or_recreate};
pub use indexer::{Indexer, Source};
pub use query::{MAX_QUERY_CHARS, QueryProblem, clean_query};

/// How much memory the index may use (`[memory]` in the config).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Memory {
    /// Decompressed document-store blocks cached per segment.
    pub doc_blocks: usize,
    /// The indexing arena; tantivy refuses less than 15 MB.
    pub writer_bytes: usize,
}

impl Default for Memory {
    fn default() -> Self {
        Memory {
            doc_blocks: 4,
            writer_bytes: 15 * 1024 * 1024,
        }
    }
}

/// A kind of document, as registered by the capability that owns it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kind {
    /// Stored in the index and used in the search page's `kind=` parameter: ASCII, stable.
    pub key: &'static str,
    /// What the search page calls it.
    pub label: &'static str,
}

/// One public item as the index sees it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchDoc {
    /// The kind's key (`Kind::key`).
    pub kind: &'static str,
    /// Id within its kind; `upsert` replaces the document with the same kind and id.
    pub id: u64,
    /// Site code (the unit code of the site, e.g. "gov", "commerce").
    pub site: String,
    /// Every channel the item is placed in.
    pub channels: Vec<u64>,
    /// Source unit code.
    pub unit: String,
    pub title: String,
    /// Plain text of the body (HTML already stripped by the caller).
    pub body_text: String,
    pub attachment_names: Vec<String>,
    /// Publish time, UTC milliseconds.
    pub publish_ms: i64,
    /// Canonical URL path.
    pub url: String,
}

/// A search request. Empty `text` with filters lists the filtered items newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub text: String,
    /// A kind's key.
    pub kind: Option<String>,
    pub site: Option<String>,
    pub channel: Option<u64>,
    pub unit: Option<String>,
    /// Inclusive lower bound on `publish_ms`.
    pub from_ms: Option<i64>,
    /// Inclusive upper bound on `publish_ms`.
    pub to_ms: Option<i64>,
    /// 1-based; 0 is read as 1.
    pub page: usize,
    /// Clamped to 1..=100.
    pub per_page: usize,
}

impl Default for Query {
    fn default() -> Self {
        Query {
            text: String::new(),
            kind: None,
            site: None,
            channel: None,
            unit: None,
            from_ms: None,
            to_ms: None,
            page: 1,
            per_page: 10,
        }
    }
}

impl Query {
    /// A plain text query, first page of 10.
    pub fn text(text: &str) -> Query {
        Query {
            text: text.to_string(),
            ..Query::default()
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// The kind's key.
    pub kind: String,
    pub id: u64,
    pub url: String,
    /// The title, HTML-escaped, matched words in `<mark>`.
    pub title_html: String,
    /// About 120 characters around the matches (or the start of the body), escaped the same way.
    pub snippet_html: String,
    pub publish_ms: i64,
    pub site: String,
    pub score: f32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Results {
    /// Every matching item, not just this page.
    pub total: usize,
    pub hits: Vec<Hit>,
    /// Time spent in `search`, microseconds.
    pub took_us: u64,
}
