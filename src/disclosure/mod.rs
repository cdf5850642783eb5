//! 政府信息公开: the disclosure area of the portal (`/gk/`, and `/u/{code}/gk/` for each unit
//! with disclosure duties), run by the government office as the competent department.
//!
//! Its parts: each unit's 公开指南 (`guide`); the 公开目录 built from published items with their
//! catalog fields (`catalog`; index numbers are given at publication by
//! `publishing::catalog`); requests on the statutory clock (`requests`: form, 查询码, the
//! working-day clock with 补正, consultations and one extension, the reply's outcome from the
//! annual report's taxonomy, 复议 and 诉讼 cases); the annual report in the 2021 format
//! (`report`); and the office's supervision page (`supervise`). Which units take part is a flag
//! on the unit (`Unit::discloses`).

pub mod area;
pub mod catalog;
pub mod checks;
pub mod demo;
pub mod fields;
pub mod guide;
pub mod page;
pub mod report;
pub mod requests;
pub mod routes;
pub mod supervise;
pub mod todo;
pub mod units;

use crate::auth::permission::Action;
use crate::staff::registry::{NavEntry, Shows};

/// Where the staff side of disclosure starts.
pub const STAFF_HOME: &str = "/admin/gk/";

/// Its place in the staff navigation and on the workbench.
pub const NAV: &[NavEntry] = &[NavEntry::new(
    STAFF_HOME,
    "政务公开",
    Shows::AnyUnit(Action::HandleDisclosure),
)
.tile("依申请公开办理、公开指南、年度报告与公开工作监督")];
