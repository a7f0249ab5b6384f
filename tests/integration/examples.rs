//! The phone numbers a newcomer copies: every one in the README, in `--help` and in the messages
//! c2c prints must be a number libphonenumber accepts, or the first thing they try is refused
//! (the README's example once was, and the error suggested the same number back).

use rlibphonenumber::PhoneNumberUtil;

use crate::support::c2c;

/// `+` (or a URL's `%2B`) and 8 to 15 digits, as written in prose and commands.
fn numbers(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (at, _) in text.match_indices(['+', '%']) {
        let rest = &text[at..];
        let digits_from = if rest.starts_with("%2B") {
            3
        } else if rest.starts_with('+') {
            1
        } else {
            continue;
        };
        let digits: String = rest[digits_from..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        if (8..=15).contains(&digits.len()) {
            found.push(format!("+{digits}"));
        }
    }
    found
}

fn help_texts() -> String {
    let mut all = String::new();
    for command in ["serve", "tunnel", "configure", "token", "completions"] {
        all.push_str(&c2c(&[command, "--help"]).run().stdout);
    }
    all.push_str(&c2c(&["--help"]).run().stdout);
    all
}

fn messages() -> String {
    // The caller ID missing, and a caller ID that is not E.164.
    let missing = c2c(&["serve", "--port", "0"]).token_env().run().stderr;
    let national = c2c(&["serve", "--port", "0"])
        .token_env()
        .env("TWILIO_CALLER_ID", "4155550100")
        .run()
        .stderr;
    format!("{missing}\n{national}")
}

#[test]
fn every_example_number_is_one_libphonenumber_accepts() {
    let util = PhoneNumberUtil::new().unwrap();
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let mut checked = 0;
    for (place, text) in [
        ("README.md", readme),
        ("--help", help_texts()),
        ("messages", messages()),
    ] {
        for number in numbers(&text) {
            let parsed = util.parse(&number, None);
            assert!(
                parsed.is_ok_and(|n| util.is_valid_number(&n)),
                "{place}: {number} is not a valid number"
            );
            checked += 1;
        }
    }
    assert!(
        checked >= 4,
        "only {checked} numbers found: the extraction is broken"
    );
}
