//! The engine: which transitions an actor may take now, and taking one.

use super::definition::{ClockEffect, Definition, FlagEffect, Guard, Transition};
use super::instance::{Actor, ClockState, Instance, Step};

/// Why a transition was refused. The `Display` text is the Chinese message for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FlowError {
    #[error("此事项属于“{found}”流程，不能按“{expected}”流程办理")]
    WrongFlow {
        expected: &'static str,
        found: String,
    },
    #[error("没有“{0}”这项操作")]
    UnknownTransition(String),
    #[error("事项的当前状态“{0}”不在流程定义中")]
    UnknownState(String),
    #[error("“{state}”状态下不能“{action}”")]
    NotFromState {
        action: &'static str,
        state: &'static str,
    },
    #[error("您没有“{action}”的权限")]
    RoleNotAllowed { action: &'static str },
    #[error("不能“{action}”自己撰写的稿件，须由另一人办理")]
    OwnItem { action: &'static str },
    #[error("已“{earlier}”此事项的人不能再“{action}”，须由另一人办理")]
    SameActor {
        action: &'static str,
        earlier: &'static str,
    },
    #[error("此事项没有待处理的标记，无需“{action}”")]
    NotFlagged { action: &'static str },
    #[error("“{action}”须填写理由")]
    ReasonRequired { action: &'static str },
    #[error("办理时限计时状态不允许“{action}”")]
    Clock { action: &'static str },
}

/// The transitions `actor` may take on `instance` now, in definition order (for buttons).
/// Transitions that need a reason are included; the form asks for it.
pub fn available<'d>(
    def: &'d Definition,
    instance: &Instance,
    actor: &Actor,
) -> Vec<&'d Transition> {
    if instance.flow != def.flow || def.find_state(&instance.state).is_none() {
        return Vec::new();
    }
    def.transitions
        .iter()
        .filter(|t| permitted(def, t, instance, actor).is_ok())
        .collect()
}

/// Whether `actor` may take `transition_id` now, ignoring the reason (which `apply` checks).
/// Returns the transition, or why not.
pub fn check<'d>(
    def: &'d Definition,
    instance: &Instance,
    transition_id: &str,
    actor: &Actor,
) -> Result<&'d Transition, FlowError> {
    if instance.flow != def.flow {
        return Err(FlowError::WrongFlow {
            expected: def.flow,
            found: instance.flow.clone(),
        });
    }
    let t = def
        .find_transition(transition_id)
        .ok_or_else(|| FlowError::UnknownTransition(transition_id.to_owned()))?;
    permitted(def, t, instance, actor)?;
    Ok(t)
}

/// Takes a transition: checks everything first, then changes the instance and appends one
/// step. On error the instance is untouched.
pub fn apply<'i>(
    def: &Definition,
    instance: &'i mut Instance,
    transition_id: &str,
    actor: &Actor,
    comment: &str,
    now_ms: i64,
) -> Result<&'i Step, FlowError> {
    let t = check(def, instance, transition_id, actor)?;
    let comment = comment.trim();
    if t.needs_reason && comment.is_empty() {
        return Err(FlowError::ReasonRequired { action: t.label });
    }
    // Everything below is infallible: the instance changes all at once or not at all.
    let from = std::mem::take(&mut instance.state);
    let to = t.to.map_or_else(|| from.clone(), str::to_owned);
    match t.flag {
        FlagEffect::Keep => {}
        FlagEffect::Set => instance.flagged = Some(comment.to_owned()),
        FlagEffect::Clear => instance.flagged = None,
    }
    if let Some(c) = clock_after(instance.clock, t.clock) {
        instance.clock = c;
    }
    instance.state.clone_from(&to);
    let index = instance.history.len();
    instance.history.push(Step {
        at_ms: now_ms,
        by: actor.user,
        by_name: actor.name.clone(),
        by_unit: actor.unit.clone(),
        transition: t.id.to_owned(),
        from,
        to,
        comment: comment.to_owned(),
        clock: t.clock,
    });
    Ok(&instance.history[index])
}

/// The clock state after an effect, or `None` when the effect is not possible now.
/// `ClockEffect::None` keeps the state.
fn clock_after(now: ClockState, effect: ClockEffect) -> Option<ClockState> {
    match (effect, now) {
        (ClockEffect::None, s) => Some(s),
        // A new count once the last one ended (a letter sent back and assigned again).
        (ClockEffect::Start, ClockState::Idle | ClockState::Stopped) => Some(ClockState::Running),
        (ClockEffect::Pause, ClockState::Running) => Some(ClockState::Paused),
        (ClockEffect::Resume, ClockState::Paused) => Some(ClockState::Running),
        (ClockEffect::Stop, ClockState::Running | ClockState::Paused) => Some(ClockState::Stopped),
        _ => None,
    }
}

/// Every check but the reason, in the order a user would want to hear them: state, role,
/// guards, clock.
fn permitted(
    def: &Definition,
    t: &Transition,
    instance: &Instance,
    actor: &Actor,
) -> Result<(), FlowError> {
    let state = def
        .find_state(&instance.state)
        .ok_or_else(|| FlowError::UnknownState(instance.state.clone()))?;
    if !t.from.contains(&state.id) {
        return Err(FlowError::NotFromState {
            action: t.label,
            state: state.label,
        });
    }
    if !t.who.iter().any(|w| actor.matches(*w)) {
        return Err(FlowError::RoleNotAllowed { action: t.label });
    }
    for g in &t.guards {
        match *g {
            Guard::NotAuthor => {
                if actor.is_author {
                    return Err(FlowError::OwnItem { action: t.label });
                }
            }
            Guard::NotSameActorAs(earlier) => {
                let same = instance
                    .last_step_of(earlier)
                    .is_some_and(|s| s.by.is_some() && s.by == actor.user);
                if same {
                    return Err(FlowError::SameActor {
                        action: t.label,
                        earlier: def.find_transition(earlier).map_or(earlier, |e| e.label),
                    });
                }
            }
            Guard::Flagged => {
                if instance.flagged.is_none() {
                    return Err(FlowError::NotFlagged { action: t.label });
                }
            }
        }
    }
    if clock_after(instance.clock, t.clock).is_none() {
        return Err(FlowError::Clock { action: t.label });
    }
    Ok(())
}
