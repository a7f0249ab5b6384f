//! Faults at every step of a tunnel run: Twilio failing the POST that points the app or the one
//! that puts it back, and a signal at each step. Whatever happens, the app ends up where it
//! pointed before c2c started, or c2c's record makes the next run (or `configure --restore`)
//! put it back.

use std::time::Duration;

use crate::ngrok_edge::Edge;
use crate::support::{NGROK_AUTHTOKEN, c2c};
use crate::tunnel::{URL, serve_tunnel, serve_tunnel_once, wait_until};
use crate::twilio_mock::TwilioMock;

const ORIGINAL: &str = "https://original.example/voice";

/// A scratch folder for c2c's state that outlives one run.
fn state_home() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

fn restore(mock: &TwilioMock, home: &str) -> crate::support::Run {
    c2c(&["configure", "--restore"])
        .against(mock)
        .state_in(home)
        .run()
}

#[test]
fn twilio_refusing_to_point_the_app_leaves_it_as_it_was() {
    let edge = Edge::start(NGROK_AUTHTOKEN, &[URL]);
    for (statuses, says) in [
        (&[500, 500, 500, 500][..], "kept failing (500)"),
        (&[429, 429, 429, 429][..], "kept answering 429"),
    ] {
        let mock = TwilioMock::start();
        mock.set_voice_url(ORIGINAL);
        mock.fail_writes(statuses);
        let home = state_home();
        let home = home.path().to_str().unwrap();
        let run = serve_tunnel_once(&mock, &edge.addr)
            .arg("--force")
            .state_in(home)
            .run();
        run.assert_code(4);
        assert!(run.stderr.contains(says), "{}", run.stderr);
        assert_eq!(mock.voice_url(), ORIGINAL);
        // Nothing changed, so nothing is left to put back.
        let run = restore(&mock, home);
        run.assert_code(0);
        assert!(run.stdout.contains("nothing to put back"), "{}", run.stdout);
    }
}

#[test]
fn no_answer_to_the_pointing_post_is_undone_by_the_next_restore() {
    let edge = Edge::start(NGROK_AUTHTOKEN, &[URL]);
    let mock = TwilioMock::start();
    mock.set_voice_url(ORIGINAL);
    // Twilio makes the change, but its answer comes after c2c gave up.
    mock.delay_writes(Duration::from_secs(3));
    let home = state_home();
    let home = home.path().to_str().unwrap();
    let run = serve_tunnel_once(&mock, &edge.addr)
        .arg("--force")
        .state_in(home)
        .env("C2C_TWILIO_TIMEOUT", "1")
        .run();
    run.assert_code(4);
    assert!(
        run.stderr.contains("did not answer within 1 s"),
        "{}",
        run.stderr
    );
    wait_until("the late change lands", || mock.voice_url() != ORIGINAL);
    mock.delay_writes(Duration::ZERO);
    restore(&mock, home).assert_code(0);
    assert_eq!(mock.voice_url(), ORIGINAL);
}

#[test]
fn twilio_failing_the_restore_leaves_a_record_that_configure_restore_finishes() {
    let edge = Edge::start(NGROK_AUTHTOKEN, &[URL]);
    let mock = TwilioMock::start();
    mock.set_voice_url(ORIGINAL);
    let home = state_home();
    let home = home.path().to_str().unwrap();
    let state = [("HOME", home), ("XDG_STATE_HOME", home)];
    let mut running = serve_tunnel(&mock, &edge, &["--force"], &state);
    mock.fail_writes(&[503, 503, 503, 503]);
    let (code, _) = running.terminate();
    assert_eq!(code, Some(4));
    assert!(
        running.log().contains("Run `c2c configure --restore`"),
        "{}",
        running.log()
    );
    assert_eq!(mock.voice_url(), format!("{URL}/voice"), "not put back yet");
    let run = restore(&mock, home);
    run.assert_code(0);
    assert_eq!(mock.voice_url(), ORIGINAL);
}

#[test]
fn every_stop_signal_at_every_step_ends_with_the_app_as_it_was() {
    let edge = Edge::start(NGROK_AUTHTOKEN, &[URL]);
    for signal in ["INT", "TERM", "HUP"] {
        // While the app is read: nothing changed yet.
        let mock = TwilioMock::start();
        mock.set_voice_url(ORIGINAL);
        mock.delay(Duration::from_secs(5));
        let reading = serve_tunnel_once(&mock, &edge.addr).arg("--force").spawn();
        wait_until("c2c reads the app", || !mock.requests().is_empty());
        assert_eq!(reading.stop_with(signal), Some(0), "{signal} while reading");
        assert!(mock.writes().is_empty(), "{signal} while reading");

        // While the app is pointed at the tunnel: the change goes through, then is undone.
        let mock = TwilioMock::start();
        mock.set_voice_url(ORIGINAL);
        mock.delay_writes(Duration::from_secs(1));
        let pointing = serve_tunnel_once(&mock, &edge.addr).arg("--force").spawn();
        wait_until("c2c points the app", || !mock.writes().is_empty());
        assert_eq!(
            pointing.stop_with(signal),
            Some(0),
            "{signal} while pointing"
        );
        assert_eq!(mock.voice_url(), ORIGINAL, "{signal} while pointing");

        // Running, then a second signal while the app is put back: the restore finishes.
        let mock = TwilioMock::start();
        mock.set_voice_url(ORIGINAL);
        let mut running = serve_tunnel(&mock, &edge, &["--force"], &[]);
        mock.delay_writes(Duration::from_secs(1));
        running.signal(signal);
        wait_until("c2c puts the app back", || mock.writes().len() == 2);
        running.signal(signal);
        let (code, _) = running.stop_with("TERM");
        assert_eq!(
            code,
            Some(0),
            "{signal} during the restore: {}",
            running.log()
        );
        assert_eq!(mock.voice_url(), ORIGINAL, "{signal} during the restore");
    }
}

#[test]
fn offline_each_dependency_that_failed_gets_one_line() {
    // Nothing listens at either address (ports below 1024, which no test binds): this machine is
    // offline, as far as c2c can tell.
    let mock = TwilioMock::start();
    let run = serve_tunnel_once(&mock, "127.0.0.1:1")
        .env("C2C_TWILIO_API_BASE", "http://127.0.0.1:9")
        .run();
    run.assert_code(4);
    assert!(
        run.stderr
            .contains("neither ngrok nor Twilio could be used")
            && run.stderr.contains("  - ngrok: ")
            && run
                .stderr
                .contains("  - Twilio: Twilio could not be reached"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("trying again"), "{}", run.stderr);
}
