//! Reading a form that carries files (multipart/form-data): the item form and the upload
//! routes (`upload`). `Posted` reads only urlencoded forms, so this checks the same things
//! itself, before it reads any of the body: origin first, then the session (a fully
//! logged-in staff member, past two-factor login, through `Ctx::staff`), so an anonymous or
//! half-logged-in request is answered without its body being read (the item form of a
//! session that ended just now excepted: its text is read to be kept, `http::kept`); then
//! the `csrf` field — which must come before any file — compared in constant time with the
//! session's token. The item form without files is simply a `Posted` form.
//!
//! Each file is streamed to a temp file under `data/blobs/tmp/` while it is hashed
//! (`store::blobs::Staged`), within its size limit, and typed by its bytes: a name that
//! claims what the bytes are not (a program renamed `.pdf`) is refused (`Kind::fits`). It
//! moves into the blob store only once the upload is accepted; a refused or broken upload
//! leaves nothing behind.

use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{StatusCode, header};

use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::{Ctx, Posted, Staff, same_origin};
use crate::portal::model::Attachment;
use crate::store::blobs::{Kind, Staged};

/// One file at most this size.
pub const MAX_FILE: usize = 20 * 1024 * 1024;
/// A whole upload request at most this size (a cover and a few attachments).
pub const MAX_REQUEST: usize = 64 * 1024 * 1024;
pub use super::item_form::ALLOWED;
const IMAGES: [&str; 5] = ["jpg", "jpeg", "png", "gif", "webp"];

/// One received file, on disk in the blob store's temp folder until committed.
pub struct File {
    pub field: String,
    pub name: String,
    pub staged: Staged,
}

impl File {
    /// What the file's first bytes say it is.
    pub fn kind(&self) -> Kind {
        self.staged.kind()
    }

    /// Moves the file into the blob store (content-addressed); returns the attachment
    /// record, its type the one its bytes show.
    pub(super) async fn commit(self, st: &Shared, name: String) -> Result<Attachment> {
        let kind = self.kind();
        let size = self.staged.size();
        let blobs = st.store.blobs().clone();
        let staged = self.staged;
        let sha = tokio::task::spawn_blocking(move || blobs.commit(staged)).await??;
        Ok(Attachment {
            sha,
            name,
            size,
            mime: kind.mime().to_owned(),
        })
    }
}

/// A multipart form from a fully logged-in staff member whose origin and CSRF token were
/// checked; `refused` holds a Chinese message when a file was too large or of a type not
/// allowed.
pub struct Upload {
    pub posted: Posted,
    pub staff: Staff,
    pub files: Vec<File>,
    pub refused: Vec<String>,
    /// How many of `refused` were refused for their size.
    pub too_large: usize,
}

pub(super) fn ext_of(name: &str) -> String {
    name.rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

/// The file name as sent, without any folder part and without control characters.
fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let s: String = base.chars().filter(|c| !c.is_control()).collect();
    let s = s.trim().to_owned();
    if s.chars().count() > 120 {
        let ext = ext_of(&s);
        let head: String = s.chars().take(100).collect();
        format!("{head}.{ext}")
    } else {
        s
    }
}

/// What an upload route accepts.
#[derive(Clone, Copy)]
pub struct Rules {
    /// One file at most this size.
    pub max_file: usize,
    /// Only pictures (jpg, png, gif, webp), whatever the field.
    pub images_only: bool,
    /// A form with typed text (the item form): when its session has just ended, or its
    /// token is an older page's, its text fields are read and kept (`http::kept`), its
    /// files dropped. Other upload routes read no body from anyone but staff.
    pub keeps_text: bool,
}

impl Rules {
    /// The item form: text and files together.
    pub const ITEM_FORM: Rules = Rules {
        max_file: MAX_FILE,
        images_only: false,
        keeps_text: true,
    };
}

/// The rest of a multipart form's text fields, read to keep them when the form is refused
/// for its session or token: files drained unread, at most `limit` bytes of text in all
/// (`total` read so far).
async fn rest_text(
    mp: &mut Multipart,
    fields: &mut Vec<(String, String)>,
    mut total: usize,
    limit: usize,
) -> Result<()> {
    while let Some(mut f) = mp.next_field().await.map_err(multipart_error)? {
        let name = f.name().unwrap_or("").to_owned();
        if f.file_name().is_some() {
            while f.chunk().await.map_err(multipart_error)?.is_some() {}
            continue;
        }
        let v = f.text().await.map_err(multipart_error)?;
        total += v.len();
        if total > limit {
            return Err(Error::TooLarge);
        }
        fields.push((name, v));
    }
    Ok(())
}

/// Keeps a form refused for its session or token when its token is one this site made
/// (the page outlived it); a missing or forged token is refused as such.
async fn keep_or_refuse(
    st: &Shared,
    ctx: &Ctx,
    parts: &axum::http::request::Parts,
    fields: Vec<(String, String)>,
) -> Error {
    let given = fields
        .iter()
        .find(|(k, _)| k == "csrf")
        .map_or("", |(_, v)| v.as_str());
    if !crate::http::anon_csrf::valid(given) {
        return Error::Csrf;
    }
    crate::http::kept::keep(st, &ctx.poster(), &parts.headers, parts.uri.path(), fields).await
}

impl Upload {
    /// Reads the form: origin first, then the session (before any of the body), then the
    /// `csrf` field (which must come before any file), then the files, each checked against
    /// `rules` and streamed to a temp file.
    pub async fn read(req: Request, st: &Shared, rules: Rules) -> Result<Upload> {
        let (mut parts, body) = req.into_parts();
        if !same_origin(&parts.headers) {
            return Err(Error::Csrf);
        }
        let ctx =
            <Ctx as axum::extract::FromRequestParts<Shared>>::from_request_parts(&mut parts, st)
                .await?;
        let ct = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        // The item form without files is an ordinary form (with its CSRF rules and kept
        // text), whoever sends it.
        if rules.keeps_text && !ct.starts_with("multipart/form-data") {
            let req = Request::from_parts(parts, body);
            let posted = <Posted as FromRequest<Shared>>::from_request(req, st).await?;
            let staff = posted.staff(st)?;
            return Ok(Upload {
                posted,
                staff,
                files: Vec::new(),
                refused: Vec::new(),
                too_large: 0,
            });
        }
        // Nobody but staff gets a multipart body read: an anonymous (or half-logged-in)
        // post is answered here, whatever it carries — except the item form of a session
        // that ended just now, whose text is kept for its writer.
        let staff = match ctx.staff(st) {
            Ok(s) => s,
            Err(Error::LoginRequired) if rules.keeps_text && ctx.lapsed_user.is_some() => {
                let req = Request::from_parts(parts.clone(), body);
                let mut mp = Multipart::from_request(req, st)
                    .await
                    .map_err(|_| Error::BadRequest("表单格式不正确".into()))?;
                let mut fields = Vec::new();
                let limit = usize::try_from(st.cfg().server.max_body_bytes).unwrap_or(usize::MAX);
                rest_text(&mut mp, &mut fields, 0, limit).await?;
                return Err(keep_or_refuse(st, &ctx, &parts, fields).await);
            }
            Err(e) => return Err(e),
        };
        let token_ok = |given: &str| {
            !given.is_empty() && crate::ids::secret_eq(given.as_bytes(), staff.csrf.as_bytes())
        };
        if !ct.starts_with("multipart/form-data") {
            // A plain form (no files chosen by a script, or a probe): same CSRF rule.
            let limit = usize::try_from(st.cfg().server.max_body_bytes).unwrap_or(usize::MAX);
            let bytes = axum::body::to_bytes(body, limit)
                .await
                .map_err(|_| Error::TooLarge)?;
            let fields: Vec<(String, String)> =
                if ct.starts_with("application/x-www-form-urlencoded") {
                    form_urlencoded::parse(&bytes)
                        .map(|(k, v)| (k.into_owned(), v.into_owned()))
                        .collect()
                } else {
                    Vec::new()
                };
            let given = fields
                .iter()
                .find(|(k, _)| k == "csrf")
                .map(|(_, v)| v.as_str())
                .unwrap_or("");
            if !token_ok(given) {
                if rules.keeps_text {
                    return Err(keep_or_refuse(st, &ctx, &parts, fields).await);
                }
                return Err(Error::Csrf);
            }
            return Ok(Upload {
                posted: Posted { ctx, fields },
                staff,
                files: Vec::new(),
                refused: Vec::new(),
                too_large: 0,
            });
        }
        let head = parts.clone();
        let req = Request::from_parts(parts, body);
        let mut mp = Multipart::from_request(req, st)
            .await
            .map_err(|_| Error::BadRequest("表单格式不正确".into()))?;
        let mut fields: Vec<(String, String)> = Vec::new();
        let mut files = Vec::new();
        let mut refused = Vec::new();
        let mut too_large = 0;
        let mut checked = false;
        let mut total = 0usize;
        while let Some(mut f) = mp.next_field().await.map_err(multipart_error)? {
            let name = f.name().unwrap_or("").to_owned();
            let file_name = f.file_name().map(str::to_owned);
            if !checked {
                // The token comes first; nothing else is read before it matches.
                if name != "csrf" || file_name.is_some() {
                    return Err(Error::Csrf);
                }
                let given = f.text().await.map_err(multipart_error)?;
                if !token_ok(&given) {
                    if rules.keeps_text {
                        // The rest of the form's text, to keep with the token.
                        let mut fields = vec![(name, given)];
                        rest_text(&mut mp, &mut fields, total, 1024 * 1024).await?;
                        return Err(keep_or_refuse(st, &ctx, &head, fields).await);
                    }
                    return Err(Error::Csrf);
                }
                checked = true;
                fields.push((name, given));
                continue;
            }
            match file_name {
                None => {
                    let v = f.text().await.map_err(multipart_error)?;
                    total += v.len();
                    if total > 1024 * 1024 {
                        return Err(Error::TooLarge);
                    }
                    fields.push((name, v));
                }
                Some(fname) => {
                    let fname = clean_name(&fname);
                    if fname.is_empty() {
                        // An empty file input: the browser sends an unnamed, empty part.
                        while f.chunk().await.map_err(multipart_error)?.is_some() {}
                        continue;
                    }
                    let ext = ext_of(&fname);
                    let image_wanted = rules.images_only || name == "cover";
                    if !ALLOWED.contains(&ext.as_str())
                        || (image_wanted && !IMAGES.contains(&ext.as_str()))
                    {
                        refused.push(if rules.images_only {
                            format!(
                                "“{fname}”不是允许的图片类型：只能上传 jpg、png、gif 或 webp 图片"
                            )
                        } else if name == "cover" {
                            format!(
                                "“{fname}”不是允许的图片类型：封面图片只能是 jpg、png、gif 或 webp"
                            )
                        } else {
                            format!("“{fname}”的文件类型不允许上传")
                        });
                        while f.chunk().await.map_err(multipart_error)?.is_some() {}
                        continue;
                    }
                    // To disk as it arrives; dropped (and removed) once it is too large.
                    let mut staged = Some(st.store.blobs().stage().await?);
                    while let Some(c) = f.chunk().await.map_err(multipart_error)? {
                        let Some(s) = staged.as_mut() else {
                            continue;
                        };
                        let size = usize::try_from(s.size()).unwrap_or(usize::MAX);
                        if size.saturating_add(c.len()) > rules.max_file {
                            staged = None;
                            continue;
                        }
                        s.write(&c).await?;
                    }
                    match staged {
                        None => {
                            too_large += 1;
                            refused.push(format!(
                                "“{fname}”超过 {} MB，未上传",
                                rules.max_file / (1024 * 1024)
                            ));
                        }
                        Some(s) if s.size() == 0 => {
                            refused.push(format!("“{fname}”是空文件，未上传"));
                        }
                        Some(s) if !image_wanted && !s.kind().fits(&ext, s.head()) => {
                            // The name must not claim what the bytes are not.
                            let kind = s.kind();
                            refused.push(if kind == Kind::Executable {
                                format!("“{fname}”实际是可执行程序，不允许上传")
                            } else {
                                format!(
                                    "“{fname}”的内容是{}，与扩展名 .{ext} 不符，未上传",
                                    kind.label()
                                )
                            });
                        }
                        Some(mut s) => {
                            s.finish().await?;
                            files.push(File {
                                field: name,
                                name: fname,
                                staged: s,
                            });
                        }
                    }
                }
            }
        }
        if !checked {
            return Err(Error::Csrf);
        }
        Ok(Upload {
            posted: Posted { ctx, fields },
            staff,
            files,
            refused,
            too_large,
        })
    }
}

impl FromRequest<Shared> for Upload {
    type Rejection = Error;

    async fn from_request(req: Request, st: &Shared) -> Result<Self> {
        Upload::read(
            req,
            st,
            Rules {
                keeps_text: false,
                ..Rules::ITEM_FORM
            },
        )
        .await
    }
}

fn multipart_error(e: axum::extract::multipart::MultipartError) -> Error {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        Error::TooLarge
    } else {
        Error::BadRequest("上传的表单不完整，请重新选择文件后再试".into())
    }
}

impl Upload {
    /// Why some of the files were not taken, as one message for the file field (a cover
    /// whose bytes are no picture included), or `None` when all were.
    pub fn refusal(&self) -> Option<String> {
        let mut refused = self.refused.clone();
        // A cover is shown as a picture: its bytes must be one, whatever its name says.
        for f in self.files.iter().filter(|f| f.field == "cover") {
            if !f.kind().is_raster() {
                refused.push(format!(
                    "“{}”不是有效的图片文件（内容不是 jpg、png、gif 或 webp），未上传",
                    f.name
                ));
            }
        }
        (!refused.is_empty()).then(|| {
            format!(
                "{}。请只上传允许的文件类型（{}），然后重新选择文件。",
                refused.join("；"),
                ALLOWED.join("、")
            )
        })
    }

    /// Moves the received files into the blob store (content-addressed; unreferenced
    /// blobs cost only disk): (field, attachment) for `attach`.
    pub async fn commit(self, st: &Shared) -> Result<Vec<(String, Attachment)>> {
        let mut stored = Vec::new();
        for f in self.files {
            let (field, name) = (f.field.clone(), f.name.clone());
            stored.push((field, f.commit(st, name).await?));
        }
        Ok(stored)
    }
}

/// Puts committed files on an item: the cover replaces the old one; an attachment is added
/// unless the same file under the same name is already there.
pub fn attach(a: &mut crate::portal::model::Article, stored: Vec<(String, Attachment)>) {
    for (field, att) in stored {
        if field == "cover" {
            a.cover = Some(att);
        } else if !a
            .attachments
            .iter()
            .any(|x| x.sha == att.sha && x.name == att.name)
        {
            a.attachments.push(att);
        }
    }
}
