//! The router: every route in one table, then the layers every request passes.

use std::time::Duration;

use axum::Router;
use axum::routing::get;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

use crate::http::{Shared, assets, middleware as mw};
use crate::{admin, ops, portal};

pub fn build(st: Shared) -> Router {
    let body_limit = usize::try_from(st.cfg.server.max_body_bytes).unwrap_or(usize::MAX);
    let timeout = Duration::from_secs(st.cfg.server.request_timeout_secs.max(1));
    // The global body limit covers every route but the editor's upload route, which
    // carries its own larger per-file and per-request limits.
    let limited = Router::new()
        .merge(portal::routes::router())
        .merge(portal::feeds::router())
        .merge(portal::search_page::router())
        .merge(crate::publishing::editor::router())
        .merge(admin::routes::router())
        .merge(crate::notify::pages::router())
        .merge(ops::routes::router())
        .route("/admin/work", get(crate::staff::work::page_work))
        .route("/static/{hash}/{*path}", get(assets::serve))
        .route("/favicon.ico", get(assets::favicon))
        .fallback(not_found)
        .layer(RequestBodyLimitLayer::new(body_limit));
    let inner = Router::new()
        .merge(limited)
        .merge(crate::publishing::editor::upload_router())
        .layer(axum::middleware::from_fn_with_state(
            st.clone(),
            mw::csrf_cookie,
        ))
        .layer(axum::middleware::from_fn(mw::origin_check))
        .layer(CatchPanicLayer::custom(mw::panic_response))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
        // Outside the limits, so their bare 408/413 answers become pages too.
        .layer(axum::middleware::from_fn_with_state(
            st.clone(),
            mw::render_errors,
        ))
        .layer(CompressionLayer::new())
        .layer(axum::middleware::from_fn_with_state(
            st.clone(),
            mw::security_headers,
        ))
        .layer(axum::middleware::from_fn_with_state(
            st.clone(),
            mw::log_requests,
        ))
        .with_state(st.clone());
    // A host name bound to a sub-site serves that sub-site at `/`: the path is rewritten
    // before routing, so every route and layer above sees the sub-site path.
    Router::new()
        .fallback_service(inner)
        .layer(axum::middleware::from_fn_with_state(
            st.clone(),
            mw::cached_fast_path,
        ))
        .layer(axum::middleware::map_request_with_state(
            st.clone(),
            portal::host::rewrite,
        ))
        // Outermost: who the client is (peer, or what a trusted proxy says), for every layer.
        .layer(axum::middleware::map_request_with_state(
            st,
            crate::http::client::resolve_client,
        ))
}

async fn not_found() -> crate::error::Error {
    crate::error::Error::NotFound
}

/// Every route with its method, for the route × role test and the docs.
pub const ROUTES: &[(&str, &str)] = &[
    ("GET", "/"),
    ("GET", "/favicon.ico"),
    ("GET", "/care"),
    ("GET", "/files/{sha}/{name}"),
    ("GET", "/setup"),
    ("POST", "/setup"),
    ("GET", "/login"),
    ("POST", "/login"),
    ("GET", "/login/totp"),
    ("POST", "/login/totp"),
    ("POST", "/logout"),
    ("GET", "/set-password"),
    ("POST", "/set-password"),
    ("GET", "/account"),
    ("POST", "/account/logout-all"),
    ("GET", "/account/password"),
    ("POST", "/account/password"),
    ("GET", "/account/totp"),
    ("POST", "/account/totp"),
    ("POST", "/account/totp/disable"),
    ("GET", "/admin"),
    ("GET", "/admin/users"),
    ("GET", "/admin/users/new"),
    ("POST", "/admin/users/new"),
    ("GET", "/admin/users/{id}"),
    ("POST", "/admin/users/{id}/roles"),
    ("POST", "/admin/users/{id}/reset-password"),
    ("POST", "/admin/users/{id}/reset-totp"),
    ("POST", "/admin/users/{id}/unlock"),
    ("POST", "/admin/users/{id}/disable"),
    ("GET", "/admin/requests"),
    ("GET", "/admin/requests/{id}"),
    ("POST", "/admin/requests/{id}/flow"),
    ("GET", "/admin/units"),
    ("POST", "/admin/units"),
    ("GET", "/admin/audit"),
    ("GET", "/admin/checks"),
    ("POST", "/admin/checks"),
    ("GET", "/admin/system"),
    ("POST", "/admin/system/backup"),
    ("GET", "/admin/notifications"),
    ("POST", "/admin/notifications/read-all"),
    ("POST", "/admin/notifications/{id}/read"),
    ("GET", "/admin/sites"),
    ("POST", "/admin/sites"),
    ("GET", "/admin/sites/{unit}"),
    ("POST", "/admin/sites/{unit}"),
    ("GET", "/admin/sites/{unit}/channels"),
    ("POST", "/admin/sites/{unit}/channels"),
    ("GET", "/admin/sites/{unit}/channels/{id}"),
    ("POST", "/admin/sites/{unit}/channels/{id}"),
    ("GET", "/admin/articles"),
    ("GET", "/admin/articles/new"),
    ("POST", "/admin/articles/new"),
    ("GET", "/admin/articles/{id}"),
    ("POST", "/admin/articles/{id}"),
    ("POST", "/admin/articles/{id}/flow"),
    ("GET", "/admin/articles/{id}/preview"),
    ("GET", "/admin/articles/{id}/history"),
    ("GET", "/admin/work"),
    ("POST", "/admin/articles/{id}/files"),
    ("POST", "/admin/articles/{id}/images"),
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("GET", "/metrics"),
];
