//! Cover picture and attachment uploads (multipart/form-data). `Posted` reads only
//! urlencoded forms, so this route checks the same things itself, in the same order:
//! origin first, then the `csrf` field — which must come before any file — compared in
//! constant time with the session's token; then the staff gate through `Posted::staff`.

use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{StatusCode, header};
use axum::response::Response;

use super::articles::{EditPage, conflict_page, edit_view, load_editable};
use crate::admin::common::event;
use crate::auth::audit;
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::{Ctx, Posted, same_origin};
use crate::portal::model::Attachment;
use crate::portal::store;
use crate::views::form::FormState;

/// One file at most this size.
pub const MAX_FILE: usize = 20 * 1024 * 1024;
/// A whole upload request at most this size (a cover and a few attachments).
pub const MAX_REQUEST: usize = 64 * 1024 * 1024;
/// File types people may upload (by extension).
pub const ALLOWED: [&str; 18] = [
    "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "wps", "et", "txt", "csv", "zip", "rar",
    "jpg", "jpeg", "png", "gif", "webp",
];
const IMAGES: [&str; 5] = ["jpg", "jpeg", "png", "gif", "webp"];

/// One received file.
pub struct File {
    pub field: String,
    pub name: String,
    pub bytes: Vec<u8>,
}

/// A multipart form whose origin and CSRF token were checked; `refused` holds a
/// Chinese message when a file was too large or of a type not allowed.
pub struct Upload {
    pub posted: Posted,
    pub files: Vec<File>,
    pub refused: Vec<String>,
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

impl FromRequest<Shared> for Upload {
    type Rejection = Error;

    async fn from_request(req: Request, st: &Shared) -> Result<Self> {
        let (mut parts, body) = req.into_parts();
        if !same_origin(&parts.headers) {
            return Err(Error::Csrf);
        }
        let ctx =
            <Ctx as axum::extract::FromRequestParts<Shared>>::from_request_parts(&mut parts, st)
                .await?;
        let token_ok = |given: &str| {
            !given.is_empty() && crate::ids::secret_eq(given.as_bytes(), ctx.csrf().as_bytes())
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
                files: Vec::new(),
                refused: Vec::new(),
            });
        }
        let req = Request::from_parts(parts, body);
        let mut mp = Multipart::from_request(req, st)
            .await
            .map_err(|_| Error::BadRequest("表单格式不正确".into()))?;
        let mut fields: Vec<(String, String)> = Vec::new();
        let mut files = Vec::new();
        let mut refused = Vec::new();
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
                    if !ALLOWED.contains(&ext.as_str())
                        || (name == "cover" && !IMAGES.contains(&ext.as_str()))
                    {
                        refused.push(if name == "cover" {
                            format!(
                                "“{fname}”不是允许的图片类型：封面图片只能是 jpg、png、gif 或 webp"
                            )
                        } else {
                            format!("“{fname}”的文件类型不允许上传")
                        });
                        while f.chunk().await.map_err(multipart_error)?.is_some() {}
                        continue;
                    }
                    let mut bytes = Vec::new();
                    let mut too_big = false;
                    while let Some(c) = f.chunk().await.map_err(multipart_error)? {
                        if too_big {
                            continue;
                        }
                        if bytes.len() + c.len() > MAX_FILE {
                            too_big = true;
                            bytes = Vec::new();
                            continue;
                        }
                        bytes.extend_from_slice(&c);
                    }
                    if too_big {
                        refused.push(format!("“{fname}”超过 20 MB，未上传"));
                    } else if bytes.is_empty() {
                        refused.push(format!("“{fname}”是空文件，未上传"));
                    } else {
                        files.push(File {
                            field: name,
                            name: fname,
                            bytes,
                        });
                    }
                }
            }
        }
        if !checked {
            return Err(Error::Csrf);
        }
        Ok(Upload {
            posted: Posted { ctx, fields },
            files,
            refused,
        })
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
    let s = p.staff(&st)?;
    let (_, allowed, before) = load_editable(&st, &s, &id).await?;
    let scheduled = super::articles::scheduled_of(&st, before.id).await?;
    let refuse = |msg: String| {
        let fs = FormState {
            values: super::articles::values_of(&before),
            errors: vec![("files".into(), msg)],
            notice: None,
        };
        let ep = EditPage {
            article: Some(&before),
            scheduled,
            notice: None,
            conflict: None,
            status: StatusCode::UNPROCESSABLE_ENTITY,
        };
        edit_view(&st, &s, &allowed, &ep, &fs)
    };
    if !up.refused.is_empty() {
        return Ok(refuse(format!(
            "{}。请只上传允许的文件类型。",
            up.refused.join("；")
        )));
    }
    if up.files.is_empty() {
        return Ok(refuse("请选择要上传的文件".into()));
    }
    // Store the bytes first (content-addressed; unreferenced blobs cost only disk).
    let mut stored: Vec<(String, Attachment)> = Vec::new();
    for f in up.files {
        let st2 = st.clone();
        let File { field, name, bytes } = f;
        let size = bytes.len() as u64;
        let sha = tokio::task::spawn_blocking(move || st2.store.blobs().put(&bytes)).await??;
        let mime = mime_guess::from_path(&name)
            .first_or_octet_stream()
            .to_string();
        stored.push((
            field,
            Attachment {
                sha,
                name,
                size,
                mime,
            },
        ));
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
    let r = st
        .store
        .write(move |txn| {
            let mut a = store::get_article_w(txn, aid)?.ok_or(Error::NotFound)?;
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
            let saved = store::save_article(txn, a, base, now)?;
            audit::append(txn, ev, now)?;
            Ok(saved)
        })
        .await;
    match r {
        Ok(after) => {
            st.portal.article_changed(Some(&before), &after);
            Ok(crate::http::respond::see_other(&format!(
                "/admin/articles/{}?done=uploaded",
                after.id
            )))
        }
        Err(Error::Conflict(_)) => {
            let fs = FormState {
                values: super::articles::values_of(&before),
                ..Default::default()
            };
            conflict_page(&st, &s, &allowed, aid, fs).await
        }
        Err(e) => Err(e),
    }
}
