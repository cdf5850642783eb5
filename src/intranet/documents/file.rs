//! A document's attachment: to its sender, to recipients (after signing when the document
//! asks for it) and to the senders it came from; each recipient's download is recorded on
//! their receipt. Always an attachment, never shown inline (`intranet::files::download`).

use axum::extract::{Path, Request, State};
use axum::response::Response;

use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::Ctx;

/// GET /oa/docs/{id}/files/{n}
pub async fn download(
    State(st): State<Shared>,
    ctx: Ctx,
    Path((id, n)): Path<(String, String)>,
    req: Request,
) -> Result<Response> {
    let staff = ctx.staff(&st)?;
    let u = staff.user.clone();
    let l = super::view::load(&st, &id, &u).await?;
    let n: usize = n.parse().map_err(|_| Error::NotFound)?;
    let a = l.doc.attachments.get(n).cloned().ok_or(Error::NotFound)?;
    if !super::view::may_download(&l.doc, &l, &u) {
        return Err(Error::Forbidden(
            "此公文要求签收后才能下载附件，请先签收。".into(),
        ));
    }
    // Only a range from the start counts as a download (a resumed one is the same download).
    let first = crate::intranet::receipt::from_first_byte(req.headers());
    if first && l.doc.is_recipient(&u) {
        let (doc_id, now) = (l.doc.id, st.now_ms());
        st.store
            .write(move |txn| {
                let mut d = super::store::get_w(txn, doc_id)?.ok_or(Error::NotFound)?;
                crate::intranet::receipt::record_download(&mut d.receipts, &u, now);
                super::store::put(txn, &d)
            })
            .await?;
    }
    crate::intranet::files::download::serve(&st, req.headers(), &a.sha, &a.name, a.size).await
}
