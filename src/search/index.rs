//! Opening the index, writing to it, searching it.

use std::collections::HashSet;
use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

use tantivy::collector::sort_key::{SortBySimilarityScore, SortByStaticFastValue};
use tantivy::collector::{Count, TopDocs};
use tantivy::directory::MmapDirectory;
use tantivy::indexer::{LogMergePolicy, NoMergePolicy};
use tantivy::query::{AllQuery, Query as TQuery};
use tantivy::schema::Value;
use tantivy::{
    DocAddress, Index, IndexReader, IndexWriter, Order, ReloadPolicy, Searcher, TantivyDocument,
    Term,
};

use super::schema::{self, Fields, PUBLISH_MS};
use super::{Hit, Memory, Query, Results, SearchDoc, highlight, query};
use crate::error::{Error, Result};

/// One indexing thread: the appliance has two cores and the web server needs one.
const WRITER_THREADS: usize = 1;
/// Results beyond this offset are not ranked (a top-N heap that large costs memory and time
/// for pages nobody reads); the total is still counted.
const MAX_OFFSET: usize = 10_000;
const MAX_PER_PAGE: usize = 100;

/// What the documents in an index mean, beyond what tantivy's schema check sees (2: documents
/// have kinds and `kind:id` keys). An index of another format, or one without the marker file
/// (written before it existed), is rebuilt from the store.
const FORMAT: &str = "2";
/// Beside tantivy's own files; tantivy leaves files it did not write alone.
const FORMAT_FILE: &str = "gongkai-format";

fn err(what: &str) -> impl FnOnce(tantivy::TantivyError) -> Error + '_ {
    move |e| Error::Internal(format!("search: {what}: {e}"))
}

/// Why `open` failed, and whether the index itself is fine (only locked by someone else).
struct OpenFailure {
    locked: bool,
    error: Error,
}

pub struct SearchIndex {
    fields: Fields,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
}

impl SearchIndex {
    /// Opens the index in `dir`, creating the folder and an empty index if missing. A folder
    /// tantivy cannot read (corrupt files, a schema from another version) is an error; the
    /// caller rebuilds with `open_or_recreate`.
    ///
    /// Blocking (file I/O); from async code call it, like every method here, through
    /// `spawn_blocking`.
    pub fn open(dir: &Path, mem: Memory) -> Result<SearchIndex> {
        Self::try_open(dir, mem).map_err(|f| f.error)
    }

    fn try_open(dir: &Path, mem: Memory) -> std::result::Result<SearchIndex, OpenFailure> {
        let broken = |error| OpenFailure {
            locked: false,
            error,
        };
        std::fs::create_dir_all(dir).map_err(|e| {
            broken(Error::Internal(format!(
                "search: create {}: {e}",
                dir.display()
            )))
        })?;
        let mmap = MmapDirectory::open(dir).map_err(|e| {
            broken(Error::Internal(format!(
                "search: open {}: {e}",
                dir.display()
            )))
        })?;
        let existed = dir.join("meta.json").exists();
        let (schema, _) = schema::build();
        let index =
            Index::open_or_create(mmap, schema).map_err(|e| broken(err("open index")(e)))?;
        // The format is checked holding the writer: an index another process has open must
        // come back as locked, never as broken (which would wipe it).
        let opened =
            Self::from_index(index, mem).map_err(|(e, locked)| OpenFailure { locked, error: e })?;
        let marker = dir.join(FORMAT_FILE);
        if existed {
            let found = std::fs::read_to_string(&marker).unwrap_or_default();
            if found.trim() != FORMAT {
                return Err(broken(Error::Internal(format!(
                    "search: index format {:?}, expected {FORMAT}",
                    found.trim()
                ))));
            }
        } else {
            std::fs::write(&marker, FORMAT).map_err(|e| {
                broken(Error::Internal(format!(
                    "search: write {}: {e}",
                    marker.display()
                )))
            })?;
        }
        Ok(opened)
    }

    /// An index in memory, for tests and tools.
    pub fn open_in_ram() -> Result<SearchIndex> {
        let (schema, _) = schema::build();
        Self::from_index(Index::create_in_ram(schema), Memory::default()).map_err(|(e, _)| e)
    }

    /// The error comes with whether it was the writer lock (another process owns the index).
    fn from_index(index: Index, mem: Memory) -> std::result::Result<SearchIndex, (Error, bool)> {
        schema::register_tokenizers(&index);
        // Resolve fields from the index's own schema (equal to ours, checked by open_or_create).
        let (_, fields) = schema::build();
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            // tantivy's default keeps 100 blocks per segment: ~1.6 MB each, for a results
            // page that reads ten documents.
            .doc_store_cache_num_blocks(mem.doc_blocks)
            .try_into()
            .map_err(|e| (err("open reader")(e), false))?;
        let writer = index
            .writer_with_num_threads(WRITER_THREADS, mem.writer_bytes)
            .map_err(|e| {
                let locked = matches!(e, tantivy::TantivyError::LockFailure(..));
                (err("open writer")(e), locked)
            })?;
        Ok(SearchIndex {
            fields,
            reader,
            writer: Mutex::new(writer),
        })
    }

    fn writer(&self) -> Result<MutexGuard<'_, IndexWriter>> {
        self.writer
            .lock()
            .map_err(|_| Error::Internal("search: writer lock poisoned".into()))
    }

    fn to_document(&self, d: &SearchDoc) -> TantivyDocument {
        let f = &self.fields;
        let mut doc = TantivyDocument::new();
        doc.add_text(f.key, schema::key(d.kind, d.id));
        doc.add_text(f.kind, d.kind);
        doc.add_u64(f.id, d.id);
        doc.add_text(f.site, &d.site);
        doc.add_text(f.unit, &d.unit);
        for ch in &d.channels {
            doc.add_u64(f.channels, *ch);
        }
        doc.add_i64(f.publish_ms, d.publish_ms);
        doc.add_text(f.url, &d.url);
        doc.add_text(f.title, &d.title);
        doc.add_text(f.body, &d.body_text);
        for name in &d.attachment_names {
            doc.add_text(f.attachments, name);
        }
        doc
    }

    /// Commits, then makes the reader see the commit before the writer lock is released. On a
    /// failed commit the pending changes are rolled back so the next commit does not carry
    /// half of this one.
    fn commit(&self, w: &mut IndexWriter) -> Result<()> {
        if let Err(e) = w.commit() {
            let _ = w.rollback();
            return Err(err("commit")(e));
        }
        self.reader.reload().map_err(err("reload reader"))
    }

    fn key_term(&self, kind: &str, id: u64) -> Term {
        Term::from_field_text(self.fields.key, &schema::key(kind, id))
    }

    /// Queues the document; with `replace`, first deletes any older version with its key.
    fn stage(&self, w: &IndexWriter, d: &SearchDoc, replace: bool) -> Result<()> {
        if replace {
            w.delete_term(self.key_term(d.kind, d.id));
        }
        w.add_document(self.to_document(d))
            .map_err(err("add document"))?;
        Ok(())
    }

    /// Adds or replaces the document with this kind and id; searchable when this returns.
    pub fn upsert(&self, doc: &SearchDoc) -> Result<()> {
        let mut w = self.writer()?;
        self.stage(&w, doc, true)?;
        self.commit(&mut w)
    }

    /// Adds or replaces many documents with one commit (rebuilds, bulk loads). Returns how many.
    ///
    /// A delete is queued only for keys already in the index or earlier in this batch: tantivy
    /// keeps every queued delete until the commit (~1 KB each), which for a 100,000-document
    /// rebuild into an empty index doubled the process RSS for nothing.
    pub fn upsert_many(&self, docs: impl IntoIterator<Item = SearchDoc>) -> Result<usize> {
        let mut w = self.writer()?;
        let searcher = self.reader.searcher();
        let mut seen = HashSet::new();
        let mut n = 0;
        for d in docs {
            let key = self.key_term(d.kind, d.id);
            let replace =
                !seen.insert(key.clone()) || searcher.doc_freq(&key).map_or(true, |f| f > 0);
            if let Err(e) = self.stage(&w, &d, replace) {
                let _ = w.rollback();
                return Err(e);
            }
            n += 1;
        }
        self.commit(&mut w)?;
        Ok(n)
    }

    /// Adds documents batch by batch (`next` returns `None` when done) with one commit, then
    /// merges the index into one segment: a full rebuild that holds one batch in memory at a
    /// time and leaves the fewest files to open and search. Any error rolls everything back.
    pub fn rebuild_from(
        &self,
        mut next: impl FnMut() -> Result<Option<Vec<SearchDoc>>>,
    ) -> Result<usize> {
        self.rebuild_with(|put| {
            while let Some(batch) = next()? {
                for d in batch {
                    put(d)?;
                }
            }
            Ok(())
        })
    }

    /// The same full rebuild, with `fill` handing over every document (the sources push
    /// theirs; what they hold in memory meanwhile is up to them).
    pub fn rebuild_with(
        &self,
        fill: impl FnOnce(&mut dyn FnMut(SearchDoc) -> Result<()>) -> Result<()>,
    ) -> Result<usize> {
        let mut w = self.writer()?;
        // No background merges while rebuilding: they would race the one merge at the end.
        w.set_merge_policy(Box::new(NoMergePolicy));
        let r = self.rebuild_locked(&mut w, fill);
        w.set_merge_policy(Box::new(LogMergePolicy::default()));
        r
    }

    fn rebuild_locked(
        &self,
        w: &mut IndexWriter,
        fill: impl FnOnce(&mut dyn FnMut(SearchDoc) -> Result<()>) -> Result<()>,
    ) -> Result<usize> {
        if let Err(e) = w.delete_all_documents() {
            let _ = w.rollback();
            return Err(err("delete all")(e));
        }
        let mut n = 0;
        // The index was emptied above: nothing to delete first.
        let filled = fill(&mut |d| {
            self.stage(w, &d, false)?;
            n += 1;
            Ok(())
        });
        if let Err(e) = filled {
            let _ = w.rollback();
            return Err(e);
        }
        self.commit(w)?;
        let ids = w
            .index()
            .searchable_segment_ids()
            .map_err(err("list segments"))?;
        if ids.len() > 1 {
            w.merge(&ids).wait().map_err(err("merge segments"))?;
            self.reader.reload().map_err(err("reload reader"))?;
        }
        Ok(n)
    }

    /// Segments in the index (one after a rebuild).
    pub fn segments(&self) -> usize {
        self.reader.searcher().segment_readers().len()
    }

    /// Removes the document with this kind and id, if there is one.
    pub fn remove(&self, kind: &str, id: u64) -> Result<()> {
        let mut w = self.writer()?;
        w.delete_term(self.key_term(kind, id));
        self.commit(&mut w)
    }

    /// Removes every document (before a full rebuild).
    pub fn clear(&self) -> Result<()> {
        let mut w = self.writer()?;
        w.delete_all_documents().map_err(err("delete all"))?;
        self.commit(&mut w)
    }

    /// Bytes of decompressed document-store blocks the reader caches (tantivy's blocks are
    /// about 16 KiB each).
    pub fn docstore_cache_bytes(&self) -> usize {
        self.reader.searcher().doc_store_cache_stats().num_entries * 16 * 1024
    }

    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Runs a query. Never fails on user text: words are looked up as terms, never parsed.
    pub fn search(&self, q: &Query) -> Result<Results> {
        let started = Instant::now();
        let searcher = self.reader.searcher();
        let words = query::query_words(&q.text);
        if words.is_empty() && !q.text.trim().is_empty() {
            // Text with nothing searchable in it (only punctuation): no results, rather than
            // the "list everything" meaning of an empty text.
            return Ok(Results {
                total: 0,
                hits: Vec::new(),
                took_us: u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
            });
        }
        let mut r = self.run(&searcher, q, &words, false)?;
        if r.total == 0 && query::can_relax(&words) {
            r = self.run(&searcher, q, &words, true)?;
        }
        r.took_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
        Ok(r)
    }

    /// One pass: every word strictly, or (`relaxed`) long words by two thirds of their grams.
    fn run(
        &self,
        searcher: &Searcher,
        q: &Query,
        words: &[String],
        relaxed: bool,
    ) -> Result<Results> {
        let per_page = q.per_page.clamp(1, MAX_PER_PAGE);
        let offset = q.page.max(1).saturating_sub(1).saturating_mul(per_page);
        let built = query::build(&self.fields, q, words, relaxed);
        let tq: &dyn TQuery = built.as_deref().unwrap_or(&AllQuery);
        let (total, top) = if offset > MAX_OFFSET {
            (
                searcher.search(tq, &Count).map_err(err("count"))?,
                Vec::new(),
            )
        } else if words.is_empty() {
            // Nothing to rank by: newest first.
            let top = TopDocs::with_limit(per_page)
                .and_offset(offset)
                .order_by_fast_field::<i64>(PUBLISH_MS, Order::Desc);
            let (n, docs) = searcher.search(tq, &(Count, top)).map_err(err("search"))?;
            (n, docs.into_iter().map(|(_, a)| (0.0, a)).collect())
        } else {
            // Best score first; equal scores (same text) newest first.
            let top = TopDocs::with_limit(per_page).and_offset(offset).order_by((
                SortBySimilarityScore,
                SortByStaticFastValue::<i64>::for_field(PUBLISH_MS),
            ));
            let (n, docs) = searcher.search(tq, &(Count, top)).map_err(err("search"))?;
            (n, docs.into_iter().map(|((s, _), a)| (s, a)).collect())
        };
        let marks = query::marks(words, relaxed);
        let hits = top
            .into_iter()
            .map(|(score, addr)| self.hit(searcher, addr, score, &marks))
            .collect::<Result<Vec<_>>>()?;
        Ok(Results {
            total,
            hits,
            took_us: 0,
        })
    }

    fn hit(&self, s: &Searcher, addr: DocAddress, score: f32, words: &[String]) -> Result<Hit> {
        let f = &self.fields;
        let doc: TantivyDocument = s.doc(addr).map_err(err("load document"))?;
        let text = |field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
        };
        let body = text(f.body);
        // Body match first; else a matching attachment name; else the start of the body.
        let snippet_html = highlight::snippet_html(body, words)
            .or_else(|| {
                doc.get_all(f.attachments)
                    .filter_map(|v| v.as_str())
                    .find_map(|name| highlight::snippet_html(name, words))
                    .map(|s| format!("附件：{s}"))
            })
            .unwrap_or_else(|| highlight::lead(body));
        Ok(Hit {
            kind: text(f.kind).to_string(),
            id: doc
                .get_first(f.id)
                .and_then(|v| v.as_u64())
                .unwrap_or_default(),
            url: text(f.url).to_string(),
            title_html: highlight::title_html(text(f.title), words),
            snippet_html,
            publish_ms: doc
                .get_first(f.publish_ms)
                .and_then(|v| v.as_i64())
                .unwrap_or_default(),
            site: text(f.site).to_string(),
            score,
        })
    }
}

/// Opens the index in `dir`; if it cannot be opened, wipes the folder and creates an empty
/// index, returning `true` so the caller knows to reindex everything.
///
/// `dir` must be the search index's own folder. As a guard against a wrong path wiping real
/// data, a folder with subfolders (tantivy's folder is flat) is not wiped.
pub fn open_or_recreate(dir: &Path, mem: Memory) -> Result<(SearchIndex, bool)> {
    let first = match SearchIndex::try_open(dir, mem) {
        Ok(idx) => return Ok((idx, false)),
        // Another process holds the writer: the index is fine, wiping it would not be.
        Err(OpenFailure {
            locked: true,
            error,
        }) => return Err(error),
        Err(OpenFailure { error, .. }) => error,
    };
    tracing::warn!(dir = %dir.display(), error = %first, "search index unusable; recreating it");
    let entries = std::fs::read_dir(dir)
        .map_err(|e| Error::Internal(format!("search: read {}: {e}", dir.display())))?;
    for entry in entries {
        let entry =
            entry.map_err(|e| Error::Internal(format!("search: read {}: {e}", dir.display())))?;
        if entry.file_type().map(|t| t.is_dir()).unwrap_or(true) {
            return Err(Error::Internal(format!(
                "search: {} has subfolders, not wiping it ({first})",
                dir.display()
            )));
        }
    }
    std::fs::remove_dir_all(dir)
        .map_err(|e| Error::Internal(format!("search: wipe {}: {e}", dir.display())))?;
    Ok((SearchIndex::open(dir, mem)?, true))
}
