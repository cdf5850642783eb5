//! Keeps the search index in step with the store. Changes go to one worker thread in
//! order (so a quick publish-then-withdraw can never end with the item findable), off
//! the request path; `flush` waits until everything sent so far is in the index.
//!
//! Capabilities register a `Source` each (at start-up, in the composition root) and send
//! their changes with `put` and `remove`; a rebuild asks every source for its documents.

use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc::{Sender, channel};

use super::{Kind, Memory, SearchDoc, SearchIndex};
use crate::error::{Error, Result};
use crate::store::Store;

/// Hands every public document of one kind to `put`, read from the store in whatever
/// portions keep memory small.
pub type Rebuild = fn(&Store, &mut dyn FnMut(SearchDoc) -> Result<()>) -> Result<()>;

/// What a capability registers with search: its kind and how to rebuild its documents.
#[derive(Debug, Clone, Copy)]
pub struct Source {
    pub kind: Kind,
    pub rebuild: Rebuild,
}

enum Job {
    Put(Box<SearchDoc>),
    Remove(&'static str, u64),
    Flush(Sender<()>),
}

pub struct Indexer {
    pub index: Arc<SearchIndex>,
    kinds: Vec<Kind>,
    sources: Vec<Source>,
    tx: std::sync::Mutex<Sender<Job>>,
}

impl Indexer {
    /// Starts the worker for `index`, whose documents are of the kinds of `sources`.
    pub fn start(index: SearchIndex, sources: &[Source]) -> Indexer {
        let index = Arc::new(index);
        let (tx, rx) = channel::<Job>();
        let idx = index.clone();
        std::thread::Builder::new()
            .name("search-indexer".into())
            .spawn(move || {
                for job in rx {
                    let r = match job {
                        Job::Put(d) => idx.upsert(&d),
                        Job::Remove(kind, id) => idx.remove(kind, id),
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
            kinds: sources.iter().map(|s| s.kind).collect(),
            sources: sources.to_vec(),
            tx: std::sync::Mutex::new(tx),
        }
    }

    /// The registered kinds, in registration order (the search page's filter).
    pub fn kinds(&self) -> &[Kind] {
        &self.kinds
    }

    fn send(&self, job: Job) {
        if let Ok(tx) = self.tx.lock() {
            let _ = tx.send(job);
        }
    }

    /// Adds or replaces a public document.
    pub fn put(&self, doc: SearchDoc) {
        self.send(Job::Put(Box::new(doc)));
    }

    /// Removes a document that is not (any more) public; unknown ones are fine.
    pub fn remove(&self, kind: &'static str, id: u64) {
        self.send(Job::Remove(kind, id));
    }

    /// Rebuilds the whole index from the registered sources, counting into `progress`
    /// (blocking: run it off the async threads).
    pub fn rebuild(&self, store: &Store, progress: &Progress) -> Result<usize> {
        rebuild_counted(&self.index, store, &self.sources, progress)
    }

    /// Blocks until every change sent so far is searchable.
    pub fn flush(&self) {
        let (tx, rx) = channel();
        self.send(Job::Flush(tx));
        let _ = rx.recv_timeout(std::time::Duration::from_secs(60));
    }
}

/// A rebuild's progress, for the system page: whether one runs, how many documents it has
/// put so far, and how the last one ended.
#[derive(Default)]
pub struct Progress {
    pub running: std::sync::atomic::AtomicBool,
    pub done: std::sync::atomic::AtomicU64,
    /// (finished at ms, documents, error) of the last rebuild.
    pub last: std::sync::Mutex<Option<(i64, u64, Option<String>)>>,
}

/// Rebuilds the index from every source, counting into `progress` as it goes. Searches see
/// the old index until the one commit at the end.
pub fn rebuild_counted(
    index: &SearchIndex,
    store: &Store,
    sources: &[Source],
    progress: &Progress,
) -> Result<usize> {
    use std::sync::atomic::Ordering::Relaxed;
    progress.done.store(0, Relaxed);
    index.rebuild_with(|put| {
        for s in sources {
            (s.rebuild)(store, &mut |d| {
                progress.done.fetch_add(1, Relaxed);
                put(d)
            })?;
        }
        Ok(())
    })
}

/// Rebuilds the index from every source (one commit).
pub fn rebuild(index: &SearchIndex, store: &Store, sources: &[Source]) -> Result<usize> {
    index.rebuild_with(|put| {
        for s in sources {
            (s.rebuild)(store, put)?;
        }
        Ok(())
    })
}

/// Opens the index under the data folder; rebuilds it from the sources when it was missing,
/// broken, of an older format, or empty. Returns the index and how many were indexed.
pub fn open(
    data: &Path,
    store: &Store,
    mem: Memory,
    sources: &[Source],
) -> Result<(SearchIndex, Option<usize>)> {
    let (index, recreated) = super::open_or_recreate(&data.join("search"), mem)
        .map_err(|e| Error::Internal(format!("search index: {e}")))?;
    // An empty index may be a fresh one beside a store that already has public items (the
    // data folder restored without `search/`); asking the sources costs little when not.
    let rebuilt = if recreated || index.num_docs() == 0 {
        Some(rebuild(&index, store, sources)?)
    } else {
        None
    };
    Ok((index, rebuilt))
}
