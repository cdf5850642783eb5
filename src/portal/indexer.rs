//! Keeps the search index in step with the store. Changes go to one worker thread in
//! order (so a quick publish-then-withdraw can never end with the item findable), off
//! the request path; `flush` waits until everything sent so far is in the index.

use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc::{Sender, channel};

use super::Snapshot;
use super::model::{Article, plain_text};
use crate::error::{Error, Result};
use crate::search::{SearchDoc, SearchIndex};

enum Job {
    Put(Box<SearchDoc>),
    Remove(u64),
    Flush(Sender<()>),
}

pub struct Indexer {
    pub index: Arc<SearchIndex>,
    tx: std::sync::Mutex<Sender<Job>>,
}

/// What the index holds for an article.
pub fn doc(snap: &Snapshot, a: &Article) -> SearchDoc {
    SearchDoc {
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

impl Indexer {
    pub fn start(index: SearchIndex) -> Indexer {
        let index = Arc::new(index);
        let (tx, rx) = channel::<Job>();
        let idx = index.clone();
        std::thread::Builder::new()
            .name("search-indexer".into())
            .spawn(move || {
                for job in rx {
                    let r = match job {
                        Job::Put(d) => idx.upsert(&d),
                        Job::Remove(id) => idx.remove(id),
                        Job::Flush(done) => {
                            let _ = done.send(());
                            Ok(())
                        }
                    };
                    if let Err(e) = r {
                        tracing::error!("search index update failed: {e}");
                    }
                }
            })
            .ok();
        Indexer {
            index,
            tx: std::sync::Mutex::new(tx),
        }
    }

    fn send(&self, job: Job) {
        if let Ok(tx) = self.tx.lock() {
            let _ = tx.send(job);
        }
    }

    /// Indexes a public article, or removes one that is not (any more) public.
    pub fn article(&self, snap: &Snapshot, a: &Article) {
        if a.is_public() {
            self.send(Job::Put(Box::new(doc(snap, a))));
        } else {
            self.send(Job::Remove(a.id));
        }
    }

    /// Blocks until every change sent so far is searchable.
    pub fn flush(&self) {
        let (tx, rx) = channel();
        self.send(Job::Flush(tx));
        let _ = rx.recv_timeout(std::time::Duration::from_secs(60));
    }
}

/// Rebuilds the index from the store's public articles (one commit).
pub fn rebuild(index: &SearchIndex, store: &crate::store::Store) -> Result<usize> {
    let snap = store.read_blocking(|txn| {
        Ok(Snapshot {
            sites: super::store::list_sites(txn)?,
            channels: super::store::all_channels(txn)?,
        })
    })?;
    // A batch at a time, each from its own read: a rebuild of 100,000 items must not hold
    // them all in memory on a small box.
    let mut after = None;
    index.rebuild_from(|| {
        let batch = store.read_blocking(|txn| super::store::articles_after(txn, after, 500))?;
        let Some(last) = batch.last() else {
            return Ok(None);
        };
        after = Some(last.id);
        Ok(Some(
            batch
                .iter()
                .filter(|a| a.is_public())
                .map(|a| doc(&snap, a))
                .collect(),
        ))
    })
}

/// Opens the index under the data folder; rebuilds it when it was missing or broken
/// while the store holds public articles. Returns the index and how many were indexed.
pub fn open(
    data: &Path,
    store: &crate::store::Store,
    mem: crate::search::Memory,
) -> Result<(SearchIndex, Option<usize>)> {
    let (index, recreated) = crate::search::open_or_recreate(&data.join("search"), mem)
        .map_err(|e| Error::Internal(format!("search index: {e}")))?;
    let needs = recreated
        || (index.num_docs() == 0
            && store.read_blocking(|txn| {
                use redb::ReadableTableMetadata;
                Ok(txn.open_table(crate::store::tables::CHANNEL_ITEMS)?.len()? > 0)
            })?);
    let rebuilt = if needs {
        Some(rebuild(&index, store)?)
    } else {
        None
    };
    Ok((index, rebuilt))
}
