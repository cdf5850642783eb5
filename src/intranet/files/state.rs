//! What the transfer keeps in memory for the life of the process (`AppState` part, put in by
//! `lib.rs`): the running SHA-256 of each upload (so a PATCH never re-reads what came
//! before), which uploads a PATCH is writing to right now (one at a time), how many
//! downloads of each blob are running (the sweeper leaves those blobs alone), and the lock
//! under which blobs are placed and removed. Nothing here is needed after a restart: a
//! missing hasher is rebuilt from the part file once.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};

use sha2::Sha256;

use crate::http::AppState;

impl AppState {
    /// The transfer's state, put in by the composition root (`lib.rs`) before serving.
    pub fn transfers(&self) -> &Transfers {
        // Only a composition-root bug can leave it out, and every test would show it.
        #[allow(clippy::expect_used)]
        self.parts
            .get::<Transfers>()
            .expect("the composition root registers the transfer's state")
    }
}

#[derive(Default, Clone)]
pub struct Transfers {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    /// upload id → (bytes hashed so far, the hasher after them).
    hashers: Mutex<HashMap<String, (u64, Sha256)>>,
    /// Uploads a PATCH (or a termination) is working on.
    busy: Mutex<HashSet<String>>,
    /// blob sha → downloads running.
    downloads: Mutex<HashMap<String, usize>>,
    /// Held while a blob file is put in place or removed, so a removal never races a new
    /// upload of the same bytes.
    blobs: tokio::sync::Mutex<()>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Transfers {
    /// The hasher of an upload, if it is kept and has hashed exactly `offset` bytes.
    pub fn take_hasher(&self, id: &str, offset: u64) -> Option<Sha256> {
        match lock(&self.inner.hashers).remove(id) {
            Some((n, h)) if n == offset => Some(h),
            _ => None,
        }
    }

    pub fn put_hasher(&self, id: &str, offset: u64, h: Sha256) {
        lock(&self.inner.hashers).insert(id.to_owned(), (offset, h));
    }

    pub fn forget(&self, id: &str) {
        lock(&self.inner.hashers).remove(id);
    }

    /// Marks an upload busy until the guard drops; `None` when it already is.
    pub fn try_busy(&self, id: &str) -> Option<Busy> {
        lock(&self.inner.busy).insert(id.to_owned()).then(|| Busy {
            inner: self.inner.clone(),
            id: id.to_owned(),
        })
    }

    pub fn is_busy(&self, id: &str) -> bool {
        lock(&self.inner.busy).contains(id)
    }

    /// Counts a download of `sha` until the guard drops.
    pub fn downloading(&self, sha: &str) -> Downloading {
        *lock(&self.inner.downloads)
            .entry(sha.to_owned())
            .or_insert(0) += 1;
        Downloading {
            inner: self.inner.clone(),
            sha: sha.to_owned(),
        }
    }

    pub fn is_downloading(&self, sha: &str) -> bool {
        lock(&self.inner.downloads).get(sha).is_some_and(|n| *n > 0)
    }

    /// The blob lock (see `Inner::blobs`).
    pub async fn blob_lock(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.inner.blobs.lock().await
    }
}

/// An upload being written to; released on drop.
pub struct Busy {
    inner: Arc<Inner>,
    id: String,
}

impl Drop for Busy {
    fn drop(&mut self) {
        lock(&self.inner.busy).remove(&self.id);
    }
}

/// A download running; held by the response body until it ends (or the client goes).
pub struct Downloading {
    inner: Arc<Inner>,
    sha: String,
}

impl Drop for Downloading {
    fn drop(&mut self) {
        let mut d = lock(&self.inner.downloads);
        if let Some(n) = d.get_mut(&self.sha) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                d.remove(&self.sha);
            }
        }
    }
}
