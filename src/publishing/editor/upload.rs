//! Cover picture and attachment uploads (multipart/form-data). `Posted` reads only
//! urlencoded forms, so this route checks the same things itself, and before it reads any
//! of the body: origin first, then the session (a fully logged-in staff member, past
//! two-factor login, through `Ctx::staff`), so an anonymous or half-logged-in request is
//! answered without its body being read; then the `csrf` field — which must come before any
//! file — compared in constant time with the session's token. Each file is streamed to a
//! temp file under `data/blobs/tmp/` while it is hashed (`store::blobs::Staged`), within its
//! size limit, and moved into the blob store only once the upload is accepted; a refused or
//! broken upload leaves nothing behind.

use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{StatusCode, header};
use axum::response::Response;

use super::articles::{around, item_page, load_editable, take_after_save};
use crate::auth::audit;
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::{Ctx, Posted, Staff, same_origin};
use crate::portal::model::Attachment;
use crate::portal::store;
use crate::publishing::flow::{action as fa, state as fstate};
use crate::publishing::review::revise::{self, AfterSave};
use crate::staff::shell::event;
use crate::store::blobs::{Kind, Staged};
use crate::views::form::FormState;

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
    async fn commit(self, st: &Shared, name: String) -> Result<Attachment> {
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

fn ext_of(name: &str) -> String {
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
        // Nobody but staff gets their body read: an anonymous (or half-logged-in) post is
        // answered here, whatever it carries.
        let staff = ctx.staff(st)?;
        let token_ok = |given: &str| {
            !given.is_empty() && crate::ids::secret_eq(given.as_bytes(), staff.csrf.as_bytes())
        };
        let ct = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        if !ct.starts_with("multipart/form-data") {
            // A plain form (no files chosen by a script, or a probe): same CSRF rule.
            let limit = usize::try_from(st.cfg.server.max_body_bytes).unwrap_or(usize::MAX);
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
                max_file: MAX_FILE,
                images_only: false,
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

pub async fn upload(
    State(st): State<Shared>,
    Path(id): Path<String>,
    up: Upload,
) -> Result<Response> {
    let p = &up.posted;
    let s = up.staff.clone();
    let ic = load_editable(&st, &s, &id).await?;
    let before = ic.article.clone();
    let refuse = async |msg: String| {
        let fs = FormState {
            values: super::item_form::values_of(&before),
            errors: vec![("files".into(), msg)],
            notice: None,
        };
        item_page(&st, &s, &ic, fs, StatusCode::UNPROCESSABLE_ENTITY).await
    };
    let mut refused = up.refused;
    // A cover is shown as a picture: its bytes must be one, whatever its name says.
    for f in up.files.iter().filter(|f| f.field == "cover") {
        if !f.kind().is_raster() {
            refused.push(format!(
                "“{}”不是有效的图片文件（内容不是 jpg、png、gif 或 webp），未上传",
                f.name
            ));
        }
    }
    if !refused.is_empty() {
        return refuse(format!("{}。请只上传允许的文件类型。", refused.join("；"))).await;
    }
    if up.files.is_empty() {
        return refuse("请选择要上传的文件".into()).await;
    }
    // Store the bytes first (content-addressed; unreferenced blobs cost only disk).
    let mut stored: Vec<(String, Attachment)> = Vec::new();
    for f in up.files {
        let (field, name) = (f.field.clone(), f.name.clone());
        stored.push((field, f.commit(&st, name).await?));
    }
    let base: u64 = p.get("revision").trim().parse().unwrap_or(0);
    let names: Vec<String> = stored.iter().map(|(_, a)| a.name.clone()).collect();
    let ev = event(
        &s.user,
        &p.ctx,
        "article_upload",
        format!("article:{}", before.id),
        true,
        names.join("、"),
    );
    let now = st.now_ms();
    let aid = before.id;
    let ar = around(&st, &ic.units).await?;
    let (user, ctx) = (s.user.clone(), p.ctx.clone());
    let r = st
        .store
        .write(move |txn| {
            let current = store::get_article_w(txn, aid)?.ok_or(Error::NotFound)?;
            let mut a = current.clone();
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
            // Files are content: past submission they send the item back like any change,
            // and on a published item they are a correction (flagged for review after).
            let state = crate::publishing::review::instance_of(&current).state;
            let after_save = revise::on_save(
                &current,
                &a,
                &state,
                &ar.snap,
                &ar.units,
                &user.display_name,
            )
            .map_err(Error::BadRequest)?;
            let saved = crate::publishing::store::save_article(txn, a, base, now)?;
            audit::append(txn, ev, now)?;
            match after_save {
                AfterSave::Return {
                    transition,
                    comment,
                } => take_after_save(txn, &saved, transition, &comment, &user, &ctx, &ar, now),
                AfterSave::Keep if state == fstate::PUBLISHED => {
                    let note = format!("上传文件：{}", names.join("、"));
                    take_after_save(txn, &saved, fa::CORRECT, &note, &user, &ctx, &ar, now)
                }
                AfterSave::Keep => Ok(saved),
            }
        })
        .await;
    match r {
        Ok(after) => {
            st.portal().article_changed(&st, Some(&before), &after);
            let returned = crate::publishing::review::instance_of(&after).state == fstate::RETURNED
                && crate::publishing::review::instance_of(&before).state != fstate::RETURNED;
            Ok(crate::http::respond::see_other(&format!(
                "/admin/articles/{}?done={}",
                after.id,
                if returned { "revised" } else { "uploaded" }
            )))
        }
        Err(Error::BadRequest(m)) => refuse(m).await,
        Err(Error::Conflict(_)) => {
            refuse("该信息在您打开页面后已被他人修改，文件没有上传。请刷新页面后重新上传".into())
                .await
        }
        Err(e) => Err(e),
    }
}

// ---- pictures placed in the body by the rich-text editor

/// One picture at most this size.
pub const MAX_IMAGE: usize = 10 * 1024 * 1024;

/// The file name with the extension of what the bytes really are.
fn image_name(name: &str, ext: &str) -> String {
    let cur = ext_of(name);
    if cur == ext || (ext == "jpg" && cur == "jpeg") {
        return name.to_owned();
    }
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s).trim();
    let stem = if stem.is_empty() { "图片" } else { stem };
    format!("{stem}.{ext}")
}

fn wants_json(h: &axum::http::HeaderMap) -> bool {
    h.get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"))
}

/// An answer in the shape of Jodit's uploader (`success`, `data.messages`,
/// `data.files` + `data.baseurl`, `data.isImages`); `data.revision` is the article's
/// revision after the upload and `data.base` the one before it, so the editor page can
/// move its form's `revision` along when nobody else saved in between.
fn jodit_answer(status: StatusCode, data: serde_json::Value) -> Response {
    let success = status.is_success();
    let mut data = data;
    if let Some(o) = data.as_object_mut() {
        o.entry("messages").or_insert_with(|| serde_json::json!([]));
        o.entry("files").or_insert_with(|| serde_json::json!([]));
        o.entry("isImages").or_insert_with(|| serde_json::json!([]));
        o.entry("baseurl").or_insert_with(|| serde_json::json!(""));
        o.insert(
            "code".into(),
            serde_json::json!(if success { 220 } else { status.as_u16() }),
        );
    }
    let body = serde_json::json!({ "success": success, "data": data });
    let mut r = Response::new(axum::body::Body::from(body.to_string()));
    *r.status_mut() = status;
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/json; charset=utf-8"),
    );
    h.insert(
        header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    r
}

fn refused_answer(status: StatusCode, messages: Vec<String>) -> Response {
    jodit_answer(status, serde_json::json!({ "messages": messages }))
}

fn json_error(e: &Error) -> Response {
    let mb = MAX_IMAGE / (1024 * 1024);
    let (status, msg) = match e {
        Error::NotFound => (
            StatusCode::NOT_FOUND,
            "该信息不存在或已被删除，图片未上传".to_owned(),
        ),
        Error::LoginRequired | Error::Redirect(_) => (
            StatusCode::UNAUTHORIZED,
            "登录已失效，请在新窗口重新登录后再上传图片".to_owned(),
        ),
        Error::Csrf => (
            StatusCode::FORBIDDEN,
            "请求来源校验失败，请刷新页面后再上传图片".to_owned(),
        ),
        Error::TooLarge => (
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("图片超过 {mb} MB，未上传。请压缩后再试"),
        ),
        Error::BadRequest(_) => (
            StatusCode::BAD_REQUEST,
            "上传的表单不完整，请重新选择图片后再试".to_owned(),
        ),
        e => (e.status(), e.to_string()),
    };
    refused_answer(status, vec![msg])
}

/// `POST /admin/articles/{id}/images`: a picture for the body, from the editor's
/// uploader. Stored as a blob, listed in the article's `images` (which keeps the blob
/// referenced) and answered as JSON with its `/files/…` address. Same CSRF rules and
/// permission (`load_editable`) as the attachment upload; errors come as JSON with a
/// Chinese message when the client asks for JSON (`Accept: application/json`), as the
/// usual error pages otherwise.
pub async fn image(State(st): State<Shared>, Path(id): Path<String>, req: Request) -> Response {
    let json = wants_json(req.headers());
    match store_images(&st, &id, req).await {
        Ok(r) => r,
        Err(e) if json && !matches!(e, Error::Internal(_)) => json_error(&e),
        Err(e) => axum::response::IntoResponse::into_response(e),
    }
}

async fn store_images(st: &Shared, id: &str, req: Request) -> Result<Response> {
    let up = Upload::read(
        req,
        st,
        Rules {
            max_file: MAX_IMAGE,
            images_only: true,
        },
    )
    .await?;
    let p = &up.posted;
    let s = up.staff.clone();
    let before = load_editable(st, &s, id).await?.article;
    let mut refused = up.refused;
    let mut good = Vec::new();
    for f in up.files {
        match f.kind().image_ext() {
            Some(ext) => good.push((image_name(&f.name, ext), f)),
            None => refused.push(format!(
                "“{}”不是有效的图片文件（内容不是 jpg、png、gif 或 webp），未上传",
                f.name
            )),
        }
    }
    if !refused.is_empty() {
        let status = if up.too_large == refused.len() {
            StatusCode::PAYLOAD_TOO_LARGE
        } else {
            StatusCode::UNSUPPORTED_MEDIA_TYPE
        };
        return Ok(refused_answer(status, refused));
    }
    if good.is_empty() {
        return Ok(refused_answer(
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["请选择要上传的图片".into()],
        ));
    }
    let mut stored = Vec::new();
    for (name, f) in good {
        stored.push(f.commit(st, name).await?);
    }
    let urls: Vec<String> = stored
        .iter()
        .map(|a| super::articles::file_url(&a.sha, &a.name))
        .collect();
    let names: Vec<String> = stored.iter().map(|a| a.name.clone()).collect();
    let ev = event(
        &s.user,
        &p.ctx,
        "article_image_upload",
        format!("article:{}", before.id),
        true,
        names.join("、"),
    );
    let now = st.now_ms();
    let aid = before.id;
    let (base, after, changed) = st
        .store
        .write(move |txn| {
            let mut a = store::get_article_w(txn, aid)?.ok_or(Error::NotFound)?;
            let base = a.revision;
            let mut changed = false;
            for att in stored {
                if !a.images.iter().any(|x| x.sha == att.sha) {
                    a.images.push(att);
                    changed = true;
                }
            }
            if !changed {
                return Ok((base, a, false));
            }
            // Only the picture list changes, never the text: saved on the current
            // revision, so an upload never conflicts with the form being edited.
            let saved = crate::publishing::store::save_article(txn, a, base, now)?;
            audit::append(txn, ev, now)?;
            Ok((base, saved, true))
        })
        .await?;
    if changed {
        st.portal().article_changed(st, Some(&before), &after);
    }
    Ok(jodit_answer(
        StatusCode::OK,
        serde_json::json!({
            "files": urls,
            "isImages": vec![true; urls.len()],
            "revision": after.revision,
            "base": base,
        }),
    ))
}

#[cfg(test)]
mod tests {
    use super::image_name;

    #[test]
    fn picture_names_follow_their_bytes() {
        assert_eq!(image_name("图.png", "png"), "图.png");
        assert_eq!(image_name("照片.JPEG", "jpg"), "照片.JPEG");
        assert_eq!(image_name("截图.png", "jpg"), "截图.jpg");
        assert_eq!(image_name(".gif", "png"), "图片.png");
    }
}
