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
    let mut checked = 0;
    // The README, CONTRIBUTING.md and every page of the guide.
    let mut texts = crate::docs::documents();
    texts.push(("--help".to_owned(), help_texts()));
    texts.push(("messages".to_owned(), messages()));
    for (place, text) in texts {
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

/// The README's command lines for `token`, `doctor`, `configure` (but those that need a real
/// number, agent or earlier run) and `completions`, run as written, with the settings and the
/// REST mock a reader would have in their place.
#[test]
fn the_readmes_commands_run_as_written() {
    // The README's and the guide's.
    let readme: String = crate::docs::documents()
        .into_iter()
        .map(|(_, text)| text)
        .collect::<Vec<_>>()
        .join("\n");
    let mock = crate::twilio_mock::TwilioMock::start();
    // A healthy account for doctor: the README's caller ID, verified, and GB allowed for --to.
    mock.verify_caller_id("+14155552671");
    let mut ran = Vec::new();
    for line in readme.lines().filter(|l| l.starts_with("c2c ")) {
        let command = line.split(" # ").next().unwrap().trim();
        let runnable = [
            "c2c token",
            "c2c doctor",
            "c2c configure",
            "c2c completions",
        ]
        .iter()
        .any(|p| command.starts_with(p));
        let needs_more = [
            "--from-ngrok-agent",
            "--number",
            "--restore",
            "< token.txt",
            "|",
        ]
        .iter()
        .any(|n| command.contains(n));
        if !runnable || needs_more {
            continue;
        }
        // Redirections to a file are the shell's business: the output is what matters.
        let command = command.split(" > ").next().unwrap();
        let words = shell_words(command);
        let args: Vec<&str> = words[1..].iter().map(String::as_str).collect();
        let run = c2c(&args)
            .against(&mock)
            .env("TWILIO_CALLER_ID", "+14155552671")
            .env("C2C_ALLOW_COUNTRY", "US,GB")
            .run();
        assert_eq!(run.code, 0, "{command}\n{}", run.stderr);
        assert!(!run.stdout.trim().is_empty(), "{command} printed nothing");
        ran.push(command.to_owned());
    }
    assert!(ran.len() >= 10, "only {ran:?}");
}

/// Splits a command line as sh would for these simple lines: words, and '…' quoted words.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '\'' => quoted = !quoted,
            ' ' if !quoted => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            c => word.push(c),
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// The README's "First call" path, in its order, from a scratch HOME: the variables it exports
/// (with the test account's values in place of the placeholders), the TwiML App made by the
/// line that makes it, doctor, and serve --tunnel up and back down.
#[test]
fn the_first_call_path_works_in_order() {
    use crate::fixtures::{ACCOUNT_SID, API_KEY, API_SECRET, AUTH_TOKEN, NGROK_AUTHTOKEN};
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let section = readme
        .split("## First call")
        .nth(1)
        .and_then(|rest| rest.split("```sh").nth(1))
        .and_then(|block| block.split("```").next())
        .expect("the README has a First call block");
    let mock = crate::twilio_mock::TwilioMock::start();
    mock.verify_caller_id("+14155552671");
    let edge = crate::ngrok_edge::Edge::start(NGROK_AUTHTOKEN, &[crate::tunnel::URL]);
    let placeholder = |name: &str, value: &str| -> String {
        match (name, value.contains('…')) {
            ("TWILIO_ACCOUNT_SID", true) => ACCOUNT_SID.to_owned(),
            ("TWILIO_AUTH_TOKEN", true) => AUTH_TOKEN.to_owned(),
            ("TWILIO_API_KEY", true) => API_KEY.to_owned(),
            ("TWILIO_API_SECRET", true) => API_SECRET.to_owned(),
            ("NGROK_AUTHTOKEN", true) => NGROK_AUTHTOKEN.to_owned(),
            _ => value.to_owned(),
        }
    };
    let mut env: Vec<(String, String)> = Vec::new();
    let mut made_app = None;
    let mut steps = Vec::new();
    for line in section
        .lines()
        .map(|l| l.split(" # ").next().unwrap().trim())
    {
        if let Some(exports) = line.strip_prefix("export ") {
            for pair in exports.split_whitespace() {
                let (name, value) = pair.split_once('=').unwrap();
                let value = match (name, &made_app) {
                    ("TWILIO_TWIML_APP_SID", Some(sid)) => String::clone(sid),
                    _ => placeholder(name, value),
                };
                env.push((name.to_owned(), value));
            }
            continue;
        }
        let Some(command) = line.strip_prefix("c2c ") else {
            continue;
        };
        let words = shell_words(command);
        let args: Vec<&str> = words.iter().map(String::as_str).collect();
        let mut cmd = c2c(&args)
            .env("C2C_TWILIO_API_BASE", &mock.base)
            .env("C2C_NGROK_TEST_EDGE", &edge.addr)
            .env("C2C_NGROK_TEST_CA", crate::ngrok_edge::CA);
        for (name, value) in &env {
            cmd = cmd.env(name, value);
        }
        if args[0] == "serve" {
            // Up, the app pointed at the tunnel, then Ctrl-C puts it back; --open finds no
            // desktop here and says so, which is no reason to stop.
            let app = made_app.clone().expect("the app was made first");
            let before = mock.voice_url_of(&app);
            let running = cmd.spawn();
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
            while mock.voice_url_of(&app) != Some(format!("{}/voice", crate::tunnel::URL)) {
                assert!(
                    std::time::Instant::now() < deadline,
                    "serve never pointed the app"
                );
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            assert_eq!(running.stop_with("INT"), Some(0));
            assert_eq!(mock.voice_url_of(&app), before, "put back");
        } else {
            let run = cmd.run();
            assert_eq!(run.code, 0, "c2c {command}\n{}{}", run.stdout, run.stderr);
            if let Some(sid) = run
                .stdout
                .split("TWILIO_TWIML_APP_SID=")
                .nth(1)
                .and_then(|rest| rest.split_whitespace().next())
            {
                made_app = Some(sid.to_owned());
            }
        }
        steps.push(args[0].to_owned());
    }
    assert_eq!(steps, ["configure", "doctor", "serve"]);
    assert!(made_app.is_some_and(|sid| sid.starts_with("AP")));
}
