//! The item as one staff member sees it (`ItemCtx`), and the form post that takes a flow
//! transition: 报送, 审核通过, 退回, 发布, 定时发布, 紧急发布, 事后审核, 撤稿, 替换 ….

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::item::{CHECKED, ItemCtx, audit_action, gate};
use super::levels::{self, Units};
use super::notices;
use super::take::{Request, take};
use crate::auth::audit;
use crate::error::{Error, Result};
use crate::flow::{self};
use crate::http::Shared;
use crate::http::extract::Posted;
use crate::http::respond::see_other;
use crate::portal::model::Article;
use crate::publishing::flow::action as a;
use crate::staff::shell::event;
use crate::views::form::FormState;

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
    // 撤稿: the public notice (shown at the item's address) apart from the internal comment.
    let public_notice = (transition == a::WITHDRAW
        && p.fields.iter().any(|(k, _)| k == "public_notice"))
    .then(|| p.get("public_notice").trim().to_owned());
    match public_notice.as_deref() {
        Some("") => fs.add_error("public_notice", "请填写公众将看到的撤稿说明"),
        Some(n) if n.chars().count() > 200 => {
            fs.add_error("public_notice", "撤稿说明不超过 200 个字")
        }
        _ => {}
    }
    let findings = if CHECKED.contains(&transition.as_str()) {
        crate::publishing::checks::run::run(&st, &ic.article).await?
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
    // 发布 and 撤稿 from the item page ask first, naming the item and what the public will
    // see (`ask_confirm` comes with the page's form; a script acts at once).
    if super::confirm::asks(&transition) && p.get("ask_confirm") == "1" {
        return Ok(super::confirm::page(
            &st,
            &s,
            &ic,
            &p,
            public_notice.as_deref(),
        ));
    }
    let req = Request {
        transition: transition.clone(),
        comment: comment.clone(),
        base_revision: p.get("revision").trim().parse().ok(),
        schedule_at,
        replaced_by,
        check_override: ovr.clone(),
        public_notice,
    };
    let users = st.store.read(crate::auth::store::list_users).await?;
    let (user, ctx) = (s.user.clone(), p.ctx.clone());
    let (snap, actor, aid) = (ic.snap.clone(), ic.actor.clone(), ic.article.id);
    let cal = ic.calendar.clone();
    let units = Units::new(ic.units.units.clone());
    let r = st
        .store
        .write(move |txn| {
            let def_for = |x: &Article| levels::definition(x, &snap, &units);
            let taken = take(txn, aid, def_for, &actor, &req, now)?;
            if let Some(m) =
                notices::nobody_to_act(&taken, def_for(&taken.after), &users, &units, &snap)
            {
                return Err(Error::BadRequest(m));
            }
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
            notices::after_step(
                txn,
                &taken,
                def,
                Some(user.id),
                &users,
                &units,
                &snap,
                &cal,
                now,
            )?;
            Ok(taken)
        })
        .await;
    match r {
        Ok(t) => {
            st.portal().article_changed(&st, Some(&t.before), &t.after);
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
