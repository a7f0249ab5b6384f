//! The public side, and the local one, under the abuse found when c2c was tried as an attacker
//! would: each test is one finding, on the real `c2c serve`.

use crate::server::serve;

const BROWSER_CALL: &[(&str, &str)] = &[
    ("From", "client:alice"),
    ("To", "+14155552671"),
    ("CallSid", "CA1"),
];

#[test]
fn another_site_gets_no_token_and_cannot_place_a_call_as_the_page_opens() {
    let c2c = serve(&[], &[]);
    let port = c2c.port;
    // What the page itself sends, and what curl sends.
    let own_origin = format!("http://127.0.0.1:{port}");
    for headers in [
        vec![],
        vec![("Sec-Fetch-Site", "same-origin")],
        vec![("Origin", own_origin.as_str())],
    ] {
        assert_eq!(c2c.get("/token", &headers).status, 200, "{headers:?}");
    }
    // An <img src="http://127.0.0.1:5000/token"> on any page, or its fetch().
    for headers in [
        vec![("Sec-Fetch-Site", "cross-site")],
        vec![("Sec-Fetch-Site", "same-site")],
        vec![("Origin", "https://evil.example")],
    ] {
        let reply = c2c.get("/token?identity=phantom", &headers);
        assert_eq!(reply.status, 403, "{headers:?}");
        assert!(
            reply.text().contains("only to its own page"),
            "{}",
            reply.text()
        );
    }
    // A link elsewhere may open the page, but not make it call.
    let cross = [("Sec-Fetch-Site", "cross-site")];
    assert_eq!(c2c.get("/", &cross).status, 200);
    assert_eq!(
        c2c.get("/?to=%2B14155552671&autocall=1", &cross).status,
        403
    );
    // A link opened from an e-mail, a chat or a bookmark comes as `Sec-Fetch-Site: none`, like
    // an address typed by hand: only this run's key, which serve printed, makes the page call.
    let link = [("Sec-Fetch-Site", "none")];
    let refused = c2c.get("/?to=%2B14155552671&autocall=1", &link);
    assert_eq!(refused.status, 403);
    assert!(
        refused.text().contains("autocall key"),
        "{}",
        refused.text()
    );
    let printed = c2c.wait_for_log("&autocall=");
    let key = printed
        .split("&autocall=")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("serve prints the autocall key");
    assert_eq!(key.len(), 20, "{printed}");
    let with_key = format!("/?to=%2B14155552671&autocall={key}");
    assert_eq!(c2c.get(&with_key, &link).status, 200, "the printed address");
    assert_eq!(
        c2c.get(&with_key, &cross).status,
        403,
        "not from another site, even with the key"
    );
    // A form another site posts to the local webhook, or a registration it makes up.
    assert_eq!(c2c.post_form("/voice", &cross, BROWSER_CALL).status, 403);
    let registration = c2c.request(
        "POST",
        "/registered",
        &[
            ("Content-Type", "application/json"),
            ("Sec-Fetch-Site", "cross-site"),
        ],
        br#"{"token": "x"}"#,
    );
    assert_eq!(registration.status, 403);
}

#[test]
fn a_rebinding_page_cannot_read_unsigned_local_webhooks() {
    let c2c = serve(&[], &[]);
    let plain = c2c.post_form("/voice", &[], BROWSER_CALL);
    assert_eq!(plain.status, 200, "curl on this machine: {}", plain.text());
    let rebound = c2c.post_form("/voice", &[("Host", "evil.example:5000")], BROWSER_CALL);
    assert_eq!(rebound.status, 403, "{}", rebound.text());
    assert!(!rebound.text().contains("<Dial"));
}

#[test]
fn proxy_headers_of_every_kind_make_a_request_public() {
    let c2c = serve(&[], &[]);
    for header in [
        ("Via", "1.1 my-proxy"),
        ("X-Forwarded-Proto", "https"),
        ("X-Forwarded-Port", "443"),
        ("X-Client-IP", "203.0.113.9"),
        ("ngrok-skip-browser-warning", "1"),
    ] {
        let reply = c2c.get("/token", &[header]);
        assert_eq!(reply.status, 403, "{header:?}: {}", reply.text());
    }
}

#[test]
fn hosts_are_read_strictly() {
    let c2c = serve(&[], &[]);
    let two = c2c.get("/token", &[("Host", "127.0.0.1"), ("Host", "evil.example")]);
    assert_eq!(two.status, 400, "{}", two.text());
    for host in ["localhost:evil.com", "[::1]evil.com", "127.0.0.1:80:80"] {
        let reply = c2c.get("/token", &[("Host", host)]);
        assert_eq!(reply.status, 403, "{host}");
    }
    // An absolute-form target names the host; the Host header does not override it.
    let absolute = c2c.get("http://evil.example/token", &[]);
    assert_eq!(absolute.status, 403, "{}", absolute.text());
    let port = c2c.port;
    let own = c2c.get(&format!("http://127.0.0.1:{port}/token"), &[]);
    assert_eq!(own.status, 200, "{}", own.text());
}

#[test]
fn the_log_stays_short_and_unforged_under_a_flood_of_forged_webhooks() {
    let c2c = serve(
        &["--public-url", "https://c2c.example.test"],
        &[("TWILIO_AUTH_TOKEN", "t")],
    );
    let huge = format!("/voice?{}", "q=1&".repeat(16_000));
    let forged = [
        ("From", "client:x\n2026-01-01T00:00:00Z  INFO forged line"),
        ("To", "+14155552671"),
    ];
    for _ in 0..200 {
        let reply = c2c.post_form(&huge, &[("X-Forwarded-For", "203.0.113.9")], &forged);
        assert_eq!(reply.status, 403);
    }
    let log = c2c.wait_for_log("refused");
    assert!(
        log.len() < 8_000,
        "{} bytes of log for 200 refusals",
        log.len()
    );
    assert!(
        !log.contains("q=1&q=1&q=1&q=1&q=1&q=1&q=1&q=1&q=1&q=1&q=1"),
        "the query is not logged whole"
    );
    assert!(
        !log.lines()
            .any(|line| line.contains("forged line") && !line.contains("refused"))
    );
    // A local call with the same From is logged, quoted.
    c2c.post_form("/voice", &[], &forged);
    let log = c2c.wait_for_log("forged line");
    assert!(log.contains(r#""client:x\n2026"#), "{log}");
}

#[test]
fn a_body_announced_too_large_is_refused_before_it_is_read() {
    use std::io::{Read, Write};
    let c2c = serve(&[], &[]);
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", c2c.port)).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .unwrap();
    write!(
        stream,
        "POST /voice HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000000\r\nExpect: 100-continue\r\n\r\n"
    )
    .unwrap();
    let mut reply = [0u8; 512];
    let read = stream.read(&mut reply).unwrap();
    let reply = String::from_utf8_lossy(&reply[..read]);
    assert!(reply.starts_with("HTTP/1.1 413"), "{reply}");
    assert!(!reply.contains("100 Continue"), "{reply}");
}

#[test]
fn a_body_that_trickles_in_is_cut_off() {
    use std::io::{Read, Write};
    use std::time::{Duration, Instant};
    let c2c = serve(&[], &[]);
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", c2c.port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    write!(
        stream,
        "POST /voice HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n"
    )
    .unwrap();
    let started = Instant::now();
    let mut reply = Vec::new();
    // One byte every 300 ms: never a pause long enough for a read timeout, never a whole body.
    while started.elapsed() < Duration::from_secs(15) {
        let _ = stream.write_all(b"T");
        let mut chunk = [0u8; 512];
        match stream.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => {
                reply.extend_from_slice(&chunk[..n]);
                break;
            }
            Err(_) => std::thread::sleep(Duration::from_millis(300)),
        }
    }
    let reply = String::from_utf8_lossy(&reply);
    assert!(reply.starts_with("HTTP/1.1 408"), "{reply:?}");
    let took = started.elapsed();
    assert!(
        (Duration::from_secs(9)..Duration::from_secs(13)).contains(&took),
        "{took:?}"
    );
    // Meanwhile the page's own requests were answered.
    assert_eq!(c2c.get("/token", &[]).status, 200);
}

#[test]
fn with_host_ipv6_any_the_printed_address_still_gets_a_token() {
    // IPv4 clients of a dual-stack socket arrive as ::ffff:127.0.0.1: still this machine.
    let c2c = serve(&["--host", "::"], &[]);
    assert_eq!(c2c.get("/token", &[]).status, 200, "{}", c2c.log());
}

#[test]
fn a_forwarders_address_in_host_is_no_local_name() {
    // ssh -R or socat deliver remote clients from loopback; they name the forwarded address.
    let c2c = serve(&[], &[]);
    for host in ["1.2.3.4:5000", "0.0.0.0:5000", "192.168.1.20"] {
        let reply = c2c.get("/token", &[("Host", host)]);
        assert_eq!(reply.status, 403, "{host}: {}", reply.text());
    }
    assert_eq!(c2c.get("/token", &[("Host", "localhost:5000")]).status, 200);
}
