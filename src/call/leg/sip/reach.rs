//! How c2c reaches its SIP Domain: the Domain's address, the local interface the route to it
//! leaves by, and, over TLS, a connection whose certificate is checked for the Domain's name.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use rsipstack::transport::SipAddr;
use rsipstack::transport::tls::{TlsConfig, TlsConnection};
use tokio_util::sync::CancellationToken;

use super::SipError;

/// How long the TLS connection to the Domain may take to open.
const TLS_CONNECT: Duration = Duration::from_secs(10);

/// A TLS connection to the Domain at `target`, and the trust it was checked with (for the stack
/// to reconnect with). A port that drops what comes to it would hold the run for the system's
/// minutes: it is given `TLS_CONNECT`.
pub(super) async fn connect_tls(
    domain: &str,
    target: SocketAddr,
    stop: &CancellationToken,
) -> Result<(TlsConfig, TlsConnection), SipError> {
    let trust = trust(domain)?;
    let address = SipAddr {
        r#type: Some(rsipstack::sip::Transport::Tls),
        addr: target.into(),
    };
    let connecting = TlsConnection::connect(&address, Some(&trust), None, Some(stop.child_token()));
    match tokio::time::timeout(TLS_CONNECT, connecting).await {
        Ok(Ok(connection)) => Ok((trust, connection)),
        Ok(Err(err)) => Err(SipError::Tls {
            domain: domain.to_owned(),
            why: err.to_string(),
        }),
        Err(_) => Err(SipError::Unresolved {
            domain: domain.to_owned(),
            why: format!(
                "no answer on {target} (TLS) within {} s: check this machine's internet connection (or a firewall on TCP 5061)",
                TLS_CONNECT.as_secs()
            ),
        }),
    }
}

/// How c2c's TLS connection knows the Domain: by its name (even through `--sip-proxy`), its
/// certificate checked against the machine's own trusted authorities (`SSL_CERT_FILE` or
/// `SSL_CERT_DIR` when set), as c2c's HTTPS requests are.
fn trust(domain: &str) -> Result<TlsConfig, SipError> {
    use base64::Engine;
    let found = rustls_native_certs::load_native_certs();
    if found.certs.is_empty() {
        let why = found
            .errors
            .first()
            .map_or("none were found".to_owned(), ToString::to_string);
        return Err(SipError::Trust(why));
    }
    let mut pem = String::new();
    for cert in &found.certs {
        let encoded = base64::engine::general_purpose::STANDARD.encode(cert.as_ref());
        pem.push_str("-----BEGIN CERTIFICATE-----\n");
        for line in encoded.as_bytes().chunks(64) {
            pem.push_str(&String::from_utf8_lossy(line));
            pem.push('\n');
        }
        pem.push_str("-----END CERTIFICATE-----\n");
    }
    Ok(TlsConfig {
        ca_certs: Some(pem.into_bytes()),
        sni_hostname: Some(domain.to_owned()),
        ..Default::default()
    })
}

/// The Domain's address: Twilio's SIP Domains resolve by their name (port 5060, or 5061 for TLS).
pub(super) async fn resolve(domain: &str, port: u16) -> Result<SocketAddr, SipError> {
    let found = tokio::net::lookup_host((domain, port))
        .await
        .map_err(|err| SipError::Unresolved {
            domain: domain.to_owned(),
            why: err.to_string(),
        })?;
    found
        .into_iter()
        .find(SocketAddr::is_ipv4)
        .ok_or_else(|| SipError::Unresolved {
            domain: domain.to_owned(),
            why: "it has no IPv4 address".to_owned(),
        })
}

/// The local address the route to `target` leaves by: what c2c puts in its Contact and SDP.
pub(super) async fn route_to(target: SocketAddr) -> Result<IpAddr, SipError> {
    let probe = tokio::net::UdpSocket::bind(match target {
        SocketAddr::V4(_) => SocketAddr::from(([0, 0, 0, 0], 0)),
        SocketAddr::V6(_) => SocketAddr::from(([0u16; 8], 0)),
    })
    .await
    .map_err(|err| SipError::Socket(err.to_string()))?;
    probe
        .connect(target)
        .await
        .map_err(|err| SipError::Socket(format!("no route to {target}: {err}")))?;
    probe
        .local_addr()
        .map(|a| a.ip())
        .map_err(|err| SipError::Socket(err.to_string()))
}
