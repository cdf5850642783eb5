//! The staff's steps on a letter (`POST /admin/mailbox/{id}/act`): the step's fields read
//! and checked, then taken with `act::take`; a refused step shows the letter again with
//! the reason beside the form.

use axum::extract::{Path, State};
use axum::response::Response;

use super::act::{Change, MAX_ANSWER, Pick, Who, needs_review, start_clock, take};
use super::flow::{action, state};
use super::model::{Answer, Assignment, Publication};
use super::submit::{tell_office, tell_unit};
use super::{access, store};
use crate::auth::model::UnitCode;
use crate::calendar::{Clock, format_date_zh};
use crate::disclosure::fields;
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::Posted;
use crate::http::respond::{html_invalid, see_other};
use crate::notify::store::{NewNotice, NoticeKind};
use crate::views::form::FormState;

/// POST /admin/mailbox/{id}/act
pub async fn post_act(
    State(st): State<Shared>,
    Path(id): Path<String>,
    p: Posted,
) -> Result<Response> {
    let s = p.staff(&st)?;
    let id: u64 = id.parse().map_err(|_| Error::NotFound)?;
    let mut fs = FormState {
        values: p.fields.clone(),
        ..Default::default()
    };
    let f = &p.fields;
    let step = p.get("action").to_owned();
    let (pick, comment, change): (Pick, String, Change) = match step.as_str() {
        action::ACCEPT => (
            Pick::Fixed(action::ACCEPT),
            String::new(),
            Box::new(|l, env| {
                l.assignment = None;
                let wd = env.settings.workdays_for(l.subject);
                start_clock(l, env, wd);
                Ok(())
            }),
        ),
        action::ASSIGN => {
            let unit = fields::text(f, &mut fs, "unit", "承办单位", 60, true);
            let wd = number(f, &mut fs, "workdays", "办理时限", 1, 30);
            let note = fields::text(f, &mut fs, "assign_note", "转办意见", 500, false);
            let units = crate::disclosure::page::load_units(&st).await?;
            let code = units
                .units
                .iter()
                .find(|u| u.code.as_str() == unit && !u.retired)
                .map(|u| u.code.clone());
            if code.is_none() && !unit.is_empty() {
                fs.add_error("unit", "请选择承办单位");
            }
            let comment = format!(
                "转{}办理{}",
                code.as_ref().map_or_else(String::new, |c| units.name(c)),
                if note.is_empty() {
                    String::new()
                } else {
                    format!("，{note}")
                }
            );
            (
                Pick::Assign,
                comment,
                Box::new(move |l, env| {
                    let unit: UnitCode = code.ok_or(Error::BadRequest("请选择承办单位".into()))?;
                    let wd = wd.unwrap_or_else(|| env.settings.workdays_for(l.subject));
                    start_clock(l, env, wd);
                    l.assignment = Some(Assignment {
                        unit: unit.clone(),
                        on: env.today,
                        workdays: wd,
                        note,
                        by: env.by.clone(),
                    });
                    let due = env.cal.add_workdays(env.today, wd);
                    tell_unit(
                        env.txn,
                        env.units,
                        &unit,
                        NewNotice {
                            kind: NoticeKind::Waiting,
                            title: format!("区长信箱转办信件：{}", l.title),
                            text: format!("请于{}前答复。", format_date_zh(due)),
                            url: format!("/admin/mailbox/{}", l.id),
                            due_ms: None,
                        },
                        env.now,
                    )?;
                    Ok(())
                }),
            )
        }
        action::NOT_ACCEPT => {
            let reason = fields::text(f, &mut fs, "reason", "不予受理的理由", 100, true);
            let note = fields::text(f, &mut fs, "na_note", "补充说明", 500, false);
            let full = if note.is_empty() {
                reason
            } else {
                format!("{reason}（{note}）")
            };
            let kept = full.clone();
            (
                Pick::Fixed(action::NOT_ACCEPT),
                full,
                Box::new(move |l, env| {
                    if !env
                        .settings
                        .reasons
                        .iter()
                        .any(|r| kept.starts_with(r.as_str()))
                    {
                        return Err(Error::Conflict("请从列表中选择不予受理的理由".into()));
                    }
                    l.not_accepted = Some(kept);
                    Ok(())
                }),
            )
        }
        action::MERGE => {
            let into = fields::text(f, &mut fs, "into", "并入的信件编号", 20, true);
            (
                Pick::Fixed(action::MERGE),
                format!("并入信件 {into}"),
                Box::new(move |l, env| {
                    let target = store::all_w(env.txn)?
                        .into_iter()
                        .find(|o| o.number == into)
                        .ok_or(Error::Conflict(format!("没有编号为 {into} 的信件")))?;
                    if target.id == l.id
                        || target.merged_into.is_some()
                        || matches!(
                            target.flow.state.as_str(),
                            state::NOT_ACCEPTED | state::MERGED
                        )
                    {
                        return Err(Error::Conflict(
                            "只能并入另一封已受理或待受理、且未被合并的信件".into(),
                        ));
                    }
                    let mut target = target;
                    target.merged.push(l.id);
                    store::put(env.txn, &target)?;
                    l.merged_into = Some(target.id);
                    Ok(())
                }),
            )
        }
        action::SEND_BACK => {
            let reason = fields::text(f, &mut fs, "back_reason", "退回理由", 500, true);
            (
                Pick::Fixed(action::SEND_BACK),
                reason,
                Box::new(|l, env| {
                    l.clock = None;
                    tell_office(
                        env.txn,
                        env.units,
                        NewNotice {
                            kind: NoticeKind::Waiting,
                            title: format!("承办单位退回信件：{}", l.title),
                            text: "请重新分办。".into(),
                            url: format!("/admin/mailbox/{}", l.id),
                            due_ms: None,
                        },
                        env.now,
                    )
                }),
            )
        }
        action::ANSWER => {
            let text = fields::text(f, &mut fs, "answer", "答复内容", MAX_ANSWER, true);
            (
                Pick::Answer,
                String::new(),
                Box::new(move |l, env| {
                    let unit = access::answering(env.units, l)
                        .ok_or(Error::Conflict("尚未设置信箱办公室".into()))?;
                    let review = needs_review(l, env.units, env.settings);
                    l.answer = Some(Answer {
                        text,
                        unit,
                        by: env.by.clone(),
                        written_on: env.today,
                        sent_on: (!review).then_some(env.today),
                    });
                    if review {
                        tell_office(
                            env.txn,
                            env.units,
                            NewNotice {
                                kind: NoticeKind::Waiting,
                                title: format!("信件答复待审核：{}", l.title),
                                text: "承办单位已提交答复，审核通过后答复写信人。".into(),
                                url: format!("/admin/mailbox/{}", l.id),
                                due_ms: None,
                            },
                            env.now,
                        )?;
                    }
                    Ok(())
                }),
            )
        }
        action::APPROVE => {
            let text = fields::text(
                f,
                &mut fs,
                "final_answer",
                "审定的答复内容",
                MAX_ANSWER,
                true,
            );
            (
                Pick::Fixed(action::APPROVE),
                String::new(),
                Box::new(move |l, env| {
                    let a = l
                        .answer
                        .as_mut()
                        .ok_or(Error::Conflict("没有待审核的答复".into()))?;
                    a.text = text;
                    a.sent_on = Some(env.today);
                    Ok(())
                }),
            )
        }
        action::REJECT => {
            let reason = fields::text(f, &mut fs, "reject_reason", "退回修改的意见", 500, true);
            (
                Pick::Fixed(action::REJECT),
                reason,
                Box::new(|l, env| {
                    if let Some(a) = &l.assignment {
                        let unit = a.unit.clone();
                        tell_unit(
                            env.txn,
                            env.units,
                            &unit,
                            NewNotice {
                                kind: NoticeKind::Waiting,
                                title: format!("信件答复被退回修改：{}", l.title),
                                text: "请按审核意见修改后重新提交。".into(),
                                url: format!("/admin/mailbox/{}", l.id),
                                due_ms: None,
                            },
                            env.now,
                        )?;
                    }
                    Ok(())
                }),
            )
        }
        action::REOPEN => {
            let reason = fields::text(f, &mut fs, "reopen_reason", "重新办理的理由", 500, true);
            (
                Pick::Fixed(action::REOPEN),
                reason,
                Box::new(|l, env| {
                    let wd = l
                        .assignment
                        .as_ref()
                        .map_or_else(|| env.settings.workdays_for(l.subject), |a| a.workdays);
                    l.clock = Some(Clock::new(env.today, wd));
                    l.rating = None;
                    if let Some(a) = l.answer.as_mut() {
                        a.sent_on = None;
                    }
                    Ok(())
                }),
            )
        }
        action::PUBLISH => {
            let title = fields::text(f, &mut fs, "pub_title", "公开标题", 100, true);
            let content = fields::text(f, &mut fs, "pub_content", "公开的信件内容", 5000, true);
            let answer = fields::text(f, &mut fs, "pub_answer", "公开的答复内容", MAX_ANSWER, true);
            (
                Pick::Fixed(action::PUBLISH),
                String::new(),
                Box::new(move |l, env| {
                    if !l.publish_agreed {
                        return Err(Error::Conflict("写信人不同意公开，不能公开这封信件".into()));
                    }
                    if l.answered_on().is_none() {
                        return Err(Error::Conflict("信件尚未答复，不能公开".into()));
                    }
                    l.publication = Some(Publication {
                        title,
                        content,
                        answer,
                        on: l.publication.as_ref().map_or(env.today, |p| p.on),
                        by: env.by.clone(),
                    });
                    Ok(())
                }),
            )
        }
        action::UNPUBLISH => {
            let reason = fields::text(f, &mut fs, "unpub_reason", "撤销公开的理由", 500, true);
            (
                Pick::Fixed(action::UNPUBLISH),
                reason,
                Box::new(|l, _| {
                    l.publication = None;
                    Ok(())
                }),
            )
        }
        _ => return Err(Error::BadRequest("没有这项操作".into())),
    };
    if fs.has_errors() {
        return invalid(&st, &s, id, fs).await;
    }
    match take(
        &st,
        id,
        Who::Staff(Box::new(s.user.clone())),
        pick,
        comment,
        change,
        p.ctx.ip_string(),
    )
    .await
    {
        Ok(_) => Ok(see_other(&format!("/admin/mailbox/{id}"))),
        Err(Error::Conflict(m)) => {
            fs.notice = Some(m);
            invalid(&st, &s, id, fs).await
        }
        Err(e) => Err(e),
    }
}

async fn invalid(
    st: &Shared,
    s: &crate::http::extract::Staff,
    id: u64,
    fs: FormState,
) -> Result<Response> {
    Ok(html_invalid(
        super::letter_view::render(st, s, id, &fs).await?,
    ))
}

/// A whole number in `min..=max`; empty means none given.
fn number(
    f: &[(String, String)],
    fs: &mut FormState,
    name: &str,
    label: &str,
    min: u32,
    max: u32,
) -> Option<u32> {
    let v = super::fields::value(f, name).trim();
    if v.is_empty() {
        return None;
    }
    match v.parse::<u32>() {
        Ok(n) if (min..=max).contains(&n) => Some(n),
        _ => {
            fs.add_error(name, format!("{label}应为 {min} 到 {max} 之间的工作日数"));
            None
        }
    }
}
