//! Who is really asking: the one client address and scheme every feature uses (login
//! throttle and lockout, /metrics networks, audit records, sessions, the request log).
//!
//! The client is the connection's peer, unless the peer is one of `server.trusted_proxies`:
//! then it is the right-most `X-Forwarded-For` address that is not itself a trusted proxy
//! (each proxy appends the address it saw, so everything left of that may be forged).
//! `X-Forwarded-Proto: https` counts only from a trusted peer. Headers from anyone else are
//! ignored.

use std::net::IpAddr;

use axum::extract::{Request, State};
use axum::http::HeaderMap;

use super::Shared;
use crate::config::NetList;

/// The peer address of the connection, inserted by the server loop.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub std::net::SocketAddr);

/// The resolved client of one request, put in the request's extensions by
/// [`resolve_client`] before anything else runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RemoteClient {
    pub ip: IpAddr,
    /// The client's own connection used HTTPS: ours under TLS, or a trusted proxy's.
    pub https: bool,
}

/// One `X-Forwarded-For` entry: an address, maybe with a port (`1.2.3.4:5678`,
/// `[2001:db8::1]:443`) or in brackets.
fn forwarded_ip(entry: &str) -> Option<IpAddr> {
    let t = entry.trim();
    if let Ok(ip) = t.parse::<IpAddr>() {
        return Some(ip.to_canonical());
    }
    if let Some(rest) = t.strip_prefix('[') {
        let inner = rest.split(']').next()?;
        return inner.parse::<IpAddr>().ok().map(|ip| ip.to_canonical());
    }
    let (host, port) = t.rsplit_once(':')?;
    port.parse::<u16>().ok()?;
    host.parse::<IpAddr>().ok().map(|ip| ip.to_canonical())
}

/// The client behind `peer`, given the request headers and the trusted proxies.
pub fn resolve(
    peer: IpAddr,
    direct_tls: bool,
    headers: &HeaderMap,
    trusted: &NetList,
) -> RemoteClient {
    let peer = peer.to_canonical();
    if !trusted.contains(peer) {
        return RemoteClient {
            ip: peer,
            https: direct_tls,
        };
    }
    // Every X-Forwarded-For line, in order, as one list.
    let chain: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .collect();
    let mut ip = peer;
    for entry in chain.iter().rev() {
        // Something unreadable where an address should be: stop at the last hop we trust.
        let Some(hop) = forwarded_ip(entry) else {
            break;
        };
        ip = hop;
        if !trusted.contains(hop) {
            break;
        }
    }
    // The proto our trusted peer set: the right-most value (left ones may be the client's).
    let https = direct_tls
        || headers
            .get_all("x-forwarded-proto")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .next_back()
            .is_some_and(|p| p.trim().eq_ignore_ascii_case("https"));
    RemoteClient { ip, https }
}

/// The outermost layer: resolves the client once per request.
pub async fn resolve_client(State(st): State<Shared>, mut req: Request) -> Request {
    let peer = req
        .extensions()
        .get::<ClientAddr>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::from([127, 0, 0, 1]));
    let client = resolve(peer, st.tls, req.headers(), &st.trusted_proxies);
    req.extensions_mut().insert(client);
    req
}

/// The resolved client of a request (the peer itself if the layer did not run).
pub fn of(ext: &axum::http::Extensions, tls: bool) -> RemoteClient {
    ext.get::<RemoteClient>().copied().unwrap_or_else(|| {
        let ip = ext
            .get::<ClientAddr>()
            .map(|c| c.0.ip().to_canonical())
            .unwrap_or(IpAddr::from([127, 0, 0, 1]));
        RemoteClient { ip, https: tls }
    })
}

/// The key failures and throttles are counted under: the address itself for IPv4, its
/// /64 network for IPv6 (one subscriber usually holds a whole /64).
pub fn bucket(ip: IpAddr) -> String {
    match ip.to_canonical() {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            let net = std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
            format!("{net}/64")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, v.parse().unwrap());
        }
        h
    }

    fn nets(list: &[&str]) -> NetList {
        let v: Vec<String> = list.iter().map(|s| (*s).to_owned()).collect();
        NetList::parse("server.trusted_proxies", &v).unwrap()
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn untrusted_peers_headers_are_ignored() {
        let h = headers(&[
            ("x-forwarded-for", "203.0.113.9"),
            ("x-forwarded-proto", "https"),
        ]);
        let c = resolve(ip("198.51.100.7"), false, &h, &nets(&["10.0.0.0/8"]));
        assert_eq!(
            c,
            RemoteClient {
                ip: ip("198.51.100.7"),
                https: false
            }
        );
        // No trusted proxies at all: the same.
        let c = resolve(ip("10.0.0.1"), true, &h, &NetList::default());
        assert_eq!(c.ip, ip("10.0.0.1"));
        assert!(c.https, "our own TLS");
    }

    #[test]
    fn trusted_peer_gives_the_rightmost_untrusted_hop() {
        let t = nets(&["10.0.0.0/8", "192.168.5.5"]);
        // The client forged a first entry; the proxies appended what they saw.
        let h = headers(&[
            ("x-forwarded-for", "1.1.1.1, 203.0.113.9"),
            ("x-forwarded-for", "192.168.5.5"),
            ("x-forwarded-proto", "http, https"),
        ]);
        let c = resolve(ip("10.0.0.2"), false, &h, &t);
        assert_eq!(c.ip, ip("203.0.113.9"));
        assert!(c.https);
        // Ports and brackets are read; IPv4-mapped peers count as IPv4.
        let h = headers(&[("x-forwarded-for", "[2001:db8::7]:4431, 198.51.100.2:80")]);
        let c = resolve(ip("::ffff:10.0.0.2"), false, &h, &t);
        assert_eq!(c.ip, ip("198.51.100.2"));
        assert!(!c.https);
        // Garbage stops the walk at the last trusted hop; no header: the proxy itself.
        let h = headers(&[("x-forwarded-for", "evil, 10.0.0.9")]);
        assert_eq!(resolve(ip("10.0.0.2"), false, &h, &t).ip, ip("10.0.0.9"));
        let c = resolve(ip("10.0.0.2"), false, &HeaderMap::new(), &t);
        assert_eq!(c.ip, ip("10.0.0.2"));
        // Only the right-most proto counts.
        let h = headers(&[("x-forwarded-proto", "https, http")]);
        assert!(!resolve(ip("10.0.0.2"), false, &h, &t).https);
    }

    #[test]
    fn buckets() {
        assert_eq!(bucket(ip("203.0.113.9")), "203.0.113.9");
        assert_eq!(bucket(ip("::ffff:203.0.113.9")), "203.0.113.9");
        assert_eq!(bucket(ip("2001:db8:1:2:3:4:5:6")), "2001:db8:1:2::/64");
    }
}
