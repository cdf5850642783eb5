//! The admin panel's routes.

use super::{
    account, audit_log, calendar, login, requests, restore, set_password, settings, setup, stats,
    system, system_page, unit_edit, units, user_actions, user_import, users,
};
use crate::http::routes::Routes;
use crate::intranet::shares::admin as shares;

pub fn router() -> Routes {
    Routes::new()
        .get("/setup", setup::form)
        .post("/setup", setup::submit)
        .get("/login", login::form)
        .post("/login", login::submit)
        .get("/login/totp", login::totp_form)
        .post("/login/totp", login::totp_submit)
        .post("/logout", login::logout)
        .get("/set-password", set_password::form)
        .post("/set-password", set_password::submit)
        .get("/account", account::show)
        .post("/account/logout-all", account::logout_all)
        .get("/account/password", account::password_form)
        .post("/account/password", account::password_submit)
        .get("/account/totp", account::totp_form)
        .post("/account/totp", account::totp_submit)
        .post("/account/totp/disable", account::totp_disable)
        .get("/admin", system::dashboard)
        .get("/admin/users", users::list)
        .get("/admin/users/new", users::new_form)
        .post("/admin/users/new", users::new_submit)
        .get(user_import::PATH, user_import::show)
        .get(user_import::TEMPLATE, user_import::template)
        .get("/admin/users/{id}", users::detail)
        .post("/admin/users/{id}/roles", users::set_roles)
        .post(
            "/admin/users/{id}/reset-password",
            user_actions::reset_password,
        )
        .post("/admin/users/{id}/reset-totp", user_actions::reset_totp)
        .post("/admin/users/{id}/unlock", user_actions::unlock)
        .post("/admin/users/{id}/disable", user_actions::toggle_disabled)
        .get("/admin/requests", requests::list)
        .get("/admin/requests/{id}", requests::detail)
        .post("/admin/requests/{id}/flow", requests::take)
        .get("/admin/units", units::list)
        .post("/admin/units", units::create)
        .get("/admin/units/{code}", unit_edit::show)
        .post("/admin/units/{code}", unit_edit::submit)
        .post("/admin/units/{code}/retire", unit_edit::retire)
        .get("/admin/audit", audit_log::list)
        .get("/admin/audit.csv", audit_log::export)
        .get("/admin/settings", settings::show)
        .post("/admin/settings", settings::submit)
        .get("/admin/calendar", calendar::show)
        .post("/admin/calendar", calendar::submit)
        .get("/admin/stats", stats::show)
        .get("/admin/stats.xlsx", stats::xlsx)
        .get("/admin/stats.csv", stats::csv)
        .get("/admin/system", system_page::show)
        .post("/admin/system/backup", system_page::backup)
        .get("/admin/system/backups/{name}", system_page::download)
        .post("/admin/system/reindex", system_page::reindex)
        .post("/admin/system/restore/cancel", restore::cancel)
        .get(shares::PATH, shares::page_all)
        .post("/admin/shares/{id}/revoke", shares::revoke)
}

/// The restore upload: a body far larger than any form, with its own limit
/// (`restore::MAX_UPLOAD`); the composition root gives it an hour instead of the usual
/// request timeout.
pub fn restore_routes() -> Routes {
    Routes::new().post(restore::PATH, restore::upload)
}

pub fn restore_limits(r: axum::Router<crate::http::Shared>) -> axum::Router<crate::http::Shared> {
    r.layer(axum::extract::DefaultBodyLimit::max(restore::MAX_UPLOAD))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(
            restore::MAX_UPLOAD,
        ))
}

/// The account import's post: a CSV file of up to `user_import::MAX_FILE`, read whole so a
/// larger one is refused with a message; its own body limit (`user_import::MAX_REQUEST`).
pub fn import_routes() -> Routes {
    Routes::new().post(user_import::PATH, user_import::submit)
}

pub fn import_limits(r: axum::Router<crate::http::Shared>) -> axum::Router<crate::http::Shared> {
    r.layer(axum::extract::DefaultBodyLimit::max(
        user_import::MAX_REQUEST,
    ))
    .layer(tower_http::limit::RequestBodyLimitLayer::new(
        user_import::MAX_REQUEST,
    ))
}
