//! Who may reach what. The tunnel makes the server public, so trust is decided per request:
//! only a loopback client, talking to us directly (no proxy headers) under a local host name, is
//! local. Everyone else gets the public side's routes: signed webhooks, and the page and /token
//! only with `--share`'s password.

use std::net::IpAddr;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hyper::HeaderMap;
use hyper::header::{AUTHORIZATION, HOST};
use subtle::ConstantTimeEq;

use super::Side;
use crate::secret::Secret;

/// Headers that reverse proxies and tunnel agents (ngrok, cloudflared) add. A request that
/// carries one came from somewhere else, whatever its socket says.
const PROXY_HEADERS: &[&str] = &[
    "forwarded",
    "x-forwarded-for",
    "x-forwarded-host",
    "x-real-ip",
    "cf-connecting-ip",
    "true-client-ip",
];

/// How far a request is trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trust {
    Local,
    Public,
}

pub fn judge(side: Side, peer: IpAddr, headers: &HeaderMap) -> Trust {
    let direct = !PROXY_HEADERS.iter().any(|name| headers.contains_key(*name));
    if side == Side::Local && peer.is_loopback() && direct {
        Trust::Local
    } else {
        Trust::Public
    }
}

/// Whether the Host header names this machine. A web page elsewhere can point its own domain at
/// 127.0.0.1 (DNS rebinding) and so reach a loopback server; it cannot make the browser send an
/// IP address or `localhost` as the Host.
pub fn host_is_local(headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(HOST).and_then(|h| h.to_str().ok()) else {
        return false;
    };
    let name = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => host.rsplit_once(':').map_or(host, |(name, _)| name),
    };
    name.eq_ignore_ascii_case("localhost")
        || name.to_ascii_lowercase().ends_with(".localhost")
        || name.parse::<IpAddr>().is_ok()
}

/// The address a rate limit should count: for proxied requests, the client the proxy saw. The
/// last X-Forwarded-For entry is the one the nearest proxy (the tunnel) wrote; the others are
/// whatever the client claimed.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap) -> IpAddr {
    headers
        .get_all("x-forwarded-for")
        .iter()
        .next_back()
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.rsplit(',').next())
        .and_then(|entry| entry.trim().parse::<IpAddr>().ok())
        .unwrap_or(peer)
}

/// Whether the request carries `--share`'s password (HTTP Basic, any user name).
pub fn has_share_password(password: &Secret, headers: &HeaderMap) -> bool {
    let Some(encoded) = headers
        .get(AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.strip_prefix("Basic "))
    else {
        return false;
    };
    let Ok(decoded) = STANDARD.decode(encoded.trim()) else {
        return false;
    };
    let given = decoded.splitn(2, |b| *b == b':').nth(1).unwrap_or_default();
    // In constant time, so that the answer's timing says nothing about how much was right.
    bool::from(given.ct_eq(password.expose().as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use hyper::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(k, v)| (k.parse().unwrap(), HeaderValue::from_static(v)))
            .collect()
    }

    #[test]
    fn only_direct_loopback_requests_on_the_local_side_are_local() {
        let lo: IpAddr = "127.0.0.1".parse().unwrap();
        let lan: IpAddr = "192.0.2.7".parse().unwrap();
        assert_eq!(judge(Side::Local, lo, &headers(&[])), Trust::Local);
        assert_eq!(
            judge(Side::Local, "::1".parse().unwrap(), &headers(&[])),
            Trust::Local
        );
        assert_eq!(judge(Side::Local, lan, &headers(&[])), Trust::Public);
        assert_eq!(judge(Side::Public, lo, &headers(&[])), Trust::Public);
        assert_eq!(
            judge(Side::Local, lo, &headers(&[("x-forwarded-for", "1.2.3.4")])),
            Trust::Public
        );
        assert_eq!(
            judge(Side::Local, lo, &headers(&[("forwarded", "for=1.2.3.4")])),
            Trust::Public
        );
    }

    #[test]
    fn local_host_names_only() {
        for ok in [
            "localhost:5000",
            "127.0.0.1:5000",
            "[::1]:5000",
            "app.localhost",
            "127.0.0.1",
        ] {
            assert!(host_is_local(&headers(&[("host", ok)])), "{ok}");
        }
        for bad in ["evil.example:5000", "evil.example", "127.0.0.1.nip.io:5000"] {
            assert!(!host_is_local(&headers(&[("host", bad)])), "{bad}");
        }
        assert!(!host_is_local(&headers(&[])));
    }

    #[test]
    fn the_client_is_the_last_forwarded_address() {
        let peer: IpAddr = "127.0.0.1".parse().unwrap();
        let h = headers(&[("x-forwarded-for", "6.6.6.6, 203.0.113.9")]);
        assert_eq!(
            client_ip(peer, &h),
            "203.0.113.9".parse::<IpAddr>().unwrap()
        );
        assert_eq!(client_ip(peer, &headers(&[])), peer);
    }

    #[test]
    fn share_password_is_checked() {
        let password = Secret::new("open sesame");
        let good = format!("Basic {}", STANDARD.encode("anyone:open sesame"));
        let bad = format!("Basic {}", STANDARD.encode("anyone:open"));
        let mut h = HeaderMap::new();
        h.insert(AUTHORIZATION, good.parse().unwrap());
        assert!(has_share_password(&password, &h));
        h.insert(AUTHORIZATION, bad.parse().unwrap());
        assert!(!has_share_password(&password, &h));
        assert!(!has_share_password(&password, &HeaderMap::new()));
    }
}
