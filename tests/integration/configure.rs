//! `c2c configure` against the REST mock: each action, and each way Twilio can fail.

use std::time::{Duration, Instant};

use crate::support::{API_SECRET, APP_SID, AUTH_TOKEN, C2c, answer_once, c2c};
use crate::twilio_mock::{NUMBER, TwilioMock};

/// `c2c configure ARGS` with every setting, talking to `mock`; more `.env(…)` may follow.
fn configure(mock: &TwilioMock, args: &[&str]) -> C2c {
    let mut all = vec!["configure"];
    all.extend_from_slice(args);
    c2c(&all).against(mock)
}

#[test]
fn shows_the_apps_voice_settings_as_text_and_json() {
    let mock = TwilioMock::start();
    mock.set_voice_url("https://old.example/voice");
    let run = configure(&mock, &[]).run();
    run.assert_code(0);
    assert!(
        run.stdout.contains(&format!("TwiML App {APP_SID}")),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("Voice URL        https://old.example/voice (POST)"),
        "{}",
        run.stdout
    );
    let json: serde_json::Value =
        serde_json::from_str(&configure(&mock, &["--json"]).run().stdout).unwrap();
    assert_eq!(json["voice_url"], "https://old.example/voice");
    assert!(mock.writes().is_empty());
}

#[test]
fn sets_the_voice_url_and_a_dry_run_changes_nothing() {
    let mock = TwilioMock::start();
    let run = configure(&mock, &["--url", "https://x.example/voice", "--dry-run"]).run();
    run.assert_code(0);
    assert!(run.stdout.contains("would change"), "{}", run.stdout);
    assert!(mock.writes().is_empty());

    let run = configure(&mock, &["--url", "https://x.example/voice"]).run();
    run.assert_code(0);
    assert!(
        run.stdout
            .contains("(no Voice URL) -> https://x.example/voice"),
        "{}",
        run.stdout
    );
    assert_eq!(mock.voice_url(), "https://x.example/voice");

    let run = configure(&mock, &["--url", "ftp://nope"]).run();
    run.assert_code(2);
    assert!(
        run.stderr.contains("--url is not a valid Voice URL"),
        "{}",
        run.stderr
    );
}

#[test]
fn creates_an_app_and_attaches_a_number() {
    let mock = TwilioMock::start();
    let run = configure(&mock, &["--create", "My softphone", "--number", NUMBER]).run();
    run.assert_code(0);
    let line = run
        .stdout
        .lines()
        .find(|l| l.starts_with("TWILIO_TWIML_APP_SID=AP"))
        .unwrap_or_else(|| panic!("a line to save:\n{}", run.stdout));
    let sid = line.trim_start_matches("TWILIO_TWIML_APP_SID=");
    assert_eq!(mock.number_app(), sid);
    let create = &mock.writes()[0];
    assert!(create.path.ends_with("/Applications.json"));
    assert!(
        create
            .form
            .contains(&("FriendlyName".into(), "My softphone".into()))
    );

    let run = configure(&mock, &["--number", "+15559998888"]).run();
    run.assert_code(4);
    assert!(
        run.stderr.contains("has no phone number +15559998888"),
        "{}",
        run.stderr
    );
}

#[test]
fn wrong_credentials_name_the_settings_and_print_no_secret() {
    let mock = TwilioMock::start();
    let run = configure(&mock, &[])
        .env("TWILIO_API_SECRET", "wrong-secret-DO-NOT-PRINT")
        .run();
    run.assert_code(4);
    assert!(
        run.stderr.contains("refused the credentials")
            && run.stderr.contains("TWILIO_API_KEY and TWILIO_API_SECRET")
            && run.stderr.contains("20003"),
        "{}",
        run.stderr
    );
    for secret in ["wrong-secret-DO-NOT-PRINT", API_SECRET, AUTH_TOKEN] {
        assert!(!run.stderr.contains(secret) && !run.stdout.contains(secret));
    }
    // The Auth Token works in place of the API Key.
    let run = configure(&mock, &[]).env("TWILIO_API_KEY", "").run();
    run.assert_code(0);
}

#[test]
fn an_unknown_app_says_which_sid_and_how_to_fix_it() {
    let mock = TwilioMock::start();
    let unknown = "AP99999999999999999999999999999999";
    let run = configure(&mock, &[])
        .env("TWILIO_TWIML_APP_SID", unknown)
        .run();
    run.assert_code(4);
    assert!(
        run.stderr
            .contains(&format!("reading the TwiML App {unknown}"))
            && run.stderr.contains("TWILIO_TWIML_APP_SID")
            && run.stderr.contains("c2c configure --create"),
        "{}",
        run.stderr
    );
}

#[test]
fn rate_limits_and_server_errors_are_retried_then_reported() {
    let mock = TwilioMock::start();
    mock.fail_next(&[429, 503]);
    configure(&mock, &[]).run().assert_code(0);
    assert_eq!(mock.requests().len(), 3);

    let mock = TwilioMock::start();
    mock.fail_next(&[500, 500, 500, 500]);
    let run = configure(&mock, &[]).run();
    run.assert_code(4);
    assert!(run.stderr.contains("kept failing (500)"), "{}", run.stderr);
    assert_eq!(mock.requests().len(), 4, "one try and three retries");
}

#[test]
fn a_slow_twilio_times_out_with_a_clear_message() {
    let mock = TwilioMock::start();
    mock.delay(Duration::from_secs(5));
    let started = Instant::now();
    let run = configure(&mock, &[]).env("C2C_TWILIO_TIMEOUT", "1").run();
    run.assert_code(4);
    assert!(
        run.stderr.contains("did not answer within 1 s"),
        "{}",
        run.stderr
    );
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn takes_the_url_from_a_running_ngrok_agent() {
    let mock = TwilioMock::start();
    let (agent, answering) = answer_once(
        "application/json",
        r#"{"tunnels":[{"public_url":"http://a.ngrok.app"},{"public_url":"https://a.ngrok.app"}]}"#,
    );
    let api = format!("http://{agent}/api/tunnels");
    let run = configure(&mock, &["--from-ngrok-agent"])
        .env("C2C_NGROK_AGENT_API", &api)
        .run();
    assert!(answering.join().unwrap().starts_with("GET /api/tunnels "));
    run.assert_code(0);
    assert_eq!(mock.voice_url(), "https://a.ngrok.app/voice");

    let run = configure(&mock, &["--from-ngrok-agent"])
        .env("C2C_NGROK_AGENT_API", &api)
        .run();
    run.assert_code(4);
    assert!(
        run.stderr.contains("no ngrok agent answers"),
        "{}",
        run.stderr
    );
}

#[test]
fn restore_without_a_record_says_there_is_nothing_to_do() {
    let mock = TwilioMock::start();
    let run = configure(&mock, &["--restore"]).run();
    // What --restore is for is already true: not an error.
    run.assert_code(0);
    assert!(run.stdout.contains("nothing to put back"), "{}", run.stdout);
    assert!(mock.writes().is_empty());
}

#[test]
fn a_url_without_a_scheme_says_what_a_web_address_starts_with() {
    let mock = TwilioMock::start();
    let run = configure(&mock, &["--url", "x.example/voice"]).run();
    run.assert_code(2);
    assert!(
        run.stderr
            .contains("is not a web address: it must start with https:// (or http://)"),
        "{}",
        run.stderr
    );
}
