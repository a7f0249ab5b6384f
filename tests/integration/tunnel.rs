//! `serve --tunnel` and `c2c tunnel`, offline: the ngrok stand-in carries the requests, the REST
//! mock plays Twilio.

use std::time::{Duration, Instant};

use crate::ngrok_edge::{self, Edge};
use crate::server::{Serve, parse_reply, serve};
use crate::support::{AUTH_TOKEN, C2c, NGROK_AUTHTOKEN, answer_once, c2c};
use crate::twilio_mock::TwilioMock;
use crate::twilio_signature::sign;

pub const URL: &str = "https://stand-in.ngrok.test";

fn tunnel_env<'a>(mock: &'a TwilioMock, edge: &'a Edge) -> Vec<(&'static str, &'a str)> {
    vec![
        ("TWILIO_AUTH_TOKEN", AUTH_TOKEN),
        ("NGROK_AUTHTOKEN", NGROK_AUTHTOKEN),
        ("C2C_TWILIO_API_BASE", &mock.base),
        ("C2C_NGROK_TEST_EDGE", &edge.addr),
        ("C2C_NGROK_TEST_CA", ngrok_edge::CA),
    ]
}

/// `c2c serve --tunnel` run to completion (for the runs that must fail), talking to `mock` and
/// to the edge at `edge_addr`.
pub fn serve_tunnel_once(mock: &TwilioMock, edge_addr: &str) -> C2c {
    c2c(&["serve", "--tunnel", "--port", "0"])
        .against(mock)
        .env("C2C_NGROK_TEST_EDGE", edge_addr)
        .env("C2C_NGROK_TEST_CA", ngrok_edge::CA)
}

fn post(path: &str, params: &[(&str, &str)], signature: Option<&str>) -> Vec<u8> {
    let body: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish();
    let signed = signature.map_or(String::new(), |s| format!("X-Twilio-Signature: {s}\r\n"));
    format!(
        "POST {path} HTTP/1.1\r\nHost: stand-in.ngrok.test\r\nX-Forwarded-For: 203.0.113.9\r\nContent-Type: application/x-www-form-urlencoded\r\n{signed}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn get(path: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\nHost: stand-in.ngrok.test\r\nX-Forwarded-For: 203.0.113.9\r\nConnection: close\r\n\r\n")
        .into_bytes()
}

pub fn serve_tunnel(
    mock: &TwilioMock,
    edge: &Edge,
    args: &[&str],
    extra: &[(&'static str, &str)],
) -> Serve {
    let mut env = tunnel_env(mock, edge);
    env.extend_from_slice(extra);
    let mut all = vec!["--tunnel"];
    all.extend_from_slice(args);
    let c2c = serve(&all, &env);
    c2c.wait_for_log("ready: the TwiML App");
    c2c
}

#[test]
fn serve_tunnel_points_the_app_at_the_tunnel_answers_only_signed_webhooks_and_restores() {
    let mock = TwilioMock::start();
    let edge = Edge::start(NGROK_AUTHTOKEN, &[URL]);
    let mut c2c = serve_tunnel(&mock, &edge, &[], &[]);
    assert_eq!(mock.voice_url(), format!("{URL}/voice"));
    assert_eq!(mock.status_callback(), format!("{URL}/status"));
    // ngrok's edge is asked to check Twilio's signatures too.
    let opts = &edge.binds()[0]["Opts"];
    assert_eq!(opts["WebhookVerification"]["provider"], "twilio", "{opts}");

    let params = [
        ("From", "client:alice"),
        ("To", "+14155552671"),
        ("CallSid", "CA1"),
    ];
    let signed = sign(&format!("{URL}/voice"), &params);
    let reply = parse_reply(
        edge.request(&post("/voice", &params, Some(&signed)))
            .as_bytes(),
    );
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert!(
        reply.text().contains("<Number>+14155552671</Number>"),
        "{}",
        reply.text()
    );

    let forged = parse_reply(
        edge.request(&post("/voice", &params, Some("AAAA")))
            .as_bytes(),
    );
    assert_eq!(forged.status, 403);
    let unsigned = parse_reply(edge.request(&post("/voice", &params, None)).as_bytes());
    assert_eq!(unsigned.status, 403);
    for path in ["/", "/token", "/assets/app.js"] {
        let reply = parse_reply(edge.request(&get(path)).as_bytes());
        assert_eq!(
            reply.status,
            403,
            "{path} through the tunnel: {}",
            reply.text()
        );
        assert!(!reply.text().contains("token\""), "{path}");
    }

    let (code, took) = c2c.terminate();
    assert_eq!(code, Some(0), "{}", c2c.log());
    assert!(took < Duration::from_secs(5), "{took:?}");
    assert_eq!(mock.voice_url(), "", "the old (empty) Voice URL is back");
    assert_eq!(mock.status_callback(), "");
}

#[test]
fn an_app_pointing_elsewhere_is_left_alone_without_force() {
    let mock = TwilioMock::start();
    mock.set_voice_url("https://prod.example/voice");
    let edge = Edge::start(NGROK_AUTHTOKEN, &[URL]);
    let run = serve_tunnel_once(&mock, &edge.addr).run();
    run.assert_code(2);
    assert!(
        run.stderr
            .contains("sends calls to https://prod.example/voice, which c2c did not set")
            && run.stderr.contains("--force"),
        "{}",
        run.stderr
    );
    assert!(mock.writes().is_empty());

    let mut forced = serve_tunnel(&mock, &edge, &["--force"], &[]);
    assert_eq!(mock.voice_url(), format!("{URL}/voice"));
    let (code, _) = forced.terminate();
    assert_eq!(code, Some(0), "{}", forced.log());
    assert_eq!(mock.voice_url(), "https://prod.example/voice");
}

/// `c2c configure --restore` with c2c's state in `home`.
fn restore(mock: &TwilioMock, home: &str) -> crate::support::Run {
    c2c(&["configure", "--restore"])
        .against(mock)
        .state_in(home)
        .run()
}

/// Polls `done` for up to ten seconds.
pub fn wait_until(what: &str, done: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !done() {
        assert!(Instant::now() < deadline, "never happened: {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn a_stop_during_bring_up_changes_nothing_or_is_undone() {
    let mock = TwilioMock::start();
    let edge = Edge::start(NGROK_AUTHTOKEN, &[URL]);

    // Stopped while the app is still being read: nothing has changed, so c2c just ends.
    mock.delay(Duration::from_secs(5));
    let reading = serve_tunnel_once(&mock, &edge.addr).spawn();
    wait_until("c2c reads the app", || !mock.requests().is_empty());
    let started = Instant::now();
    assert_eq!(reading.terminate(), Some(0));
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(mock.writes().is_empty());

    // Stopped while the app is being repointed: the change goes through, then is undone.
    mock.delay(Duration::ZERO);
    mock.delay_writes(Duration::from_secs(1));
    let pointing = serve_tunnel_once(&mock, &edge.addr).spawn();
    wait_until("c2c repoints the app", || !mock.writes().is_empty());
    assert_eq!(pointing.terminate(), Some(0));
    let writes = mock.writes();
    assert_eq!(writes.len(), 2, "{writes:?}");
    assert_eq!(mock.voice_url(), "", "the old (empty) Voice URL is back");
}

#[test]
fn a_killed_run_is_undone_by_configure_restore_or_by_the_next_run() {
    let mock = TwilioMock::start();
    mock.set_voice_url("https://original.example/voice");
    let edge = Edge::start(NGROK_AUTHTOKEN, &[URL]);
    let home = tempfile::tempdir().unwrap();
    let home_path = home.path().to_str().unwrap();
    let state = [("HOME", home_path), ("XDG_STATE_HOME", home_path)];
    // --force because c2c did not set the original URL; the next run needs no --force.
    let mut first = serve_tunnel(&mock, &edge, &["--force"], &state);
    first.kill();
    assert_eq!(
        mock.voice_url(),
        format!("{URL}/voice"),
        "nobody restored it"
    );

    // The next run takes over without --force and, on exit, puts back the original.
    let mut next = serve_tunnel(&mock, &edge, &[], &state);
    next.wait_for_log("left the TwiML App pointing at its tunnel");
    next.kill();

    let run = restore(&mock, home_path);
    run.assert_code(0);
    assert!(
        run.stdout.contains("-> https://original.example/voice"),
        "{}",
        run.stdout
    );
    assert_eq!(mock.voice_url(), "https://original.example/voice");
}

#[test]
fn a_bad_authtoken_a_dead_edge_or_an_untrusted_one_fail_fast_and_change_nothing() {
    let mock = TwilioMock::start();
    let edge = Edge::start("the-right-token", &[URL]);
    let started = Instant::now();
    let run = serve_tunnel_once(&mock, &edge.addr).run();
    run.assert_code(4);
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(
        run.stderr.contains("ngrok refused the authtoken") && run.stderr.contains("ERR_NGROK_107"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains(NGROK_AUTHTOKEN));
    assert!(mock.writes().is_empty());

    // Nothing listening where the edge should be.
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = dead.local_addr().unwrap().to_string();
    drop(dead);
    let run = serve_tunnel_once(&mock, &addr).run();
    run.assert_code(4);
    assert!(
        run.stderr.contains("Cannot reach ngrok's service"),
        "{}",
        run.stderr
    );

    // An edge whose certificate c2c cannot trust (here: the stand-in's own leaf given as the CA)
    // is refused, as something intercepting TLS would be.
    let untrusted = serve_tunnel_once(&mock, &edge.addr)
        .env(
            "C2C_NGROK_TEST_CA",
            &ngrok_edge::CA.replace("-ca.pem", ".pem"),
        )
        .run();
    untrusted.assert_code(4);
    assert!(
        untrusted
            .stderr
            .contains("The TLS handshake with ngrok's service")
            && untrusted.stderr.contains("invalid peer certificate"),
        "{}",
        untrusted.stderr
    );
    assert!(edge.binds().is_empty());
    assert!(mock.writes().is_empty());
}

#[test]
fn no_authtoken_anywhere_lists_every_place_c2c_looked() {
    let run = c2c(&["serve", "--tunnel", "--port", "0"])
        .all_env()
        .env("NGROK_AUTHTOKEN", "")
        .run();
    run.assert_code(3);
    assert!(
        run.stderr.contains("NGROK_AUTHTOKEN")
            && run.stderr.contains("ngrok/ngrok.yml")
            && run.stderr.contains(".ngrok2/ngrok.yml")
            && run.stderr.contains("dashboard.ngrok.com"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_agents_config_file_supplies_the_authtoken() {
    let mock = TwilioMock::start();
    let edge = Edge::start(NGROK_AUTHTOKEN, &[URL]);
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join(".config/ngrok/ngrok.yml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(
        &config,
        format!("version: \"3\"\nagent:\n  authtoken: {NGROK_AUTHTOKEN}\n"),
    )
    .unwrap();
    let mut env = tunnel_env(&mock, &edge);
    env.retain(|(k, _)| *k != "NGROK_AUTHTOKEN");
    let home_path = home.path().to_str().unwrap();
    env.push(("HOME", home_path));
    env.push(("XDG_CONFIG_HOME", ""));
    let mut c2c = serve(&["--tunnel"], &env);
    c2c.wait_for_log("ready: the TwiML App");
    c2c.terminate();
}

#[test]
fn the_voice_url_follows_the_tunnel_when_a_reconnect_changes_its_address() {
    let mock = TwilioMock::start();
    let edge = Edge::start(
        NGROK_AUTHTOKEN,
        &[
            URL,
            "https://rebound.ngrok.test",
            "https://moved.ngrok.test",
        ],
    );
    let mut c2c = serve_tunnel(&mock, &edge, &[], &[]);
    edge.drop_session();
    c2c.wait_for_log("the tunnel's address changed");
    assert_eq!(mock.voice_url(), "https://moved.ngrok.test/voice");
    // Signatures are now checked against the new address.
    let params = [("From", "client:alice"), ("To", "+14155552671")];
    let signed = sign("https://moved.ngrok.test/voice", &params);
    let reply = parse_reply(
        edge.request(&post("/voice", &params, Some(&signed)))
            .as_bytes(),
    );
    assert_eq!(reply.status, 200, "{}", reply.text());
    c2c.terminate();
    assert_eq!(mock.voice_url(), "");
}

#[test]
fn c2c_tunnel_forwards_to_a_server_that_already_runs() {
    let mock = TwilioMock::start();
    let edge = Edge::start(NGROK_AUTHTOKEN, &[URL]);
    // The "server that already runs": a quickstart-like server that answers one request.
    let (quickstart, answering) = answer_once(
        "text/xml",
        "<Response><Say>hello from the quickstart</Say></Response>",
    );
    let port = quickstart.port().to_string();
    let mut tunnel = c2c(&["tunnel", "--port", &port, "--path", "/twiml"]).token_env();
    for (name, value) in tunnel_env(&mock, &edge) {
        tunnel = tunnel.env(name, value);
    }
    let tunnel = tunnel.spawn();
    let deadline = Instant::now() + Duration::from_secs(10);
    while mock.voice_url().is_empty() {
        assert!(
            Instant::now() < deadline,
            "c2c tunnel never set the Voice URL"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(mock.voice_url(), format!("{URL}/twiml"));
    assert_eq!(
        mock.status_callback(),
        "",
        "c2c tunnel leaves the status callback alone"
    );
    let reply = parse_reply(
        edge.request(&post("/twiml", &[("To", "+1")], None))
            .as_bytes(),
    );
    assert_eq!(reply.status, 200);
    assert!(
        reply.text().contains("hello from the quickstart"),
        "{}",
        reply.text()
    );
    assert!(
        answering
            .join()
            .unwrap()
            .starts_with("POST /twiml HTTP/1.1")
    );

    assert_eq!(tunnel.terminate(), Some(0));
    assert_eq!(mock.voice_url(), "");
}

#[test]
fn configure_refuses_to_change_an_app_a_running_c2c_holds() {
    let mock = TwilioMock::start();
    let edge = Edge::start(NGROK_AUTHTOKEN, &[URL]);
    let home = tempfile::tempdir().unwrap();
    let home_path = home.path().to_str().unwrap();
    let state = [("HOME", home_path), ("XDG_STATE_HOME", home_path)];
    let mut running = serve_tunnel(&mock, &edge, &[], &state);
    let configure = |args: &[&str]| {
        let mut all = vec!["configure"];
        all.extend_from_slice(args);
        c2c(&all).against(&mock).state_in(home_path).run()
    };
    let run = configure(&["--url", "https://mine.example/voice"]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("Another c2c (process") && run.stderr.contains("Stop it first"),
        "{}",
        run.stderr
    );
    assert_eq!(
        mock.voice_url(),
        format!("{URL}/voice"),
        "left as c2c set it"
    );
    // Showing the app is harmless, and says who holds it.
    let run = configure(&[]);
    run.assert_code(0);
    assert!(run.stdout.contains("is using it"), "{}", run.stdout);

    assert_eq!(running.terminate().0, Some(0));
    assert_eq!(mock.voice_url(), "", "put back on exit");
    configure(&["--url", "https://mine.example/voice"]).assert_code(0);
    assert_eq!(mock.voice_url(), "https://mine.example/voice");
}

/// c2c's SIP Domain in the mock, sending calls to `voice_url`; its SID.
fn sip_domain(mock: &TwilioMock, voice_url: &str) -> String {
    mock.sip(|sip| {
        let sid = format!("SD{:032x}", sip.domains.len() + 1);
        sip.domains.push(serde_json::json!({
            "sid": sid, "domain_name": "c2c-test.sip.twilio.com", "friendly_name": "c2c",
            "voice_url": voice_url, "voice_method": "POST",
        }));
        sid
    })
}

fn domain_url(mock: &TwilioMock) -> String {
    mock.sip(|sip| {
        sip.domains[0]["voice_url"]
            .as_str()
            .unwrap_or("")
            .to_owned()
    })
}

#[test]
fn the_sip_domain_follows_the_app_to_the_tunnel_and_back() {
    let mock = TwilioMock::start();
    mock.set_voice_url("https://before.example/voice");
    // As `configure --sip` made it: sending calls where the app did.
    sip_domain(&mock, "https://before.example/voice");
    let edge = Edge::start(NGROK_AUTHTOKEN, &[URL]);
    let home = tempfile::tempdir().unwrap();
    let home_path = home.path().to_str().unwrap();
    let with_domain = [
        ("TWILIO_SIP_DOMAIN", "c2c-test.sip.twilio.com"),
        ("HOME", home_path),
        ("XDG_STATE_HOME", home_path),
    ];
    let mut c2c_run = serve_tunnel(&mock, &edge, &["--force"], &with_domain);
    c2c_run.wait_for_log("Pointing the SIP Domain c2c-test.sip.twilio.com at the tunnel");
    assert_eq!(domain_url(&mock), format!("{URL}/voice"));
    let (code, _) = c2c_run.terminate();
    assert_eq!(code, Some(0), "{}", c2c_run.log());
    assert_eq!(domain_url(&mock), "https://before.example/voice");
    assert_eq!(mock.voice_url(), "https://before.example/voice");

    // A run killed with both pointed at its tunnel: configure --restore puts both back.
    let mut killed = serve_tunnel(&mock, &edge, &["--force"], &with_domain);
    wait_until("the Domain is pointed", || {
        domain_url(&mock) == format!("{URL}/voice")
    });
    killed.kill();
    let run = restore(&mock, home_path);
    run.assert_code(0);
    assert!(
        run.stdout.contains("the SIP Domain SD")
            && run.stdout.contains("-> https://before.example/voice"),
        "{}",
        run.stdout
    );
    assert_eq!(domain_url(&mock), "https://before.example/voice");
    assert_eq!(mock.voice_url(), "https://before.example/voice");
}

#[test]
fn a_sip_domain_sending_calls_elsewhere_is_left_alone_and_the_run_goes_on() {
    let mock = TwilioMock::start();
    sip_domain(&mock, "https://pbx.example/voice");
    let edge = Edge::start(NGROK_AUTHTOKEN, &[URL]);
    let mut c2c_run = serve_tunnel(
        &mock,
        &edge,
        &[],
        &[("TWILIO_SIP_DOMAIN", "c2c-test.sip.twilio.com")],
    );
    c2c_run.wait_for_log(
        "the SIP Domain c2c-test.sip.twilio.com sends calls to https://pbx.example/voice, which c2c did not set",
    );
    assert_eq!(
        mock.voice_url(),
        format!("{URL}/voice"),
        "the app is pointed"
    );
    assert_eq!(domain_url(&mock), "https://pbx.example/voice");
    let (code, _) = c2c_run.terminate();
    assert_eq!(code, Some(0), "{}", c2c_run.log());
    assert_eq!(domain_url(&mock), "https://pbx.example/voice");
}
