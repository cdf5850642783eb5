//! Notices in redb. Every call takes the caller's transaction, so a notice is pushed in
//! the same transaction as the change it reports (a returned item and its notice are
//! saved together or not at all).
//!
//! `NOTICES` is keyed "{user:016x}/{newest-first id:016x}", so one user's notices, newest
//! first, are one range read. `NOTICE_UNREAD` keeps the unread count per user (the bell
//! reads one key on every staff page) and one key per unread notice (marking everything
//! read, or everything about one item, touches only the unread ones). It also keeps one key
//! per open "待我处理" notice by the page it leads to, so when that work is done — by anyone —
//! the capability settles exactly those notices (`waiting_on` + `settle`).

use redb::{ReadTransaction, ReadableTable, WriteTransaction};
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::store::{next_id, tables};

/// Why the user is told. The label is what the page shows beside the title.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// Something is waiting on this user (an item to review, to publish …).
    Waiting,
    Returned,
    Approved,
    Published,
    Withdrawn,
    /// Published without review: the later second look (事后审核) is due.
    Flagged,
    Other,
}

impl NoticeKind {
    pub fn label(self) -> &'static str {
        match self {
            NoticeKind::Waiting => "待我处理",
            NoticeKind::Returned => "被退回",
            NoticeKind::Approved => "已通过",
            NoticeKind::Published => "已发布",
            NoticeKind::Withdrawn => "已撤稿",
            NoticeKind::Flagged => "需事后审核",
            NoticeKind::Other => "通知",
        }
    }
}

/// What a caller pushes; the store adds id, user, time and the read flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNotice {
    pub kind: NoticeKind,
    pub title: String,
    pub text: String,
    /// Where the notice leads: a path on this site ("/admin/articles/7").
    pub url: String,
    /// The review deadline, when the unit sets one (办理期限).
    pub due_ms: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub id: u64,
    pub user: u64,
    pub kind: NoticeKind,
    pub title: String,
    pub text: String,
    pub url: String,
    pub due_ms: Option<i64>,
    pub created_ms: i64,
    pub read: bool,
    /// The work it pointed to is done or no longer waits on this user.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub settled: bool,
}

impl Notice {
    /// What the page shows beside the title: a settled "待我处理" no longer says so.
    pub fn label(&self) -> &'static str {
        if self.settled {
            "已办结"
        } else {
            self.kind.label()
        }
    }
}

impl NoticeKind {
    /// Notices that say something waits on the user, and settle when it no longer does.
    pub fn is_work(self) -> bool {
        matches!(self, NoticeKind::Waiting | NoticeKind::Flagged)
    }
}

/// Read notices older than this are dropped.
pub const KEEP_READ_MS: i64 = 180 * 24 * 3_600_000;
/// Read notices beyond this many per user are dropped, oldest first.
pub const MAX_KEPT: u64 = 1_000;
/// How many of the oldest notices one push looks at for dropping: enough that stale
/// notices shrink faster than new ones arrive, small enough that a push stays cheap.
const PRUNE_PER_PUSH: usize = 16;

fn key(user: u64, id: u64) -> String {
    format!("{user:016x}/{:016x}", u64::MAX - id)
}

/// The key range of one user's notices: "{user}/" up to (not including) "{user}0",
/// since '0' is the byte after '/'.
fn user_range(user: u64) -> (String, String) {
    (format!("{user:016x}/"), format!("{user:016x}0"))
}

fn unread_key(user: u64, id: u64) -> String {
    format!("u/{user:016x}/{:016x}", u64::MAX - id)
}

fn unread_range(user: u64) -> (String, String) {
    (format!("u/{user:016x}/"), format!("u/{user:016x}0"))
}

fn count_key(user: u64) -> String {
    format!("c/{user:016x}")
}

/// An open work notice, by the page it leads to (a space ends the URL: URLs have none).
fn waiting_key(url: &str, user: u64, id: u64) -> String {
    format!("w/{url} {user:016x}/{id:016x}")
}

fn waiting_range(url: &str) -> (String, String) {
    // '!' is the byte after ' '.
    (format!("w/{url} "), format!("w/{url}!"))
}

/// Total kept notices per user, for the cap.
fn total_key(user: u64) -> String {
    format!("n/{user:016x}")
}

fn add(txn: &WriteTransaction, k: &str, delta: i64) -> Result<u64> {
    let mut t = txn.open_table(tables::NOTICE_UNREAD)?;
    let cur = t.get(k)?.map(|v| v.value()).unwrap_or(0);
    let next = cur.saturating_add_signed(delta);
    if next == 0 {
        t.remove(k)?;
    } else {
        t.insert(k, next)?;
    }
    Ok(next)
}

/// Adds a notice for `user` and returns its id.
pub fn push(txn: &WriteTransaction, user: u64, n: NewNotice, now_ms: i64) -> Result<u64> {
    let id = next_id(txn, "notice")?;
    let notice = Notice {
        id,
        user,
        kind: n.kind,
        title: n.title,
        text: n.text,
        url: n.url,
        due_ms: n.due_ms,
        created_ms: now_ms,
        read: false,
        settled: false,
    };
    let bytes = serde_json::to_vec(&notice)?;
    txn.open_table(tables::NOTICES)?
        .insert(key(user, id).as_str(), bytes.as_slice())?;
    txn.open_table(tables::NOTICE_UNREAD)?
        .insert(unread_key(user, id).as_str(), id)?;
    add(txn, &count_key(user), 1)?;
    add(txn, &total_key(user), 1)?;
    if notice.kind.is_work() {
        txn.open_table(tables::NOTICE_UNREAD)?
            .insert(waiting_key(&notice.url, user, id).as_str(), id)?;
    }
    prune_oldest(txn, user, now_ms)?;
    Ok(id)
}

/// The open work notices leading to `url`: (user, notice id).
pub fn waiting_on(txn: &WriteTransaction, url: &str) -> Result<Vec<(u64, u64)>> {
    let (lo, hi) = waiting_range(url);
    let t = txn.open_table(tables::NOTICE_UNREAD)?;
    let mut out = Vec::new();
    for row in t.range(lo.as_str()..hi.as_str())? {
        let (k, v) = row?;
        let user = k
            .value()
            .rsplit(' ')
            .next()
            .and_then(|rest| rest.split('/').next())
            .and_then(|u| u64::from_str_radix(u, 16).ok());
        if let Some(user) = user {
            out.push((user, v.value()));
        }
    }
    Ok(out)
}

/// The work a notice pointed to is done: it stops saying "待我处理" and leaves the count.
pub fn settle(txn: &WriteTransaction, user: u64, id: u64) -> Result<()> {
    if let Some(mut n) = get_w(txn, user, id)? {
        txn.open_table(tables::NOTICE_UNREAD)?
            .remove(waiting_key(&n.url, user, id).as_str())?;
        if !n.read {
            txn.open_table(tables::NOTICE_UNREAD)?
                .remove(unread_key(user, id).as_str())?;
            add(txn, &count_key(user), -1)?;
        }
        n.read = true;
        n.settled = true;
        let bytes = serde_json::to_vec(&n)?;
        txn.open_table(tables::NOTICES)?
            .insert(key(user, id).as_str(), bytes.as_slice())?;
    }
    Ok(())
}

/// Schema 4 → 5: the open work notices of older data get their key by page.
pub fn index_waiting(txn: &WriteTransaction) -> Result<()> {
    let mut keys = Vec::new();
    for row in txn.open_table(tables::NOTICES)?.iter()? {
        let (_, v) = row?;
        let n: Notice = serde_json::from_slice(v.value())?;
        if n.kind.is_work() && !n.settled {
            keys.push((waiting_key(&n.url, n.user, n.id), n.id));
        }
    }
    let mut t = txn.open_table(tables::NOTICE_UNREAD)?;
    for (k, id) in keys {
        t.insert(k.as_str(), id)?;
    }
    Ok(())
}

/// Drops some of the user's oldest read notices that are past `KEEP_READ_MS` or over
/// `MAX_KEPT`. Unread notices are never dropped: they are work still waiting.
fn prune_oldest(txn: &WriteTransaction, user: u64, now_ms: i64) -> Result<()> {
    let mut total = txn
        .open_table(tables::NOTICE_UNREAD)?
        .get(total_key(user).as_str())?
        .map(|v| v.value())
        .unwrap_or(0);
    let (lo, hi) = user_range(user);
    let mut t = txn.open_table(tables::NOTICES)?;
    let mut stale = Vec::new();
    for row in t
        .range(lo.as_str()..hi.as_str())?
        .rev()
        .take(PRUNE_PER_PUSH)
    {
        let (k, v) = row?;
        let n: Notice = serde_json::from_slice(v.value())?;
        if n.read && (total > MAX_KEPT || n.created_ms < now_ms - KEEP_READ_MS) {
            stale.push((k.value().to_owned(), waiting_key(&n.url, user, n.id)));
            total -= 1;
        }
    }
    for (k, _) in &stale {
        t.remove(k.as_str())?;
    }
    drop(t);
    let mut idx = txn.open_table(tables::NOTICE_UNREAD)?;
    for (_, w) in &stale {
        idx.remove(w.as_str())?;
    }
    drop(idx);
    if !stale.is_empty() {
        add(txn, &total_key(user), -(stale.len() as i64))?;
    }
    Ok(())
}

/// The number of unread notices: one key read.
pub fn unread_count(txn: &ReadTransaction, user: u64) -> Result<u64> {
    Ok(txn
        .open_table(tables::NOTICE_UNREAD)?
        .get(count_key(user).as_str())?
        .map(|v| v.value())
        .unwrap_or(0))
}

/// Up to `limit` of the user's notices, newest first, older than notice `before` if given.
pub fn list(
    txn: &ReadTransaction,
    user: u64,
    before: Option<u64>,
    limit: usize,
) -> Result<Vec<Notice>> {
    let (lo, hi) = user_range(user);
    // Keys run newest first, so "older than `before`" starts just after its key.
    let start = match before {
        Some(0) => return Ok(Vec::new()),
        Some(b) => key(user, b - 1),
        None => lo,
    };
    let t = txn.open_table(tables::NOTICES)?;
    let mut out = Vec::new();
    for row in t.range(start.as_str()..hi.as_str())?.take(limit) {
        let (_, v) = row?;
        out.push(serde_json::from_slice(v.value())?);
    }
    Ok(out)
}

/// One notice of this user's, or `None` (also when the id is someone else's).
pub fn get(txn: &ReadTransaction, user: u64, id: u64) -> Result<Option<Notice>> {
    let t = txn.open_table(tables::NOTICES)?;
    crate::store::get_json(&t, &key(user, id))
}

/// `get` inside a write transaction.
pub fn get_w(txn: &WriteTransaction, user: u64, id: u64) -> Result<Option<Notice>> {
    let t = txn.open_table(tables::NOTICES)?;
    crate::store::get_json(&t, &key(user, id))
}

/// Marks one notice read. True if it was unread; false if it was read already or is
/// not this user's.
pub fn mark_read(txn: &WriteTransaction, user: u64, id: u64) -> Result<bool> {
    let Some(mut n) = get_w(txn, user, id)? else {
        return Ok(false);
    };
    if n.read {
        return Ok(false);
    }
    n.read = true;
    let bytes = serde_json::to_vec(&n)?;
    txn.open_table(tables::NOTICES)?
        .insert(key(user, id).as_str(), bytes.as_slice())?;
    txn.open_table(tables::NOTICE_UNREAD)?
        .remove(unread_key(user, id).as_str())?;
    add(txn, &count_key(user), -1)?;
    Ok(true)
}

/// The ids of the user's unread notices, newest first.
fn unread_ids(txn: &WriteTransaction, user: u64) -> Result<Vec<u64>> {
    let (lo, hi) = unread_range(user);
    let t = txn.open_table(tables::NOTICE_UNREAD)?;
    let mut ids = Vec::new();
    for row in t.range(lo.as_str()..hi.as_str())? {
        ids.push(row?.1.value());
    }
    Ok(ids)
}

/// Marks every unread notice read; returns how many changed.
pub fn mark_all_read(txn: &WriteTransaction, user: u64) -> Result<u64> {
    let mut n = 0;
    for id in unread_ids(txn, user)? {
        if mark_read(txn, user, id)? {
            n += 1;
        }
    }
    Ok(n)
}

/// Marks read every unread notice that leads to `url`: opening the item is reading
/// what was said about it. Returns how many changed.
pub fn mark_read_by_url(txn: &WriteTransaction, user: u64, url: &str) -> Result<u64> {
    let mut n = 0;
    for id in unread_ids(txn, user)? {
        let hit = get_w(txn, user, id)?.is_some_and(|x| x.url == url);
        if hit && mark_read(txn, user, id)? {
            n += 1;
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn store() -> (tempfile::TempDir, Store) {
        let d = tempfile::tempdir().unwrap();
        let s = Store::open(
            d.path(),
            &*crate::clock::ManualClock::new(crate::clock::TEST_START),
        )
        .unwrap();
        (d, s)
    }

    fn notice(kind: NoticeKind, url: &str) -> NewNotice {
        NewNotice {
            kind,
            title: format!("标题 {url}"),
            text: "说明".into(),
            url: url.into(),
            due_ms: None,
        }
    }

    fn count(s: &Store, user: u64) -> u64 {
        s.read_blocking(|t| unread_count(t, user)).unwrap()
    }

    #[test]
    fn work_notices_are_found_by_page_and_settle_once() {
        let (_d, s) = store();
        let (a7, a70) = ("/admin/articles/7", "/admin/articles/70");
        let ids = s
            .write_blocking(|t| {
                Ok([
                    push(t, 1, notice(NoticeKind::Waiting, a7), 1)?,
                    push(t, 2, notice(NoticeKind::Flagged, a7), 1)?,
                    push(t, 1, notice(NoticeKind::Waiting, a70), 1)?,
                    push(t, 1, notice(NoticeKind::Returned, a7), 1)?,
                ])
            })
            .unwrap();
        let open = s.write_blocking(|t| waiting_on(t, a7)).unwrap();
        assert_eq!(
            open,
            vec![(1, ids[0]), (2, ids[1])],
            "work notices of that page only"
        );
        // Read first, then settled: the count drops once.
        s.write_blocking(|t| mark_read(t, 2, ids[1]).map(|_| ()))
            .unwrap();
        s.write_blocking(|t| {
            settle(t, 1, ids[0])?;
            settle(t, 2, ids[1])
        })
        .unwrap();
        assert_eq!(count(&s, 1), 2, "a70's notice and the return stay unread");
        assert_eq!(count(&s, 2), 0);
        let n = s.read_blocking(|t| get(t, 1, ids[0])).unwrap().unwrap();
        assert!(n.read && n.settled);
        assert_eq!(n.label(), "已办结");
        assert!(s.write_blocking(|t| waiting_on(t, a7)).unwrap().is_empty());
        assert_eq!(
            s.write_blocking(|t| waiting_on(t, a70)).unwrap(),
            vec![(1, ids[2])]
        );
        // Older data: the migration finds the open ones again, settled ones not.
        s.write_blocking(|t| {
            let mut idx = t.open_table(tables::NOTICE_UNREAD)?;
            idx.remove(waiting_key(a70, 1, ids[2]).as_str())?;
            drop(idx);
            index_waiting(t)
        })
        .unwrap();
        assert_eq!(
            s.write_blocking(|t| waiting_on(t, a70)).unwrap(),
            vec![(1, ids[2])]
        );
        assert!(s.write_blocking(|t| waiting_on(t, a7)).unwrap().is_empty());
    }

    #[test]
    fn push_counts_and_lists_newest_first_per_user() {
        let (_d, s) = store();
        let ids: Vec<u64> = (0..3)
            .map(|i| {
                s.write_blocking(|t| {
                    push(
                        t,
                        7,
                        notice(NoticeKind::Waiting, &format!("/a/{i}")),
                        1000 + i,
                    )
                })
                .unwrap()
            })
            .collect();
        s.write_blocking(|t| push(t, 8, notice(NoticeKind::Other, "/b"), 5))
            .unwrap();
        assert_eq!(count(&s, 7), 3);
        assert_eq!(count(&s, 8), 1);
        assert_eq!(count(&s, 9), 0);
        let all = s.read_blocking(|t| list(t, 7, None, 10)).unwrap();
        let got: Vec<u64> = all.iter().map(|n| n.id).collect();
        assert_eq!(got, vec![ids[2], ids[1], ids[0]]);
        assert!(all.iter().all(|n| n.user == 7 && !n.read));
        assert_eq!(all[0].created_ms, 1002);
        // Paging: the page after the first notice starts at the next older one.
        let page = s.read_blocking(|t| list(t, 7, Some(ids[2]), 1)).unwrap();
        assert_eq!(page[0].id, ids[1]);
        let rest = s.read_blocking(|t| list(t, 7, Some(ids[0]), 10)).unwrap();
        assert!(rest.is_empty());
        // Someone else's notice is not found under this user.
        assert!(s.read_blocking(|t| get(t, 7, ids[0])).unwrap().is_some());
        assert!(s.read_blocking(|t| get(t, 8, ids[0])).unwrap().is_none());
    }

    #[test]
    fn mark_read_once_and_only_own() {
        let (_d, s) = store();
        let id = s
            .write_blocking(|t| push(t, 1, notice(NoticeKind::Returned, "/x"), 0))
            .unwrap();
        assert!(!s.write_blocking(|t| mark_read(t, 2, id)).unwrap());
        assert_eq!(count(&s, 1), 1);
        assert!(s.write_blocking(|t| mark_read(t, 1, id)).unwrap());
        assert!(!s.write_blocking(|t| mark_read(t, 1, id)).unwrap());
        assert_eq!(count(&s, 1), 0);
        assert!(s.read_blocking(|t| get(t, 1, id)).unwrap().unwrap().read);
    }

    #[test]
    fn mark_all_and_by_url() {
        let (_d, s) = store();
        for u in ["/a", "/b", "/a", "/c"] {
            s.write_blocking(|t| push(t, 3, notice(NoticeKind::Approved, u), 0))
                .unwrap();
        }
        s.write_blocking(|t| push(t, 4, notice(NoticeKind::Approved, "/a"), 0))
            .unwrap();
        assert_eq!(
            s.write_blocking(|t| mark_read_by_url(t, 3, "/a")).unwrap(),
            2
        );
        assert_eq!(count(&s, 3), 2);
        assert_eq!(count(&s, 4), 1, "another user's notices stay unread");
        assert_eq!(s.write_blocking(|t| mark_all_read(t, 3)).unwrap(), 2);
        assert_eq!(count(&s, 3), 0);
        assert_eq!(s.write_blocking(|t| mark_all_read(t, 3)).unwrap(), 0);
        let all = s.read_blocking(|t| list(t, 3, None, 10)).unwrap();
        assert!(all.iter().all(|n| n.read));
    }

    #[test]
    fn old_read_notices_are_dropped_unread_kept() {
        let (_d, s) = store();
        let old_read = s
            .write_blocking(|t| push(t, 5, notice(NoticeKind::Other, "/old"), 0))
            .unwrap();
        let old_unread = s
            .write_blocking(|t| push(t, 5, notice(NoticeKind::Waiting, "/todo"), 0))
            .unwrap();
        s.write_blocking(|t| mark_read(t, 5, old_read)).unwrap();
        s.write_blocking(|t| push(t, 5, notice(NoticeKind::Other, "/new"), KEEP_READ_MS + 1))
            .unwrap();
        let all = s.read_blocking(|t| list(t, 5, None, 10)).unwrap();
        let ids: Vec<u64> = all.iter().map(|n| n.id).collect();
        assert!(!ids.contains(&old_read));
        assert!(ids.contains(&old_unread));
        assert_eq!(all.len(), 2);
        assert_eq!(count(&s, 5), 2);
    }

    #[test]
    fn read_notices_beyond_the_cap_are_dropped() {
        let (_d, s) = store();
        s.write_blocking(|t| {
            for _ in 0..MAX_KEPT + 5 {
                push(t, 2, notice(NoticeKind::Other, "/n"), 0)?;
            }
            mark_all_read(t, 2)?;
            push(t, 2, notice(NoticeKind::Waiting, "/w"), 1)
        })
        .unwrap();
        let kept = s.read_blocking(|t| list(t, 2, None, usize::MAX)).unwrap();
        assert_eq!(kept.len() as u64, MAX_KEPT);
        assert_eq!(kept[0].url, "/w", "the new one is kept");
        assert_eq!(count(&s, 2), 1);
    }

    #[test]
    fn backup_and_restore_keep_notices_and_counts() {
        let (d, s) = store();
        let id = s
            .write_blocking(|t| push(t, 6, notice(NoticeKind::Flagged, "/f"), 9))
            .unwrap();
        s.write_blocking(|t| push(t, 6, notice(NoticeKind::Other, "/g"), 10))
            .unwrap();
        s.write_blocking(|t| mark_read(t, 6, id)).unwrap();
        let file = d.path().join("b.tar");
        crate::store::backup::backup_to(&s, &file, 0).unwrap();
        let target = tempfile::tempdir().unwrap();
        let dir = target.path().join("data");
        crate::store::backup::restore(&file, &dir).unwrap();
        let r = Store::open(
            &dir,
            &*crate::clock::ManualClock::new(crate::clock::TEST_START),
        )
        .unwrap();
        assert_eq!(count(&r, 6), 1);
        let before = s.read_blocking(|t| list(t, 6, None, 10)).unwrap();
        let after = r.read_blocking(|t| list(t, 6, None, 10)).unwrap();
        assert_eq!(before, after);
        // The unread index came along too: marking everything read finds the one left.
        assert_eq!(r.write_blocking(|t| mark_all_read(t, 6)).unwrap(), 1);
    }

    #[test]
    fn kind_serialises_snake_case() {
        assert_eq!(
            serde_json::to_string(&NoticeKind::Flagged).unwrap(),
            "\"flagged\""
        );
        assert_eq!(NoticeKind::Waiting.label(), "待我处理");
    }
}
