//! The work-list index (`tables::ARTICLE_FLOW`): items by flow state before publishing, and
//! force-published items still flagged; and each unit's items newest first
//! (`tables::ARTICLE_OWNERS`). Written with every article write (`portal::store`), so work
//! lists and a unit's item list are range reads however many items the district has.

use redb::{ReadTransaction, WriteTransaction};

use super::instance_of;
use crate::error::Result;
use crate::portal::model::Article;
use crate::publishing::flow::state;
use crate::store::tables;

/// The flagged pseudo-state.
pub const FLAGGED: &str = "flagged";

/// States listed in the index: every state before publishing.
pub const LISTED: [&str; 6] = [
    state::DRAFT,
    state::UNIT_REVIEW,
    state::OFFICE_REVIEW,
    state::APPROVED,
    state::SCHEDULED,
    state::RETURNED,
];

fn key(list: &str, id: u64) -> String {
    format!("{list}/{id:016x}")
}

/// The index entries of one article.
fn entries(a: &Article) -> Vec<String> {
    let f = instance_of(a);
    let mut v = Vec::new();
    if LISTED.contains(&f.state.as_str()) {
        v.push(key(&f.state, a.id));
    }
    if f.flagged.is_some() {
        v.push(key(FLAGGED, a.id));
    }
    v
}

fn owner_key(owner: &str, id: u64) -> String {
    format!("{owner}/{:016x}", u64::MAX - id)
}

/// Moves an article's entries from what `before` had to what `after` has.
pub fn update(txn: &WriteTransaction, before: Option<&Article>, after: &Article) -> Result<()> {
    let old = before.map(entries).unwrap_or_default();
    let new = entries(after);
    let mut t = txn.open_table(tables::ARTICLE_FLOW)?;
    for k in old.iter().filter(|k| !new.contains(k)) {
        t.remove(k.as_str())?;
    }
    for k in new.iter().filter(|k| !old.contains(k)) {
        t.insert(k.as_str(), after.id)?;
    }
    let new_owner = owner_key(after.owner().as_str(), after.id);
    let mut o = txn.open_table(tables::ARTICLE_OWNERS)?;
    if let Some(b) = before {
        let old_owner = owner_key(b.owner().as_str(), b.id);
        if old_owner != new_owner {
            o.remove(old_owner.as_str())?;
        }
    }
    o.insert(new_owner.as_str(), after.id)?;
    Ok(())
}

/// The newest items (ids below `before`) of the given units that pass `keep`, at most
/// `limit`, newest first; and whether there are more.
pub fn newest_of_units(
    txn: &ReadTransaction,
    units: &[crate::auth::model::UnitCode],
    before: Option<u64>,
    limit: usize,
    keep: impl Fn(&Article) -> bool,
) -> Result<(Vec<Article>, bool)> {
    let t = txn.open_table(tables::ARTICLE_OWNERS)?;
    let arts = txn.open_table(tables::ARTICLES)?;
    let mut found: Vec<Article> = Vec::new();
    for u in units {
        // Keys run newest first; start just below `before`.
        let from = match before {
            Some(b) => owner_key(u.as_str(), b.saturating_sub(1)),
            None => format!("{u}/"),
        };
        let to = format!("{u}0");
        let mut n = 0;
        for row in t.range(from.as_str()..to.as_str())? {
            let id = row?.1.value();
            if before.is_some_and(|b| id >= b) {
                continue;
            }
            if let Some(a) = crate::store::get_json_u64::<Article>(&arts, id)?
                && keep(&a)
            {
                found.push(a);
                n += 1;
                if n > limit {
                    break;
                }
            }
        }
    }
    found.sort_by_key(|a| std::cmp::Reverse(a.id));
    let more = found.len() > limit;
    found.truncate(limit);
    Ok((found, more))
}

/// The ids listed under a state (or `FLAGGED`), oldest first.
pub fn ids(txn: &ReadTransaction, list: &str) -> Result<Vec<u64>> {
    let from = format!("{list}/");
    let to = format!("{list}0");
    let t = txn.open_table(tables::ARTICLE_FLOW)?;
    let mut out = Vec::new();
    for row in t.range(from.as_str()..to.as_str())? {
        out.push(row?.1.value());
    }
    Ok(out)
}

/// Builds the index from every article (schema migration 2 → 3).
pub fn rebuild(txn: &WriteTransaction) -> Result<()> {
    for a in &crate::portal::store::all_articles_w(txn)? {
        update(txn, None, a)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::model::UnitCode;

    use crate::store::Store;

    /// An article stored as a schema-2 build wrote it: no flow instance, no index entry.
    fn put_old(txn: &WriteTransaction, id: u64, state: crate::portal::model::ArticleState) {
        let a = Article {
            id,
            state,
            ..Article::blank(1, UnitCode::parse("gov").unwrap(), "old")
        };
        crate::store::put_json_u64(txn, tables::ARTICLES, id, &a).unwrap();
    }

    #[test]
    fn rebuild_lists_old_drafts_and_leaves_published_out() {
        use crate::portal::model::ArticleState;
        let d = tempfile::tempdir().unwrap();
        let s = Store::open(
            d.path(),
            &*crate::clock::ManualClock::new(crate::clock::TEST_START),
        )
        .unwrap();
        s.write_blocking(|txn| {
            put_old(txn, 1, ArticleState::Draft);
            put_old(txn, 2, ArticleState::Published);
            put_old(
                txn,
                3,
                ArticleState::Withdrawn {
                    reason: "旧".into(),
                },
            );
            put_old(txn, 4, ArticleState::Draft);
            Ok(())
        })
        .unwrap();
        assert!(
            s.read_blocking(|t| ids(t, state::DRAFT))
                .unwrap()
                .is_empty()
        );
        s.write_blocking(rebuild).unwrap();
        assert_eq!(
            s.read_blocking(|t| ids(t, state::DRAFT)).unwrap(),
            vec![1, 4]
        );
        // Publishing moves an item out of the list, in the same write.
        s.write_blocking(|txn| crate::publishing::store::publish(txn, 4, 10).map(|_| ()))
            .unwrap();
        assert_eq!(s.read_blocking(|t| ids(t, state::DRAFT)).unwrap(), vec![1]);
        for l in LISTED.iter().chain([&FLAGGED]) {
            let v = s.read_blocking(|t| ids(t, l)).unwrap();
            assert!(!v.contains(&2) && !v.contains(&3), "{l}");
        }
    }

    #[test]
    fn a_units_items_newest_first_in_pages() {
        let d = tempfile::tempdir().unwrap();
        let s = Store::open(
            d.path(),
            &*crate::clock::ManualClock::new(crate::clock::TEST_START),
        )
        .unwrap();
        let code = |c: &str| UnitCode::parse(c).unwrap();
        s.write_blocking(|txn| {
            for (i, unit) in ["aa", "bb", "aa", "aa-b", "aa", "bb"].iter().enumerate() {
                let a = Article {
                    unit: Some(code(unit)),
                    ..Article::blank(1, code("gov"), "x")
                };
                let saved = crate::publishing::store::save_article(txn, a, 0, i as i64)?;
                assert_eq!(saved.id, i as u64 + 1);
            }
            Ok(())
        })
        .unwrap();
        let ids = |units: &[&str], before, limit| {
            let units: Vec<UnitCode> = units.iter().map(|u| code(u)).collect();
            let (v, more) = s
                .read_blocking(|t| newest_of_units(t, &units, before, limit, |_| true))
                .unwrap();
            (v.iter().map(|a| a.id).collect::<Vec<_>>(), more)
        };
        // "aa" does not take in "aa-b", whose code starts the same.
        assert_eq!(ids(&["aa"], None, 10), (vec![5, 3, 1], false));
        assert_eq!(ids(&["aa", "bb"], None, 2), (vec![6, 5], true));
        assert_eq!(ids(&["aa", "bb"], Some(5), 2), (vec![3, 2], true));
        assert_eq!(ids(&["aa", "bb"], Some(2), 2), (vec![1], false));
        assert_eq!(ids(&["aa-b"], None, 2), (vec![4], false));
    }
}
