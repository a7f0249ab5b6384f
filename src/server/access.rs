//! Who may reach what. The tunnel makes the server public, so trust is decided per request:
//! only a loopback client, talking to us directly (no proxy headers) under a local host name, is
//! local. Everyone else gets the public side's routes: signed webhooks, and the page and /token
//! only with `--share`'s password.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hyper::header::{AUTHORIZATION, HOST};
use hyper::{HeaderMap, Uri};
use subtle::ConstantTimeEq;

use super::Side;
use crate::secret::Secret;

/// Headers that reverse proxies and tunnel agents (ngrok, cloudflared) add. A request that
/// carries one came from somewhere else, whatever its socket says; so does one with any
/// `ngrok-*` header.
const PROXY_HEADERS: &[&str] = &[
    "forwarded",
    "via",
    "x-forwarded-for",
    "x-forwarded-host",
    "x-forwarded-proto",
    "x-forwarded-port",
    "x-real-ip",
    "x-client-ip",
    "x-original-forwarded-for",
    "x-cluster-client-ip",
    "fastly-client-ip",
    "cf-connecting-ip",
    "cf-ray",
    "true-client-ip",
];

fn is_proxy_header(name: &str) -> bool {
    PROXY_HEADERS.contains(&name) || name.starts_with("ngrok-")
}

/// How far a request is trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trust {
    Local,
    Public,
}

pub fn judge(side: Side, peer: IpAddr, headers: &HeaderMap) -> Trust {
    let direct = !headers.keys().any(|name| is_proxy_header(name.as_str()));
    if side == Side::Local && is_loopback(peer) && direct {
        Trust::Local
    } else {
        Trust::Public
    }
}

/// A loopback address, also as an IPv4-mapped IPv6 one: with `--host ::` IPv4 clients come in
/// as `::ffff:127.0.0.1`.
fn is_loopback(ip: IpAddr) -> bool {
    ip.to_canonical().is_loopback()
}

/// The authority the request was sent to: an absolute-form target's own (RFC 9112 3.2.2: it wins
/// over Host), else the Host header. `None` when there is none, or more than one Host.
pub fn authority<'a>(uri: &'a Uri, headers: &'a HeaderMap) -> Option<&'a str> {
    if let Some(authority) = uri.authority() {
        return Some(authority.as_str());
    }
    let mut hosts = headers.get_all(HOST).iter();
    let host = hosts.next()?;
    if hosts.next().is_some() {
        return None;
    }
    host.to_str().ok()
}

/// Whether the request was sent to a name of this machine. A web page elsewhere can point its
/// own domain at 127.0.0.1 (DNS rebinding) and so reach a loopback server; it cannot make the
/// browser send a loopback address or `localhost` as the Host. Another address is no local
/// name: a plain TCP forwarder (ssh -R, socat, a port-forward) delivers remote clients from
/// loopback, and they would send the forwarder's address.
pub fn host_is_local(uri: &Uri, headers: &HeaderMap) -> bool {
    let Some(authority) = authority(uri, headers) else {
        return false;
    };
    let port_ok = |rest: &str| {
        rest.is_empty()
            || rest
                .strip_prefix(':')
                .is_some_and(|port| !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()))
    };
    if let Some(v6) = authority.strip_prefix('[') {
        let Some((address, rest)) = v6.split_once(']') else {
            return false;
        };
        return address
            .parse::<Ipv6Addr>()
            .is_ok_and(|ip| is_loopback(IpAddr::V6(ip)))
            && port_ok(rest);
    }
    let (name, rest) = match authority.find(':') {
        Some(colon) => authority.split_at(colon),
        None => (authority, ""),
    };
    let name = name.to_ascii_lowercase();
    port_ok(rest)
        && (name == "localhost"
            || name.ends_with(".localhost")
            || name.parse::<Ipv4Addr>().is_ok_and(|ip| ip.is_loopback()))
}

/// Whether a browser sent this request on behalf of another site: its `Sec-Fetch-Site` says so,
/// or its `Origin` is not the origin it was sent to. Any page the user visits can make the
/// browser send a request to 127.0.0.1 (an image will do); these headers are how the browser
/// says who asked. Tools such as curl send neither.
pub fn from_another_site(uri: &Uri, headers: &HeaderMap) -> bool {
    let value = |name| headers.get(name).map(|v| v.to_str().unwrap_or("?"));
    if let Some(site) = value("sec-fetch-site")
        && !matches!(site, "same-origin" | "none")
    {
        return true;
    }
    match value("origin") {
        None => false,
        Some(origin) => authority(uri, headers).is_none_or(|authority| {
            origin != format!("http://{authority}") && origin != format!("https://{authority}")
        }),
    }
}

/// The client a rate limit should count. Through c2c's own tunnel the peer is the real client
/// (ngrok reports its address), and any X-Forwarded-For is the client's own claim; so it is from
/// any other machine (`--host 0.0.0.0`). Behind a proxy of the user's own on this machine, the
/// last X-Forwarded-For entry is what that proxy wrote.
pub fn client_ip(side: Side, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
    if side == Side::Public || !is_loopback(peer) {
        return peer;
    }
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
        let mapped: IpAddr = "::ffff:127.0.0.1".parse().unwrap();
        assert_eq!(
            judge(Side::Local, mapped, &headers(&[])),
            Trust::Local,
            "an IPv4 loopback client of --host ::"
        );
        assert_eq!(
            judge(Side::Local, lo, &headers(&[("x-forwarded-for", "1.2.3.4")])),
            Trust::Public
        );
        assert_eq!(
            judge(Side::Local, lo, &headers(&[("forwarded", "for=1.2.3.4")])),
            Trust::Public
        );
    }

    fn local(host_headers: &HeaderMap) -> bool {
        host_is_local(&Uri::from_static("/token"), host_headers)
    }

    #[test]
    fn local_host_names_only() {
        for ok in [
            "localhost:5000",
            "127.0.0.1:5000",
            "[::1]:5000",
            "[::1]",
            "[::ffff:127.0.0.1]:5000",
            "app.localhost",
            "127.0.0.1",
            "127.0.0.2:5000",
        ] {
            assert!(local(&headers(&[("host", ok)])), "{ok}");
        }
        for bad in [
            "evil.example:5000",
            "evil.example",
            "127.0.0.1.nip.io:5000",
            "localhost:evil.com",
            "[::1]evil.com",
            "[::1]:",
            "127.0.0.1:5000:1",
            "1.2.3.4",
            "0.0.0.0:5000",
            "192.168.1.10:5000",
            "[2001:db8::1]:5000",
            "[::]:5000",
        ] {
            assert!(!local(&headers(&[("host", bad)])), "{bad}");
        }
        assert!(!local(&headers(&[])));
    }

    #[test]
    fn two_hosts_or_an_absolute_target_elsewhere_are_not_local() {
        let mut two = headers(&[("host", "127.0.0.1:5000")]);
        two.append(HOST, HeaderValue::from_static("evil.example"));
        assert!(!local(&two));
        let absolute = Uri::from_static("http://evil.example/token");
        assert!(!host_is_local(
            &absolute,
            &headers(&[("host", "127.0.0.1")])
        ));
        let absolute = Uri::from_static("http://127.0.0.1:5000/token");
        assert!(host_is_local(
            &absolute,
            &headers(&[("host", "evil.example")])
        ));
    }

    #[test]
    fn proxy_headers_make_a_request_public() {
        let lo: IpAddr = "127.0.0.1".parse().unwrap();
        for name in [
            "via",
            "x-forwarded-proto",
            "x-forwarded-port",
            "x-client-ip",
            "ngrok-skip-browser-warning",
            "fastly-client-ip",
            "x-cluster-client-ip",
            "x-original-forwarded-for",
            "cf-connecting-ip",
            "true-client-ip",
            "cf-ray",
        ] {
            let h: HeaderMap = [(name.parse().unwrap(), HeaderValue::from_static("x"))]
                .into_iter()
                .collect();
            assert_eq!(judge(Side::Local, lo, &h), Trust::Public, "{name}");
        }
    }

    #[test]
    fn requests_a_browser_makes_for_another_site_are_told_apart() {
        let uri = Uri::from_static("/token");
        let site = |pairs: &[(&'static str, &'static str)]| {
            let mut h = headers(&[("host", "127.0.0.1:5000")]);
            h.extend(headers(pairs));
            from_another_site(&uri, &h)
        };
        assert!(!site(&[]), "curl");
        assert!(!site(&[("sec-fetch-site", "same-origin")]));
        assert!(
            !site(&[("sec-fetch-site", "none")]),
            "typed in the address bar"
        );
        assert!(site(&[("sec-fetch-site", "cross-site")]));
        assert!(site(&[("sec-fetch-site", "same-site")]));
        assert!(!site(&[("origin", "http://127.0.0.1:5000")]));
        assert!(site(&[("origin", "https://evil.example")]));
        assert!(site(&[("origin", "null")]));
    }

    #[test]
    fn the_client_is_the_tunnels_peer_or_the_last_forwarded_address() {
        let peer: IpAddr = "127.0.0.1".parse().unwrap();
        let h = headers(&[("x-forwarded-for", "6.6.6.6, 203.0.113.9")]);
        assert_eq!(
            client_ip(Side::Local, peer, &h),
            "203.0.113.9".parse::<IpAddr>().unwrap()
        );
        assert_eq!(client_ip(Side::Local, peer, &headers(&[])), peer);
        // Through the tunnel, X-Forwarded-For is whatever the client wrote.
        let real: IpAddr = "198.51.100.4".parse().unwrap();
        assert_eq!(client_ip(Side::Public, real, &h), real);
        // From another machine on the local side (--host 0.0.0.0), likewise.
        let lan: IpAddr = "192.0.2.7".parse().unwrap();
        assert_eq!(client_ip(Side::Local, lan, &h), lan);
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
