//! Checks a capability adds to the self-check (网站自查) that the self-check itself cannot see:
//! 政务公开's guides, request deadlines and annual reports. Each registered `SiteCheck`
//! returns rows naming the unit they concern; the self-check puts each row under that unit's
//! site (or the portal's, for a unit without one) beside its own.

use std::future::Future;
use std::pin::Pin;

use crate::auth::model::UnitCode;
use crate::error::Result;
use crate::http::Shared;

/// How a row stands, as the self-check grades its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Pass,
    Risk,
    Fail,
}

/// One row of a registered check.
#[derive(Debug, Clone)]
pub struct CheckRow {
    /// The unit it concerns.
    pub unit: UnitCode,
    /// The rule: 公开指南, 依申请公开答复 …
    pub check: &'static str,
    pub subject: String,
    pub finding: String,
    pub level: Level,
    /// The page that fixes it, with the link's words.
    pub fix: Option<(String, String)>,
}

pub type Rows<'a> = Pin<Box<dyn Future<Output = Result<Vec<CheckRow>>> + Send + 'a>>;

/// A capability's checks.
pub type SiteCheck = for<'a> fn(&'a Shared) -> Rows<'a>;
