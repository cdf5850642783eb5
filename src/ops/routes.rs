//! `/healthz` (alive), `/readyz` (each check named) and `/metrics` (Prometheus text,
//! only to configured networks or with the bearer token).

use std::sync::atomic::Ordering::Relaxed;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use redb::ReadableDatabase;
use serde_json::json;

use crate::error::Error;
use crate::http::Shared;
use crate::http::extract::Ctx;
use crate::http::routes::Routes;

pub fn router() -> Routes {
    Routes::new()
        .get("/healthz", healthz)
        .get("/readyz", readyz)
        .get("/metrics", metrics)
}

async fn healthz() -> Response {
    json_response(StatusCode::OK, json!({"status": "ok"}))
}

fn json_response(status: StatusCode, v: serde_json::Value) -> Response {
    let mut r = (status, v.to_string()).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// Free bytes on the filesystem holding `path`.
pub fn free_bytes(path: &std::path::Path) -> Option<u64> {
    let s = rustix::fs::statvfs(path).ok()?;
    Some(s.f_bavail.saturating_mul(s.f_frsize))
}

async fn readyz(State(st): State<Shared>) -> Response {
    let store = st.store.clone();
    let db_ok = tokio::task::spawn_blocking(move || {
        store
            .db()
            .begin_read()
            .map(|t| t.open_table(crate::store::tables::META).is_ok())
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false);
    let free = free_bytes(st.store.dir());
    let min = st.cfg().ops.min_free_disk_mib.saturating_mul(1024 * 1024);
    let disk_ok = free.is_some_and(|f| f >= min);
    let beat = st.scheduler_beat_ms.load(Relaxed);
    let age_ms = st.now_ms() - beat;
    let sched_ok = beat > 0 && age_ms < 3 * crate::ops::backup::TICK_MS;
    let ok = db_ok && disk_ok && sched_ok;
    let body = json!({
        "status": if ok { "ready" } else { "not_ready" },
        "checks": {
            "database": {"ok": db_ok},
            "disk": {"ok": disk_ok, "free_bytes": free, "min_free_bytes": min},
            "scheduler": {"ok": sched_ok, "last_beat_ms_ago": if beat > 0 { Some(age_ms) } else { None }},
        }
    });
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    json_response(status, body)
}

async fn metrics(State(st): State<Shared>, ctx: Ctx, headers: HeaderMap) -> Response {
    let nets = st.cfg().metrics_nets().unwrap_or_default();
    let by_net = nets.iter().any(|n| n.contains(&ctx.ip));
    let token = &st.cfg().ops.metrics_token;
    let by_token = !token.is_empty()
        && headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|t| crate::ids::secret_eq(t.as_bytes(), token.as_bytes()));
    if !by_net && !by_token {
        return Error::Forbidden("无权访问监控指标".into()).into_response();
    }
    let m = &st.metrics;
    let alloc = super::memory::allocator();
    let free = free_bytes(st.store.dir()).unwrap_or(0);
    let text = format!(
        "# HELP gongkai_requests_total HTTP requests served.\n\
         # TYPE gongkai_requests_total counter\n\
         gongkai_requests_total {}\n\
         # HELP gongkai_responses_5xx_total Responses with a 5xx status.\n\
         # TYPE gongkai_responses_5xx_total counter\n\
         gongkai_responses_5xx_total {}\n\
         # HELP gongkai_request_seconds_sum Total time spent serving requests.\n\
         # TYPE gongkai_request_seconds_sum counter\n\
         gongkai_request_seconds_sum {:.6}\n\
         # HELP gongkai_logins_total Login attempts by outcome.\n\
         # TYPE gongkai_logins_total counter\n\
         gongkai_logins_total{{outcome=\"success\"}} {}\n\
         gongkai_logins_total{{outcome=\"failure\"}} {}\n\
         # HELP gongkai_disk_free_bytes Free bytes in the data folder's filesystem.\n\
         # TYPE gongkai_disk_free_bytes gauge\n\
         gongkai_disk_free_bytes {}\n\
         # HELP gongkai_scheduler_last_beat_seconds Unix time the scheduler last ran.\n\
         # TYPE gongkai_scheduler_last_beat_seconds gauge\n\
         gongkai_scheduler_last_beat_seconds {}\n\
         # HELP gongkai_memory_bytes What the parts of the server hold in memory.\n\
         # TYPE gongkai_memory_bytes gauge\n\
         gongkai_memory_bytes{{part=\"page_cache\"}} {}\n\
         gongkai_memory_bytes{{part=\"store_cache\"}} {}\n\
         gongkai_memory_bytes{{part=\"search_docstore_cache\"}} {}\n\
         gongkai_memory_bytes{{part=\"malloc_in_use\"}} {}\n\
         gongkai_memory_bytes{{part=\"malloc_free_held\"}} {}\n",
        m.requests.load(Relaxed),
        m.errors_5xx.load(Relaxed),
        m.latency_us_sum.load(Relaxed) as f64 / 1e6,
        m.logins_ok.load(Relaxed),
        m.logins_failed.load(Relaxed),
        free,
        st.scheduler_beat_ms.load(Relaxed) / 1000,
        st.pages.bytes(),
        st.store.cache_bytes(),
        st.search
            .get()
            .map_or(0, |i| i.index.docstore_cache_bytes()),
        alloc.in_use,
        alloc.free_held,
    );
    let mut r = text.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4"),
    );
    r
}
