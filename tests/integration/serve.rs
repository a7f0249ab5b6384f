//! `c2c serve`: every route, each side, each refusal.

use crate::server::{CALLER_ID, serve};
use crate::support::{AUTH_TOKEN, jwt_part};
use crate::twilio_signature;

const FORWARDED: (&str, &str) = ("X-Forwarded-For", "203.0.113.9");
const PUBLIC: &str = "https://c2c.example.test";

fn from_browser(to: &str) -> Vec<(&'static str, String)> {
    vec![
        ("From", "client:alice".to_owned()),
        ("To", to.to_owned()),
        ("CallSid", "CA1".to_owned()),
    ]
}

fn pairs<'a>(params: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    params.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

fn sign(url: &str, params: &[(&'static str, String)]) -> String {
    twilio_signature::sign(url, &pairs(params))
}

#[test]
fn serves_the_page_with_etags_and_the_sdk_gzipped_and_immutable() {
    let c2c = serve(&[], &[]);
    let page = c2c.get("/", &[]);
    assert_eq!(page.status, 200);
    assert!(page.text().contains("<title>c2c"), "{}", page.text());
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(page.header("cache-control"), Some("no-cache"));
    let etag = page.header("etag").expect("an ETag").to_owned();
    assert_eq!(c2c.get("/", &[("If-None-Match", &etag)]).status, 304);

    let sdk_path = page
        .text()
        .split("/assets/vendor/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let sdk = c2c.get(
        &format!("/assets/vendor/{sdk_path}"),
        &[("Accept-Encoding", "gzip")],
    );
    assert_eq!(sdk.status, 200);
    assert_eq!(sdk.header("content-encoding"), Some("gzip"));
    assert!(sdk.header("cache-control").unwrap().contains("immutable"));
    assert_eq!(
        sdk.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    let mut plain = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&sdk.body[..]), &mut plain)
        .unwrap();
    assert!(plain.len() > 100_000 && String::from_utf8_lossy(&plain).contains("Twilio"));

    assert_eq!(
        c2c.get("/assets/app.js", &[]).header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    assert_eq!(c2c.get("/assets/nope.js", &[]).status, 404);
}

#[test]
fn each_token_request_gets_its_own_identity_unless_it_asks_for_one() {
    let c2c = serve(&[], &[]);
    let token = |target: &str| {
        let reply = c2c.get(target, &[]);
        assert_eq!(reply.status, 200, "{}", reply.text());
        assert_eq!(reply.header("cache-control"), Some("no-store"));
        serde_json::from_slice::<serde_json::Value>(&reply.body).unwrap()
    };
    let (a, b) = (token("/token"), token("/token"));
    assert_ne!(a["identity"], b["identity"]);
    let claims = jwt_part(a["token"].as_str().unwrap(), 1);
    assert_eq!(claims["grants"]["identity"], a["identity"]);
    assert!(a["expires_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(a["caller_id"], crate::server::CALLER_ID);
    assert_eq!(token("/token?identity=alice")["identity"], "alice");
    assert_eq!(c2c.get("/token?identity=a%20b", &[]).status, 400);
}

#[test]
fn tokens_are_rate_limited_per_client() {
    let c2c = serve(&["--token-rate", "2"], &[]);
    assert_eq!(c2c.get("/token", &[]).status, 200);
    assert_eq!(c2c.get("/token", &[]).status, 200);
    let limited = c2c.get("/token", &[]);
    assert_eq!(limited.status, 429);
    assert!(
        limited
            .header("retry-after")
            .unwrap()
            .parse::<u64>()
            .unwrap()
            >= 1
    );
}

#[test]
fn local_calls_follow_the_dial_policy() {
    let c2c = serve(&["--allow-country", "US,GB"], &[]);
    let voice = |to: &str| {
        c2c.post_form("/voice", &[], &pairs(&from_browser(to)))
            .text()
    };
    assert!(voice("+1 415 555 2671").contains(&format!(
        r#"<Dial callerId="{CALLER_ID}" answerOnBridge="true" action="/dial-status"><Number>+14155552671</Number></Dial>"#
    )));
    assert!(voice("+442079460958").contains("<Number>+442079460958</Number>"));
    for refused in ["+33142685300", "+19005550123", "hello", ""] {
        let twiml = voice(refused);
        assert!(
            twiml.contains("<Say>") && twiml.contains("<Hangup/>") && !twiml.contains("<Dial"),
            "{refused}: {twiml}"
        );
    }
    // wait_for_log fails the test when the line never comes.
    c2c.wait_for_log("is in FR, which the dial policy does not allow");
    c2c.wait_for_log("+19005550123 is a premium-rate number");
    assert!(voice("client:bob").contains("<Client>bob</Client>"));
}

#[test]
fn incoming_calls_ring_the_browsers_that_registered() {
    let c2c = serve(&[], &[]);
    let incoming = [
        ("From", "+14155552671"),
        ("To", CALLER_ID),
        ("CallSid", "CA2"),
    ];
    let nobody = c2c.post_form("/voice", &[], &incoming).text();
    assert!(
        nobody.contains("nobody is at the browser phone"),
        "{nobody}"
    );
    let tokens: Vec<String> = ["tab1", "tab2", "never-registered"]
        .iter()
        .map(|id| {
            let reply = c2c.get(&format!("/token?identity={id}"), &[]);
            serde_json::from_slice::<serde_json::Value>(&reply.body).unwrap()["token"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    let announced = c2c.post_form("/voice", &[], &incoming).text();
    assert!(
        announced.contains("nobody is at the browser phone"),
        "a token alone rings nothing: {announced}"
    );
    let register = |token: &str| {
        let body = serde_json::json!({ "token": token }).to_string();
        c2c.request(
            "POST",
            "/registered",
            &[("Content-Type", "application/json")],
            body.as_bytes(),
        )
    };
    assert_eq!(register(&tokens[0]).status, 204);
    assert_eq!(register(&tokens[1]).status, 204);
    assert_eq!(register("forged.token.here").status, 400);
    let ring = c2c.post_form("/voice", &[], &incoming).text();
    assert!(!ring.contains("never-registered"), "{ring}");
    assert!(
        ring.contains("<Client>tab1</Client>") && ring.contains("<Client>tab2</Client>"),
        "{ring}"
    );
    assert!(
        !ring.contains("callerId"),
        "the browsers see the real caller: {ring}"
    );
    let stranger = c2c
        .post_form(
            "/voice",
            &[],
            &[("From", "+14155552671"), ("To", "+14155550199")],
        )
        .text();
    assert!(stranger.contains("<Say>"), "{stranger}");
}

#[test]
fn the_public_side_answers_only_signed_webhooks() {
    let c2c = serve(
        &["--public-url", PUBLIC],
        &[("TWILIO_AUTH_TOKEN", AUTH_TOKEN)],
    );
    for path in ["/", "/token", "/assets/app.js", "/healthz"] {
        assert_eq!(c2c.get(path, &[FORWARDED]).status, 403, "{path}");
    }
    let params = from_browser("+14155552671");
    let unsigned = c2c.post_form("/voice", &[FORWARDED], &pairs(&params));
    assert_eq!(unsigned.status, 403);
    assert!(
        c2c.wait_for_log("no X-Twilio-Signature header")
            .contains("refused /voice from outside")
    );

    let good = sign(&format!("{PUBLIC}/voice"), &params);
    let signed = c2c.post_form(
        "/voice",
        &[FORWARDED, ("X-Twilio-Signature", &good)],
        &pairs(&params),
    );
    assert_eq!(signed.status, 200);
    assert!(signed.text().contains("<Number>+14155552671</Number>"));

    let mut tampered = params.clone();
    tampered[1].1 = "+19005550123".into();
    let forged = c2c.post_form(
        "/voice",
        &[FORWARDED, ("X-Twilio-Signature", &good)],
        &pairs(&tampered),
    );
    assert_eq!(forged.status, 403);

    let status = [
        ("CallSid", "CA9".to_owned()),
        ("CallStatus", "completed".to_owned()),
        ("CallDuration", "42".to_owned()),
    ];
    let sig = sign(&format!("{PUBLIC}/status"), &status);
    let reply = c2c.post_form(
        "/status",
        &[FORWARDED, ("X-Twilio-Signature", &sig)],
        &pairs(&status),
    );
    assert_eq!(reply.status, 204);
    assert!(c2c.wait_for_log("call CA9 completed").contains("(42 s)"));
}

#[test]
fn without_an_auth_token_public_webhooks_are_refused_unless_explicitly_allowed() {
    let c2c = serve(&["--public-url", PUBLIC], &[]);
    let log = c2c.wait_for_log("TWILIO_AUTH_TOKEN is not set");
    assert!(log.contains("TWILIO_AUTH_TOKEN is not set"), "{log}");
    let owned = from_browser("+14155552671");
    let params = pairs(&owned);
    assert_eq!(c2c.post_form("/voice", &[FORWARDED], &params).status, 403);
    assert_eq!(
        c2c.post_form("/voice", &[], &params).status,
        200,
        "local callers are trusted"
    );

    let c2c = serve(
        &["--public-url", PUBLIC, "--insecure-unsigned-webhooks"],
        &[],
    );
    let log = c2c.wait_for_log("anyone who finds");
    assert!(
        log.contains("anyone who finds the address can place calls"),
        "{log}"
    );
    assert_eq!(c2c.post_form("/voice", &[FORWARDED], &params).status, 200);
}

#[test]
fn a_foreign_host_name_is_refused_against_dns_rebinding() {
    let c2c = serve(&[], &[]);
    assert_eq!(
        c2c.get("/token", &[("Host", "evil.example:5000")]).status,
        403
    );
    assert_eq!(c2c.get("/token", &[("Host", "localhost")]).status, 200);
}

#[test]
fn share_opens_the_page_to_the_public_side_behind_a_printed_password() {
    let c2c = serve(&["--share", "--public-url", PUBLIC], &[]);
    let log = c2c.wait_for_log("with the password ");
    let password = log
        .split("with the password ")
        .nth(1)
        .and_then(|rest| rest.lines().next())
        .expect("a printed password")
        .trim()
        .to_owned();
    let refused = c2c.get("/token", &[FORWARDED]);
    assert_eq!(refused.status, 401);
    assert!(
        refused
            .header("www-authenticate")
            .unwrap()
            .starts_with("Basic")
    );
    use base64::Engine;
    let auth = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("me:{password}"))
    );
    assert_eq!(
        c2c.get("/token", &[FORWARDED, ("Authorization", &auth)])
            .status,
        200
    );
    let wrong = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode("me:guess")
    );
    assert_eq!(
        c2c.get("/token", &[FORWARDED, ("Authorization", &wrong)])
            .status,
        401
    );
}

#[test]
fn errors_have_their_status_and_a_short_text() {
    // -v: each request's line is a debug line.
    let c2c = serve(&["-v"], &[]);
    let not_found = c2c.get("/nope", &[]);
    assert_eq!(
        (not_found.status, not_found.text().as_str()),
        (404, "Not found.\n")
    );
    let wrong_method = c2c.get("/voice", &[]);
    assert_eq!(wrong_method.status, 405);
    assert_eq!(wrong_method.header("allow"), Some("POST"));
    assert_eq!(c2c.request("POST", "/token", &[], b"").status, 405);
    let big = vec![b'a'; 70 * 1024];
    let too_big = c2c.request(
        "POST",
        "/voice",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        &big,
    );
    assert_eq!(too_big.status, 413);
    let malformed = c2c.request(
        "POST",
        "/voice",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        b"To=%zz",
    );
    assert_eq!(malformed.status, 400);
    assert_eq!(c2c.get("/healthz", &[]).text(), "ok\n");
    let log = c2c.wait_for_log("GET /healthz 200");
    assert!(
        log.contains("GET /nope 404") && log.contains("POST /voice 413"),
        "{log}"
    );
}

#[test]
fn sigterm_stops_it_quickly_and_cleanly() {
    let mut c2c = serve(&[], &[]);
    assert_eq!(c2c.get("/healthz", &[]).status, 200);
    let (code, took) = c2c.terminate();
    assert_eq!(code, Some(0), "{}", c2c.log());
    assert!(took.as_secs_f64() < 2.0, "took {took:?}");
}

#[test]
fn a_port_in_use_names_the_port_and_the_flag() {
    let first = serve(&[], &[]);
    let port = first.port.to_string();
    let run = crate::support::c2c(&["serve", "--port", &port])
        .all_env()
        .env("TWILIO_CALLER_ID", CALLER_ID)
        .run();
    run.assert_code(1);
    assert!(
        run.stderr
            .contains(&format!("port {port} on 127.0.0.1 is already in use")),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--port"), "{}", run.stderr);
}

#[test]
fn a_bad_caller_id_or_country_is_a_settings_error() {
    let run = crate::support::c2c(&["serve", "--allow-country", "Narnia"])
        .all_env()
        .env("TWILIO_CALLER_ID", "4155550100")
        .run();
    run.assert_code(3);
    assert!(
        run.stderr
            .contains("TWILIO_CALLER_ID (environment) is not a valid caller ID"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("--allow-country is not a valid list of allowed countries"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_caller_id_that_libphonenumber_rejects_refuses_calls_and_says_which_setting() {
    // The right shape, but no such number. libphonenumber's data loads on the first call (it
    // would cost 4 MB to hold in a server nobody calls), so that is when c2c finds out.
    let c2c = serve(&[], &[("TWILIO_CALLER_ID", "+10005550100")]);
    let twiml = c2c
        .post_form("/voice", &[], &pairs(&from_browser("+14155552671")))
        .text();
    assert!(
        twiml.contains("not set up correctly") && !twiml.contains("<Dial"),
        "{twiml}"
    );
    c2c.wait_for_log("TWILIO_CALLER_ID (environment) is not a valid caller ID: +10005550100: ");
    c2c.wait_for_log("Use one of your Twilio numbers");

    let c2c = serve(&["--caller-id", "+10005550100"], &[]);
    c2c.post_form("/voice", &[], &pairs(&from_browser("+14155552671")));
    c2c.wait_for_log("--caller-id is not a valid caller ID");
}

#[test]
fn open_hands_the_page_to_the_desktop_opener_or_says_to_open_it() {
    use std::os::unix::fs::PermissionsExt;
    use std::time::{Duration, Instant};
    let bin = tempfile::tempdir().unwrap();
    let opened = bin.path().join("opened");
    let opener = bin.path().join("xdg-open");
    std::fs::write(
        &opener,
        format!("#!/bin/sh\necho \"$@\" > '{}'\n", opened.display()),
    )
    .unwrap();
    std::fs::set_permissions(&opener, std::fs::Permissions::from_mode(0o755)).unwrap();
    let c2c = serve(&["--open"], &[("PATH", bin.path().to_str().unwrap())]);
    c2c.wait_for_log("opened http://127.0.0.1:");
    let deadline = Instant::now() + Duration::from_secs(5);
    while !opened.exists() {
        assert!(Instant::now() < deadline, "xdg-open never ran");
        std::thread::sleep(Duration::from_millis(20));
    }
    // The opener may still be writing; the line ends when it is done.
    let wanted = format!("http://127.0.0.1:{}/\n", c2c.port);
    while std::fs::read_to_string(&opened).unwrap() != wanted {
        assert!(
            Instant::now() < deadline,
            "{:?}",
            std::fs::read_to_string(&opened)
        );
        std::thread::sleep(Duration::from_millis(20));
    }

    // An opener that fails, as xdg-open does with no display (exit 3): said, not "opened".
    let failing = tempfile::tempdir().unwrap();
    let opener = failing.path().join("xdg-open");
    std::fs::write(
        &opener,
        "#!/bin/sh
echo 'no display' >&2
exit 3
",
    )
    .unwrap();
    std::fs::set_permissions(&opener, std::fs::Permissions::from_mode(0o755)).unwrap();
    let c2c = serve(&["--open"], &[("PATH", failing.path().to_str().unwrap())]);
    let log = c2c.wait_for_log("could not open a browser");
    assert!(!log.contains("opened http"), "{log}");
    assert!(
        log.contains(&format!("open http://127.0.0.1:{}/ yourself", c2c.port)),
        "{log}"
    );

    // No opener on this machine: the address to open by hand, and c2c keeps serving.
    let empty = tempfile::tempdir().unwrap();
    let c2c = serve(&["--open"], &[("PATH", empty.path().to_str().unwrap())]);
    let log = c2c.wait_for_log("could not open a browser");
    assert!(
        log.contains(&format!("open http://127.0.0.1:{}/ yourself", c2c.port)),
        "{log}"
    );
    assert_eq!(c2c.get("/healthz", &[]).status, 200);
}

#[test]
fn a_tunnel_a_dead_run_left_on_the_app_is_reported_at_start() {
    let state = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(state.path().join("c2c")).unwrap();
    std::fs::write(
        state
            .path()
            .join(format!("c2c/voice-url-{}.json", crate::support::APP_SID)),
        format!(
            r#"{{"app_sid": "{}", "pid": 4294967294, "ours": "https://gone.ngrok.app/voice",
               "previous": {{"voice_url": "", "voice_method": "POST", "status_callback": "",
                             "status_callback_method": "POST"}}}}"#,
            crate::support::APP_SID
        ),
    )
    .unwrap();
    let c2c = serve(&[], &[("XDG_STATE_HOME", state.path().to_str().unwrap())]);
    let log = c2c.wait_for_log("left the TwiML App pointing at a tunnel that is gone");
    assert!(
        log.contains("https://gone.ngrok.app/voice") && log.contains("c2c configure --restore"),
        "{log}"
    );
    assert_eq!(c2c.get("/healthz", &[]).status, 200, "it still starts");
}

#[test]
fn share_with_nothing_outside_to_share_with_says_so() {
    let c2c = serve(&["--share"], &[]);
    let log = c2c.wait_for_log("--share: nothing outside this machine can reach");
    assert!(!log.contains("with the password"), "{log}");
    assert!(log.contains("add --tunnel"), "{log}");
}

/// A call through c2c's SIP Domain, as Twilio posts it after challenging the caller.
fn through_sip(to: &str) -> Vec<(&'static str, String)> {
    vec![
        ("From", "sip:c2c@c2c-test.sip.twilio.com".to_owned()),
        ("To", to.to_owned()),
        ("CallSid", "CA3".to_owned()),
        ("SipDomain", "c2c-test.sip.twilio.com".to_owned()),
        ("SipUsername", "c2c".to_owned()),
        ("SipCallId", "abc@10.0.0.2".to_owned()),
    ]
}

#[test]
fn calls_through_c2cs_sip_domain_follow_the_dial_policy_and_no_other_domain_is_dialled() {
    let c2c = serve(
        &["--allow-country", "US", "--public-url", PUBLIC],
        &[
            ("TWILIO_SIP_DOMAIN", "c2c-test.sip.twilio.com"),
            ("TWILIO_AUTH_TOKEN", AUTH_TOKEN),
        ],
    );
    let voice = |to: &str| {
        let params = through_sip(to);
        let signature = sign(&format!("{PUBLIC}/voice"), &params);
        let reply = c2c.post_form(
            "/voice",
            &[FORWARDED, ("X-Twilio-Signature", &signature)],
            &pairs(&params),
        );
        assert_eq!(reply.status, 200, "{to}");
        reply.text()
    };
    for to in [
        "sip:+14155552671@c2c-test.sip.twilio.com",
        "sip:+14155552671@c2c-test.sip.twilio.com;transport=udp",
        "sip:%2B14155552671@C2C-TEST.sip.twilio.com:5060",
    ] {
        let twiml = voice(to);
        assert!(
            twiml.contains(&format!(
                r#"<Dial callerId="{CALLER_ID}" answerOnBridge="true" action="/dial-status"><Number>+14155552671</Number></Dial>"#
            )),
            "{to}: {twiml}"
        );
    }
    c2c.wait_for_log("sip:c2c@c2c-test.sip.twilio.com calls +14155552671 through SIP");
    for refused in [
        "sip:+33142685300@c2c-test.sip.twilio.com",
        "sip:+14155552671@someone-else.sip.twilio.com",
        "sip:+14155552671@c2c-test.sip.twilio.com.evil.example",
        "sip:c2c-test.sip.twilio.com",
    ] {
        let twiml = voice(refused);
        assert!(
            twiml.contains("<Hangup/>") && !twiml.contains("<Dial"),
            "{refused}: {twiml}"
        );
    }
    c2c.wait_for_log("the call is to another SIP Domain than c2c's c2c-test.sip.twilio.com");
    // Through the tunnel, unsigned, nothing is dialled, SIP or not.
    let unsigned = c2c.post_form(
        "/voice",
        &[FORWARDED],
        &pairs(&through_sip("sip:+14155552671@c2c-test.sip.twilio.com")),
    );
    assert_eq!(unsigned.status, 403);
}

#[test]
fn without_a_sip_domain_sip_calls_are_refused_and_the_log_says_how_to_set_one_up() {
    let c2c = serve(&[], &[]);
    let twiml = c2c
        .post_form(
            "/voice",
            &[],
            &pairs(&through_sip("sip:+14155552671@c2c-test.sip.twilio.com")),
        )
        .text();
    assert!(
        twiml.contains("<Hangup/>") && !twiml.contains("<Dial"),
        "{twiml}"
    );
    c2c.wait_for_log("c2c has no SIP Domain (run `c2c configure --sip`");
}
