//! A reader that stops early (`c2c completions fish | head -1`) closes c2c's standard output:
//! every command that writes there ends quietly, never with a panic.

use crate::support::c2c;
use crate::twilio_mock::TwilioMock;

fn assert_quiet(what: &str, run: &crate::support::Run) {
    assert!(
        !run.stderr.contains("panicked") && !run.stderr.contains("BrokenPipe"),
        "{what}: {}",
        run.stderr
    );
    assert_eq!(run.code, 0, "{what}: {}", run.stderr);
}

#[test]
fn every_command_that_prints_ends_quietly_when_its_reader_has_gone() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let run = c2c(&["completions", shell]).run_with_stdout_closed();
        assert_quiet(&format!("completions {shell}"), &run);
    }
    for args in [&["token"][..], &["token", "--json"]] {
        let run = c2c(args).token_env().run_with_stdout_closed();
        assert_quiet(&args.join(" "), &run);
    }
    let token = c2c(&["token"]).token_env().run().stdout;
    let run = c2c(&["token", "--decode", token.trim()]).run_with_stdout_closed();
    assert_quiet("token --decode", &run);

    let mock = TwilioMock::start();
    for args in [
        &["configure", "--json"][..],
        &["configure"],
        &["doctor", "--json"],
        &["doctor"],
    ] {
        let run = c2c(args).against(&mock).run_with_stdout_closed();
        assert!(
            !run.stderr.contains("panicked"),
            "{}: {}",
            args.join(" "),
            run.stderr
        );
        assert!(
            run.code == 0 || run.code == 1,
            "{}: {}",
            args.join(" "),
            run.stderr
        );
    }
}

#[test]
fn help_ends_quietly_too() {
    for args in [&["--help"][..], &["serve", "--help"], &["call", "--help"]] {
        let run = c2c(args).run_with_stdout_closed();
        assert_quiet(&args.join(" "), &run);
    }
}
