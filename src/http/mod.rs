//! HTTP: the server loop (limits, timeouts, TLS, shutdown), the router, extractors,
//! middleware and embedded assets.

pub mod anon_csrf;
pub mod assets;
pub mod client;
pub mod cookie;
pub mod extract;
pub mod kept;
pub mod middleware;
pub mod page_cache;
pub mod parts;
pub mod respond;
pub mod routes;
pub mod server;
pub mod state;
pub mod upload_form;
pub mod zone;

pub use state::{AppState, Shared};
