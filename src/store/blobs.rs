//! Content-addressed files: `blobs/ab/cdef…` named by SHA-256. Written to a temp file,
//! fsynced, then renamed into place, so a crash leaves either the whole file or none.

use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

#[derive(Debug, Clone)]
pub struct BlobStore {
    root: PathBuf,
}

impl BlobStore {
    pub fn open(root: &Path) -> std::io::Result<BlobStore> {
        std::fs::create_dir_all(root.join("tmp"))?;
        Ok(BlobStore {
            root: root.to_path_buf(),
        })
    }

    /// Where a blob with this hex SHA-256 lives (whether or not it exists).
    pub fn path(&self, sha: &str) -> Option<PathBuf> {
        if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        Some(self.root.join(&sha[..2]).join(&sha[2..]))
    }

    /// Stores bytes, returning their hex SHA-256. Storing the same bytes twice is a no-op.
    pub fn put(&self, data: &[u8]) -> std::io::Result<String> {
        let sha = data_encoding::HEXLOWER.encode(&Sha256::digest(data));
        let dest = self
            .path(&sha)
            .ok_or_else(|| std::io::Error::other("bad digest"))?;
        if dest.exists() {
            return Ok(sha);
        }
        let tmp = self
            .root
            .join("tmp")
            .join(format!("{}.part", crate::ids::short_id()));
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(data)?;
        f.sync_all()?;
        drop(f);
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::rename(&tmp, &dest)?;
        if let Some(parent) = dest.parent() {
            std::fs::File::open(parent)?.sync_all()?;
        }
        Ok(sha)
    }

    pub fn get(&self, sha: &str) -> std::io::Result<Vec<u8>> {
        let p = self
            .path(sha)
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "bad digest"))?;
        std::fs::read(p)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn put_is_content_addressed_and_idempotent() {
        let d = tempfile::tempdir().unwrap();
        let b = super::BlobStore::open(d.path()).unwrap();
        let a = b.put(b"hello").unwrap();
        assert_eq!(
            a,
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
        );
        assert_eq!(b.put(b"hello").unwrap(), a);
        assert_eq!(b.get(&a).unwrap(), b"hello");
        assert!(b.path("../etc").is_none());
    }
}
