//! The handlers for the embedded static files (`views::assets`): content-hashed URLs
//! (`/static/<hash>/<path>`) with `Cache-Control: immutable` and ETag/304, and `/favicon.ico`.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;

use super::Shared;
use crate::views::assets::FAVICON;

pub async fn serve(
    State(st): State<Shared>,
    Path((hash, path)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let current = st.assets.current(&path);
    let mime = mime_guess::from_path(&path).first_or_octet_stream();
    // An old hash still gets the file, but must not be cached forever.
    let cache = if hash == current {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    st.assets.respond(&path, &headers, mime.as_ref(), cache)
}

/// `/favicon.ico`: asked for by every browser whatever the page links. The URL cannot carry a
/// content hash, so it is cached for a week (not forever) and revalidated by ETag.
pub async fn favicon(State(st): State<Shared>, headers: HeaderMap) -> Response {
    st.assets.respond(
        FAVICON,
        &headers,
        "image/vnd.microsoft.icon",
        "public, max-age=604800",
    )
}
