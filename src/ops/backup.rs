//! Making a backup on demand (the system page, the control socket, the daily job) with its
//! audit record, and the scheduler's tick that /readyz measures the heartbeat against.

use std::path::Path;

use crate::auth::audit::{self, Event, Outcome};
use crate::error::Result;
use crate::http::Shared;
use crate::store::backup::{self, Manifest};

/// How often the scheduler (`app::jobs`) wakes.
pub const TICK_MS: i64 = 5_000;

/// Makes one backup and records it in the audit log.
pub async fn backup_now(st: &Shared, out: &Path, by: &str) -> Result<Manifest> {
    let store = st.store.clone();
    let out2 = out.to_path_buf();
    let now = st.now_ms();
    let r = tokio::task::spawn_blocking(move || backup::backup_to(&store, &out2, now)).await?;
    let (outcome, detail) = match &r {
        Ok(m) => (Outcome::Success, format!("{} 个文件", m.files.len())),
        Err(e) => (Outcome::Failure, e.to_string()),
    };
    let ev = Event {
        user: by.to_owned(),
        unit: String::new(),
        action: "backup",
        object: out.display().to_string(),
        ip: String::new(),
        outcome,
        detail,
    };
    st.store
        .write(move |txn| audit::append(txn, ev, now).map(|_| ()))
        .await?;
    r
}
