//! The publishing workflow (信息报送·采集·审核·发布, issue 4): the portal's items driven through
//! the shared flow engine (`flow::editorial`).
//!
//! - `levels`: how many reviews an item needs (from its channels and whose sites they are),
//!   who acts for it (`Actor`), who may see it.
//! - `index`: the work-list index kept in step with every write of an article.
//! - `take`: taking one transition in a write transaction, with its effect on the item
//!   (publish, schedule, withdraw, replace) — the only place an item changes state.
//! - `notices`: who is told (the bell) after a transition.
//! - `handlers`: the form post that takes a transition; `panel`: the item's flow panel
//!   (state, history, buttons); `worklist`: 我的工作 with counts; `preview`.

pub mod confirm;
pub mod demo;
pub mod due;
pub mod handlers;
pub mod index;
pub mod item;
pub mod levels;
pub mod notices;
pub mod panel;
pub mod preview;
pub mod revise;
pub mod take;
pub mod worklist;

use crate::flow::{ClockState, Instance};
use crate::portal::model::{Article, ArticleState};
use crate::publishing::flow::{FLOW, state};

/// The item's flow instance; items from before the workflow get one matching their state.
pub fn instance_of(a: &Article) -> Instance {
    if let Some(f) = &a.flow {
        return f.clone();
    }
    let s = match a.state {
        ArticleState::Draft => state::DRAFT,
        ArticleState::Published => state::PUBLISHED,
        ArticleState::Withdrawn { .. } => state::WITHDRAWN,
        ArticleState::Replaced { .. } => state::REPLACED,
    };
    Instance {
        flow: FLOW.to_owned(),
        state: s.to_owned(),
        flagged: None,
        clock: ClockState::Idle,
        history: Vec::new(),
    }
}
