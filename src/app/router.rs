//! The router: every route in one table, then the layers every request passes.

use std::sync::LazyLock;
use std::time::Duration;

use axum::Router;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::limit::RequestBodyLimitLayer;

use crate::http::routes::Routes;
use crate::http::{Shared, assets, middleware as mw};
use crate::{admin, disclosure, intranet, mailbox, ops, portal, projects, publishing};

/// Every capability's routes in their groups: those under the global body limit, the
/// upload routes with their own limits, the restore upload and the account import with
/// theirs, and the intranet's pages and transfers behind its gate.
struct Groups {
    ordinary: Routes,
    uploads: Routes,
    restore: Routes,
    import: Routes,
    intranet: Routes,
    intranet_uploads: Routes,
    transfer: Routes,
    disclosure_uploads: Routes,
    mailbox_uploads: Routes,
    projects_uploads: Routes,
}

fn routes() -> Groups {
    let ordinary = Routes::new()
        .merge(portal::routes::router())
        .merge(portal::feeds::router())
        .merge(portal::search_page::router())
        .merge(admin::routes::router())
        .merge(crate::notify::pages::router())
        .merge(publishing::routes::router())
        .merge(disclosure::routes::router())
        .merge(mailbox::router())
        .merge(projects::routes::router())
        .get("/admin/work", crate::staff::work::page_work)
        .merge(ops::routes::router())
        .get("/static/{hash}/{*path}", assets::serve)
        .get("/favicon.ico", assets::favicon);
    Groups {
        ordinary,
        uploads: publishing::routes::upload_routes(),
        restore: admin::routes::restore_routes(),
        import: admin::routes::import_routes(),
        intranet: intranet::routes::router(),
        intranet_uploads: intranet::routes::upload_router(),
        transfer: intranet::routes::transfer_router(),
        disclosure_uploads: disclosure::routes::upload_router(),
        mailbox_uploads: mailbox::upload_router(),
        projects_uploads: projects::routes::upload_router(),
    }
}

/// Every route with its method, in the order registered: the route × role test walks it.
pub static ROUTES: LazyLock<Vec<(&'static str, &'static str)>> = LazyLock::new(|| {
    let g = routes();
    g.ordinary
        .table()
        .iter()
        .chain(g.uploads.table())
        .chain(g.restore.table())
        .chain(g.import.table())
        .chain(g.intranet.table())
        .chain(g.intranet_uploads.table())
        .chain(g.transfer.table())
        .chain(g.disclosure_uploads.table())
        .chain(g.mailbox_uploads.table())
        .chain(g.projects_uploads.table())
        .copied()
        .collect()
});

pub fn build(st: Shared) -> Router {
    let body_limit = usize::try_from(st.cfg().server.max_body_bytes).unwrap_or(usize::MAX);
    let timeout = Duration::from_secs(st.cfg().server.request_timeout_secs.max(1));
    let g = routes();
    // The global body limit covers every route but the editor's upload routes, which
    // carry their own larger per-file and per-request limits.
    let limited = g
        .ordinary
        .into_router()
        .fallback(not_found)
        .layer(RequestBodyLimitLayer::new(body_limit));
    let intranet = intranet::routes::gated(
        g.intranet
            .into_router()
            .layer(RequestBodyLimitLayer::new(body_limit)),
        &st,
    );
    let inner = Router::new()
        .merge(limited)
        .merge(intranet)
        .merge(intranet::routes::gated(
            publishing::routes::upload_limits(g.intranet_uploads.into_router()),
            &st,
        ))
        .merge(intranet::routes::transfer_limits(
            g.transfer.into_router(),
            &st,
        ))
        .merge(publishing::routes::upload_limits(g.uploads.into_router()))
        .merge(admin::routes::restore_limits(g.restore.into_router()))
        .merge(admin::routes::import_limits(g.import.into_router()))
        .merge(disclosure::routes::upload_limits(
            g.disclosure_uploads.into_router(),
        ))
        .merge(
            g.mailbox_uploads
                .into_router()
                .layer(axum::extract::DefaultBodyLimit::max(mailbox::MAX_UPLOAD)),
        )
        .merge(projects::routes::upload_limits(
            g.projects_uploads.into_router(),
        ))
        .layer(axum::middleware::from_fn_with_state(
            st.clone(),
            crate::http::kept::middleware,
        ))
        .layer(axum::middleware::from_fn_with_state(
            st.clone(),
            mw::csrf_cookie,
        ))
        .layer(axum::middleware::from_fn(mw::origin_check))
        .layer(CatchPanicLayer::custom(mw::panic_response))
        .layer(axum::middleware::from_fn(move |req, next| {
            with_timeout(timeout, req, next)
        }))
        // Outside the limits, so their bare 408/413 answers become pages too.
        .layer(axum::middleware::from_fn_with_state(
            st.clone(),
            mw::render_errors,
        ))
        // Downloads (`application/octet-stream`: attachments, transferred files) go as they
        // are: compressing a file on the fly costs CPU for little and breaks byte ranges.
        .layer(CompressionLayer::new().compress_when(
            DefaultPredicate::new().and(NotForContentType::const_new("application/octet-stream")),
        ))
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

/// How long a backup upload or an intranet file upload may take: an hour, where every
/// other request has `server.request_timeout_secs`. (A stalled upload is cut sooner by its
/// own idle timeout.)
const RESTORE_TIMEOUT: Duration = Duration::from_secs(3600);

/// The request timeout: `timeout`, or an hour for the restore upload. A request past it
/// gets 408, as tower-http's `TimeoutLayer` would answer.
async fn with_timeout(
    timeout: Duration,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let limit = if req.uri().path() == admin::restore::PATH
        || intranet::routes::is_long_transfer(req.method(), req.uri().path())
    {
        RESTORE_TIMEOUT
    } else {
        timeout
    };
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(r) => r,
        Err(_) => axum::http::StatusCode::REQUEST_TIMEOUT.into_response(),
    }
}
