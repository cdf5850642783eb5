//! Whether a request may reach the intranet office (`/oa/`, 内网办公): its client address
//! (resolved once, `http::client`) is in `intranet.networks`, and, when `intranet.listen`
//! is set, it came in on that listener. Everything else about the intranet (its pages, its
//! navigation entry) asks this one rule.

use std::net::{IpAddr, SocketAddr};

use axum::http::Extensions;

use super::AppState;

/// The local address of the listener a connection came in on, inserted by the server loop.
#[derive(Debug, Clone, Copy)]
pub struct LocalAddr(pub SocketAddr);

/// The intranet's own listener, when `intranet.listen` is set: its bound address.
#[derive(Debug, Clone, Copy)]
pub struct IntranetListener(pub SocketAddr);

/// Whether a request from `ip` that came in with these extensions may reach the intranet.
pub fn inside(st: &AppState, ext: &Extensions, ip: IpAddr) -> bool {
    if let Some(IntranetListener(want)) = st.parts.get::<IntranetListener>() {
        match ext.get::<LocalAddr>() {
            Some(LocalAddr(got)) if got == want => {}
            _ => return false,
        }
    }
    // A list that no longer parses (it is checked on every save) reaches nobody.
    st.cfg()
        .intranet_networks()
        .is_ok_and(|nets| nets.contains(ip))
}
