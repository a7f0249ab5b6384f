//! `c2c doctor` against the REST mock: a healthy account, and each misconfiguration it finds.

use serde_json::Value;

use crate::support::{C2c, NGROK_AUTHTOKEN, c2c};
use crate::twilio_mock::{NUMBER, TwilioMock};

fn doctor(mock: &TwilioMock, args: &[&str]) -> C2c {
    let mut all = vec!["doctor"];
    all.extend_from_slice(args);
    c2c(&all).against(mock)
}

fn statuses(json: &str) -> Vec<(String, String)> {
    let report: Value = serde_json::from_str(json).unwrap();
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_owned(),
                c["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn status_of<'a>(all: &'a [(String, String)], name: &str) -> &'a str {
    all.iter()
        .find(|(n, _)| n == name)
        .map(|(_, s)| s.as_str())
        .unwrap_or_else(|| panic!("no check {name}: {all:?}"))
}

#[test]
fn a_healthy_account_passes_every_check() {
    let mock = TwilioMock::start();
    mock.set_voice_url("https://me.example/voice");
    let run = doctor(&mock, &[]).run();
    run.assert_code(0);
    for line in [
        "ok    credentials",
        &format!("ok    caller ID        {NUMBER} is one of your numbers, able to call"),
        "ok    calls to US",
        "ok    TwiML App",
        "ok    clock",
        "ok    recent errors",
    ] {
        assert!(run.stdout.contains(line), "{line}:\n{}", run.stdout);
    }
    assert!(!run.stdout.contains(NGROK_AUTHTOKEN), "no secret printed");
    let json = doctor(&mock, &["--json"]).run();
    json.assert_code(0);
    assert!(
        statuses(&json.stdout).iter().all(|(_, s)| s == "ok"),
        "{}",
        json.stdout
    );
}

#[test]
fn each_misconfiguration_is_found_and_explained() {
    let mock = TwilioMock::start();
    mock.set_account("type", "Trial");
    mock.verify_caller_id("+14155552671");
    mock.block_country("GB");
    mock.set_clock_ahead(600);
    mock.add_alert("11200");
    // The caller ID is neither the account's number nor verified; GB is allowed but blocked.
    let run = doctor(
        &mock,
        &[
            "--json",
            "--to",
            "+442079460958",
            "--allow-country",
            "US,GB",
        ],
    )
    .env("TWILIO_CALLER_ID", "+12125550123")
    .run();
    run.assert_code(1);
    let all = statuses(&run.stdout);
    assert_eq!(status_of(&all, "account"), "warn");
    assert_eq!(status_of(&all, "caller ID"), "fail");
    assert_eq!(status_of(&all, "calls to GB"), "fail");
    assert_eq!(status_of(&all, "calls to US"), "ok");
    assert_eq!(status_of(&all, "dial policy"), "ok");
    assert_eq!(status_of(&all, "clock"), "fail");
    assert_eq!(status_of(&all, "error 11200"), "warn");
    assert!(
        run.stderr.contains("checks failed: a call would fail too"),
        "{}",
        run.stderr
    );

    let text = doctor(
        &mock,
        &["--to", "+442079460958", "--allow-country", "US,GB"],
    )
    .env("TWILIO_CALLER_ID", "+12125550123")
    .run();
    for words in [
        "is a trial account: it calls verified numbers only (+14155552671)",
        "Verified Caller IDs",
        "Geo permissions",
        "this machine's clock is about 10 minutes behind Twilio's",
        "Twilio could not reach the webhook",
    ] {
        assert!(text.stdout.contains(words), "{words}:\n{}", text.stdout);
    }
}

#[test]
fn wrong_credentials_or_an_unknown_app_fail_with_the_fix() {
    let mock = TwilioMock::start();
    let run = doctor(&mock, &[]).env("TWILIO_API_SECRET", "wrong").run();
    run.assert_code(1);
    assert!(run.stdout.contains("FAIL  credentials"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("Check TWILIO_API_KEY and TWILIO_API_SECRET"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("wrong"), "no secret printed");

    let run = doctor(&mock, &[])
        .env("TWILIO_TWIML_APP_SID", "AP00000000000000000000000000000009")
        .run();
    run.assert_code(1);
    assert!(run.stdout.contains("FAIL  TwiML App"), "{}", run.stdout);
    assert!(
        run.stdout.contains("c2c configure --create"),
        "{}",
        run.stdout
    );
}

#[test]
fn twilio_out_of_reach_is_said_once_and_blames_no_credential() {
    // Nothing listens at port 9, as on a machine with no network.
    let run = crate::support::c2c(&["doctor"])
        .all_env()
        .env("C2C_TWILIO_API_BASE", "http://127.0.0.1:9")
        .env("C2C_TWILIO_TIMEOUT", "2")
        .run();
    run.assert_code(4);
    // Said once, as the report's first line; no credential is blamed; what needs no network is
    // still checked.
    let both = format!("{}{}", run.stdout, run.stderr);
    assert_eq!(
        both.matches("Twilio could not be reached").count(),
        1,
        "{both}"
    );
    assert!(run.stdout.starts_with("FAIL  Twilio"), "{}", run.stdout);
    assert!(!run.stdout.contains("credentials"), "{}", run.stdout);
    for local in ["ngrok authtoken", "browser", "speech", "voice"] {
        assert!(run.stdout.contains(local), "{local}: {}", run.stdout);
    }
    // A SID that is wrong on its face is wrong offline too (the README's own AP… placeholder).
    let run = crate::support::c2c(&["doctor", "--json"])
        .all_env()
        .env("C2C_TWILIO_API_BASE", "http://127.0.0.1:9")
        .env("C2C_TWILIO_TIMEOUT", "2")
        .env("TWILIO_TWIML_APP_SID", "AP…")
        .run();
    run.assert_code(4);
    let report: serde_json::Value =
        serde_json::from_str(&run.stdout).expect("--json prints its report");
    assert_eq!(report["ok"], false);
    assert!(report["unreachable"].is_string(), "{report}");
    let names: Vec<&str> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "Twilio",
            "TwiML App",
            "ngrok authtoken",
            "browser",
            "speech",
            "voice"
        ],
        "{report}"
    );
    let run = crate::support::c2c(&["doctor"])
        .all_env()
        .env("C2C_TWILIO_API_BASE", "http://127.0.0.1:9")
        .env("C2C_TWILIO_TIMEOUT", "2")
        .run();
    assert_eq!(
        run.stderr
            .matches("Checking the account with Twilio")
            .count(),
        1,
        "{}",
        run.stderr
    );
}

#[test]
fn the_browser_c2c_call_would_use_is_named_and_an_old_one_is_warned_of() {
    let mock = TwilioMock::start();
    let old = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/old-chromium.mjs"
    );
    let run = doctor(&mock, &["--json"]).env("CHROME_PATH", old).run();
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    let browser = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "browser")
        .unwrap_or_else(|| panic!("{report}"));
    assert_eq!(browser["status"], "warn", "{browser}");
    let found = browser["found"].as_str().unwrap();
    assert!(
        found.contains(old) && found.contains("version 99: too old"),
        "{found}"
    );
    assert!(browser["fix"].as_str().unwrap().contains("112 or newer"));
}
