//! How a call ended, as the page learns it from c2c: `/dial-status` (Twilio's `<Dial action>`
//! callback, signed like `/voice`), refusals c2c made itself, and `GET /calls/CA…` for the page.

use crate::fixtures::AUTH_TOKEN;
use crate::server::{Serve, serve};
use crate::twilio_signature::sign;

const PUBLIC: &str = "https://c2c.example.test";
const SID: &str = "CA0123456789abcdef0123456789abcdef";
/// As Twilio's requests arrive through a tunnel.
const FROM_TWILIO: (&str, &str) = ("X-Forwarded-For", "54.172.60.1");

fn public_c2c() -> Serve {
    serve(
        &["--public-url", PUBLIC],
        &[("TWILIO_AUTH_TOKEN", AUTH_TOKEN)],
    )
}

/// POSTs `params` to `path` as Twilio does: from outside, signed over the public URL.
fn from_twilio(c2c: &Serve, path: &str, params: &[(&str, &str)]) -> crate::server::Reply {
    let signature = sign(&format!("{PUBLIC}{path}"), params);
    c2c.post_form(
        path,
        &[
            FROM_TWILIO,
            ("Host", "c2c.example.test"),
            ("X-Twilio-Signature", &signature),
        ],
        params,
    )
}

fn outcome(c2c: &Serve, sid: &str) -> (u16, String) {
    let reply = c2c.get(
        &format!("/calls/{sid}"),
        &[("Sec-Fetch-Site", "same-origin")],
    );
    (reply.status, reply.text())
}

#[test]
fn the_dial_status_is_kept_for_the_page_and_the_call_ends() {
    let c2c = public_c2c();
    assert_eq!(outcome(&c2c, SID).0, 404, "nothing known yet");
    let reply = from_twilio(
        &c2c,
        "/dial-status",
        &[
            ("CallSid", SID),
            ("DialCallStatus", "busy"),
            ("From", "client:alice"),
            ("To", "+14155552671"),
        ],
    );
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert!(
        reply.text().ends_with("<Response><Hangup/></Response>"),
        "{}",
        reply.text()
    );
    assert_eq!(
        outcome(&c2c, SID),
        (200, r#"{"outcome":"busy"}"#.to_owned())
    );
    c2c.wait_for_log(&format!("call {SID} to +14155552671: busy"));

    let answered = "CA1123456789abcdef0123456789abcdef";
    let params = [
        ("CallSid", answered),
        ("DialCallStatus", "completed"),
        ("DialCallDuration", "42"),
    ];
    assert_eq!(from_twilio(&c2c, "/dial-status", &params).status, 200);
    assert_eq!(
        outcome(&c2c, answered).1,
        r#"{"outcome":"completed","duration":42}"#
    );
}

#[test]
fn an_unsigned_dial_status_from_outside_is_refused_and_changes_nothing() {
    let c2c = public_c2c();
    let params = [("CallSid", SID), ("DialCallStatus", "busy")];
    let reply = c2c.post_form(
        "/dial-status",
        &[FROM_TWILIO, ("Host", "c2c.example.test")],
        &params,
    );
    assert_eq!(reply.status, 403);
    assert_eq!(outcome(&c2c, SID).0, 404);
    // A status Twilio never sends is no outcome either.
    let odd = [("CallSid", SID), ("DialCallStatus", "<b>won</b>")];
    assert_eq!(from_twilio(&c2c, "/dial-status", &odd).status, 200);
    assert_eq!(outcome(&c2c, SID).0, 404);
}

#[test]
fn a_refused_number_and_a_mismatched_signature_are_explained_to_the_page() {
    let c2c = public_c2c();
    let refused = [
        ("CallSid", SID),
        ("From", "client:alice"),
        ("To", "+442079460958"),
    ];
    let reply = from_twilio(&c2c, "/voice", &refused);
    assert!(reply.text().contains("<Say>"), "{}", reply.text());
    let (status, body) = outcome(&c2c, SID);
    assert_eq!(status, 200);
    assert!(body.contains(r#""outcome":"refused""#), "{body}");
    assert!(
        body.contains("c2c did not dial: +442079460958 is in GB, which the dial policy does not allow (add it with --allow-country)."),
        "{body}"
    );

    let other = "CA2123456789abcdef0123456789abcdef";
    let params = [
        ("CallSid", other),
        ("From", "client:alice"),
        ("To", "+14155552671"),
    ];
    let reply = c2c.post_form(
        "/voice",
        &[
            FROM_TWILIO,
            ("Host", "c2c.example.test"),
            ("X-Twilio-Signature", "bm90IGl0"),
        ],
        &params,
    );
    assert_eq!(reply.status, 403);
    let (status, body) = outcome(&c2c, other);
    assert_eq!(status, 200);
    assert!(body.contains(r#""outcome":"rejected-webhook""#), "{body}");
    assert!(body.contains("Set TWILIO_AUTH_TOKEN"), "{body}");
    assert!(!body.contains(AUTH_TOKEN), "no secret in it");
}

#[test]
fn outcomes_are_for_the_page_only() {
    let c2c = public_c2c();
    from_twilio(
        &c2c,
        "/dial-status",
        &[("CallSid", SID), ("DialCallStatus", "no-answer")],
    );
    assert_eq!(outcome(&c2c, SID).0, 200);
    let public = c2c.get(
        &format!("/calls/{SID}"),
        &[FROM_TWILIO, ("Host", "c2c.example.test")],
    );
    assert_eq!(public.status, 403, "{}", public.text());
    let cross = c2c.get(
        &format!("/calls/{SID}"),
        &[("Sec-Fetch-Site", "cross-site")],
    );
    assert_eq!(cross.status, 403, "{}", cross.text());
    assert_eq!(
        c2c.post_form(&format!("/calls/{SID}"), &[], &[]).status,
        405
    );
}

#[test]
fn the_pages_token_lifetime_is_a_setting_with_a_floor() {
    let c2c = serve(&["--token-ttl", "20s"], &[]);
    let token = c2c.get("/token", &[]).text();
    let claims = crate::support::jwt_part(
        serde_json::from_str::<serde_json::Value>(&token).unwrap()["token"]
            .as_str()
            .unwrap(),
        1,
    );
    assert_eq!(
        claims["exp"].as_u64().unwrap() - claims["nbf"].as_u64().unwrap(),
        20
    );

    let run = crate::support::c2c(&["serve", "--port", "0", "--token-ttl", "10s"])
        .all_env()
        .run();
    run.assert_code(2);
    assert!(
        run.stderr.contains("--token-ttl") && run.stderr.contains("at least 20 s"),
        "{}",
        run.stderr
    );
}

#[test]
fn refused_requests_never_overwrite_or_evict_what_twilio_said() {
    let c2c = public_c2c();
    assert_eq!(
        from_twilio(
            &c2c,
            "/dial-status",
            &[("CallSid", SID), ("DialCallStatus", "busy")]
        )
        .status,
        200
    );
    let forge = |sid: &str, headers: &[(&str, &str)]| {
        let params = [("CallSid", sid), ("To", "+14155552671")];
        c2c.post_form("/voice", headers, &params).status
    };
    let bogus = [
        FROM_TWILIO,
        ("Host", "c2c.example.test"),
        ("X-Twilio-Signature", "Zm9yZ2Vk"),
    ];
    // A bogus signature for the real call, and from a rebinding page's Host on loopback.
    assert_eq!(forge(SID, &bogus), 403);
    assert_eq!(
        forge(
            SID,
            &[
                ("Host", "evil.example:5000"),
                ("X-Twilio-Signature", "eA==")
            ]
        ),
        403
    );
    assert_eq!(
        outcome(&c2c, SID).1,
        r#"{"outcome":"busy"}"#,
        "not replaced"
    );
    // A flood of them, each for another call.
    for i in 0..300 {
        forge(&format!("CA{i:032x}"), &bogus);
    }
    assert_eq!(outcome(&c2c, SID).1, r#"{"outcome":"busy"}"#, "not evicted");
}

#[test]
fn without_an_auth_token_an_unsigned_request_writes_nothing() {
    // No TWILIO_AUTH_TOKEN: a plain form another site (or anyone) posts is refused, silently.
    let c2c = serve(&["--public-url", PUBLIC], &[]);
    let params = [("CallSid", SID), ("To", "+14155552671")];
    let reply = c2c.post_form(
        "/voice",
        &[FROM_TWILIO, ("Host", "c2c.example.test")],
        &params,
    );
    assert_eq!(reply.status, 403);
    assert_eq!(outcome(&c2c, SID).0, 404, "{}", outcome(&c2c, SID).1);
    // A request that claims to be Twilio's is explained: it may be the user's own call.
    let reply = c2c.post_form(
        "/voice",
        &[
            FROM_TWILIO,
            ("Host", "c2c.example.test"),
            ("X-Twilio-Signature", "eA=="),
        ],
        &params,
    );
    assert_eq!(reply.status, 403);
    let (status, body) = outcome(&c2c, SID);
    assert_eq!(status, 200);
    assert!(body.contains("set TWILIO_AUTH_TOKEN"), "{body}");
}
