//! `POST /oa/s/{token}/upload`: a file sent through a collect link (收集文件), multipart
//! with the (anonymous) CSRF token first (`http::upload_form`). What can be decided before
//! the file is read is: the link (404, 410), its password cookie, and, from
//! `Content-Length`, the per-file size and the maker's quota (refused beside the field).
//! The file is then staged while hashed, cut off at the link's size, and in one write
//! transaction charged to the maker's quotas, stored as the maker's `OaFile` under the name
//! it was sent with, counted on the link (refused when the last place was taken meanwhile)
//! and audited `oa_share_upload` with who sent it when they said.

use axum::extract::{Path, Request, State};
use axum::http::header;
use axum::response::Response;

use super::access::{self, Found};
use super::link::{self, VISITOR};
use super::model::{MAX_LOG, Received, State as LinkState, What};
use super::store;
use crate::auth::audit::{self, Event, Outcome};
use crate::error::{Error, Result};
use crate::http::extract::Ctx;
use crate::http::respond::{html_invalid, see_other};
use crate::http::{Shared, upload_form};
use crate::intranet::files::model::OaFile;
use crate::intranet::files::quota::{self, Limits, size_text};
use crate::intranet::files::{store as fstore, sweep};
use crate::store::blobs::Kind;
use crate::views::form::FormState;

/// Room for the form around the file (the token, the sender's name, the part headers).
const FORM_SLACK: u64 = 64 * 1024;

/// Why a file was refused, beside the field.
enum Refused {
    TooLarge(u64),
    Quota,
}

impl Refused {
    fn message(&self) -> String {
        match self {
            Refused::TooLarge(max) => format!("文件超过此链接允许的大小（{}）", size_text(*max)),
            Refused::Quota => "接收人的存储空间不足，无法接收此文件，请联系分享人".into(),
        }
    }
}

/// POST /oa/s/{token}/upload
pub async fn upload(
    State(st): State<Shared>,
    ctx: Ctx,
    Path(token): Path<String>,
    req: Request,
) -> Result<Response> {
    let found = access::find(&st, &token).await?;
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let headers = req.headers().clone();
    // The token first, for every link or none, so a forged post is told so (403) and an
    // unknown link 404 only to a real form.
    let mut mp = match upload_form::open(req, &st, ctx.csrf()).await {
        Ok(mp) => mp,
        Err(Error::BadRequest(_)) if found.as_ref().is_none_or(|f| f.share.what_is_file()) => {
            return Err(Error::NotFound);
        }
        Err(e) => return Err(e),
    };
    let Some(f) = found.filter(|f| !f.share.what_is_file()) else {
        return Err(Error::NotFound);
    };
    if f.state != LinkState::Live {
        return Ok(link::gone(&st, &ctx, f.state));
    }
    let now = st.now_ms();
    if !f.open_to(&headers, now) {
        return Ok(see_other(&super::link_path(&token)));
    }
    let What::Collect { max_file_bytes, .. } = f.share.what else {
        return Err(Error::NotFound);
    };
    let limits = Limits::of(&st.cfg());
    let (owner, unit) = (f.share.owner, f.share.owner_unit.to_string());
    let used = st
        .store
        .read(move |txn| quota::usage(txn, owner, &unit))
        .await?;
    let room = quota::headroom(used, &limits);
    let refuse = |why: Refused| {
        let mut fs = FormState::default();
        fs.add_error("file", why.message());
        html_invalid(link::open_view(&st, &ctx, &token, &f, &fs, ""))
    };
    // Decided before the file is read when the size is declared.
    if let Some(n) = declared {
        if n > max_file_bytes.saturating_add(FORM_SLACK) {
            return Ok(refuse(Refused::TooLarge(max_file_bytes)));
        }
        if n > room.saturating_add(FORM_SLACK) {
            return Ok(refuse(Refused::Quota));
        }
    }
    let bad = upload_form::interrupted;
    let mut sender = String::new();
    let mut refusal = None;
    let mut got = None;
    while let Some(mut field) = mp.next_field().await.map_err(bad)? {
        let name = field
            .file_name()
            .filter(|n| !n.is_empty())
            .map(crate::intranet::files::tus_proto::clean_name);
        match (field.name(), name) {
            (Some("sender"), _) if sender.is_empty() => {
                let t = field.text().await.map_err(bad)?;
                sender = t.trim().chars().take(100).collect();
            }
            (Some("file"), Some(name)) if got.is_none() && refusal.is_none() => {
                let mut staged = Some(st.store.blobs().stage().await?);
                while let Some(c) = field.chunk().await.map_err(bad)? {
                    let Some(s) = staged.as_mut() else { continue };
                    let next = s.size().saturating_add(c.len() as u64);
                    if next > max_file_bytes {
                        staged = None;
                        refusal = Some(Refused::TooLarge(max_file_bytes));
                    } else if next > room {
                        staged = None;
                        refusal = Some(Refused::Quota);
                    } else {
                        s.write(&c).await?;
                    }
                }
                if let Some(mut s) = staged {
                    s.finish().await?;
                    got = Some((s, name));
                }
            }
            _ => while field.chunk().await.map_err(bad)?.is_some() {},
        }
    }
    if let Some(why) = refusal {
        return Ok(refuse(why));
    }
    let Some((staged, name)) = got else {
        let mut fs = FormState::default();
        fs.add_error("file", "请选择要上传的文件");
        return Ok(html_invalid(link::open_view(
            &st, &ctx, &token, &f, &fs, "",
        )));
    };
    match receive(&st, &ctx, &f, staged, name, sender).await? {
        Ok(()) => Ok(see_other(&format!(
            "{}?done=upload",
            super::link_path(&token)
        ))),
        Err(Err(why)) => Ok(refuse(why)),
        Err(Ok(state)) => Ok(link::gone(&st, &ctx, state)),
    }
}

/// Stores a received file as the maker's, counted on the link, in one write transaction.
/// Refused: the quota (or size), or the link's state when it changed meanwhile.
async fn receive(
    st: &Shared,
    ctx: &Ctx,
    f: &Found,
    staged: crate::store::blobs::Staged,
    name: String,
    sender: String,
) -> Result<Result<(), Result<LinkState, Refused>>> {
    let sha = staged
        .sha()
        .map(str::to_owned)
        .ok_or_else(|| Error::internal("staged file not finished"))?;
    let now = st.now_ms();
    let cfg = st.cfg();
    let file = OaFile {
        id: 0,
        owner: f.share.owner,
        owner_unit: f.share.owner_unit.clone(),
        name,
        size: staged.size(),
        sha: sha.clone(),
        kind: Kind::sniff(staged.head()).label().to_owned(),
        created_ms: now,
        expires_ms: super::days_from(now, cfg.intranet.file_keep_days),
    };
    let limits = Limits::of(&cfg);
    let placing = st.transfers().blob_lock().await;
    let blobs = st.store.blobs().clone();
    tokio::task::spawn_blocking(move || blobs.commit(staged)).await??;
    let (hash, ip) = (f.hash.clone(), ctx.ip_string());
    let done = st
        .store
        .write(move |txn| {
            let Some(mut sh) = store::get_w(txn, &hash)? else {
                return Ok(Err(Ok(LinkState::Revoked)));
            };
            let state = sh.state(now, true);
            if state != LinkState::Live {
                return Ok(Err(Ok(state)));
            }
            if let What::Collect { max_file_bytes, .. } = sh.what
                && file.size > max_file_bytes
            {
                return Ok(Err(Err(Refused::TooLarge(max_file_bytes))));
            }
            if quota::charge(
                txn,
                file.owner,
                file.owner_unit.as_str(),
                file.size,
                &limits,
            )?
            .is_some()
            {
                return Ok(Err(Err(Refused::Quota)));
            }
            let file = fstore::insert_file(txn, file)?;
            fstore::ref_blob(txn, &file.sha)?;
            sh.uploads = sh.uploads.saturating_add(1);
            sh.received.push(Received {
                file: file.id,
                name: file.name.clone(),
                size: file.size,
                sender: sender.clone(),
                ip: ip.clone(),
                at_ms: now,
            });
            if sh.received.len() > MAX_LOG {
                let extra = sh.received.len() - MAX_LOG;
                sh.received.drain(..extra);
            }
            store::put(txn, &hash, &sh)?;
            let from = if sender.is_empty() {
                "未留姓名".to_owned()
            } else {
                format!("上传人自称“{sender}”")
            };
            audit::append(
                txn,
                Event {
                    user: VISITOR.into(),
                    unit: String::new(),
                    action: "oa_share_upload",
                    object: format!("oa_file:{}", file.id),
                    ip,
                    outcome: Outcome::Success,
                    detail: format!(
                        "经收集链接（编号 {}）收到 {}（{}，{} 字节，SHA-256 {}），{from}",
                        sh.id, file.name, file.kind, file.size, file.sha
                    ),
                },
                now,
            )?;
            Ok(Ok(()))
        })
        .await?;
    drop(placing);
    if done.is_err() {
        sweep::remove_blob_if_unused(st, &sha).await?;
    }
    Ok(done)
}
