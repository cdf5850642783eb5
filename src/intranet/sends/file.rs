//! A sent file's download: to its sender and recipients; a recipient's download from the
//! first byte is recorded on their receipt (a resumed range is the same download).

use axum::extract::{Path, Request, State};
use axum::response::Response;

use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::Ctx;

/// GET /oa/sends/{id}/files/{n}
pub async fn download(
    State(st): State<Shared>,
    ctx: Ctx,
    Path((id, n)): Path<(String, String)>,
    req: Request,
) -> Result<Response> {
    let staff = ctx.staff(&st)?;
    let u = staff.user.clone();
    let (s, _, _) = super::view::load(&st, &id, &u).await?;
    let n: usize = n.parse().map_err(|_| Error::NotFound)?;
    let f = s.files.get(n).cloned().ok_or(Error::NotFound)?;
    let first = crate::intranet::receipt::from_first_byte(req.headers());
    if first && s.is_recipient(&u) {
        let (sid, now) = (s.id, st.now_ms());
        st.store
            .write(move |txn| {
                let mut s = super::store::get_w(txn, sid)?.ok_or(Error::NotFound)?;
                crate::intranet::receipt::record_download(&mut s.receipts, &u, now);
                super::store::put(txn, &s)
            })
            .await?;
    }
    crate::intranet::files::download::serve(&st, req.headers(), &f.sha, &f.name, f.size).await
}
