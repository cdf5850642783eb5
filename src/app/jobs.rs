//! The in-process scheduler: no cron needed. It wakes every few seconds, records a
//! heartbeat (for /readyz), sweeps expired sessions, account requests, set-password
//! links, kept forms, old autosaves and expired file transfers, and makes the daily backup.

use std::sync::atomic::Ordering::Relaxed;
use std::time::Duration;

use tokio::sync::watch;

use crate::error::{Error, Result};
use crate::http::Shared;
use crate::store::backup::{self};
use crate::store::{get_json, put_json, tables};

use crate::ops::backup::{TICK_MS, backup_now};

pub fn spawn(st: Shared, mut stop: watch::Receiver<bool>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut last_sweep = 0i64;
        loop {
            let now = st.now_ms();
            st.scheduler_beat_ms.store(now, Relaxed);
            if now - last_sweep > 60_000 {
                last_sweep = now;
                let lim = crate::http::extract::session_limits(&st);
                let r = st
                    .store
                    .write(move |txn| crate::auth::session::sweep(txn, now, &lim))
                    .await;
                if let Err(e) = r {
                    tracing::warn!("session sweep failed: {e}");
                }
                // Account requests nobody decided in time, and set-password links past theirs.
                let r = st
                    .store
                    .write(move |txn| {
                        crate::admin::requests::expire_due(txn, now)?;
                        crate::http::kept::sweep(txn, now)?;
                        crate::publishing::editor::autosave::sweep(txn, now)?;
                        crate::auth::password_link::sweep(txn, now)
                    })
                    .await;
                if let Err(e) = r {
                    tracing::warn!("account request sweep failed: {e}");
                }
                // 文件传输: unfinished uploads and kept files past their time.
                if let Err(e) = crate::intranet::files::sweep::run(&st).await {
                    tracing::warn!("file transfer sweep failed: {e}");
                }
                if let Err(e) = crate::intranet::sends::sweep::run(&st).await {
                    tracing::warn!("sent files sweep failed: {e}");
                }
                // 依申请公开: requests whose 补正 deadline passed are closed (六.1).
                if let Err(e) = crate::disclosure::requests::act::close_abandoned(&st).await {
                    tracing::warn!("disclosure request sweep failed: {e}");
                }
                if let Err(e) = crate::mailbox::act::sweep(&st).await {
                    tracing::warn!("mailbox sweep failed: {e}");
                }
            }
            if let Err(e) = crate::publishing::review::due::publish_due(&st).await {
                tracing::error!("scheduled publishing failed: {e}");
            }
            if let Err(e) = crate::publishing::selfcheck::daily::if_due(&st).await {
                tracing::error!("daily self-check failed: {e}");
            }
            if let Err(e) = daily_backup(&st).await {
                tracing::error!("scheduled backup failed: {e}");
            }
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_millis(TICK_MS as u64)) => {}
                _ = stop.changed() => break,
            }
        }
    })
}

/// Runs once a day at `backup.hour` (Beijing time) when `backup.daily` is on.
async fn daily_backup(st: &Shared) -> Result<()> {
    if !st.cfg().backup.daily {
        return Ok(());
    }
    let now = st.clock.now().to_offset(crate::clock::CST);
    if u64::from(now.hour()) < st.cfg().backup.hour {
        return Ok(());
    }
    let today = format!(
        "{:04}{:02}{:02}",
        now.year(),
        u8::from(now.month()),
        now.day()
    );
    let t2 = today.clone();
    let done: Option<String> = st
        .store
        .read(move |txn| get_json(&txn.open_table(tables::META)?, "last_daily_backup"))
        .await?;
    if done.as_deref() == Some(t2.as_str()) {
        return Ok(());
    }
    let dir = st.cfg().backup_dir();
    let out = dir.join(format!(
        "gongkai-{today}-{:02}{:02}.tar",
        now.hour(),
        now.minute()
    ));
    backup_now(st, &out, "计划任务").await?;
    let t3 = today.clone();
    st.store
        .write(move |txn| put_json(txn, tables::META, "last_daily_backup", &t3))
        .await?;
    let keep = usize::try_from(st.cfg().backup.keep).unwrap_or(7);
    tokio::task::spawn_blocking(move || backup::rotate(&dir, keep))
        .await?
        .map_err(Error::from)?;
    Ok(())
}
