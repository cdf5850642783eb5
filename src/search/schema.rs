//! The index layout: one place names every field and how it is indexed.
//!
//! Text fields record frequencies but not positions: queries are per-word term lookups (no
//! phrase queries) and snippets are cut from the stored text, so positions would only double
//! the postings on disk.

use tantivy::Index;
use tantivy::schema::{
    Field, INDEXED, IndexRecordOption, NumericOptions, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions,
};

use super::tokenize::{GRAMS, Grams};

/// Field handles, resolved once per index.
#[derive(Clone, Copy, Debug)]
pub struct Fields {
    pub key: Field,
    pub kind: Field,
    pub id: Field,
    pub site: Field,
    pub unit: Field,
    pub channels: Field,
    pub publish_ms: Field,
    pub url: Field,
    pub title: Field,
    pub body: Field,
    pub attachments: Field,
}

pub const PUBLISH_MS: &str = "publish_ms";

/// A document's identity across kinds, `article:123`: the delete term of upsert and remove, so
/// catalog item 123 never replaces article 123.
pub fn key(kind: &str, id: u64) -> String {
    format!("{kind}:{id}")
}

fn text(tokenizer: &str, stored: bool) -> TextOptions {
    // An index written with another analyzer (jieba words before 0.2) has another schema:
    // `open_or_create` refuses it and the caller rebuilds the index from the store.
    let indexing = TextFieldIndexing::default()
        .set_tokenizer(tokenizer)
        .set_index_option(IndexRecordOption::WithFreqs);
    let opts = TextOptions::default().set_indexing_options(indexing);
    if stored { opts.set_stored() } else { opts }
}

pub fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    // key (`kind:id`): the delete term of upsert; kind: the search page's filter.
    let key = b.add_text_field("key", STRING);
    let kind = b.add_text_field("kind", STRING | STORED);
    // id within its kind: fast so a future "sort by id" costs nothing.
    let id = b.add_u64_field(
        "id",
        NumericOptions::default()
            .set_indexed()
            .set_stored()
            .set_fast(),
    );
    let site = b.add_text_field("site", STRING | STORED);
    let unit = b.add_text_field("unit", STRING);
    // Multi-valued: one value per channel the item is placed in.
    let channels = b.add_u64_field("channels", INDEXED);
    // Fast: the date-range filter and the newest-first tie-break read the column.
    let publish_ms = b.add_i64_field(
        PUBLISH_MS,
        NumericOptions::default()
            .set_indexed()
            .set_stored()
            .set_fast(),
    );
    let url = b.add_text_field("url", STORED);
    // Stored for the highlighted title and snippet; indexed as grams.
    let title = b.add_text_field("title", text(GRAMS, true));
    let body = b.add_text_field("body", text(GRAMS, true));
    let attachments = b.add_text_field("attachments", text(GRAMS, true));
    let fields = Fields {
        key,
        kind,
        id,
        site,
        unit,
        channels,
        publish_ms,
        url,
        title,
        body,
        attachments,
    };
    (b.build(), fields)
}

/// Tokenizers are not persisted in the index, only their names: register them on every open.
pub fn register_tokenizers(index: &Index) {
    index.tokenizers().register(GRAMS, Grams);
}
