//! Content-addressed files: `blobs/ab/cdef…` named by SHA-256. Written to a temp file,
//! fsynced, then renamed into place, so a crash leaves either the whole file or none.
//!
//! Uploads arrive as a stream: [`BlobStore::stage`] opens a temp file under `blobs/tmp/`
//! that [`Staged`] fills chunk by chunk while hashing, then [`BlobStore::commit`] renames
//! it into place. A staged file that is dropped without being committed (a refused or
//! broken upload) is removed; temp files left by a crash are removed at the next open.
//!
//! What a file *is* comes from its first bytes ([`Kind::sniff`]), never from a name.

use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

#[derive(Debug, Clone)]
pub struct BlobStore {
    root: PathBuf,
}

/// How many first bytes [`Kind::sniff`] looks at.
pub const SNIFF_BYTES: usize = 512;

/// The type of a stored file, by its first bytes. Only the raster pictures are ever shown
/// inline by a browser; everything else is a download.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Png,
    Jpeg,
    Gif,
    Webp,
    Pdf,
    /// A ZIP container: docx, xlsx, pptx, newer WPS files, zip archives.
    Zip,
    /// An OLE2 compound file: doc, xls, ppt, older WPS files.
    Ole,
    Rar,
    /// A program (Windows PE "MZ", ELF, Mach-O): never accepted under any name.
    Executable,
    /// Anything else (text, SVG, HTML…).
    Other,
}

impl Kind {
    pub fn sniff(b: &[u8]) -> Kind {
        if b.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
            Kind::Png
        } else if b.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Kind::Jpeg
        } else if b.starts_with(b"GIF87a") || b.starts_with(b"GIF89a") {
            Kind::Gif
        } else if b.len() >= 12 && b.starts_with(b"RIFF") && &b[8..12] == b"WEBP" {
            Kind::Webp
        } else if b.starts_with(b"%PDF") {
            Kind::Pdf
        } else if b.starts_with(b"PK\x03\x04") || b.starts_with(b"PK\x05\x06") {
            Kind::Zip
        } else if b.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            Kind::Ole
        } else if b.starts_with(b"Rar!\x1a\x07") {
            Kind::Rar
        } else if b.starts_with(b"MZ")
            || b.starts_with(b"\x7fELF")
            || [
                [0xFE, 0xED, 0xFA, 0xCE],
                [0xFE, 0xED, 0xFA, 0xCF],
                [0xCE, 0xFA, 0xED, 0xFE],
                [0xCF, 0xFA, 0xED, 0xFE],
                [0xCA, 0xFE, 0xBA, 0xBE],
            ]
            .iter()
            .any(|m| b.starts_with(m))
        {
            Kind::Executable
        } else {
            Kind::Other
        }
    }

    /// Whether a file whose first bytes are `head` (this kind) may carry the extension
    /// `ext`: a name must not claim what the bytes are not. Text files (txt, csv) are
    /// anything that is none of the known binary kinds and has no NUL byte in its head.
    pub fn fits(self, ext: &str, head: &[u8]) -> bool {
        match ext {
            "jpg" | "jpeg" | "png" | "gif" | "webp" => self.is_raster(),
            "pdf" => self == Kind::Pdf,
            "docx" | "xlsx" | "pptx" | "zip" => self == Kind::Zip,
            "doc" | "xls" | "ppt" | "wps" | "et" => matches!(self, Kind::Ole | Kind::Zip),
            "rar" => self == Kind::Rar,
            "txt" | "csv" => self == Kind::Other && !head.contains(&0),
            _ => false,
        }
    }

    /// What the bytes are, in words, for a refusal.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Png => "PNG 图片",
            Kind::Jpeg => "JPEG 图片",
            Kind::Gif => "GIF 图片",
            Kind::Webp => "WebP 图片",
            Kind::Pdf => "PDF 文档",
            Kind::Zip => "ZIP 压缩包或新版 Office 文档",
            Kind::Ole => "旧版 Office 文档",
            Kind::Rar => "RAR 压缩包",
            Kind::Executable => "可执行程序",
            Kind::Other => "其他类型的文件",
        }
    }

    /// A raster picture (PNG, JPEG, GIF, WebP): the only kind served inline.
    pub fn is_raster(self) -> bool {
        matches!(self, Kind::Png | Kind::Jpeg | Kind::Gif | Kind::Webp)
    }

    pub fn mime(self) -> &'static str {
        match self {
            Kind::Png => "image/png",
            Kind::Jpeg => "image/jpeg",
            Kind::Gif => "image/gif",
            Kind::Webp => "image/webp",
            Kind::Pdf => "application/pdf",
            Kind::Zip | Kind::Ole | Kind::Rar | Kind::Executable | Kind::Other => {
                "application/octet-stream"
            }
        }
    }

    /// The usual file extension of a raster picture.
    pub fn image_ext(self) -> Option<&'static str> {
        match self {
            Kind::Png => Some("png"),
            Kind::Jpeg => Some("jpg"),
            Kind::Gif => Some("gif"),
            Kind::Webp => Some("webp"),
            _ => None,
        }
    }
}

/// A file being received into `blobs/tmp/`: hashed, counted and sniffed as it is written.
/// Removed on drop unless committed.
#[derive(Debug)]
pub struct Staged {
    tmp: PathBuf,
    file: Option<tokio::fs::File>,
    hasher: Sha256,
    size: u64,
    head: Vec<u8>,
    /// Set by `finish`.
    sha: Option<String>,
    committed: bool,
}

impl Staged {
    /// Appends a chunk.
    pub async fn write(&mut self, chunk: &[u8]) -> std::io::Result<()> {
        use tokio::io::AsyncWriteExt;
        let f = self
            .file
            .as_mut()
            .ok_or_else(|| std::io::Error::other("staged file already finished"))?;
        f.write_all(chunk).await?;
        self.hasher.update(chunk);
        self.size += chunk.len() as u64;
        if self.head.len() < SNIFF_BYTES {
            let take = (SNIFF_BYTES - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        Ok(())
    }

    /// Flushes and fsyncs the file; returns its hex SHA-256.
    pub async fn finish(&mut self) -> std::io::Result<String> {
        use tokio::io::AsyncWriteExt;
        if let Some(mut f) = self.file.take() {
            f.flush().await?;
            f.sync_all().await?;
            self.sha = Some(data_encoding::HEXLOWER.encode(&self.hasher.clone().finalize()));
        }
        self.sha
            .clone()
            .ok_or_else(|| std::io::Error::other("staged file not written"))
    }

    /// The hex SHA-256, once finished.
    pub fn sha(&self) -> Option<&str> {
        self.sha.as_deref()
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// What the first bytes say the file is.
    pub fn kind(&self) -> Kind {
        Kind::sniff(&self.head)
    }

    /// The first bytes (up to `SNIFF_BYTES`).
    pub fn head(&self) -> &[u8] {
        &self.head
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.committed {
            drop(self.file.take());
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

impl BlobStore {
    /// Opens the store; temp files left by an earlier run (a crash during an upload)
    /// are removed, since nothing is being received yet.
    pub fn open(root: &Path) -> std::io::Result<BlobStore> {
        let tmp = root.join("tmp");
        std::fs::create_dir_all(&tmp)?;
        for e in std::fs::read_dir(&tmp)?.flatten() {
            if e.file_name().to_string_lossy().ends_with(".part") {
                let _ = std::fs::remove_file(e.path());
            }
        }
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

    fn tmp_path(&self) -> PathBuf {
        self.root
            .join("tmp")
            .join(format!("{}.part", crate::ids::short_id()))
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
        let tmp = self.tmp_path();
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(data)?;
        f.sync_all()?;
        drop(f);
        self.place(&tmp, &dest)?;
        Ok(sha)
    }

    /// Renames a complete, fsynced temp file into place and syncs its folder.
    fn place(&self, tmp: &Path, dest: &Path) -> std::io::Result<()> {
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::rename(tmp, dest)?;
        if let Some(parent) = dest.parent() {
            std::fs::File::open(parent)?.sync_all()?;
        }
        Ok(())
    }

    /// A new temp file for a file being received.
    pub async fn stage(&self) -> std::io::Result<Staged> {
        let tmp = self.tmp_path();
        let file = tokio::fs::File::create(&tmp).await?;
        Ok(Staged {
            tmp,
            file: Some(file),
            hasher: Sha256::new(),
            size: 0,
            head: Vec::with_capacity(SNIFF_BYTES),
            sha: None,
            committed: false,
        })
    }

    /// Moves a finished staged file into place (blocking: call on a blocking thread);
    /// returns its hex SHA-256. Committing bytes already stored only removes the temp file.
    pub fn commit(&self, mut staged: Staged) -> std::io::Result<String> {
        let sha = staged
            .sha
            .clone()
            .ok_or_else(|| std::io::Error::other("staged file not finished"))?;
        let dest = self
            .path(&sha)
            .ok_or_else(|| std::io::Error::other("bad digest"))?;
        if !dest.exists() {
            self.place(&staged.tmp, &dest)?;
            staged.committed = true;
        }
        // Otherwise the same bytes are already stored, and the drop removes the temp file.
        Ok(sha)
    }

    pub fn get(&self, sha: &str) -> std::io::Result<Vec<u8>> {
        let p = self
            .path(sha)
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "bad digest"))?;
        std::fs::read(p)
    }

    /// What a stored blob is, by its first bytes.
    pub fn kind(&self, sha: &str) -> std::io::Result<Kind> {
        use std::io::Read;
        let p = self
            .path(sha)
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "bad digest"))?;
        let mut head = Vec::with_capacity(SNIFF_BYTES);
        std::fs::File::open(p)?
            .take(SNIFF_BYTES as u64)
            .read_to_end(&mut head)?;
        Ok(Kind::sniff(&head))
    }
}

#[cfg(test)]
mod tests {
    use super::{BlobStore, Kind};

    #[test]
    fn put_is_content_addressed_and_idempotent() {
        let d = tempfile::tempdir().unwrap();
        let b = BlobStore::open(d.path()).unwrap();
        let a = b.put(b"hello").unwrap();
        assert_eq!(
            a,
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
        );
        assert_eq!(b.put(b"hello").unwrap(), a);
        assert_eq!(b.get(&a).unwrap(), b"hello");
        assert!(b.path("../etc").is_none());
    }

    #[test]
    fn kinds_by_their_bytes() {
        assert_eq!(Kind::sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Kind::Png);
        assert_eq!(Kind::sniff(b"\xff\xd8\xff\xe0\0\x10JFIF"), Kind::Jpeg);
        assert_eq!(Kind::sniff(b"GIF89a\x01\0"), Kind::Gif);
        assert_eq!(Kind::sniff(b"RIFF\x24\0\0\0WEBPVP8 "), Kind::Webp);
        assert_eq!(Kind::sniff(b"%PDF-1.4"), Kind::Pdf);
        for other in [
            &b"<svg xmlns="[..],
            b"<?xml version=\"1.0\"?><svg",
            b"<html><script>",
            b"alert(1)",
            b"RIFF\x24\0\0\0WAVE",
            b"",
        ] {
            assert_eq!(Kind::sniff(other), Kind::Other, "{other:?}");
        }
        assert!(Kind::Webp.is_raster() && !Kind::Pdf.is_raster() && !Kind::Other.is_raster());
    }

    #[tokio::test]
    async fn staged_files_are_committed_or_leave_nothing() {
        let d = tempfile::tempdir().unwrap();
        let b = BlobStore::open(d.path()).unwrap();
        let tmp_count = || std::fs::read_dir(d.path().join("tmp")).unwrap().count();
        let mut s = b.stage().await.unwrap();
        s.write(b"hel").await.unwrap();
        s.write(b"lo").await.unwrap();
        let sha = s.finish().await.unwrap();
        assert_eq!(sha, b.put(b"hello").unwrap());
        assert_eq!(s.size(), 5);
        assert_eq!(s.kind(), Kind::Other);
        assert_eq!(b.commit(s).unwrap(), sha);
        assert_eq!(b.get(&sha).unwrap(), b"hello");
        assert_eq!(tmp_count(), 0, "the same bytes again: temp file removed");

        let mut s = b.stage().await.unwrap();
        s.write(b"\x89PNG\r\n\x1a\nrest").await.unwrap();
        let sha = s.finish().await.unwrap();
        assert_eq!(s.kind(), Kind::Png);
        b.commit(s).unwrap();
        assert_eq!(b.kind(&sha).unwrap(), Kind::Png);
        assert_eq!(tmp_count(), 0);

        // Dropped half-way (a broken upload): nothing is left.
        let mut s = b.stage().await.unwrap();
        s.write(b"partial").await.unwrap();
        assert_eq!(tmp_count(), 1);
        drop(s);
        assert_eq!(tmp_count(), 0);

        // A temp file left by a crash goes at the next open.
        std::fs::write(d.path().join("tmp").join("x.part"), b"left over").unwrap();
        BlobStore::open(d.path()).unwrap();
        assert_eq!(tmp_count(), 0);
    }
}
