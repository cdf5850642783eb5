//! `POST /oa/transfer/upload`: the uploader without script — a plain multipart form (the
//! token first, `http::upload_form`), the file staged to disk while it is hashed, at most
//! `MAX_FORM_FILE` (larger files need the resumable uploader), within the quotas, ending in
//! the same `OaFile` as a tus upload.

use axum::extract::{Request, State};
use axum::http::header;
use axum::response::Response;

use super::finish::{self, By};
use super::quota::{self, Limits};
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::Ctx;
use crate::http::respond::{html_invalid, see_other};
use crate::http::upload_form;
use crate::views::form::FormState;

pub use super::{FORM_PATH as PATH, MAX_FORM_FILE};

/// The largest request the form route reads (the file and a little form around it).
pub const MAX_FORM_REQUEST: u64 = MAX_FORM_FILE + 1024 * 1024;

pub async fn upload(State(st): State<Shared>, ctx: Ctx, req: Request) -> Result<Response> {
    let s = ctx.staff(&st)?;
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_FORM_REQUEST) {
        return Err(Error::TooLarge);
    }
    let mut mp = upload_form::open(req, &st, &s.csrf).await?;
    let bad = upload_form::interrupted;
    let limits = Limits::of(&st.cfg());
    let (me, unit) = (s.user.id, s.user.unit.to_string());
    let used = st
        .store
        .read(move |txn| quota::usage(txn, me, &unit))
        .await?;
    let room = quota::headroom(used, &limits);
    let mut refusal: Option<String> = None;
    let mut got = None;
    while let Some(mut f) = mp.next_field().await.map_err(bad)? {
        let name = f
            .file_name()
            .filter(|n| !n.is_empty())
            .map(super::tus_proto::clean_name);
        match (f.name(), name) {
            (Some("file"), Some(name)) if got.is_none() && refusal.is_none() => {
                let mut staged = Some(st.store.blobs().stage().await?);
                while let Some(c) = f.chunk().await.map_err(bad)? {
                    let Some(s) = staged.as_mut() else { continue };
                    let next = s.size().saturating_add(c.len() as u64);
                    if next > MAX_FORM_FILE {
                        staged = None;
                        refusal = Some(format!(
                            "文件超过 {}：请在启用脚本的浏览器中上传（支持大文件和断点续传）",
                            quota::size_text(MAX_FORM_FILE)
                        ));
                    } else if next > room {
                        staged = None;
                        let over = if limits.person.saturating_sub(used.person)
                            <= limits.unit.saturating_sub(used.unit)
                        {
                            quota::Over::Person
                        } else {
                            quota::Over::Unit
                        };
                        refusal = Some(over.message(&limits));
                    } else {
                        s.write(&c).await?;
                    }
                }
                if let Some(mut s) = staged {
                    s.finish().await?;
                    got = Some((s, name));
                }
            }
            _ => while f.chunk().await.map_err(bad)?.is_some() {},
        }
    }
    let refuse = |msg: String| async {
        let mut fs = FormState::default();
        fs.add_error("file", msg);
        Ok(html_invalid(super::page::view(&st, &s, &fs, "").await?))
    };
    if let Some(msg) = refusal {
        return refuse(msg).await;
    }
    let Some((staged, name)) = got else {
        return refuse("请选择要上传的文件".into()).await;
    };
    let by = By {
        user: s.user.clone(),
        ip: s.ctx.ip_string(),
    };
    match finish::staged(&st, by, staged, name).await? {
        Ok(_) => Ok(see_other(&format!("{}?done=upload", super::page::PATH))),
        Err(over) => refuse(over.message(&limits)).await,
    }
}
