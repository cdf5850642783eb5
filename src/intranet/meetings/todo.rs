//! This part's 待办 list: 待回执会议, the meetings my unit has not answered whose reply
//! deadline has not passed.

use redb::ReadTransaction;

use super::form::show_minutes;
use super::store;
use crate::auth::model::User;
use crate::error::Result;
use crate::intranet::boxes::{self, BoxKind};
use crate::staff::todo::{TodoList, TodoRow};

pub fn lists(txn: &ReadTransaction, u: &User, now_ms: i64) -> Result<Vec<TodoList>> {
    let mut rows = Vec::new();
    for e in boxes::inbox(txn, u, Some(BoxKind::Meeting))? {
        let Some(m) = store::get(txn, e.id)? else {
            continue;
        };
        let Some(r) = m.reply_of(u) else {
            continue;
        };
        if r.is_replied() || !m.open_for_replies(now_ms) {
            continue;
        }
        rows.push(TodoRow {
            title: m.details.title.clone(),
            link: m.url(),
            place: "会议通知".into(),
            state: "待回执".into(),
            state_key: "waiting".into(),
            badge: r.reminded().map(|_| "已催办".to_owned()),
            note: Some(format!(
                "{} 在{}召开",
                show_minutes(m.details.start_ms),
                m.details.place
            )),
            unit: m.sender_unit_name.clone(),
            date_ms: Some(m.details.deadline_ms),
            updated_ms: m.updated_ms,
        });
    }
    rows.sort_by_key(|r| r.date_ms);
    Ok(vec![TodoList {
        id: "oa_meetings_reply",
        label: "待回执会议",
        waiting: true,
        home: false,
        date_label: "回执截止",
        deadline: true,
        rows,
    }])
}
