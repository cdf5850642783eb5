//! A flow definition: named states and the transitions between them, built in code.
//!
//! Definitions are data, not code paths: a capability builds one with the small builder below
//! (usually once, in a `LazyLock`), and the engine (`flow::available`, `flow::apply`) reads it.

use crate::auth::model::Role;

/// One state of a flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct State {
    pub id: &'static str,
    /// What users see (Chinese).
    pub label: &'static str,
    /// The public can see the item in this state (e.g. a published article).
    pub is_public: bool,
    /// No transition leaves this state except ones that stay in it (e.g. a retrospective review).
    pub is_final: bool,
    /// The item's content may be edited in this state (drafts, returned items).
    pub editable: bool,
}

impl State {
    pub const fn new(id: &'static str, label: &'static str) -> State {
        State {
            id,
            label,
            is_public: false,
            is_final: false,
            editable: false,
        }
    }
    pub const fn public(mut self) -> State {
        self.is_public = true;
        self
    }
    pub const fn final_state(mut self) -> State {
        self.is_final = true;
        self
    }
    pub const fn editable(mut self) -> State {
        self.editable = true;
        self
    }
}

/// Who may take a transition. A transition lists several; holding any one is enough.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    /// Holds this role for the item's unit (granted there or on an ancestor unit).
    Item(Role),
    /// Holds this role at the government office (`UnitKind::Office`).
    Office(Role),
    /// Wrote the item (the caller says so in `Actor::is_author`).
    Author,
    /// The one the item was sent to: the person, or a member of the unit, it is addressed
    /// to (the caller says so in `Actor::is_addressee`), e.g. who signs for a document.
    Addressee,
    /// The system itself (the scheduler), never a person.
    System,
}

/// Extra conditions checked after the role check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Guard {
    /// Second pair of eyes: the item's author may not take this transition.
    NotAuthor,
    /// The person who took the most recent step of the named transition may not take this one
    /// (e.g. the unit-level approver may not also approve at the office level).
    NotSameActorAs(&'static str),
    /// Only while the instance carries a flag (`Instance::flagged`).
    Flagged,
}

/// What a transition does to `Instance::flagged`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FlagEffect {
    #[default]
    Keep,
    /// Sets the flag to the step's comment (e.g. force publish: "needs retrospective review").
    Set,
    /// Clears the flag (e.g. the retrospective review).
    Clear,
}

/// What a transition does to the instance's working-day clock (citizen cases; the editorial
/// flow uses none). The engine only tracks the clock's state and records the effect in the
/// step; counting working days between steps belongs to `calendar/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockEffect {
    #[default]
    None,
    Start,
    Pause,
    Resume,
    Stop,
}

/// One transition of a flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    /// Unique within the definition; stored in the history and posted by forms.
    pub id: &'static str,
    /// The button's text (Chinese).
    pub label: &'static str,
    pub from: Vec<&'static str>,
    /// The state it leads to; `None` means it stays where it is (e.g. a retrospective review).
    pub to: Option<&'static str>,
    pub who: Vec<Who>,
    pub needs_reason: bool,
    pub guards: Vec<Guard>,
    pub flag: FlagEffect,
    pub clock: ClockEffect,
}

impl Transition {
    pub fn new(
        id: &'static str,
        label: &'static str,
        from: &[&'static str],
        to: &'static str,
    ) -> Transition {
        Transition {
            id,
            label,
            from: from.to_vec(),
            to: Some(to),
            who: Vec::new(),
            needs_reason: false,
            guards: Vec::new(),
            flag: FlagEffect::Keep,
            clock: ClockEffect::None,
        }
    }
    /// A transition that records a step but leaves the state as it is.
    pub fn stay(id: &'static str, label: &'static str, from: &[&'static str]) -> Transition {
        Transition {
            to: None,
            ..Transition::new(id, label, from, "")
        }
    }
    pub fn who(mut self, who: &[Who]) -> Transition {
        self.who.extend_from_slice(who);
        self
    }
    pub fn reason(mut self) -> Transition {
        self.needs_reason = true;
        self
    }
    pub fn guard(mut self, g: Guard) -> Transition {
        self.guards.push(g);
        self
    }
    pub fn flag(mut self, f: FlagEffect) -> Transition {
        self.flag = f;
        self
    }
    pub fn clock(mut self, c: ClockEffect) -> Transition {
        self.clock = c;
        self
    }
}

/// A whole flow: its states, where an instance starts, and its transitions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    /// The flow's name, stored in every instance (`Instance::flow`) so an instance is never
    /// driven by another flow's definition. Variants of one flow (e.g. editorial with 0, 1 or 2
    /// review levels) share it.
    pub flow: &'static str,
    pub initial: &'static str,
    pub states: Vec<State>,
    pub transitions: Vec<Transition>,
}

impl Definition {
    pub fn new(flow: &'static str, initial: &'static str) -> Definition {
        Definition {
            flow,
            initial,
            states: Vec::new(),
            transitions: Vec::new(),
        }
    }
    pub fn state(mut self, s: State) -> Definition {
        self.states.push(s);
        self
    }
    pub fn transition(mut self, t: Transition) -> Definition {
        self.transitions.push(t);
        self
    }

    pub fn find_state(&self, id: &str) -> Option<&State> {
        self.states.iter().find(|s| s.id == id)
    }
    pub fn find_transition(&self, id: &str) -> Option<&Transition> {
        self.transitions.iter().find(|t| t.id == id)
    }
    /// The state's label, or its id if the definition no longer knows it (old history).
    pub fn state_label<'a>(&'a self, id: &'a str) -> &'a str {
        self.find_state(id).map_or(id, |s| s.label)
    }
    /// The transition's label, or its id if the definition no longer knows it (old history).
    pub fn transition_label<'a>(&'a self, id: &'a str) -> &'a str {
        self.find_transition(id).map_or(id, |t| t.label)
    }

    /// Checks the definition is consistent: unique ids, every state named exists, nobody can
    /// leave a final state, every transition names someone who may take it. Definitions are
    /// code; a unit test per definition calls this.
    pub fn validate(&self) -> Result<(), String> {
        let known = |id: &str| self.find_state(id).is_some();
        for (i, s) in self.states.iter().enumerate() {
            if self.states[..i].iter().any(|o| o.id == s.id) {
                return Err(format!("state {} defined twice", s.id));
            }
        }
        if !known(self.initial) {
            return Err(format!("initial state {} unknown", self.initial));
        }
        for (i, t) in self.transitions.iter().enumerate() {
            if self.transitions[..i].iter().any(|o| o.id == t.id) {
                return Err(format!("transition {} defined twice", t.id));
            }
            if t.from.is_empty() {
                return Err(format!("transition {} has no from-state", t.id));
            }
            if t.who.is_empty() {
                return Err(format!("transition {} names nobody who may take it", t.id));
            }
            for f in &t.from {
                let Some(s) = self.find_state(f) else {
                    return Err(format!("transition {} from unknown state {f}", t.id));
                };
                if s.is_final && t.to.is_some_and(|to| to != s.id) {
                    return Err(format!("transition {} leaves final state {f}", t.id));
                }
            }
            if let Some(to) = t.to
                && !known(to)
            {
                return Err(format!("transition {} to unknown state {to}", t.id));
            }
            for g in &t.guards {
                if let Guard::NotSameActorAs(other) = g
                    && self.find_transition(other).is_none()
                {
                    return Err(format!("transition {} guard names unknown {other}", t.id));
                }
            }
        }
        Ok(())
    }
}
