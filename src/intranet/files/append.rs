//! Appending a request body to an upload's part file, memory flat: the body is read frame by
//! frame and handed over a small bounded channel to one blocking thread that writes each
//! frame, feeds the upload's running SHA-256 (and the chunk's checksum, when the client sent
//! one), and fsyncs at the end. What arrived is kept when the client stops sending for
//! `STALL` or the connection breaks; a chunk whose checksum does not match — or that cannot
//! be checked because it broke off — is cut off again (the file truncated back to where it
//! started, the running hash restored).

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use axum::body::Body;
use bytes::Bytes;
use http_body_util::BodyExt;
use sha2::Sha256;

use super::tus_proto::{Checksum, ChunkHasher};

/// How long a body may send nothing before the server stops waiting and keeps what came.
pub const STALL: Duration = Duration::from_secs(60);

/// Batches in flight between the reader and the writer thread.
const QUEUE: usize = 4;

/// Frames are handed to the writer in batches of about this many bytes (no copy: the
/// frames themselves), so a big upload costs few thread switches.
const BATCH: usize = 1 << 20;

/// How the body ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// Every byte arrived (and the checksum, if any, matched).
    Complete,
    /// The client sent nothing for `STALL`.
    Stalled,
    /// The connection broke.
    Broken,
    /// More bytes than `limit` were sent: the ones up to it are kept.
    TooMuch,
    /// The checksum did not match: the chunk was discarded.
    Mismatch,
}

/// What a PATCH body did to the part file.
pub struct Appended {
    /// The part file's length now.
    pub offset: u64,
    /// The running hash over `offset` bytes.
    pub hasher: Sha256,
    pub end: End,
}

struct Written {
    n: u64,
    hasher: Sha256,
    chunk: Option<ChunkHasher>,
    error: Option<std::io::Error>,
}

/// Appends `body` to `path` (whose length is `start`, hashed into `hasher`), at most `limit`
/// bytes.
pub async fn append(
    path: PathBuf,
    start: u64,
    hasher: Sha256,
    body: Body,
    limit: u64,
    checksum: Option<Checksum>,
) -> std::io::Result<Appended> {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<Bytes>>(QUEUE);
    let before = hasher.clone();
    let chunk = checksum.as_ref().map(Checksum::hasher);
    let wpath = path.clone();
    let writer = tokio::task::spawn_blocking(move || {
        let mut w = Written {
            n: 0,
            hasher,
            chunk,
            error: None,
        };
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&wpath);
        let mut file = match file {
            Ok(f) => f,
            Err(e) => {
                w.error = Some(e);
                return w;
            }
        };
        'batches: while let Some(batch) = rx.blocking_recv() {
            for b in batch {
                if let Err(e) = file.write_all(&b) {
                    w.error = Some(e);
                    break 'batches;
                }
                sha2::Digest::update(&mut w.hasher, &b);
                if let Some(c) = w.chunk.as_mut() {
                    c.update(&b);
                }
                w.n += b.len() as u64;
            }
        }
        if w.error.is_none()
            && let Err(e) = file.sync_data()
        {
            w.error = Some(e);
        }
        w
    });

    let mut body = body;
    let mut received = 0u64;
    let mut batch: Vec<Bytes> = Vec::new();
    let mut batched = 0usize;
    // One timer for the whole body, moved on at most once a second (not one per frame).
    let stall = tokio::time::sleep(STALL);
    tokio::pin!(stall);
    let mut moved = tokio::time::Instant::now();
    let end = loop {
        let next = tokio::select! {
            biased;
            f = body.frame() => Some(f),
            () = &mut stall => None,
        };
        let now = tokio::time::Instant::now();
        if now.duration_since(moved) >= Duration::from_secs(1) {
            moved = now;
            stall.as_mut().reset(now + STALL);
        }
        match next {
            None => break End::Stalled,
            Some(None) => break End::Complete,
            Some(Some(Err(_))) => break End::Broken,
            Some(Some(Ok(frame))) => {
                let Ok(data) = frame.into_data() else {
                    continue; // trailers
                };
                if data.is_empty() {
                    continue;
                }
                let room = limit.saturating_sub(received);
                let len = data.len() as u64;
                let (part, over) = if len > room {
                    (data.slice(..usize::try_from(room).unwrap_or(0)), true)
                } else {
                    (data, false)
                };
                received += part.len() as u64;
                batched += part.len();
                batch.push(part);
                if batched >= BATCH {
                    batched = 0;
                    if tx.send(std::mem::take(&mut batch)).await.is_err() {
                        break End::Broken; // the writer stopped: its error says why
                    }
                }
                if over {
                    break End::TooMuch;
                }
            }
        }
    };
    if !batch.is_empty() {
        // A writer that stopped early has its error, which is reported below.
        let _ = tx.send(batch).await;
    }
    drop(tx);
    let w = writer.await.map_err(std::io::Error::other)?;
    let Written {
        n,
        hasher,
        chunk,
        error,
    } = w;
    let checked = match (&checksum, chunk) {
        (Some(c), Some(h)) => Some(end == End::Complete && c.matches(h)),
        _ => None,
    };
    if error.is_some() || checked == Some(false) {
        // A write that failed half-way, or a chunk we cannot vouch for: back to the start.
        truncate(path, start).await?;
        if let Some(e) = error {
            return Err(e);
        }
        return Ok(Appended {
            offset: start,
            hasher: before,
            end: if end == End::Complete {
                End::Mismatch
            } else {
                end
            },
        });
    }
    Ok(Appended {
        offset: start + n,
        hasher,
        end,
    })
}

/// Cuts a part file back to `len` bytes and syncs it.
pub async fn truncate(path: PathBuf, len: u64) -> std::io::Result<()> {
    tokio::task::spawn_blocking(move || {
        let f = std::fs::OpenOptions::new().write(true).open(&path)?;
        f.set_len(len)?;
        f.sync_data()
    })
    .await
    .map_err(std::io::Error::other)?
}

/// Hashes a part file from disk (after a restart, when the running hash is gone); returns
/// the hash and the length hashed.
pub async fn rehash(path: PathBuf) -> std::io::Result<(Sha256, u64)> {
    tokio::task::spawn_blocking(move || {
        use std::io::Read;
        let mut h = <Sha256 as sha2::Digest>::new();
        let mut f = match std::fs::File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((h, 0)),
            Err(e) => return Err(e),
        };
        let mut buf = vec![0u8; 256 * 1024];
        let mut n = 0u64;
        loop {
            let k = f.read(&mut buf)?;
            if k == 0 {
                break;
            }
            sha2::Digest::update(&mut h, &buf[..k]);
            n += k as u64;
        }
        Ok((h, n))
    })
    .await
    .map_err(std::io::Error::other)?
}
