//! Taking a letter's steps: each checks who may (the one flow engine, with roles at the
//! answering unit and at the office), changes the letter, tells whoever the step hands work
//! to, and writes its audit record — all in one transaction. Staff post
//! `/admin/mailbox/{id}/act`; the writer's rating and the scheduler's sweeps use `take` too.

use redb::WriteTransaction;
use time::Date;

use super::flow::{self as mflow, action, state};
use super::model::{Letter, Rating, Satisfaction, redact};
use super::settings::{self, Settings};
use super::submit::{tell_office, tell_unit};
use super::{access, due, search, store};
use crate::auth::audit::{self, Event, Outcome as AuditOutcome};
use crate::auth::model::User;
use crate::auth::units::Units;
use crate::calendar::{Clock, WorkCalendar, format_date_zh};
use crate::error::{Error, Result};
use crate::flow::Actor;
use crate::http::Shared;
use crate::http::extract::Ctx;
use crate::notify::store::{NewNotice, NoticeKind};

/// The longest answer.
pub const MAX_ANSWER: usize = 5000;

/// What a step may look at besides the letter.
pub struct Env<'a> {
    pub txn: &'a WriteTransaction,
    pub units: &'a Units,
    pub cal: &'a WorkCalendar,
    pub settings: &'a Settings,
    pub today: Date,
    pub now: i64,
    /// Who takes the step, as the history names them.
    pub by: String,
}

pub type Change = Box<dyn FnOnce(&mut Letter, &Env) -> Result<()> + Send>;

/// Who takes a step.
pub enum Who {
    Staff(Box<User>),
    /// The writer (not an account) or the scheduler.
    System(&'static str),
}

/// Takes `transition` (or, when `pick` says so, another) on letter `id`; all or nothing.
/// Returns the letter as stored.
pub async fn take(
    st: &Shared,
    id: u64,
    who: Who,
    transition: Pick,
    comment: String,
    change: Change,
    ip: String,
) -> Result<Letter> {
    let cal = st.calendar();
    let units = crate::disclosure::page::load_units(st).await?;
    let now = st.now_ms();
    let l = st
        .store
        .write(move |txn| {
            let mut l = store::get_w(txn, id)?.ok_or(Error::NotFound)?;
            let settings = settings::get_w(txn)?;
            let (actor, by) = match &who {
                Who::Staff(u) => {
                    if !access::may_view(u, &units, &l) {
                        return Err(Error::Forbidden("您不能办理这封信件".into()));
                    }
                    (access::actor(u, &units, &l), u.display_name.clone())
                }
                Who::System(name) => (Actor::system(name), (*name).to_owned()),
            };
            let transition = transition.resolve(&l, &units, &settings);
            let def = mflow::definition();
            crate::flow::check(def, &l.flow, transition, &actor)
                .map_err(|e| Error::Conflict(e.to_string()))?;
            let env = Env {
                txn,
                units: &units,
                cal: &cal,
                settings: &settings,
                today: crate::clock::beijing_date(now),
                now,
                by,
            };
            change(&mut l, &env)?;
            crate::flow::apply(def, &mut l.flow, transition, &actor, &comment, now)
                .map_err(|e| Error::Conflict(e.to_string()))?;
            let label = def.transition_label(transition).to_owned();
            audit::append(
                txn,
                Event {
                    user: match &who {
                        Who::Staff(u) => u.username.clone(),
                        Who::System(n) => (*n).to_owned(),
                    },
                    unit: access::answering(&units, &l).map_or_else(String::new, |u| u.to_string()),
                    action: "mb_letter_step",
                    object: format!("mb_letter:{id}"),
                    ip,
                    outcome: AuditOutcome::Success,
                    detail: if comment.is_empty() {
                        label
                    } else {
                        format!("{label}：{comment}")
                    },
                },
                now,
            )?;
            store::put(txn, &l)?;
            Ok(l)
        })
        .await?;
    search::index(st, &l);
    Ok(l)
}

/// Which transition a step takes: fixed, or (for an answer) decided by the office's setting.
pub enum Pick {
    Fixed(&'static str),
    /// `submit_answer` when the office reviews this unit's answers, else `answer`.
    Answer,
    /// `reassign` while the letter is being handled, else `assign`.
    Assign,
}

impl Pick {
    fn resolve(&self, l: &Letter, units: &Units, s: &Settings) -> &'static str {
        match self {
            Pick::Fixed(t) => t,
            Pick::Assign => {
                if l.flow.state == super::flow::state::HANDLING {
                    action::REASSIGN
                } else {
                    action::ASSIGN
                }
            }
            Pick::Answer => {
                if needs_review(l, units, s) {
                    action::SUBMIT_ANSWER
                } else {
                    action::ANSWER
                }
            }
        }
    }
}

/// An assigned unit's answer goes to the office first when the office says so; the office's
/// own answer goes out at once.
pub fn needs_review(l: &Letter, units: &Units, s: &Settings) -> bool {
    s.review_answers
        && l.assignment
            .as_ref()
            .is_some_and(|a| Some(&a.unit) != units.office.as_ref())
}

pub fn start_clock(l: &mut Letter, env: &Env, workdays: u32) {
    if l.accepted_on.is_none() {
        l.accepted_on = Some(env.today);
    }
    l.clock = Some(Clock::new(env.today, workdays));
    l.reminded.retain(|r| r == "alarm");
}

/// The writer's rating (from the lookup page).
pub async fn rate(
    st: &Shared,
    id: u64,
    level: Satisfaction,
    reason: String,
    _now: i64,
    ctx: &Ctx,
) -> Result<()> {
    let comment = format!(
        "{}{}",
        level.label(),
        if reason.is_empty() {
            String::new()
        } else {
            format!("：{reason}")
        }
    );
    take(
        st,
        id,
        Who::System("写信人"),
        Pick::Fixed(action::RATE),
        comment,
        Box::new(move |l, env| {
            if level == Satisfaction::Unsatisfied {
                tell_office(
                    env.txn,
                    env.units,
                    NewNotice {
                        kind: NoticeKind::Other,
                        title: format!("写信人对答复不满意：{}", l.title),
                        text: "可查看理由，决定是否重新办理。".into(),
                        url: format!("/admin/mailbox/{}", l.id),
                        due_ms: None,
                    },
                    env.now,
                )?;
            }
            l.rating = Some(Rating {
                level,
                reason,
                on: env.today,
                deemed: false,
            });
            Ok(())
        }),
        ctx.ip_string(),
    )
    .await
    .map(|_| ())
}

/// The scheduler's daily sweep: answers unrated past the window count as satisfied;
/// reminders before the due date, when overdue, and the alarm for letters open too long.
pub async fn sweep(st: &Shared) -> Result<u32> {
    let cal = st.calendar();
    let now = st.now_ms();
    let today = crate::clock::beijing_date(now);
    let (letters, s) = st
        .store
        .read(|txn| Ok((store::all(txn)?, settings::get(txn)?)))
        .await?;
    let mut n = 0;
    for l in &letters {
        if l.flow.state == state::ANSWERED
            && due::rate_until(l, &s, &cal).is_some_and(|d| d < today)
        {
            take(
                st,
                l.id,
                Who::System("系统"),
                Pick::Fixed(action::DEEM),
                format!("答复后{}个工作日内未评价", s.rate_workdays),
                Box::new(|l, env| {
                    l.rating = Some(Rating {
                        level: Satisfaction::Satisfied,
                        reason: String::new(),
                        on: env.today,
                        deemed: true,
                    });
                    Ok(())
                }),
                String::new(),
            )
            .await?;
            n += 1;
        }
    }
    n += remind(st, &letters, &s, &cal, today, now).await?;
    Ok(n)
}

/// Sends each reminder once: due soon and overdue to the answering unit, the alarm to the
/// office.
async fn remind(
    st: &Shared,
    letters: &[Letter],
    s: &Settings,
    cal: &WorkCalendar,
    today: Date,
    now: i64,
) -> Result<u32> {
    let units = crate::disclosure::page::load_units(st).await?;
    let mut todo: Vec<(u64, String, NewNotice, bool)> = Vec::new();
    for l in letters {
        let Some(unit) = access::answering(&units, l) else {
            continue;
        };
        let url = format!("/admin/mailbox/{}", l.id);
        // The unit is reminded while the answer is its to write (not while the office reviews).
        if let Some(d) = due::due(l, cal).filter(|_| l.flow.state == state::HANDLING) {
            let key = if due::overdue(l, cal, today) {
                format!("overdue:{d}")
            } else if due::due_soon(l, cal, today) {
                format!("soon:{d}")
            } else {
                String::new()
            };
            if !key.is_empty() && !l.reminded.contains(&key) {
                let late = key.starts_with("overdue");
                todo.push((
                    l.id,
                    key,
                    NewNotice {
                        kind: NoticeKind::Waiting,
                        title: format!(
                            "{}：{}",
                            if late {
                                "信件已超期未答复"
                            } else {
                                "信件即将到期"
                            },
                            l.title
                        ),
                        text: format!("答复期限 {}。", format_date_zh(d)),
                        url: url.clone(),
                        due_ms: None,
                    },
                    false,
                ));
                let _ = &unit;
            }
        }
        if due::alarm(l, s, today) && !l.reminded.iter().any(|r| r == "alarm") {
            todo.push((
                l.id,
                "alarm".into(),
                NewNotice {
                    kind: NoticeKind::Waiting,
                    title: format!("【告警】信件受理超过{}天未答复：{}", s.alarm_days, l.title),
                    text: "超过 3 个月未答复属于网站检查单项否决情形，请立即督办。".into(),
                    url,
                    due_ms: None,
                },
                true,
            ));
        }
    }
    let n = u32::try_from(todo.len()).unwrap_or(u32::MAX);
    if todo.is_empty() {
        return Ok(0);
    }
    st.store
        .write(move |txn| {
            for (id, key, notice, to_office) in todo {
                let Some(mut l) = store::get_w(txn, id)? else {
                    continue;
                };
                if l.reminded.contains(&key) {
                    continue;
                }
                if to_office {
                    tell_office(txn, &units, notice, now)?;
                } else if let Some(unit) = access::answering(&units, &l) {
                    tell_unit(txn, &units, &unit, notice, now)?;
                }
                l.reminded.push(key);
                store::put(txn, &l)?;
            }
            Ok(())
        })
        .await?;
    Ok(n)
}

/// The text first offered for publication: the letter's, with numbers starred.
pub fn publication_draft(l: &Letter) -> (String, String, String) {
    (
        redact(&l.title),
        redact(&l.content),
        l.answer
            .as_ref()
            .map_or_else(String::new, |a| redact(&a.text)),
    )
}
