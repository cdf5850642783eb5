//! What the owner does with a finished file: download it (`GET /oa/transfer/{id}/download`)
//! and delete it (`POST /oa/transfer/{id}/delete`, which gives back the quota and the blob
//! reference, audited `oa_file_delete`). To anyone else the file does not exist (404).

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;

use super::model::OaFile;
use super::{download, store, sweep};
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::{Posted, Staff};
use crate::http::respond::see_other;

/// The caller's file `id`; 404 for anyone else's or none.
async fn mine(st: &Shared, me: u64, id: &str) -> Result<OaFile> {
    let id: u64 = id.parse().map_err(|_| Error::NotFound)?;
    st.store
        .read(move |txn| store::get_file(txn, id))
        .await?
        .filter(|f| f.owner == me)
        .ok_or(Error::NotFound)
}

/// GET /oa/transfer/{id}/download
pub async fn download(
    State(st): State<Shared>,
    s: Staff,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response> {
    let f = mine(&st, s.user.id, &id).await?;
    download::serve(&st, &headers, &f.sha, &f.name, f.size).await
}

/// POST /oa/transfer/{id}/delete
pub async fn delete(
    State(st): State<Shared>,
    Path(id): Path<String>,
    p: Posted,
) -> Result<Response> {
    let s = p.staff(&st)?;
    let f = mine(&st, s.user.id, &id).await?;
    let by = (
        s.user.username.clone(),
        s.user.unit.to_string(),
        p.ctx.ip_string(),
    );
    sweep::remove_file(&st, &f, Some(by)).await?;
    Ok(see_other(&format!("{}?done=delete", super::page::PATH)))
}
