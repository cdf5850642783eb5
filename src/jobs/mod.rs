//! The in-process scheduler: no cron needed. It wakes every few seconds, records a
//! heartbeat (for /readyz), sweeps expired sessions, account requests and set-password
//! links, and makes the daily backup.

use std::path::Path;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Duration;

use tokio::sync::watch;

use crate::auth::audit::{self, Event, Outcome};
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::store::backup::{self, Manifest};
use crate::store::{get_json, put_json, tables};

pub const TICK_MS: i64 = 5_000;

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
                        crate::auth::password_link::sweep(txn, now)
                    })
                    .await;
                if let Err(e) = r {
                    tracing::warn!("account request sweep failed: {e}");
                }
            }
            if let Err(e) = publish_due(&st).await {
                tracing::error!("scheduled publishing failed: {e}");
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

/// Publishes the items whose scheduled time has come (定时发布), each in its own
/// transaction with its audit record, then refreshes the pages that show them.
pub async fn publish_due(st: &Shared) -> Result<usize> {
    let now = st.now_ms();
    let due = st
        .store
        .read(move |txn| crate::portal::store::due(txn, now))
        .await?;
    if due.is_empty() {
        return Ok(0);
    }
    let units = crate::portal::review::levels::Units::new(
        st.store.read(crate::auth::store::list_units).await?,
    );
    let users = st.store.read(crate::auth::store::list_users).await?;
    let snap = st.portal.snapshot();
    let units = std::sync::Arc::new(units);
    let users = std::sync::Arc::new(users);
    let mut n = 0;
    for id in due {
        let (units, users, snap) = (units.clone(), users.clone(), snap.clone());
        let r = st
            .store
            .write(move |txn| {
                use crate::portal::review::{levels, notices, take};
                let def_for =
                    |x: &crate::portal::model::Article| levels::definition(x, &snap, &units);
                let req = take::Request {
                    transition: crate::flow::editorial::action::PUBLISH_DUE.into(),
                    ..Default::default()
                };
                let actor = crate::flow::Actor::system("定时发布");
                let taken = match take::take(txn, id, def_for, &actor, &req, now) {
                    Ok(t) => t,
                    // No longer scheduled in its flow (e.g. taken back): drop the stale entry.
                    Err(crate::error::Error::BadRequest(m)) => {
                        crate::portal::store::unschedule(txn, id)?;
                        tracing::warn!("scheduled item {id} not published: {m}");
                        return Ok(None);
                    }
                    Err(e) => return Err(e),
                };
                audit::append(
                    txn,
                    Event {
                        user: "计划任务".into(),
                        unit: taken.after.owner().to_string(),
                        action: "article_publish_scheduled",
                        object: format!("article:{id}"),
                        ip: String::new(),
                        outcome: Outcome::Success,
                        detail: taken.after.title.clone(),
                    },
                    now,
                )?;
                let def = def_for(&taken.after);
                notices::after_step(txn, &taken, def, None, &users, &units, &snap, now)?;
                Ok(Some(taken))
            })
            .await;
        match r {
            Ok(Some(t)) => {
                st.portal
                    .article_changed(st.search.get(), Some(&t.before), &t.after);
                n += 1;
            }
            Ok(None) => {}
            Err(e) => tracing::error!("scheduled publishing of article {id} failed: {e}"),
        }
    }
    Ok(n)
}

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

/// Runs once a day at `backup.hour` (Beijing time) when `backup.daily` is on.
async fn daily_backup(st: &Shared) -> Result<()> {
    if !st.cfg.backup.daily {
        return Ok(());
    }
    let now = st.clock.now().to_offset(crate::clock::CST);
    if u64::from(now.hour()) < st.cfg.backup.hour {
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
    let dir = st.cfg.backup_dir();
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
    let keep = usize::try_from(st.cfg.backup.keep).unwrap_or(7);
    tokio::task::spawn_blocking(move || backup::rotate(&dir, keep))
        .await?
        .map_err(Error::from)?;
    Ok(())
}
