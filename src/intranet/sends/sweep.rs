//! Sends past their time go (record, boxes, blob references; a blob file once nothing refers
//! to it and nobody downloads it), from the scheduler with the files' sweeper.

use crate::auth::audit::{self, Event, Outcome};
use crate::error::Result;
use crate::http::Shared;
use crate::intranet::boxes::{self, BoxKind, Entry};

/// One round: how many sends were removed.
pub async fn run(st: &Shared) -> Result<usize> {
    let now = st.now_ms();
    let expired = st
        .store
        .read(move |txn| super::store::expired(txn, now))
        .await?;
    let mut n = 0;
    for s in expired {
        let shas: Vec<String> = s.files.iter().map(|f| f.sha.clone()).collect();
        // Someone is still downloading: a later round.
        if shas.iter().any(|sha| st.transfers().is_downloading(sha)) {
            continue;
        }
        let s2 = s.clone();
        st.store
            .write(move |txn| {
                let Some(s) = super::store::get_w(txn, s2.id)? else {
                    return Ok(());
                };
                for f in &s.files {
                    crate::intranet::files::store::unref_blob(txn, &f.sha)?;
                }
                let to: Vec<_> = s.receipts.iter().map(|r| r.to.clone()).collect();
                boxes::remove(
                    txn,
                    Entry {
                        kind: BoxKind::FileSend,
                        id: s.id,
                        sent_ms: s.sent_ms,
                    },
                    s.sender,
                    &to,
                )?;
                super::store::remove(txn, s.id)?;
                let ev = Event {
                    user: "系统".into(),
                    unit: String::new(),
                    action: "oa_send_expire",
                    object: format!("oa_send:{}", s.id),
                    ip: String::new(),
                    outcome: Outcome::Success,
                    detail: format!("到期清除：{}", s.title()),
                };
                audit::append(txn, ev, now).map(|_| ())
            })
            .await?;
        for sha in &shas {
            crate::intranet::files::sweep::remove_blob_if_unused(st, sha).await?;
        }
        n += 1;
    }
    Ok(n)
}
