//! Taking a request's steps: each checks who may (the flow engine, for this request's unit),
//! the once-only and window rules of the 条例, changes the request and its clock, and writes
//! its audit record in the same transaction. Staff post `/admin/gk/requests/{id}/act` with
//! the step's fields; the requester's 补正 and the scheduler's closing of requests whose 补正
//! deadline passed use the same functions.

use axum::extract::{Path, State};
use axum::response::Response;
use time::Date;

use super::due::{self, CONSULT_WORKDAYS, MAX_EXTENSION, REPLY_WORKDAYS, today};
use super::flow::{self as rflow, action, state};
use super::model::{
    Case, CaseKind, CaseResult, ConsultKind, Consultation, Correction, DisclosureRequest,
    ExtensionRecord, Reply,
};
use super::outcome::Outcome;
use super::{access, store};
use crate::auth::audit::{self, Event, Outcome as AuditOutcome};
use crate::calendar::{Clock, Pause, WorkCalendar, format_date_zh};
use crate::disclosure::fields;
use crate::error::{Error, Result};
use crate::flow::Actor;
use crate::http::Shared;
use crate::http::extract::{Ctx, Posted};
use crate::http::respond::{html_invalid, see_other};
use crate::views::form::FormState;

/// Days the requester gets for 补正 unless staff set another (working days).
pub const DEFAULT_CORRECTION_DAYS: u32 = 15;

/// What one step changes, given the request, the calendar and today.
type Change = Box<dyn FnOnce(&mut DisclosureRequest, &WorkCalendar, Date) -> Result<()> + Send>;

/// Takes `transition` on request `id` as `actor` (built inside the transaction from the
/// stored request), applying `change` first; all or nothing.
#[allow(clippy::too_many_arguments)]
async fn take(
    st: &Shared,
    id: u64,
    who: Who,
    transition: &'static str,
    comment: String,
    change: Change,
    ip: String,
    now: i64,
    refs: Vec<String>,
) -> Result<()> {
    let cal = st.calendar();
    let all = crate::disclosure::page::load_units(st).await?;
    st.store
        .write(move |txn| {
            let mut r = store::get_w(txn, id)?.ok_or(Error::NotFound)?;
            let actor = match &who {
                Who::Staff(u) => {
                    if !access::may_handle(u, &all, &r) {
                        return Err(Error::Forbidden(
                            "您不能办理这个单位的政府信息公开申请".into(),
                        ));
                    }
                    access::actor(u, &all, &r)
                }
                Who::System(name) => Actor::system(name),
            };
            crate::flow::check(rflow::definition(), &r.flow, transition, &actor)
                .map_err(|e| Error::Conflict(e.to_string()))?;
            change(&mut r, &cal, today(now))?;
            crate::flow::apply(
                rflow::definition(),
                &mut r.flow,
                transition,
                &actor,
                &comment,
                now,
            )
            .map_err(|e| Error::Conflict(e.to_string()))?;
            let label = rflow::definition().transition_label(transition).to_owned();
            audit::append(
                txn,
                Event {
                    user: match &who {
                        Who::Staff(u) => u.username.clone(),
                        Who::System(n) => (*n).to_owned(),
                    },
                    unit: r.unit.to_string(),
                    action: "gk_request_step",
                    object: format!("gk_request:{id}"),
                    ip,
                    outcome: AuditOutcome::Success,
                    detail: format!(
                        "{label}{}",
                        if comment.is_empty() {
                            String::new()
                        } else {
                            format!("：{comment}")
                        }
                    ),
                },
                now,
            )?;
            // Files the step puts on the request (the reply document) live as long as it.
            crate::portal::store::adjust_refs(txn, &[], &refs)?;
            store::put(txn, &r)
        })
        .await
}

/// Who takes a step.
pub enum Who {
    Staff(Box<crate::auth::model::User>),
    /// The requester (not an account) or the scheduler.
    System(&'static str),
}

/// The requester's 补正 (or staff recording one that came on paper, with its date).
pub async fn supplement(
    st: &Shared,
    id: u64,
    staff: Option<crate::auth::model::User>,
    text: String,
    on: Option<Date>,
    now: i64,
    ctx: &Ctx,
) -> Result<()> {
    let who = match staff {
        Some(u) => Who::Staff(Box::new(u)),
        None => Who::System("申请人"),
    };
    let t = text.clone();
    take(
        st,
        id,
        who,
        action::SUPPLEMENT,
        String::new(),
        Box::new(move |r, _cal, today| {
            let day = on.unwrap_or(today);
            let c = r
                .correction
                .as_mut()
                .ok_or(Error::Conflict("没有待补正的告知".into()))?;
            if day > today {
                return Err(Error::Conflict("补正日期不能晚于今天".into()));
            }
            c.supplemented_on = Some(day);
            c.supplement = t;
            // 第三十条: the reply clock starts again from the supplemented request.
            r.clock = Some(Clock::new(day, REPLY_WORKDAYS));
            Ok(())
        }),
        ctx.ip_string(),
        now,
        Vec::new(),
    )
    .await
}

/// Closes requests whose 补正 deadline has passed (the scheduler, daily).
pub async fn close_abandoned(st: &Shared) -> Result<u32> {
    let now = st.now_ms();
    let day = today(now);
    let waiting: Vec<u64> = st
        .store
        .read(move |txn| {
            Ok(store::all(txn)?
                .into_iter()
                .filter(|r| {
                    r.flow.state == state::CORRECTING
                        && r.correction.as_ref().is_some_and(|c| c.due < day)
                })
                .map(|r| r.id)
                .collect())
        })
        .await?;
    let mut n = 0;
    for id in waiting {
        take(
            st,
            id,
            Who::System("系统"),
            action::ABANDON,
            "申请人逾期未补正，视为放弃申请".into(),
            Box::new(abandon_change),
            String::new(),
            now,
            Vec::new(),
        )
        .await?;
        n += 1;
    }
    Ok(n)
}

fn abandon_change(r: &mut DisclosureRequest, _cal: &WorkCalendar, today: Date) -> Result<()> {
    match &r.correction {
        Some(c) if c.due < today => {}
        Some(c) => {
            return Err(Error::Conflict(format!(
                "补正期限{}尚未届满，不能终止办理",
                format_date_zh(c.due)
            )));
        }
        None => return Err(Error::Conflict("没有补正告知".into())),
    }
    r.closed_on = Some(today);
    r.outcome = Some(Outcome::abandoned());
    Ok(())
}

/// POST /admin/gk/requests/{id}/act
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
    let step = p.get("action").to_owned();
    let now = st.now_ms();
    let f = &p.fields;
    let (transition, comment, change): (&'static str, String, Change) = match step.as_str() {
        action::CONFIRM => (
            action::CONFIRM,
            String::new(),
            Box::new(|r, _cal, today| {
                r.received_on = Some(today);
                r.clock = Some(Clock::new(today, REPLY_WORKDAYS));
                Ok(())
            }),
        ),
        action::VOID => {
            let reason = fields::text(f, &mut fs, "reason", "不予登记的理由", 500, true);
            (action::VOID, reason, Box::new(|_, _, _| Ok(())))
        }
        action::CORRECT => {
            let items = fields::text(f, &mut fs, "items", "需要补正的事项", 2000, true);
            let days = number(
                f,
                &mut fs,
                "days",
                "补正期限",
                1,
                30,
                DEFAULT_CORRECTION_DAYS,
            );
            let it = items.clone();
            (
                action::CORRECT,
                items,
                Box::new(move |r, cal, today| {
                    if r.correction.is_some() {
                        return Err(Error::Conflict("补正只能告知一次，已告知过".into()));
                    }
                    if let Some(end) = due::correction_window_end(r, cal)
                        && today > end
                    {
                        return Err(Error::Conflict(format!(
                            "补正应在收到申请之日起 7 个工作日内告知（截至{}），已超过",
                            format_date_zh(end)
                        )));
                    }
                    r.correction = Some(Correction {
                        issued_on: today,
                        items: it,
                        due: cal.add_workdays(today, days),
                        supplemented_on: None,
                        supplement: String::new(),
                    });
                    Ok(())
                }),
            )
        }
        action::SUPPLEMENT => {
            let text = fields::text(f, &mut fs, "supplement", "补正内容", 2000, true);
            let on = fields::date(f, &mut fs, "on", "补正日期", true);
            if fs.has_errors() {
                return invalid(&st, &s, id, fs).await;
            }
            return match supplement(&st, id, Some(s.user.clone()), text, on, now, &p.ctx).await {
                Ok(()) => Ok(see_other(&format!("/admin/gk/requests/{id}"))),
                Err(Error::Conflict(m)) => {
                    fs.notice = Some(m);
                    invalid(&st, &s, id, fs).await
                }
                Err(e) => Err(e),
            };
        }
        action::ABANDON => (
            action::ABANDON,
            "申请人逾期未补正，视为放弃申请".into(),
            Box::new(abandon_change),
        ),
        action::CONSULT => {
            let kind = ConsultKind::parse(p.get("kind"));
            if kind.is_none() {
                fs.add_error("kind", "请选择征求意见的对象类别");
            }
            let party = fields::text(f, &mut fs, "party", "征求意见对象", 100, true);
            let comment = format!("{}：{party}", kind.map_or("征求意见", ConsultKind::label));
            (
                action::CONSULT,
                comment,
                Box::new(move |r, cal, today| {
                    let kind = kind.ok_or(Error::BadRequest("征求意见对象类别不正确".into()))?;
                    let clock = r
                        .clock
                        .as_mut()
                        .ok_or(Error::Conflict("答复期限尚未开始计算".into()))?;
                    clock.pauses.push(Pause {
                        from: today,
                        until: None,
                        reason: kind.label().to_owned(),
                    });
                    r.consultations.push(Consultation {
                        kind,
                        party,
                        from: today,
                        until: None,
                        answer_due: cal.add_workdays(today, CONSULT_WORKDAYS),
                        opinion: String::new(),
                    });
                    Ok(())
                }),
            )
        }
        action::CONSULTED => {
            let opinion = fields::text(f, &mut fs, "opinion", "意见", 2000, true);
            let op = opinion.clone();
            (
                action::CONSULTED,
                opinion,
                Box::new(move |r, _cal, today| {
                    let c = r
                        .consultations
                        .iter_mut()
                        .rev()
                        .find(|c| c.until.is_none())
                        .ok_or(Error::Conflict("没有正在进行的征求意见".into()))?;
                    c.until = Some(today);
                    c.opinion = op;
                    if let Some(p) = r
                        .clock
                        .as_mut()
                        .and_then(|k| k.pauses.iter_mut().rev().find(|p| p.until.is_none()))
                    {
                        p.until = Some(today);
                    }
                    Ok(())
                }),
            )
        }
        action::EXTEND => {
            let days = number(
                f,
                &mut fs,
                "workdays",
                "延长的工作日数",
                1,
                MAX_EXTENSION,
                MAX_EXTENSION,
            );
            let approver = fields::text(f, &mut fs, "approver", "批准人", 40, true);
            let reason = fields::text(f, &mut fs, "reason", "延期理由", 500, true);
            let comment = format!("延长{days}个工作日，批准人：{approver}，理由：{reason}");
            (
                action::EXTEND,
                comment,
                Box::new(move |r, cal, today| {
                    if r.extension.is_some() {
                        return Err(Error::Conflict("答复期限只能延长一次，已延长过".into()));
                    }
                    if let Some(d) = due::due(r, cal).date()
                        && today > d
                    {
                        return Err(Error::Conflict(format!(
                            "答复期限已于{}届满，不能再延期",
                            format_date_zh(d)
                        )));
                    }
                    let clock = r
                        .clock
                        .as_mut()
                        .ok_or(Error::Conflict("答复期限尚未开始计算".into()))?;
                    clock.extensions.push(crate::calendar::Extension {
                        workdays: days,
                        reason: format!("经{approver}批准：{reason}"),
                    });
                    r.extension = Some(ExtensionRecord {
                        workdays: days,
                        approver,
                        reason,
                        on: today,
                    });
                    Ok(())
                }),
            )
        }
        action::CASE if !p.get("case_n").is_empty() => {
            // A recorded case's result, once decided.
            let n: usize = p.get("case_n").parse().map_err(|_| Error::NotFound)?;
            let result = CaseResult::parse(p.get("case_result"));
            if result.is_none() {
                fs.add_error("case_result", "请选择结果");
            }
            let decided = fields::date(f, &mut fs, "decided_on", "审结日期", false);
            let comment = format!(
                "案件{}结果：{}",
                n + 1,
                result.map_or("", CaseResult::label)
            );
            (
                action::CASE,
                comment,
                Box::new(move |r, _cal, today| {
                    let result = result.ok_or(Error::BadRequest("请选择结果".into()))?;
                    let c = r.cases.get_mut(n).ok_or(Error::NotFound)?;
                    if decided.is_some_and(|d| d < c.filed_on || d > today) {
                        return Err(Error::Conflict("审结日期应在提起日期和今天之间".into()));
                    }
                    c.result = result;
                    c.decided_on = decided;
                    Ok(())
                }),
            )
        }
        action::CASE => {
            let kind = CaseKind::parse(p.get("case_kind"));
            if kind.is_none() {
                fs.add_error("case_kind", "请选择案件类型");
            }
            let result = CaseResult::parse(p.get("case_result"));
            if result.is_none() {
                fs.add_error("case_result", "请选择结果");
            }
            let body = fields::text(f, &mut fs, "case_body", "复议机关或法院", 100, true);
            let filed = fields::date(f, &mut fs, "filed_on", "提起日期", true);
            let decided = fields::date(f, &mut fs, "decided_on", "审结日期", false);
            let note = fields::text(f, &mut fs, "case_note", "备注", 500, false);
            let by = s.user.username.clone();
            let comment = format!(
                "{}：{}",
                kind.map_or("", CaseKind::label),
                result.map_or("", CaseResult::label)
            );
            (
                action::CASE,
                comment,
                Box::new(move |r, _cal, today| {
                    let (Some(kind), Some(result), Some(filed_on)) = (kind, result, filed) else {
                        return Err(Error::BadRequest("案件信息不完整".into()));
                    };
                    if filed_on > today || decided.is_some_and(|d| d < filed_on || d > today) {
                        return Err(Error::Conflict(
                            "日期不能晚于今天，审结日期不能早于提起日期".into(),
                        ));
                    }
                    r.cases.push(Case {
                        kind,
                        result,
                        body,
                        filed_on,
                        decided_on: decided,
                        note,
                        recorded_by: by,
                    });
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
        transition,
        comment,
        change,
        p.ctx.ip_string(),
        now,
        Vec::new(),
    )
    .await
    {
        Ok(()) => Ok(see_other(&format!("/admin/gk/requests/{id}"))),
        Err(Error::Conflict(m)) => {
            fs.notice = Some(m);
            invalid(&st, &s, id, fs).await
        }
        Err(e) => Err(e),
    }
}

/// The request page again with the step's errors (422).
async fn invalid(
    st: &Shared,
    s: &crate::http::extract::Staff,
    id: u64,
    fs: FormState,
) -> Result<Response> {
    Ok(html_invalid(
        super::staff_view::render(st, s, id, &fs).await?,
    ))
}

/// A whole number in `min..=max`; empty means `default`.
fn number(
    f: &[(String, String)],
    fs: &mut FormState,
    name: &str,
    label: &str,
    min: u32,
    max: u32,
    default: u32,
) -> u32 {
    let v = f
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.trim());
    if v.is_empty() {
        return default;
    }
    match v.parse::<u32>() {
        Ok(n) if (min..=max).contains(&n) => n,
        _ => {
            fs.add_error(name, format!("{label}应为 {min} 到 {max} 之间的整数"));
            default
        }
    }
}

/// Stores the reply (from the reply form, `reply.rs`).
#[allow(clippy::too_many_arguments)]
pub async fn reply(
    st: &Shared,
    id: u64,
    user: crate::auth::model::User,
    outcome: Outcome,
    reason: String,
    document: crate::portal::model::Attachment,
    ip: String,
    now: i64,
) -> Result<()> {
    let comment = outcome.full_label();
    let sha = document.sha.clone();
    take(
        st,
        id,
        Who::Staff(Box::new(user)),
        action::REPLY,
        comment,
        Box::new(move |r, _cal, today| {
            r.reply = Some(Reply {
                outcome,
                reason,
                document: Some(document),
                on: today,
            });
            r.closed_on = Some(today);
            r.outcome = Some(outcome);
            Ok(())
        }),
        ip,
        now,
        vec![sha],
    )
    .await
}
