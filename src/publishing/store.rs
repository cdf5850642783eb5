//! Every write of an article, with what publishing keeps in step in the same transaction:
//! the work-list index (`review::index`), the flow instance, and through the portal's store
//! the channel index, blob references, 解读 links, revisions and the files index.

use redb::WriteTransaction;

use crate::error::{Error, Result};
use crate::portal::model::{Article, ArticleState};
use crate::portal::store::{
    adjust_refs, blob_shas, get_article_w, index_add, index_remove, link_interpretation,
    put_revision, unschedule,
};
use crate::store::{next_id, put_json_u64, tables};

/// Writes an article row and keeps the work-list index (`review::index`) and the index of
/// the files it uses (`portal::files`) in step.
fn put_article(txn: &WriteTransaction, before: Option<&Article>, a: &Article) -> Result<()> {
    put_json_u64(txn, tables::ARTICLES, a.id, a)?;
    crate::publishing::review::index::update(txn, before, a)?;
    crate::portal::files::update(txn, before, a)
}

/// Saves an article (new when `a.id == 0`). Checks the revision the editor started
/// from, keeps the channel index, blob references and 解读 links in step.
/// Returns the saved article.
pub fn save_article(
    txn: &WriteTransaction,
    mut a: Article,
    base_revision: u64,
    now: i64,
) -> Result<Article> {
    let old = if a.id == 0 {
        a.id = next_id(txn, "article")?;
        a.created_ms = now;
        None
    } else {
        let old = get_article_w(txn, a.id)?.ok_or(Error::NotFound)?;
        if old.revision != base_revision {
            return Err(Error::Conflict(
                "该信息已被他人修改，请刷新后在最新版本上重新编辑".into(),
            ));
        }
        Some(old)
    };
    if let Some(o) = &old {
        index_remove(txn, o)?;
        // The publish time belongs to the system, never to the editor.
        a.publish_ms = o.publish_ms;
        a.created_ms = o.created_ms;
        a.created_by = o.created_by.clone();
        a.interpretations = o.interpretations.clone();
        // State, flow and owner change only through `review::take`, never through a save.
        a.state = o.state.clone();
        a.flow = o.flow.clone();
        a.unit = o.unit.clone();
        a.check_override = o.check_override.clone();
        // The 索引号 is the system's, given at publication and never edited.
        a.meta.index_no = o.meta.index_no.clone();
    } else if a.flow.is_none() {
        a.flow = Some(crate::publishing::review::instance_of(&a));
    }
    a.revision = old.as_ref().map(|o| o.revision + 1).unwrap_or(1);
    a.updated_ms = now;
    adjust_refs(
        txn,
        &old.as_ref().map(blob_shas).unwrap_or_default(),
        &blob_shas(&a),
    )?;
    link_interpretation(
        txn,
        old.as_ref().and_then(|o| o.interprets),
        a.interprets,
        a.id,
    )?;
    if a.is_public() {
        index_add(txn, &a)?;
    }
    put_article(txn, old.as_ref(), &a)?;
    put_revision(txn, &a)?;
    Ok(a)
}

/// Writes an article whose state changed (`review::take`): the channel index follows the
/// public state, the revision moves on, the work-list index follows the flow state.
pub fn commit_state(
    txn: &WriteTransaction,
    before: &Article,
    mut a: Article,
    now: i64,
) -> Result<Article> {
    index_remove(txn, before)?;
    if a.is_public() {
        if a.publish_ms.is_none() {
            a.publish_ms = Some(now);
            // First publication: the catalog's 索引号, frozen from here on.
            crate::publishing::catalog::index_no::assign(txn, &mut a, now)?;
        }
        index_add(txn, &a)?;
    }
    a.revision = before.revision + 1;
    a.updated_ms = now;
    put_article(txn, Some(before), &a)?;
    put_revision(txn, &a)?;
    Ok(a)
}

/// Makes an article public without a workflow: for seeding content (the demo, imports,
/// tests). Staff publishing goes through `review::take`. The flow instance is moved to
/// published without a step (there was no review to record).
pub fn publish(txn: &WriteTransaction, id: u64, now: i64) -> Result<Article> {
    let before = get_article_w(txn, id)?.ok_or(Error::NotFound)?;
    unschedule(txn, id)?;
    let mut a = before.clone();
    a.state = ArticleState::Published;
    let mut f = crate::publishing::review::instance_of(&a);
    f.state = crate::publishing::flow::state::PUBLISHED.to_owned();
    a.flow = Some(f);
    commit_state(txn, &before, a, now)
}

/// Takes an article down without a workflow (tests, imports); staff withdraw through
/// `review::take`.
pub fn withdraw(txn: &WriteTransaction, id: u64, reason: &str, now: i64) -> Result<Article> {
    let before = get_article_w(txn, id)?.ok_or(Error::NotFound)?;
    unschedule(txn, id)?;
    let mut a = before.clone();
    a.state = ArticleState::Withdrawn {
        reason: reason.to_owned(),
    };
    let mut f = crate::publishing::review::instance_of(&a);
    f.state = crate::publishing::flow::state::WITHDRAWN.to_owned();
    a.flow = Some(f);
    commit_state(txn, &before, a, now)
}
