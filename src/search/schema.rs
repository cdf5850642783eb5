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

use super::tokenize::{GRAMS, Grams, WORDS, Words};

/// Field handles, resolved once per index.
#[derive(Clone, Copy, Debug)]
pub struct Fields {
    pub id: Field,
    pub site: Field,
    pub unit: Field,
    pub channels: Field,
    pub publish_ms: Field,
    pub url: Field,
    pub title: Field,
    pub body: Field,
    pub attachments: Field,
    pub title_grams: Field,
    pub body_grams: Field,
}

pub const PUBLISH_MS: &str = "publish_ms";

fn text(tokenizer: &str, stored: bool) -> TextOptions {
    let indexing = TextFieldIndexing::default()
        .set_tokenizer(tokenizer)
        .set_index_option(IndexRecordOption::WithFreqs);
    let opts = TextOptions::default().set_indexing_options(indexing);
    if stored { opts.set_stored() } else { opts }
}

pub fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    // id: the delete term of upsert, and fast so a future "sort by id" costs nothing.
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
    let title = b.add_text_field("title", text(WORDS, true));
    let body = b.add_text_field("body", text(WORDS, true));
    let attachments = b.add_text_field("attachments", text(WORDS, true));
    let title_grams = b.add_text_field("title_grams", text(GRAMS, false));
    let body_grams = b.add_text_field("body_grams", text(GRAMS, false));
    let fields = Fields {
        id,
        site,
        unit,
        channels,
        publish_ms,
        url,
        title,
        body,
        attachments,
        title_grams,
        body_grams,
    };
    (b.build(), fields)
}

/// Tokenizers are not persisted in the index, only their names: register them on every open.
pub fn register_tokenizers(index: &Index) {
    index.tokenizers().register(WORDS, Words::for_index());
    index.tokenizers().register(GRAMS, Grams);
}
