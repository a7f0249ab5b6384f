//! A project folder must not redirect c2c: a `.env` that any cloned repository can carry cannot
//! send the credentials elsewhere, hand the page another signalling address, or name a program
//! for c2c to run.

use crate::server::serve;
use crate::support::c2c;
use crate::twilio_mock::TwilioMock;

#[test]
fn a_dotenv_base_url_is_ignored_and_the_credentials_go_where_the_user_said() {
    let elsewhere = TwilioMock::start();
    let mine = TwilioMock::start();
    let cmd = c2c(&["configure"]).all_env();
    let config = cmd.config_file();
    let run = cmd
        .dotenv(&format!("C2C_TWILIO_API_BASE={}\n", elsewhere.base))
        .write(&config, &format!("api_base = \"{}\"\n", mine.base))
        .run();
    run.assert_code(0);
    assert!(
        elsewhere.requests().is_empty(),
        "the .env's listener got nothing"
    );
    assert!(!mine.requests().is_empty(), "the config file's did");
    assert!(
        run.stderr.contains("C2C_TWILIO_API_BASE is ignored"),
        "{}",
        run.stderr
    );
    // And the user's own choice is named, with where it came from.
    assert!(
        run.stderr.contains("not Twilio's own") && run.stderr.contains("api_base in "),
        "{}",
        run.stderr
    );
}

#[test]
fn plain_http_to_another_machine_is_refused_before_anything_is_sent() {
    for (args, env) in [
        (
            vec!["configure", "--api-base", "http://192.0.2.10:8080"],
            None,
        ),
        (
            vec!["configure"],
            Some(("C2C_TWILIO_VOICE_BASE", "http://twilio.example.com")),
        ),
    ] {
        let mut cmd = c2c(&args).all_env();
        if let Some((name, value)) = env {
            cmd = cmd.env(name, value);
        }
        let run = cmd.run();
        // Typed on the command line, it is a usage error; from a file or the environment, a
        // setting to fix.
        run.assert_code(if env.is_none() { 2 } else { 3 });
        assert!(
            run.stderr
                .contains("plain http:// to another machine; use https://"),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn region_and_edge_must_be_twilios_so_that_no_host_can_be_slipped_in() {
    let run = c2c(&["configure"])
        .all_env()
        .dotenv("TWILIO_EDGE=evil.example/#\n")
        .run();
    run.assert_code(3);
    assert!(
        run.stderr
            .contains("TWILIO_EDGE in .env is not a valid Twilio edge: \"evil.example/#\" is not a Twilio edge location"),
        "{}",
        run.stderr
    );
    let run = c2c(&["token", "--region", "eu1"]).token_env().run();
    run.assert_code(2);
    assert!(run.stderr.contains("us1, ie1, au1"), "{}", run.stderr);
    c2c(&["token", "--region", "IE1"])
        .token_env()
        .run()
        .assert_code(0);
}

#[test]
fn a_dotenv_signalling_address_never_reaches_the_page() {
    let dir = tempfile::tempdir().unwrap();
    let env_file = dir.path().join("project.env");
    std::fs::write(&env_file, "C2C_SIGNALLING=evil.example:443\n").unwrap();
    let c2c = serve(&["--env-file", env_file.to_str().unwrap()], &[]);
    let token = c2c.get("/token", &[]);
    assert_eq!(token.status, 200);
    assert!(!token.text().contains("signalling"), "{}", token.text());
    assert!(
        c2c.log().contains("C2C_SIGNALLING is ignored"),
        "{}",
        c2c.log()
    );
}

#[test]
fn a_dotenv_chrome_path_is_never_run() {
    // A --server where nothing listens ends the run before any browser would start.
    let cmd = c2c(&["call", "+14155550123", "--server", "http://127.0.0.1:9/"]).all_env();
    let work = cmd.work_dir();
    let marker = work.join("ran");
    let fake = work.join("fake-chrome.sh");
    let cmd = cmd
        .write(
            &fake,
            &format!("#!/bin/sh\ntouch {}\nsleep 5\n", marker.display()),
        )
        .dotenv("CHROME_PATH=./fake-chrome.sh\n");
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let run = cmd.run();
    assert!(run.code == 9 || run.code == 3, "{}", run.stderr);
    assert!(!marker.exists(), "the .env's program ran");
    assert!(
        run.stderr.contains("CHROME_PATH is ignored"),
        "{}",
        run.stderr
    );
}
