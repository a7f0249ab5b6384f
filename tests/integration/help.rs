use crate::support::c2c;

#[test]
fn every_command_has_a_summary_a_description_and_examples() {
    for command in [
        "serve",
        "tunnel",
        "configure",
        "doctor",
        "token",
        "completions",
    ] {
        let run = c2c(&[command, "--help"]).run();
        run.assert_code(0);
        let mut lines = run.stdout.lines();
        let summary = lines.next().unwrap_or_default();
        assert!(
            !summary.is_empty() && !summary.ends_with('.'),
            "c2c {command}: {summary:?}"
        );
        assert_eq!(
            lines.next(),
            Some(""),
            "c2c {command}: a blank line after the summary"
        );
        let description = lines.next().unwrap_or_default();
        assert!(
            description.len() > 40,
            "c2c {command} has no description: {}",
            run.stdout
        );
        assert!(
            run.stdout.contains("Examples:\n  c2c "),
            "c2c {command} has no examples"
        );
    }
}

#[test]
fn top_level_help_documents_layers_and_exit_status() {
    let run = c2c(&["--help"]).run();
    run.assert_code(0);
    assert!(run.stdout.contains("flags, environment variables, ./.env"));
    assert!(
        run.stdout
            .contains("2 usage error (a flag or its value), 3 settings error")
    );
    assert!(run.stdout.contains("4 Twilio or ngrok error"));
}

#[test]
fn completions_help_shows_only_what_applies() {
    let run = c2c(&["completions", "--help"]).run();
    run.assert_code(0);
    for other in ["--config", "--env-file", "--verbose", "--quiet"] {
        assert!(!run.stdout.contains(other), "{other}:\n{}", run.stdout);
    }
    // And they are still accepted there, as everywhere.
    c2c(&["completions", "bash", "-v"]).run().assert_code(0);
    let serve = c2c(&["serve", "--help"]).run();
    assert!(serve.stdout.contains("--config"), "{}", serve.stdout);
}

#[test]
fn options_come_in_the_order_people_need_them_and_short_help_names_the_account_once() {
    let long = c2c(&["serve", "--help"]).run().stdout;
    let at = |flag: &str| {
        long.find(&format!("      {flag}"))
            .unwrap_or_else(|| panic!("{flag} is not in serve --help"))
    };
    assert!(at("--tunnel") < at("--open") && at("--open") < at("--allow-country"));
    assert!(at("--allow-country") < at("--token-rate"));
    let verbose = long.find("  -v, --verbose").expect("-v in serve --help");
    assert!(at("--token-rate") < verbose, "globals last");
    assert!(at("--account-sid") < at("--caller-id") && at("--caller-id") < at("--region"));
    assert!(
        long.contains("Twilio account (or the TWILIO_* variables"),
        "{long}"
    );

    let short = c2c(&["serve", "-h"]).run().stdout;
    assert!(!short.contains("--account-sid <SID>"), "{short}");
    assert!(
        short.contains("Twilio account: --account-sid, --api-key"),
        "{short}"
    );
    assert!(
        short.lines().count() < 60,
        "{} lines",
        short.lines().count()
    );
}
