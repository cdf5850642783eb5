//! Reading a public form that carries files (a disclosure request's 身份证明, a letter's
//! pictures), from someone who is not signed in: origin first, then the `csrf` part —
//! which must come first and match the visitor's anonymous token — before anything else is
//! read. Files are streamed to the blob store's temp folder within their size limit and
//! typed by their bytes: only pictures and PDF are taken, whatever their names say.

use axum::extract::Request;

use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::{Ctx, same_origin};
use crate::portal::model::Attachment;
use crate::store::blobs::Staged;

/// How many files a form takes, and how large each may be.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_file: usize,
    pub max_files: usize,
}
/// Text fields together at most this long.
const MAX_TEXT: usize = 64 * 1024;

/// A received public form: its text fields, its accepted files (not yet committed) and
/// the reasons files were refused.
pub struct PublicUpload {
    pub ctx: Ctx,
    pub fields: Vec<(String, String)>,
    pub files: Vec<(String, Staged)>,
    pub refused: Vec<String>,
}

fn broken(_: axum::extract::multipart::MultipartError) -> Error {
    Error::BadRequest("上传的表单不完整，请重新选择文件后再试".into())
}

/// Reads the form; `ctx` was taken from the request's parts by the caller.
pub async fn read(req: Request, st: &Shared, limits: Limits) -> Result<PublicUpload> {
    let (mut parts, body) = req.into_parts();
    if !same_origin(&parts.headers) {
        return Err(Error::Csrf);
    }
    let ctx = <Ctx as axum::extract::FromRequestParts<Shared>>::from_request_parts(&mut parts, st)
        .await?;
    let req = Request::from_parts(parts, body);
    let token = ctx.csrf().to_owned();
    let mut mp = crate::http::upload_form::open(req, st, &token).await?;
    let mut fields = vec![("csrf".to_owned(), token)];
    let mut files = Vec::new();
    let mut refused = Vec::new();
    let mut total = 0usize;
    while let Some(mut f) = mp.next_field().await.map_err(broken)? {
        let name = f.name().unwrap_or("").to_owned();
        let Some(fname) = f.file_name().map(clean_name) else {
            let v = f.text().await.map_err(broken)?;
            total += v.len();
            if total > MAX_TEXT {
                return Err(Error::TooLarge);
            }
            fields.push((name, v));
            continue;
        };
        if fname.is_empty() {
            // An empty file input.
            while f.chunk().await.map_err(broken)?.is_some() {}
            continue;
        }
        if files.len() >= limits.max_files {
            refused.push(format!(
                "最多上传 {} 个文件，“{fname}”未上传",
                limits.max_files
            ));
            while f.chunk().await.map_err(broken)?.is_some() {}
            continue;
        }
        let mut staged = Some(st.store.blobs().stage().await?);
        while let Some(c) = f.chunk().await.map_err(broken)? {
            let Some(s) = staged.as_mut() else { continue };
            if usize::try_from(s.size()).unwrap_or(usize::MAX) + c.len() > limits.max_file {
                staged = None;
                continue;
            }
            s.write(&c).await?;
        }
        let Some(mut s) = staged else {
            refused.push(format!(
                "“{fname}”超过 {} MB，未上传",
                limits.max_file / (1024 * 1024)
            ));
            continue;
        };
        s.finish().await?;
        let kind = s.kind();
        if !(kind.is_raster() || kind.mime() == "application/pdf") {
            refused.push(format!(
                "“{fname}”不是图片或 PDF 文件（按文件内容判断），未上传"
            ));
            continue;
        }
        files.push((fname, s));
    }
    Ok(PublicUpload {
        ctx,
        fields,
        files,
        refused,
    })
}

/// Moves accepted files into the blob store; the caller counts their references in the
/// transaction that stores the record using them.
pub async fn commit(st: &Shared, files: Vec<(String, Staged)>) -> Result<Vec<Attachment>> {
    let mut out = Vec::new();
    for (name, staged) in files {
        let (kind, size) = (staged.kind(), staged.size());
        let blobs = st.store.blobs().clone();
        let sha = tokio::task::spawn_blocking(move || blobs.commit(staged)).await??;
        out.push(Attachment {
            sha,
            name,
            size,
            mime: kind.mime().to_owned(),
        });
    }
    Ok(out)
}

/// The file name as sent, without folders or control characters, at most 100 characters.
fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    base.chars()
        .filter(|c| !c.is_control())
        .take(100)
        .collect::<String>()
        .trim()
        .to_owned()
}
