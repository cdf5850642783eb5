//! Accounts, sessions, roles and scopes, the permission check, the audit log.

pub mod audit;
pub mod csrf;
pub mod lockout;
pub mod model;
pub mod password;
pub mod password_link;
pub mod permission;
pub mod session;
pub mod setup;
pub mod store;
pub mod totp;
pub mod units;
