//! Articles as search documents: what the index holds for one, and the rebuild source that
//! hands over every public article.

use super::Snapshot;
use super::model::{Article, plain_text};
use crate::error::Result;
use crate::search::{Indexer, Kind, SearchDoc, Source};
use crate::store::Store;

pub const ARTICLE: Kind = Kind {
    key: "article",
    label: "信息",
};

/// Registered by the composition root.
pub const SOURCE: Source = Source {
    kind: ARTICLE,
    rebuild,
};

/// What the index holds for an article.
pub fn doc(snap: &Snapshot, a: &Article) -> SearchDoc {
    SearchDoc {
        kind: ARTICLE.key,
        id: a.id,
        site: a.site.to_string(),
        channels: a.all_channels(),
        unit: a.site.to_string(),
        title: a.title.clone(),
        body_text: plain_text(&a.body_html),
        attachment_names: a.attachments.iter().map(|f| f.name.clone()).collect(),
        publish_ms: a.publish_ms.unwrap_or(a.updated_ms),
        url: snap.article_url(a),
    }
}

/// Indexes a public article, or removes one that is not (any more) public.
pub fn index_article(ix: &Indexer, snap: &Snapshot, a: &Article) {
    if a.is_public() {
        ix.put(doc(snap, a));
    } else {
        ix.remove(ARTICLE.key, a.id);
    }
}

/// Every public article.
fn rebuild(store: &Store, put: &mut dyn FnMut(SearchDoc) -> Result<()>) -> Result<()> {
    let snap = store.read_blocking(|txn| {
        Ok(Snapshot {
            sites: super::store::list_sites(txn)?,
            channels: super::store::all_channels(txn)?,
        })
    })?;
    // A batch at a time, each from its own read: a rebuild of 100,000 items must not hold
    // them all in memory on a small box.
    let mut after = None;
    loop {
        let batch = store.read_blocking(|txn| super::store::articles_after(txn, after, 500))?;
        let Some(last) = batch.last() else {
            return Ok(());
        };
        after = Some(last.id);
        for a in batch.iter().filter(|a| a.is_public()) {
            put(doc(&snap, a))?;
        }
    }
}
