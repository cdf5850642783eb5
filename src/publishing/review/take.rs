//! Taking one transition of an item, inside the caller's write transaction: the engine
//! decides whether it may be taken; this file carries out what it means for the item.
//! Every state change of an article goes through here (staff, the scheduler).

use redb::WriteTransaction;

use super::instance_of;
use crate::error::{Error, Result};
use crate::flow::{self, Actor, Definition};
use crate::portal::model::{Article, ArticleState};
use crate::portal::store;
use crate::publishing::checks::content::Override;
use crate::publishing::flow::action as a;

/// What the form asked for besides the transition.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub transition: String,
    pub comment: String,
    /// The revision the actor saw; `None` for the system.
    pub base_revision: Option<u64>,
    /// For `schedule`: when (UTC ms), checked by the caller to lie in the future.
    pub schedule_at: Option<i64>,
    /// For `replace`: the item that supersedes this one.
    pub replaced_by: Option<u64>,
    /// A reviewer's override of blocking check findings, kept with the item.
    pub check_override: Option<Override>,
    /// For `withdraw`: the notice the public sees at the item's address. Without it (a
    /// script that does not send one) the comment is shown, as before there was one.
    pub public_notice: Option<String>,
}

/// The item before and after.
pub struct Taken {
    pub before: Article,
    pub after: Article,
}

/// Takes `req.transition` on article `id` as `actor`. `def_for` gives the definition for the
/// item as stored (its channels decide the levels). Refusals are `Error::BadRequest` with the
/// engine's Chinese sentence; a stale revision is `Error::Conflict`.
pub fn take(
    txn: &WriteTransaction,
    id: u64,
    def_for: impl Fn(&Article) -> &'static Definition,
    actor: &Actor,
    req: &Request,
    now: i64,
) -> Result<Taken> {
    let before = store::get_article_w(txn, id)?.ok_or(Error::NotFound)?;
    if let Some(base) = req.base_revision
        && base != before.revision
    {
        return Err(Error::Conflict(
            "该信息在您打开后已被他人修改或办理，请刷新页面查看最新状态后再办理".into(),
        ));
    }
    let def = def_for(&before);
    let mut inst = instance_of(&before);
    flow::apply(def, &mut inst, &req.transition, actor, &req.comment, now)
        .map_err(|e| Error::BadRequest(e.to_string()))?;
    let mut after = before.clone();
    match req.transition.as_str() {
        a::PUBLISH | a::PUBLISH_DUE | a::FORCE_PUBLISH => {
            store::unschedule(txn, id)?;
            after.state = ArticleState::Published;
        }
        a::SCHEDULE => {
            let at = req
                .schedule_at
                .ok_or_else(|| Error::BadRequest("请填写定时发布的日期和时间".into()))?;
            store::schedule(txn, id, at)?;
        }
        a::UNSCHEDULE | a::RECALL | a::RETURN_UNIT | a::RETURN_OFFICE | a::RETURN_PUBLISH => {
            store::unschedule(txn, id)?;
        }
        a::WITHDRAW => {
            store::unschedule(txn, id)?;
            after.state = ArticleState::Withdrawn {
                reason: req
                    .public_notice
                    .as_deref()
                    .unwrap_or(&req.comment)
                    .trim()
                    .to_owned(),
            };
        }
        a::REPLACE => {
            let by = req
                .replaced_by
                .ok_or_else(|| Error::BadRequest("请填写替代它的信息编号".into()))?;
            let target = store::get_article_w(txn, by)?;
            if by == id || !target.as_ref().is_some_and(Article::is_public) {
                return Err(Error::BadRequest(format!(
                    "编号为 {by} 的信息不存在或尚未发布，不能用来替换"
                )));
            }
            store::unschedule(txn, id)?;
            after.state = ArticleState::Replaced { by };
        }
        _ => {}
    }
    if let Some(o) = &req.check_override {
        after.check_override = Some(o.stored());
    }
    after.flow = Some(inst);
    let after = crate::publishing::store::commit_state(txn, &before, after, now)?;
    Ok(Taken { before, after })
}
