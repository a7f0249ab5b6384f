//! No secret reaches the terminal: not in help (clap shows environment values there unless told
//! not to), not in errors, not in logs.

use crate::support::{API_SECRET, AUTH_TOKEN, NGROK_AUTHTOKEN, c2c};

fn assert_no_secret(context: &str, text: &str) {
    for secret in [API_SECRET, AUTH_TOKEN, NGROK_AUTHTOKEN] {
        assert!(!text.contains(secret), "{context} shows a secret:\n{text}");
    }
}

#[test]
fn help_never_shows_secret_values_from_the_environment() {
    for command in ["serve", "tunnel", "configure", "token", "completions"] {
        let run = c2c(&[command, "--help"]).all_env().run();
        run.assert_code(0);
        assert_no_secret(&format!("c2c {command} --help"), &run.stdout);
    }
    let run = c2c(&["serve", "--help"]).all_env().run();
    assert!(
        run.stdout.contains("[env: TWILIO_AUTH_TOKEN]"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("[env: NGROK_AUTHTOKEN]"),
        "{}",
        run.stdout
    );
}

#[test]
fn errors_and_verbose_logs_never_show_secrets() {
    // A secret pasted where a SID belongs must not be echoed back.
    let run = c2c(&["token", "-vv"])
        .all_env()
        .env("TWILIO_API_KEY", API_SECRET)
        .run();
    run.assert_code(3);
    assert_no_secret("a bad SID error", &run.stderr);
    assert_no_secret("a bad SID error", &run.stdout);

    let run = c2c(&["token", "-vv"]).all_env().run();
    run.assert_code(0);
    assert_no_secret("verbose token logs", &run.stderr);

    let run = c2c(&["token", "--decode", "-vv"])
        .all_env()
        .stdin(&run.stdout)
        .run();
    assert_no_secret("decode", &(run.stdout + &run.stderr));
}

#[test]
fn the_sip_password_is_never_shown_nor_a_secret_pasted_into_the_sip_settings() {
    let mock = crate::twilio_mock::TwilioMock::start();
    const SIP_PASSWORD: &str = "Sip-secret-0123456789";
    let run = c2c(&["configure", "--sip", "-vv"])
        .against(&mock)
        .env("TWILIO_SIP_PASSWORD", SIP_PASSWORD)
        .run();
    run.assert_code(0);
    assert!(!(run.stdout.clone() + &run.stderr).contains(SIP_PASSWORD));
    let run = c2c(&["doctor", "-vv"])
        .against(&mock)
        .env("TWILIO_SIP_DOMAIN", API_SECRET)
        .env("TWILIO_SIP_USERNAME", AUTH_TOKEN)
        .env("TWILIO_SIP_PASSWORD", NGROK_AUTHTOKEN)
        .run();
    assert!(run.stdout.contains("TWILIO_SIP_DOMAIN"), "{}", run.stdout);
    assert_no_secret("SIP settings", &(run.stdout + &run.stderr));
}

#[test]
fn a_broken_dotenv_line_is_not_quoted() {
    let run = c2c(&["token"])
        .dotenv(&format!("TWILIO_API_SECRET='{API_SECRET}\n"))
        .run();
    run.assert_code(3);
    assert_no_secret("a .env parse error", &run.stderr);
}
