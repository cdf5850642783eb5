//! 分享链接: a link to one of my transferred files for people without an account, or an
//! upload-only "collect" link (收集文件) through which others send files to me. Each link is
//! a 256-bit random token in the URL (`/oa/s/{token}`); only its SHA-256 is stored
//! (`OA_SHARES`), so the link is shown once, when it is made. A link lasts some days (at most
//! `intranet.share_max_days`), may ask for a password (argon2id; wrong tries are limited per
//! link), may be limited to a number of downloads or uploads, and can be revoked or extended
//! by its maker (`list`). Using one (`link`, `collect`) needs no session, only a request
//! from inside the intranet (`reach::SHARE_PREFIX`); an expired, revoked or used-up link, or
//! one whose file is gone, answers 410. Made in `new`; stored in `store`; the record is
//! `model`; the password cookie and the token are `access`. The system administrator
//! sees and revokes every live link at `/admin/shares` (`admin`).

pub mod access;
pub mod admin;
pub mod collect;
pub mod link;
pub mod list;
pub mod model;
pub mod new;
pub mod routes;
pub mod store;

/// The maker's list of links.
pub const LIST_PATH: &str = "/oa/shares";

/// The address of a link.
pub fn link_path(token: &str) -> String {
    format!("{}{token}", crate::intranet::reach::SHARE_PREFIX)
}

const DAY_MS: i64 = 86_400_000;

/// `days` from `now`, in ms.
pub fn days_from(now: i64, days: u64) -> i64 {
    now.saturating_add(i64::try_from(days).unwrap_or(1).saturating_mul(DAY_MS))
}
