//! One item as the signed-in user sees it (`ItemCtx`), and the rules every page of an item
//! shares: which transitions the checks gate, and their audit names.

use std::sync::Arc;

use super::instance_of;
use super::levels::{self, Units};
use crate::auth::model::Role;
use crate::error::{Error, Result};
use crate::flow::{self, Actor, Definition, Instance, Transition};
use crate::http::Shared;
use crate::http::extract::Staff;
use crate::portal::Snapshot;
use crate::portal::model::Article;
use crate::portal::store;
use crate::publishing::checks::content::{self as checks, Finding, Override};
use crate::publishing::flow::action as a;

/// One item as the signed-in user sees it: what drives it and what they may do.
pub struct ItemCtx {
    pub units: Units,
    pub snap: Arc<Snapshot>,
    /// The working-day calendar in effect, for deadlines.
    pub calendar: Arc<crate::calendar::WorkCalendar>,
    pub article: Article,
    pub def: &'static Definition,
    pub instance: Instance,
    pub actor: Actor,
}

impl ItemCtx {
    /// Loads an item the user may see; `NotFound` otherwise (its existence is not told).
    pub async fn load(st: &Shared, s: &Staff, id: &str) -> Result<ItemCtx> {
        let units = Units::new(st.store.read(crate::auth::store::list_units).await?);
        if levels::writable_units(&s.user, &units).is_empty()
            && !levels::is_office_staff(&s.user, &units)
        {
            return Err(Error::Forbidden("您没有信息发布方面的角色。".into()));
        }
        let id: u64 = id.parse().map_err(|_| Error::NotFound)?;
        let article = st
            .store
            .read(move |txn| store::get_article(txn, id))
            .await?
            .ok_or(Error::NotFound)?;
        if !levels::may_view(&s.user, &article, &units) {
            return Err(Error::NotFound);
        }
        Ok(ItemCtx::of(st, s, units, article))
    }

    pub fn of(st: &Shared, s: &Staff, units: Units, article: Article) -> ItemCtx {
        let snap = st.portal().snapshot();
        let def = levels::definition(&article, &snap, &units);
        let instance = instance_of(&article);
        let actor = levels::actor(&s.user, &article, &units);
        ItemCtx {
            units,
            snap,
            calendar: st.calendar(),
            article,
            def,
            instance,
            actor,
        }
    }

    /// The transitions the user may take now (never the scheduler's own).
    pub fn available(&self) -> Vec<&'static Transition> {
        flow::available(self.def, &self.instance, &self.actor)
            .into_iter()
            // Taken by the scheduler, and by a save: never a button.
            .filter(|t| t.id != a::PUBLISH_DUE && t.id != a::EDIT)
            .collect()
    }

    pub fn may(&self, transition: &str) -> bool {
        self.available().iter().any(|t| t.id == transition)
    }

    /// Whether the user may change the item's content now: its writers while it is a draft
    /// or returned, and whoever handles it at its current step (a reviewer may correct
    /// wording before approving; the publisher corrects a published item with a reason).
    pub fn may_edit(&self) -> bool {
        let state = self.def.find_state(&self.instance.state);
        if state.is_some_and(|s| s.editable) {
            return self.actor.is_author
                || self
                    .actor
                    .item_roles
                    .iter()
                    .any(|r| matches!(r, Role::Reporter | Role::Reviewer | Role::Publisher));
        }
        [a::APPROVE_UNIT, a::APPROVE_OFFICE, a::PUBLISH, a::CORRECT]
            .iter()
            .any(|t| self.may(t))
    }

    /// Whether the user holds the reviewer role for this item (unit or office level).
    pub fn is_reviewer(&self) -> bool {
        self.actor.item_roles.contains(&Role::Reviewer)
            || self.actor.office_roles.contains(&Role::Reviewer)
    }
}

/// Transitions before which the checks run and may block.
pub const CHECKED: [&str; 4] = [a::APPROVE_UNIT, a::APPROVE_OFFICE, a::PUBLISH, a::SCHEDULE];

/// The audit action of a transition.
pub fn audit_action(transition: &str) -> &'static str {
    match transition {
        a::SUBMIT => "article_submit",
        a::RECALL => "article_recall",
        a::APPROVE_UNIT => "article_approve_unit",
        a::RETURN_UNIT => "article_return_unit",
        a::APPROVE_OFFICE => "article_approve_office",
        a::RETURN_OFFICE => "article_return_office",
        a::RETURN_PUBLISH => "article_return_publish",
        a::PUBLISH => "article_publish",
        a::SCHEDULE => "article_schedule",
        a::UNSCHEDULE => "article_unschedule",
        a::PUBLISH_DUE => "article_publish_scheduled",
        a::FORCE_PUBLISH => "article_force_publish",
        a::REVIEW_AFTER => "article_review_after",
        a::CORRECT => "article_correct",
        a::WITHDRAW => "article_withdraw",
        a::REPLACE => "article_replace",
        a::EDIT => "article_edit",
        _ => "article_flow",
    }
}

/// Whether the findings stop `transition` for this item, and the override to record if
/// the reviewer gave a reason. `Err` carries the message for the override field.
pub fn gate(
    ic: &ItemCtx,
    transition: &str,
    findings: &[Finding],
    override_reason: &str,
) -> std::result::Result<Option<Override>, String> {
    if !CHECKED.contains(&transition)
        || checks::may_publish(findings, Override::of(&ic.article).as_ref())
    {
        return Ok(None);
    }
    let approving = matches!(transition, a::APPROVE_UNIT | a::APPROVE_OFFICE);
    if !(approving && ic.is_reviewer()) {
        return Err(
            "发布前检查发现须处理的问题（见“发布前检查”）：请修改后重新报送，或由审核人在审核通过时填写放行理由"
                .into(),
        );
    }
    if override_reason.trim().is_empty() {
        return Err("发布前检查发现须处理的问题：请修改，或填写放行理由后再审核通过".into());
    }
    Override::new(&ic.actor.name, override_reason, findings)
        .map(Some)
        .map_err(str::to_owned)
}
