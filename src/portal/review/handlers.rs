//! The item as one staff member sees it (`ItemCtx`), and the form post that takes a flow
//! transition: 报送, 审核通过, 退回, 发布, 定时发布, 紧急发布, 事后审核, 撤稿, 替换 ….

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::levels::{self, Units};
use super::take::{Request, take};
use super::{instance_of, notices};
use crate::admin::common::event;
use crate::auth::audit;
use crate::auth::model::Role;
use crate::error::{Error, Result};
use crate::flow::editorial::action as a;
use crate::flow::{self, Actor, Definition, Instance, Transition};
use crate::http::Shared;
use crate::http::extract::{Posted, Staff};
use crate::http::respond::see_other;
use crate::portal::Snapshot;
use crate::portal::model::Article;
use crate::portal::store;
use crate::views::form::FormState;
use crate::workflow::checks::{self, Finding, Override};

/// One item as the signed-in user sees it: what drives it and what they may do.
pub struct ItemCtx {
    pub units: Units,
    pub snap: Arc<Snapshot>,
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
        let snap = st.portal.snapshot();
        let def = levels::definition(&article, &snap, &units);
        let instance = instance_of(&article);
        let actor = levels::actor(&s.user, &article, &units);
        ItemCtx {
            units,
            snap,
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
            .filter(|t| t.id != a::PUBLISH_DUE)
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
        || checks::may_publish(findings, ic.article.check_override.as_ref())
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

/// Takes one transition (POST `/admin/articles/{id}/flow`).
pub async fn take_step(
    State(st): State<Shared>,
    Path(id): Path<String>,
    p: Posted,
) -> Result<Response> {
    let s = p.staff(&st)?;
    let ic = ItemCtx::load(&st, &s, &id).await?;
    let transition = p.get("transition").trim().to_owned();
    let comment = p.get("comment").trim().to_owned();
    let now = st.now_ms();
    let mut fs = FormState {
        values: p.kept(),
        ..Default::default()
    };
    if comment.chars().count() > 500 {
        fs.add_error("comment", "意见不超过 500 个字");
    }
    let t = match flow::check(ic.def, &ic.instance, &transition, &ic.actor) {
        Ok(t) => t,
        Err(e) => {
            fs.notice = Some(e.to_string());
            return super::super::editor::articles::item_page(
                &st,
                &s,
                &ic,
                fs,
                StatusCode::CONFLICT,
            )
            .await;
        }
    };
    if t.needs_reason && comment.is_empty() {
        fs.add_error("comment", format!("“{}”须填写理由或意见", t.label));
    }
    let schedule_at = if transition == a::SCHEDULE {
        super::super::editor::schedule::parse_at(p.get("publish_at"), now, &mut fs)
    } else {
        None
    };
    let replaced_by = if transition == a::REPLACE {
        match p
            .get("replaced_by")
            .trim()
            .trim_start_matches('#')
            .parse::<u64>()
        {
            Ok(n) => Some(n),
            Err(_) => {
                fs.add_error("replaced_by", "请填写替代它的信息编号（数字）");
                None
            }
        }
    } else {
        None
    };
    let findings = if CHECKED.contains(&transition.as_str()) {
        crate::workflow::run::run(&st, &ic.article).await?
    } else {
        Vec::new()
    };
    let ovr = match gate(&ic, &transition, &findings, p.get("override_reason")) {
        Ok(o) => o,
        Err(m) => {
            fs.add_error("override_reason", m);
            None
        }
    };
    if fs.has_errors() {
        return super::super::editor::articles::item_page(
            &st,
            &s,
            &ic,
            fs,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let req = Request {
        transition: transition.clone(),
        comment: comment.clone(),
        base_revision: p.get("revision").trim().parse().ok(),
        schedule_at,
        replaced_by,
        check_override: ovr.clone(),
    };
    let users = st.store.read(crate::auth::store::list_users).await?;
    let (user, ctx) = (s.user.clone(), p.ctx.clone());
    let (snap, actor, aid) = (ic.snap.clone(), ic.actor.clone(), ic.article.id);
    let units = Units::new(ic.units.units.clone());
    let r = st
        .store
        .write(move |txn| {
            let def_for = |x: &Article| levels::definition(x, &snap, &units);
            let taken = take(txn, aid, def_for, &actor, &req, now)?;
            let obj = format!("article:{aid}");
            let mut detail = req.comment.clone();
            if let Some(at) = req.schedule_at {
                detail = format!("{}{detail}", crate::clock::show(at));
            }
            if let Some(by) = req.replaced_by {
                detail = format!("由 {by} 替换{detail}");
            }
            let action = audit_action(&req.transition);
            audit::append(
                txn,
                event(&user, &ctx, action, obj.clone(), true, detail),
                now,
            )?;
            if let Some(o) = &req.check_override {
                let hits: Vec<String> = o.findings.iter().map(|f| f.message.clone()).collect();
                audit::append(
                    txn,
                    event(
                        &user,
                        &ctx,
                        "check_override",
                        obj,
                        true,
                        format!("放行理由：{}；放行的问题：{}", o.reason, hits.join("；")),
                    ),
                    now,
                )?;
            }
            let def = def_for(&taken.after);
            notices::after_step(txn, &taken, def, Some(user.id), &users, &units, &snap, now)?;
            Ok(taken)
        })
        .await;
    match r {
        Ok(t) => {
            st.portal
                .article_changed(st.search.get(), Some(&t.before), &t.after);
            Ok(see_other(&format!(
                "/admin/articles/{aid}?done={transition}"
            )))
        }
        Err(Error::BadRequest(m) | Error::Conflict(m)) => {
            let ic = ItemCtx::load(&st, &s, &aid.to_string()).await?;
            fs.notice = Some(m);
            super::super::editor::articles::item_page(&st, &s, &ic, fs, StatusCode::CONFLICT).await
        }
        Err(e) => Err(e),
    }
}
