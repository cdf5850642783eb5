//! Documents' 待办: what waits on me to sign for.

use redb::ReadTransaction;

use crate::auth::model::User;
use crate::error::Result;
use crate::staff::todo::{TodoList, TodoRow};

pub fn lists(txn: &ReadTransaction, u: &User, _now_ms: i64) -> Result<Vec<TodoList>> {
    let rows = super::list::of(txn, u, false)?
        .into_iter()
        .filter(|d| d.receipts_of(u).any(|(_, r)| !r.is_signed()))
        .map(|d| {
            let due = d.receipts_of(u).find_map(|(_, r)| r.due_ms);
            TodoRow {
                link: super::url(d.id),
                place: "公文".into(),
                state: "待签收".into(),
                state_key: "waiting".into(),
                badge: (d.urgency != super::model::Urgency::Normal)
                    .then(|| d.urgency.label().into()),
                note: (!d.number.is_empty()).then(|| d.number.clone()),
                unit: d.sender_unit_name.clone(),
                date_ms: due,
                updated_ms: d.sent_ms,
                title: d.title,
            }
        })
        .collect();
    Ok(vec![TodoList {
        id: "oa_docs_sign",
        label: "待签收公文",
        waiting: true,
        home: false,
        date_label: "签收期限",
        deadline: true,
        rows,
    }])
}
