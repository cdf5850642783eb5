//! Sends' 待办: files sent to me not yet signed for.

use redb::ReadTransaction;

use crate::auth::model::User;
use crate::error::Result;
use crate::staff::todo::{TodoList, TodoRow};

pub fn lists(txn: &ReadTransaction, u: &User, now_ms: i64) -> Result<Vec<TodoList>> {
    let rows = super::list::of(txn, u, false, now_ms)?
        .into_iter()
        .filter(|s| s.receipts_of(u).any(|(_, r)| !r.is_signed()))
        .map(|s| TodoRow {
            title: s.title(),
            link: super::url(s.id),
            place: "文件传输".into(),
            state: "待签收".into(),
            state_key: "waiting".into(),
            badge: None,
            note: (!s.message.is_empty()).then(|| s.message.chars().take(60).collect()),
            unit: s.sender_unit_name.clone(),
            date_ms: Some(s.expires_ms),
            updated_ms: s.sent_ms,
        })
        .collect();
    Ok(vec![TodoList {
        id: "oa_files_receive",
        label: "待接收文件",
        waiting: true,
        home: false,
        date_label: "保留至",
        deadline: false,
        rows,
    }])
}
