//! The door: every `/oa/` route sits behind [`gate`]. A request that may not reach the
//! intranet (`http::zone::inside`: its network, its listener) or has no fully logged-in
//! session gets the site's ordinary 404, so from outside the intranet does not exist.
//! Share links (`/oa/s/…`) are the one exception to the session: whoever holds the link
//! may use it, still only from inside.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::auth::session::Stage;
use crate::error::Error;
use crate::http::extract::Ctx;

/// Where share links live: reachable from inside without a session.
pub const SHARE_PREFIX: &str = "/oa/s/";

/// Lets a request through only from inside and (but for share links) with a full staff
/// session.
pub async fn gate(ctx: Ctx, req: Request, next: Next) -> Response {
    let staff = ctx
        .authed
        .as_ref()
        .is_some_and(|a| a.session.stage == Stage::Full && !a.user.disabled);
    let link = req.uri().path().starts_with(SHARE_PREFIX);
    if !ctx.inside || !(staff || link) {
        return Error::NotFound.into_response();
    }
    next.run(req).await
}
