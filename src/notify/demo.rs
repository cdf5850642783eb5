//! Notices for the demo district, so the bell has something to show on first look:
//! items waiting on the office reviewer (one due soon, one overdue), a return and an
//! approval for a unit's writer, work for the publisher. Called by `crate::demo::fill`
//! after the demo accounts and items exist, inside the same write transaction.

use redb::{ReadableTable, WriteTransaction};

use super::store::{self, NewNotice, NoticeKind};
use crate::error::Result;
use crate::store::tables;

const DAY_MS: i64 = 24 * 3_600_000;

/// (username, kind, title, text, which item, due, already read)
type Row = (
    &'static str,
    NoticeKind,
    String,
    &'static str,
    usize,
    Option<i64>,
    bool,
);

/// Pushes the demo notices; returns how many. Accounts or items the demo does not
/// have are skipped, so the demo can change without breaking this.
pub fn demo_notices(txn: &WriteTransaction, now_ms: i64) -> Result<u64> {
    let items = some_items(txn, 5)?;
    if items.is_empty() {
        return Ok(0);
    }
    let item = |i: usize| &items[i % items.len()];
    let url = |i: usize| format!("/admin/articles/{}", item(i).0);
    let plan: Vec<Row> = vec![
        (
            "office-reviewer",
            NoticeKind::Waiting,
            format!("待审核：{}", item(0).1),
            "区商务局报送，请审核。",
            0,
            Some(now_ms + 2 * DAY_MS),
            false,
        ),
        (
            "office-reviewer",
            NoticeKind::Waiting,
            format!("待审核：{}", item(1).1),
            "东山街道办事处报送，请审核。",
            1,
            Some(now_ms - DAY_MS),
            false,
        ),
        (
            "commerce-writer",
            NoticeKind::Returned,
            item(2).1.clone(),
            "退回意见：请核对文中日期和文号后重新报送。",
            2,
            None,
            false,
        ),
        (
            "commerce-writer",
            NoticeKind::Approved,
            item(3).1.clone(),
            "办公室审核通过，等待发布。",
            3,
            None,
            false,
        ),
        (
            "commerce-writer",
            NoticeKind::Published,
            item(0).1.clone(),
            "已在门户网站发布。",
            0,
            None,
            true,
        ),
        (
            "office-publisher",
            NoticeKind::Waiting,
            format!("待发布：{}", item(3).1),
            "审核已通过，请发布。",
            3,
            None,
            false,
        ),
        (
            "office-publisher",
            NoticeKind::Flagged,
            item(4).1.clone(),
            "该信息经紧急发布，请进行事后审核。",
            4,
            Some(now_ms + DAY_MS),
            false,
        ),
    ];
    let mut n = 0;
    for (who, kind, title, text, i, due_ms, read) in plan {
        let Some(user) = crate::auth::store::find_user_w(txn, who)? else {
            continue;
        };
        let notice = NewNotice {
            kind,
            title,
            text: text.to_owned(),
            url: url(i),
            due_ms,
        };
        let id = store::push(txn, user.id, notice, now_ms)?;
        if read {
            store::mark_read(txn, user.id, id)?;
        }
        n += 1;
    }
    Ok(n)
}

/// The first `n` items' ids and titles. Read as loose JSON so a change to the article
/// record does not touch the demo's notices.
fn some_items(txn: &WriteTransaction, n: usize) -> Result<Vec<(u64, String)>> {
    let t = txn.open_table(tables::ARTICLES)?;
    let mut out = Vec::new();
    for row in t.iter()?.take(n) {
        let (k, v) = row?;
        let a: serde_json::Value = serde_json::from_slice(v.value())?;
        let title = a["title"].as_str().unwrap_or("示例信息").to_owned();
        out.push((k.value(), title));
    }
    Ok(out)
}
