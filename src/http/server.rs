//! The accept loop on hyper-util: HTTP/1.1 and HTTP/2 on one socket, optional TLS
//! (rustls with ring), a connection cap, a header-read timeout against slowloris,
//! a header size cap, and graceful shutdown that gives in-flight requests a grace period.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

use super::client::ClientAddr;
use crate::config::Config;

pub struct Limits {
    pub max_header_bytes: usize,
    pub header_read_timeout: Duration,
    pub max_connections: usize,
    pub grace: Duration,
}

impl Limits {
    pub fn from_config(c: &Config) -> Limits {
        Limits {
            // hyper refuses buffers below 8 KiB.
            max_header_bytes: usize::try_from(c.server.max_header_bytes)
                .unwrap_or(16 * 1024)
                .max(8192),
            header_read_timeout: Duration::from_secs(c.server.header_read_timeout_secs.max(1)),
            max_connections: usize::try_from(c.server.max_connections)
                .unwrap_or(1024)
                .max(1),
            grace: Duration::from_secs(c.server.shutdown_grace_secs),
        }
    }
}

/// Loads the certificate chain and key into a TLS acceptor (h2 and http/1.1 via ALPN).
pub fn tls_acceptor(cert: &str, key: &str) -> Result<TlsAcceptor, String> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .map_err(|e| format!("配置错误：tls.cert_file {cert} 无法读取：{e}"))?
        .collect::<Result<_, _>>()
        .map_err(|e| format!("配置错误：tls.cert_file {cert} 不是有效的 PEM 证书：{e}"))?;
    if certs.is_empty() {
        return Err(format!("配置错误：tls.cert_file {cert} 中没有证书"));
    }
    let key = PrivateKeyDer::from_pem_file(key)
        .map_err(|e| format!("配置错误：tls.key_file {key} 无法读取或不是 PEM 私钥：{e}"))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut cfg = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS: {e}"))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| format!("配置错误：tls 证书与私钥不匹配：{e}"))?;
    cfg.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(cfg)))
}

/// Serves `router` on every listener until `stop` flips to true, then waits up to
/// the grace period for open connections to finish their requests.
pub async fn serve(
    listeners: Vec<TcpListener>,
    router: Router,
    tls: Option<TlsAcceptor>,
    limits: Limits,
    mut stop: watch::Receiver<bool>,
) {
    let graceful = Arc::new(GracefulShutdown::new());
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .max_buf_size(limits.max_header_bytes);
    builder
        .http2()
        .timer(TokioTimer::new())
        .max_header_list_size(u32::try_from(limits.max_header_bytes).unwrap_or(u32::MAX));
    let builder = Arc::new(builder);

    let mut tasks = tokio::task::JoinSet::new();
    for listener in listeners {
        let (router, tls, graceful, permits, builder) = (
            router.clone(),
            tls.clone(),
            graceful.clone(),
            permits.clone(),
            builder.clone(),
        );
        let mut stop = stop.clone();
        tasks.spawn(async move {
            loop {
                let permit = tokio::select! {
                    p = permits.clone().acquire_owned() => match p { Ok(p) => p, Err(_) => break },
                    _ = stop.changed() => break,
                };
                let (stream, peer) = tokio::select! {
                    r = listener.accept() => match r {
                        Ok(x) => x,
                        Err(e) => {
                            tracing::warn!("accept failed: {e}");
                            tokio::time::sleep(Duration::from_millis(50)).await;
                            continue;
                        }
                    },
                    _ = stop.changed() => break,
                };
                let _ = stream.set_nodelay(true);
                let local = stream.local_addr().ok();
                let svc = router.clone().map_request(
                    move |mut req: hyper::Request<hyper::body::Incoming>| {
                        req.extensions_mut().insert(ClientAddr(peer));
                        if let Some(l) = local {
                            req.extensions_mut().insert(super::zone::LocalAddr(l));
                        }
                        req
                    },
                );
                let svc = TowerToHyperService::new(svc);
                let builder = builder.clone();
                let graceful = graceful.clone();
                match tls.clone() {
                    None => {
                        let conn = builder
                            .serve_connection_with_upgrades(TokioIo::new(stream), svc)
                            .into_owned();
                        let conn = graceful.watch(conn);
                        tokio::spawn(async move {
                            let _ = conn.await;
                            drop(permit);
                        });
                    }
                    Some(acc) => {
                        tokio::spawn(async move {
                            let hs =
                                tokio::time::timeout(Duration::from_secs(10), acc.accept(stream))
                                    .await;
                            let Ok(Ok(tls_stream)) = hs else {
                                return;
                            };
                            let conn = builder
                                .serve_connection_with_upgrades(TokioIo::new(tls_stream), svc)
                                .into_owned();
                            let watched = graceful.watch(conn);
                            drop(graceful);
                            let _ = watched.await;
                            drop(permit);
                        });
                    }
                }
            }
        });
    }
    let _ = stop.wait_for(|s| *s).await;
    while tasks.join_next().await.is_some() {}
    match Arc::try_unwrap(graceful) {
        Ok(g) => {
            if tokio::time::timeout(limits.grace, g.shutdown())
                .await
                .is_err()
            {
                tracing::warn!("grace period over; closing remaining connections");
            }
        }
        Err(_) => tracing::warn!("connections still referenced at shutdown"),
    }
}

pub async fn bind(addrs: &[SocketAddr]) -> Result<Vec<TcpListener>, String> {
    let mut out = Vec::new();
    for a in addrs {
        let l = TcpListener::bind(a).await.map_err(|e| {
            if e.kind() == std::io::ErrorKind::AddrInUse {
                format!("配置错误：server.listen 的地址 {a} 已被占用")
            } else {
                format!("配置错误：server.listen 的地址 {a} 无法监听：{e}")
            }
        })?;
        out.push(l);
    }
    Ok(out)
}
