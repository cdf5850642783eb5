//! The admin panel and the sign-in pages: first-run setup, login with optional
//! two-factor step, account security, accounts and roles (安全管理员), account requests
//! that need a second admin (账号审批) and the one-time set-password link, the unit tree
//! and system pages (系统管理员), the audit log (审计管理员).

pub mod account;
pub mod audit_log;
pub mod cli;
pub mod login;
pub mod request_flow;
pub mod request_store;
pub mod requests;
pub mod routes;
pub mod set_password;
pub mod setup;
pub mod system;
pub mod units;
pub mod user_actions;
pub mod users;
