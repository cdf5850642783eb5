//! The admin panel's routes.

use axum::Router;
use axum::routing::{get, post};

use super::{
    account, audit_log, login, requests, set_password, setup, system, units, user_actions, users,
};
use crate::http::Shared;

pub fn router() -> Router<Shared> {
    Router::new()
        .route("/setup", get(setup::form).post(setup::submit))
        .route("/login", get(login::form).post(login::submit))
        .route(
            "/login/totp",
            get(login::totp_form).post(login::totp_submit),
        )
        .route("/logout", post(login::logout))
        .route(
            "/set-password",
            get(set_password::form).post(set_password::submit),
        )
        .route("/account", get(account::show))
        .route("/account/logout-all", post(account::logout_all))
        .route(
            "/account/password",
            get(account::password_form).post(account::password_submit),
        )
        .route(
            "/account/totp",
            get(account::totp_form).post(account::totp_submit),
        )
        .route("/account/totp/disable", post(account::totp_disable))
        .route("/admin", get(system::dashboard))
        .route("/admin/users", get(users::list))
        .route(
            "/admin/users/new",
            get(users::new_form).post(users::new_submit),
        )
        .route("/admin/users/{id}", get(users::detail))
        .route("/admin/users/{id}/roles", post(users::set_roles))
        .route(
            "/admin/users/{id}/reset-password",
            post(user_actions::reset_password),
        )
        .route(
            "/admin/users/{id}/reset-totp",
            post(user_actions::reset_totp),
        )
        .route("/admin/users/{id}/unlock", post(user_actions::unlock))
        .route(
            "/admin/users/{id}/disable",
            post(user_actions::toggle_disabled),
        )
        .route("/admin/requests", get(requests::list))
        .route("/admin/requests/{id}", get(requests::detail))
        .route("/admin/requests/{id}/flow", post(requests::take))
        .route("/admin/units", get(units::list).post(units::create))
        .route("/admin/audit", get(audit_log::list))
        .route(
            "/admin/checks",
            get(crate::publishing::checks::rules_admin::page_get)
                .post(crate::publishing::checks::rules_admin::submit),
        )
        .route("/admin/system", get(system::show))
        .route("/admin/system/backup", post(system::backup))
}
