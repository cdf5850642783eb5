//! 百件实事网上查 (issue 15, part 6): the district's yearly list of practical projects for
//! residents (民生实事项目), each with its responsible unit, target, planned completion date,
//! progress and status, at `/projects/`; and the staff side at `/admin/projects`.
//!
//! The government office keeps the year's list (`Action::ManageProjects`). The responsible
//! unit's writers post progress updates (text, percent, status, photos), which go through the
//! editorial flow of `publishing` with one unit review (`flow`): only a published update is
//! public, and only published updates move the project's public percent and status.
//!
//! Parts: `access` (who may do what), `model` (the project, the update, their rules), `store` (tables and queries),
//! `flow` (the update's flow and who acts), `public` (the public list and page, photos),
//! `admin` (the office's list and forms), `update_form` (the unit's update form with photos), `update_edit` (correcting one sent back),
//! `review` (an update's page with its flow buttons), `todo`, `checks`, `search`, `stats`,
//! `demo`.

pub mod access;
pub mod admin;
pub mod checks;
pub mod demo;
pub mod flow;
pub mod model;
pub mod public;
pub mod review;
pub mod routes;
pub mod search;
pub mod stats;
pub mod store;
pub mod todo;
pub mod update_edit;
pub mod update_form;

use crate::auth::permission::Action;
use crate::staff::registry::{NavEntry, Shows};

/// Where the staff side starts.
pub const STAFF_HOME: &str = "/admin/projects";

/// Its place in the staff navigation and on the workbench: the office, and the responsible
/// units' writers and reviewers (who see their own projects).
pub const NAV: &[NavEntry] = &[
    NavEntry::new(STAFF_HOME, "百件实事", Shows::Rule(nav_shows))
        .tile("民生实事项目清单、进展报送与审核发布"),
];

/// Writers of any unit (their own projects) and whoever may keep the list. Only a 单位管理员
/// who writes for no unit costs a (small, synchronous) read of the unit table, to tell the
/// office's from any other unit's (as `publishing::checks::rules_admin::nav_allowed`).
fn nav_shows(st: &crate::http::AppState, u: &crate::auth::model::User) -> bool {
    if Shows::AnyUnit(Action::WriteContent).allows(st, u) {
        return true;
    }
    if u.disabled || !u.has_role(crate::auth::model::Role::UnitAdmin) {
        return false;
    }
    st.store
        .read_blocking(crate::auth::store::list_units)
        .map(|units| access::may_manage(u, &crate::auth::units::Units::new(units)))
        .unwrap_or(false)
}
