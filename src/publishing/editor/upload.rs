//! The upload routes: files alone onto an item (`/files`, kept for scripts and older pages;
//! the item form itself takes files with its text) and pictures for the rich-text editor
//! (`/images`, answered in Jodit's shape). Reading and checking the files is `received`.

use axum::extract::{Path, Request, State};
use axum::http::{StatusCode, header};
use axum::response::Response;

use super::articles::{around, item_page, load_editable, take_after_save};
use super::received::ext_of;
pub use super::received::{ALLOWED, MAX_FILE, MAX_REQUEST, Rules, Upload, attach};
use crate::auth::audit;
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::portal::store;
use crate::publishing::flow::{action as fa, state as fstate};
use crate::publishing::review::revise::{self, AfterSave};
use crate::staff::shell::event;
use crate::views::form::FormState;

/// The files-only upload (no form fields saved with it); the item form itself takes
/// files with its text (`articles::edit_submit`).
pub async fn upload(
    State(st): State<Shared>,
    Path(id): Path<String>,
    up: Upload,
) -> Result<Response> {
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
    if let Some(m) = up.refusal() {
        return refuse(m).await;
    }
    if up.files.is_empty() {
        return refuse("请选择要上传的文件".into()).await;
    }
    let p = up.posted.clone();
    let p = &p;
    let stored = up.commit(&st).await?;
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
            attach(&mut a, stored);
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
            keeps_text: false,
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
