//! 定时发布: publishing the items whose scheduled time has come (run by the scheduler).

use crate::auth::audit::{self, Event, Outcome};
use crate::error::Result;
use crate::http::Shared;

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
    let units = crate::publishing::review::levels::Units::new(
        st.store.read(crate::auth::store::list_units).await?,
    );
    let users = st.store.read(crate::auth::store::list_users).await?;
    let snap = st.portal().snapshot();
    let cal = st.calendar();
    let units = std::sync::Arc::new(units);
    let users = std::sync::Arc::new(users);
    let mut n = 0;
    for id in due {
        let (units, users, snap, cal) = (units.clone(), users.clone(), snap.clone(), cal.clone());
        let r = st
            .store
            .write(move |txn| {
                use crate::publishing::review::{levels, notices, take};
                let def_for =
                    |x: &crate::portal::model::Article| levels::definition(x, &snap, &units);
                let req = take::Request {
                    transition: crate::publishing::flow::action::PUBLISH_DUE.into(),
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
                notices::after_step(txn, &taken, def, None, &users, &units, &snap, &cal, now)?;
                Ok(Some(taken))
            })
            .await;
        match r {
            Ok(Some(t)) => {
                st.portal().article_changed(st, Some(&t.before), &t.after);
                n += 1;
            }
            Ok(None) => {}
            Err(e) => tracing::error!("scheduled publishing of article {id} failed: {e}"),
        }
    }
    Ok(n)
}
