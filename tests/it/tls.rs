//! Optional TLS: the server speaks HTTPS from PEM files, offers h2 by ALPN and sends
//! HSTS; a bad certificate path stops start-up with a message naming the key.

use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName};
use tokio_rustls::rustls::{self, ClientConfig, RootCertStore};

use crate::helpers::TestApp;

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/tls/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn connector(alpn: &[&[u8]]) -> TlsConnector {
    let mut roots = RootCertStore::empty();
    for c in CertificateDer::pem_file_iter(fixture("ca.pem")).unwrap() {
        roots.add(c.unwrap()).unwrap();
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut cfg = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    cfg.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    TlsConnector::from(Arc::new(cfg))
}

#[tokio::test]
async fn https_with_hsts_and_h2_alpn() {
    let app = TestApp::start_with(|c| {
        c.tls.cert_file = fixture("cert.pem");
        c.tls.key_file = fixture("key.pem");
    })
    .await;
    let name = ServerName::try_from("localhost").unwrap();

    // HTTP/1.1 over TLS.
    let tcp = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let mut tls = connector(&[b"http/1.1"])
        .connect(name.clone(), tcp)
        .await
        .expect("TLS handshake with the test CA");
    tls.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut out = Vec::new();
    tls.read_to_end(&mut out).await.unwrap();
    let text = String::from_utf8_lossy(&out).to_lowercase();
    assert!(text.starts_with("http/1.1 200"), "{text}");
    assert!(
        text.contains("strict-transport-security: max-age="),
        "HSTS under TLS: {text}"
    );

    // h2 is offered by ALPN.
    let tcp = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let tls = connector(&[b"h2", b"http/1.1"])
        .connect(name, tcp)
        .await
        .unwrap();
    assert_eq!(tls.get_ref().1.alpn_protocol(), Some(&b"h2"[..]));

    // Plain HTTP to the TLS port gets no HTTP answer at all (not even a 400): the TLS
    // handshake fails on the first bytes, rustls may send a TLS alert record, and the
    // connection is closed.
    let mut tcp = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    tcp.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut buf = Vec::new();
    let read = tokio::time::timeout(std::time::Duration::from_secs(5), tcp.read_to_end(&mut buf))
        .await
        .expect("the server closes a plain-HTTP connection to the TLS port");
    assert!(
        !buf.starts_with(b"HTTP/"),
        "an HTTP answer on the TLS port: {:?}",
        String::from_utf8_lossy(&buf)
    );
    // Nothing, or TLS records only: content type 21 (alert), TLS major version 3.
    assert!(
        buf.is_empty() || buf.starts_with(&[21, 3]),
        "expected nothing or a TLS alert, got {buf:?} ({read:?})"
    );
    app.stop().await;
}

#[tokio::test]
async fn no_hsts_without_tls() {
    let app = TestApp::start().await;
    let r = app.client().get("/healthz").await;
    assert_eq!(r.status, 200);
    assert!(r.headers.get("strict-transport-security").is_none());
    app.stop().await;
}

#[tokio::test]
async fn bad_certificate_paths_stop_start_up() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = crate::helpers::test_config(dir.path());
    cfg.tls.cert_file = "/nonexistent/cert.pem".into();
    cfg.tls.key_file = fixture("key.pem");
    let clock = gongkai::clock::ManualClock::new(time::OffsetDateTime::UNIX_EPOCH);
    let err = gongkai::App::build(cfg.clone(), clock.clone())
        .await
        .err()
        .expect("start-up refused");
    assert!(err.0.contains("tls.cert_file"), "{}", err.0);

    cfg.tls.cert_file = fixture("cert.pem");
    cfg.tls.key_file = fixture("ca.pem");
    let err = gongkai::App::build(cfg, clock)
        .await
        .err()
        .expect("refused");
    assert!(err.0.contains("tls.key_file"), "{}", err.0);
}
