//! 年度报告: a unit's (or the district's) yearly report on its disclosure work in the 2021
//! statutory format (国办公开办函〔2021〕30号), generated from the system's own data.
//!
//! The tables (`tables`) are generated (`generate`) from requests (三, 四) and published
//! items (二's 规章 and 行政规范性文件), with the figures from outside the system entered by
//! hand and hand adjustments of table 三 (`model`); the district's report is the sum of every
//! unit's (`compute`). The 勾稽 checks (`checks`) block finalising; the flow (`flow`) is
//! draft → 定稿 (tables frozen) → 发布. Staff edit at `/admin/gk/reports` (`list`, `edit`,
//! `act`); the public reads `{area}reports` (`public`, `view`, `xlsx`); published reports are
//! searchable (`search`); `stats` gives 统计分析 its figures; `demo` fills examples.

pub mod access;
pub mod act;
pub mod checks;
pub mod compute;
pub mod demo;
pub mod edit;
pub mod fee;
pub mod flow;
pub mod generate;
pub mod list;
pub mod model;
pub mod public;
pub mod search;
pub mod stats;
pub mod store;
pub mod tables;
pub mod view;
pub mod xlsx;

pub use generate::normative_counts;

use crate::http::routes::Routes;

/// Where the staff side's report list is.
pub const STAFF_LIST: &str = "/admin/gk/reports";

pub fn router() -> Routes {
    Routes::new()
        .get("/gk/reports", public::main_list)
        .get("/gk/reports/{file}", public::main_report)
        .get("/u/{code}/gk/reports", public::sub_list)
        .get("/u/{code}/gk/reports/{file}", public::sub_report)
        .get("/admin/gk/reports", list::list)
        .get("/admin/gk/reports/{code}/{year}", edit::show)
        .post("/admin/gk/reports/{code}/{year}", edit::save)
        .post("/admin/gk/reports/{code}/{year}/adjust", edit::adjust)
        .post("/admin/gk/reports/{code}/{year}/flow", act::act)
}
