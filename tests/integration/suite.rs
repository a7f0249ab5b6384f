//! `c2c test` end to end: suites of scenario files against the stand-in voice edge, many calls
//! at once in one Chromium, with the JSON lines, the JUnit report and the exit status checked.

use std::path::Path;

use serde_json::Value;

use crate::support::c2c;
use crate::voice_edge::VoiceEdge;

const IVR: &str = "+14155550100";
const BUSY: &str = "+14155550101";
const ANSWER: &str = "+14155550102";

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

fn lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l:?}: {e}")))
        .collect()
}

fn file_name(line: &Value) -> String {
    Path::new(line["scenario"].as_str().unwrap())
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

#[test]
fn a_suite_runs_its_calls_at_once_and_reports_each() {
    let edge = VoiceEdge::start(&[&format!("{IVR}=ivr"), &format!("{BUSY}=busy")]);
    let dir = tempfile::tempdir().unwrap();
    let suite = dir.path().join("ivr");
    std::fs::create_dir_all(suite.join("recordings")).unwrap();
    write(
        &suite,
        "a-menu.yaml",
        &format!(
            "call: '{IVR}'\nrecord: recordings/menu.wav\nsteps:\n  - wait-for-silence\n  - press 2\n  - expect-tone 700\n"
        ),
    );
    write(
        &suite,
        "b-wrong-key.yaml",
        &format!(
            "call: '{IVR}'\nsteps:\n  - wait-for-silence\n  - press 2\n  - expect-tone 900 timeout=3s\n"
        ),
    );
    // Written as people write numbers: dialled in E.164 form.
    assert_eq!(BUSY, "+14155550101");
    write(&suite, "c-busy.yaml", "call: '+1 (415) 555-0101'\n");
    write(&suite, "notes.txt", "not a scenario");
    let junit = dir.path().join("suite.xml");
    let run = edge
        .test(&[
            suite.to_str().unwrap(),
            "--jobs",
            "3",
            "--json",
            "--junit",
            junit.to_str().unwrap(),
        ])
        .run();
    run.assert_code(1);

    // One JSON line per call, in the suite's order, each with its own outcome.
    let calls = lines(&run.stdout);
    let seen: Vec<(String, String, i64)> = calls
        .iter()
        .map(|c| {
            (
                file_name(c),
                c["outcome"].as_str().unwrap().to_owned(),
                c["exit_status"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("a-menu.yaml".to_owned(), "completed".to_owned(), 0),
            ("b-wrong-key.yaml".to_owned(), "completed".to_owned(), 1),
            ("c-busy.yaml".to_owned(), "busy".to_owned(), 5),
        ],
        "{}",
        run.stderr
    );
    assert!(
        calls[0]["timing"]["answered"].as_f64().unwrap() > 0.0,
        "{}",
        calls[0]
    );
    assert!(
        suite.join("recordings/menu.wav").is_file(),
        "the recording is kept in the scenario's folder, a subfolder too"
    );
    let sids: Vec<&str> = calls
        .iter()
        .filter_map(|c| c["call_sid"].as_str())
        .collect();
    assert_eq!(sids.len(), 3);

    // The two IVR calls were in flight together: both placed before either ended.
    let mut events = Vec::new();
    for _ in 0..6 {
        let event = edge.next_any();
        if let Some(invite) = event.get("invite") {
            events.push(("invite", invite["to"].as_str().unwrap().to_owned()));
        } else if let Some(call) = event.get("call") {
            events.push(("call", call["to"].as_str().unwrap_or_default().to_owned()));
        }
    }
    let ivr: Vec<&str> = events
        .iter()
        .filter(|(_, to)| to == IVR)
        .map(|(kind, _)| *kind)
        .collect();
    assert_eq!(ivr[..2], ["invite", "invite"], "{events:?}");

    // A failing call says why as it ends, not only in the summary.
    assert!(
        run.stderr
            .contains("b-wrong-key.yaml] FAILED: step 3 (expect-tone 900 timeout=3s)"),
        "{}",
        run.stderr
    );
    // The summary names the failing step; the JUnit report has a suite per file.
    assert!(
        run.stderr.contains("step 3 (expect-tone 900 timeout=3s)"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("3 calls: 1 passed, 2 failed"),
        "{}",
        run.stderr
    );
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert_eq!(xml.matches("<testsuite ").count(), 3, "{xml}");
    assert!(
        xml.contains("a-menu.yaml\" tests=\"3\" failures=\"0\""),
        "{xml}"
    );
    assert!(
        xml.contains("b-wrong-key.yaml\" tests=\"3\" failures=\"1\""),
        "{xml}"
    );
    assert!(
        xml.contains("<property name=\"outcome\" value=\"busy\"/>"),
        "{xml}"
    );
    assert!(xml.contains("[[ATTACHMENT|"), "{xml}");
}

#[test]
fn shards_take_their_share_and_repeats_run_again() {
    let edge = VoiceEdge::start(&[&format!("{ANSWER}=answer")]);
    let dir = tempfile::tempdir().unwrap();
    for name in ["a.yaml", "b.yaml", "c.yaml"] {
        write(
            dir.path(),
            name,
            &format!("call: '{ANSWER}'\nhangup-after: 1s\n"),
        );
    }
    let path = dir.path().to_str().unwrap();
    let first = edge.test(&[path, "--shard", "1/2", "--json"]).run();
    first.assert_code(0);
    let second = edge.test(&[path, "--shard", "2/2", "--json"]).run();
    second.assert_code(0);
    let names = |run: &crate::support::Run| -> Vec<String> {
        lines(&run.stdout).iter().map(file_name).collect()
    };
    assert_eq!(names(&first), ["a.yaml", "c.yaml"]);
    assert_eq!(names(&second), ["b.yaml"]);

    let repeated = edge
        .test(&[
            &format!("{path}/b.yaml"),
            "--repeat",
            "3",
            "--jobs",
            "2",
            "--json",
        ])
        .run();
    repeated.assert_code(0);
    let runs: Vec<i64> = lines(&repeated.stdout)
        .iter()
        .map(|c| c["run"].as_i64().unwrap())
        .collect();
    assert_eq!(runs, [1, 2, 3]);
    assert!(
        repeated.stderr.contains("3 calls: 3 passed, 0 failed"),
        "{}",
        repeated.stderr
    );
}

/// A suite of one scenario run twice at once, each call 60 s long: interrupted once both are up,
/// it must hang up both and exit 130.
fn interrupt_two_long_calls(edge: &VoiceEdge, start: impl FnOnce(&str) -> crate::support::C2c) {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "long.yaml",
        &format!("call: '{ANSWER}'\nhangup-after: 60s\n"),
    );
    let running = start(dir.path().to_str().unwrap()).spawn();
    edge.next("invite");
    edge.next("invite");
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert_eq!(running.stop_with("INT"), Some(130));
    for _ in 0..2 {
        let call = edge.next("call");
        assert_eq!(call["dials"][0]["status"], "completed", "hung up: {call}");
    }
}

#[test]
fn ctrl_c_hangs_up_every_live_call() {
    let edge = VoiceEdge::start(&[&format!("{ANSWER}=answer")]);
    interrupt_two_long_calls(&edge, |suite| {
        edge.test(&[suite, "--repeat", "2", "--jobs", "2"])
    });
}

#[test]
fn ctrl_c_with_a_tunnel_puts_the_app_back_once_for_the_whole_suite() {
    use crate::ngrok_edge::{self, Edge};
    let mock = crate::twilio_mock::TwilioMock::start();
    let before = mock.voice_url();
    let ngrok = Edge::start(crate::fixtures::NGROK_AUTHTOKEN, &[crate::tunnel::URL]);
    let edge = VoiceEdge::start(&[&format!("{ANSWER}=answer")]);
    interrupt_two_long_calls(&edge, |suite| {
        edge.test(&[suite, "--tunnel", "--repeat", "2", "--jobs", "2"])
            .against(&mock)
            .env("C2C_NGROK_TEST_EDGE", &ngrok.addr)
            .env("C2C_NGROK_TEST_CA", ngrok_edge::CA)
    });
    assert_eq!(
        mock.voice_urls_written(),
        [format!("{}/voice", crate::tunnel::URL), before.clone()],
        "pointed at the tunnel once for both calls, then put back"
    );
    assert_eq!(mock.voice_url(), before);
}

#[test]
fn scenario_files_that_do_not_read_are_named() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "no-call.yaml", "steps:\n  - hangup\n");
    write(
        dir.path(),
        "typo.yaml",
        "call: '+14155550100'\nstep:\n  - hangup\n",
    );
    for (file, says) in [
        ("no-call.yaml", "no-call.yaml: it has no call:"),
        (
            "typo.yaml",
            "typo.yaml: step: is not a key of a scenario file: did you mean steps:?",
        ),
    ] {
        let run = c2c(&["test", dir.path().join(file).to_str().unwrap()])
            .all_env()
            .run();
        run.assert_code(2);
        assert!(run.stderr.contains(says), "{}", run.stderr);
    }
    // Given together, every file that does not read is named, not the first alone.
    let run = c2c(&["test", dir.path().to_str().unwrap()]).all_env().run();
    run.assert_code(2);
    assert!(
        run.stderr.contains("2 scenario files do not read:")
            && run.stderr.contains("no-call.yaml: it has no call:")
            && run.stderr.contains("typo.yaml: step: is not a key"),
        "{}",
        run.stderr
    );
    let run = c2c(&["test", "nowhere/"]).all_env().run();
    run.assert_code(2);
    assert!(
        run.stderr.contains("nowhere/: no such file or folder"),
        "{}",
        run.stderr
    );

    // c2c call reads the same files; its NUMBER and the file's call: may not disagree.
    write(
        dir.path(),
        "menu.yaml",
        "call: '+14155550100'\nsteps:\n  - hangup\n",
    );
    let run = c2c(&[
        "call",
        "+14155550199",
        "--scenario",
        dir.path().join("menu.yaml").to_str().unwrap(),
    ])
    .all_env()
    .run();
    run.assert_code(2);
    assert!(
        run.stderr
            .contains("NUMBER +14155550199 and the scenario's call: +14155550100 disagree"),
        "{}",
        run.stderr
    );
}

#[test]
fn each_call_reports_its_network_quality_and_a_floor_can_fail_it() {
    let edge = VoiceEdge::start(&[&format!("{ANSWER}=answer+tone=1000")]);
    let dir = tempfile::tempdir().unwrap();
    // The SDK samples once a second: five seconds give a few samples.
    write(
        dir.path(),
        "fair.yaml",
        &format!("call: '{ANSWER}'\nhangup-after: 5s\nquality: {{mos: 3}}\n"),
    );
    write(
        dir.path(),
        "perfect.yaml",
        &format!("call: '{ANSWER}'\nhangup-after: 5s\nquality: {{mos: 5}}\n"),
    );
    let run = edge
        .test(&[dir.path().to_str().unwrap(), "--jobs", "2", "--json"])
        .run();
    run.assert_code(1);
    let calls = lines(&run.stdout);
    let quality = &calls[0]["quality"];
    assert!(quality["samples"].as_u64().unwrap() >= 2, "{}", calls[0]);
    let mos = quality["mos"]["avg"].as_f64().unwrap();
    assert!((3.0..=5.0).contains(&mos), "{quality}");
    assert!(quality["rtt_ms"]["max"].as_f64().is_some(), "{quality}");
    let step = |call: &Value| call["steps"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(step(&calls[0])["step"], "quality: MOS 3 or more");
    assert_eq!(step(&calls[0])["status"], "passed", "{}", calls[0]);
    assert_eq!(step(&calls[1])["status"], "failed", "{}", calls[1]);
    assert!(
        step(&calls[1])["detail"]
            .as_str()
            .unwrap()
            .contains("under 5"),
        "{}",
        calls[1]
    );
}

#[test]
fn a_number_the_dial_policy_refuses_is_never_placed() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "abroad.yaml",
        "call: '+442079460958'\nsteps:\n  - hangup\n",
    );
    let run = c2c(&["test", dir.path().to_str().unwrap(), "--json"])
        .all_env()
        .run();
    run.assert_code(1);
    let calls = lines(&run.stdout);
    assert_eq!(calls[0]["outcome"], "refused", "{}", run.stdout);
    let message = calls[0]["message"].as_str().unwrap();
    assert_eq!(message.matches("c2c did not dial").count(), 1, "{message}");
    assert_eq!(calls[0]["steps"][0]["status"], "skipped");
}

/// Reaches the tab calling `to` in c2c's Chromium through a second DevTools client on `port`
/// (`tests/edge/devtools.js`) and crashes its renderer or freezes its script.
fn fault(how: &str, port: u16, to: &str) -> std::process::Child {
    let to = to.replace('+', "%2B");
    std::process::Command::new("node")
        .args([
            "tests/edge/devtools.js",
            how,
            &port.to_string(),
            &format!("to={to}"),
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .spawn()
        .expect("node runs tests/edge/devtools.js")
}

#[test]
fn a_page_that_crashes_fails_its_call_alone_and_one_that_freezes_is_inconclusive() {
    const CRASHES: &str = "+14155550103";
    const FREEZES: &str = "+14155550104";
    let edge = VoiceEdge::start(&[
        &format!("{ANSWER}=answer+tone=1000"),
        &format!("{CRASHES}=answer"),
        &format!("{FREEZES}=answer"),
    ]);
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a-fine.yaml",
        &format!("call: '{ANSWER}'\nsteps:\n  - expect-tone 1000\n  - wait 6s\n  - hangup\n"),
    );
    write(
        dir.path(),
        "b-crashes.yaml",
        &format!("call: '{CRASHES}'\nhangup-after: 120s\n"),
    );
    write(
        dir.path(),
        "c-freezes.yaml",
        &format!("call: '{FREEZES}'\nhangup-after: 120s\n"),
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let started = std::time::Instant::now();
    let running = edge
        .test(&[
            dir.path().to_str().unwrap(),
            "--jobs",
            "3",
            "--json",
            &format!("--chrome-arg=--remote-debugging-port={port}"),
        ])
        .spawn_capturing();
    for _ in 0..3 {
        edge.next("invite");
    }
    let mut crash = fault("crash", port, CRASHES);
    let mut freeze = fault("freeze", port, FREEZES);
    let run = running.wait();
    let _ = freeze.kill();
    let _ = (crash.wait(), freeze.wait());
    run.assert_code(1);
    // Far less than the two minutes the calls would last, with room for a busy CI machine (the
    // freeze itself can take seconds to land).
    assert!(
        started.elapsed() < std::time::Duration::from_secs(90),
        "a stuck page was given up on, not waited for: {:?}",
        started.elapsed()
    );

    let calls = lines(&run.stdout);
    let by_file = |name: &str| {
        calls
            .iter()
            .find(|c| file_name(c) == name)
            .unwrap_or_else(|| panic!("{name} in {}", run.stdout))
    };
    let fine = by_file("a-fine.yaml");
    assert_eq!(fine["exit_status"], 0, "{fine}");
    let crashed = by_file("b-crashes.yaml");
    assert!(
        crashed["message"]
            .as_str()
            .unwrap_or_default()
            .contains("the page crashed"),
        "{crashed}"
    );
    assert_eq!(crashed["verdict"], "failed", "{crashed}");
    // A page that goes quiet is c2c's own trouble (starved or stuck), never the far end's.
    let frozen = by_file("c-freezes.yaml");
    assert!(
        frozen["message"]
            .as_str()
            .unwrap_or_default()
            .contains("c2c's page stopped responding"),
        "{frozen}"
    );
    assert_eq!(frozen["verdict"], "inconclusive", "{frozen}");
    assert_eq!(frozen["exit_status"], 10, "{frozen}");
    assert!(
        run.stderr
            .contains("3 calls: 1 passed, 1 failed, 1 inconclusive"),
        "{}",
        run.stderr
    );
    // Each of the three ended on the far end too: none is left up on Twilio's bill.
    let mut ended: Vec<String> = (0..3)
        .map(|_| {
            let call = edge.next("call");
            assert_eq!(call["dials"][0]["status"], "completed", "{call}");
            call["to"].as_str().unwrap().to_owned()
        })
        .collect();
    ended.sort();
    assert_eq!(ended, [ANSWER, CRASHES, FREEZES]);
}

#[cfg(unix)]
#[test]
fn odd_file_names_never_break_the_reports() {
    use std::os::unix::ffi::OsStrExt;
    let edge = VoiceEdge::start(&[&format!("{BUSY}=busy")]);
    let dir = tempfile::tempdir().unwrap();
    let suite = dir.path().join("odd");
    std::fs::create_dir(&suite).unwrap();
    let scenario = format!("call: '{BUSY}'\n");
    // A newline that would forge a row of the summary, an escape that would clear the screen,
    // and a name that is not UTF-8.
    write(
        &suite,
        "a\nforged.yaml     9     9       0\u{1b}[2J.yaml",
        &scenario,
    );
    let latin1 = std::ffi::OsStr::from_bytes(b"caf\xe9.yaml");
    std::fs::write(suite.join(latin1), &scenario).unwrap();
    let junit = dir.path().join("odd.xml");
    let run = edge
        .test(&[
            suite.to_str().unwrap(),
            "--json",
            "--junit",
            junit.to_str().unwrap(),
            // Quiet hides the progress, not the summary.
            "-q",
        ])
        .run();
    run.assert_code(1);
    assert!(
        run.stderr.contains("2 calls: 0 passed, 2 failed"),
        "{}",
        run.stderr
    );
    let calls = lines(&run.stdout);
    let names: Vec<String> = calls.iter().map(file_name).collect();
    assert_eq!(
        names,
        [
            "a\nforged.yaml     9     9       0\u{1b}[2J.yaml",
            "caf\u{fffd}.yaml"
        ],
        "every call has its line, its name as near as UTF-8 allows"
    );
    assert!(
        run.stderr.lines().all(|l| !l.starts_with("forged.yaml")),
        "no forged row: {}",
        run.stderr
    );
    assert!(run.stderr.contains("a\\nforged.yaml"), "{}", run.stderr);
    assert!(!run.stderr.contains('\u{1b}'), "{:?}", run.stderr);
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert_eq!(xml.matches("<testsuite ").count(), 2, "{xml}");
    assert!(
        !xml.chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\t' | '\r')),
        "{xml:?}"
    );
}

#[test]
fn the_live_view_redraws_in_place_in_a_real_terminal() {
    let edge = VoiceEdge::start(&[&format!("{ANSWER}=answer+tone=1000")]);
    let dir = tempfile::tempdir().unwrap();
    let suite = dir.path().join("live");
    std::fs::create_dir(&suite).unwrap();
    for name in ["a.yaml", "b.yaml", "c.yaml"] {
        write(
            &suite,
            name,
            &format!("call: '{ANSWER}'\nsteps:\n  - expect-tone 1000\n  - wait 2s\n  - hangup\n"),
        );
    }
    let (screen, code) = edge
        .test(&[suite.to_str().unwrap(), "--jobs", "3"])
        .run_in_terminal(60, 200);
    assert_eq!(code, 0, "{screen}");
    let text: Vec<&str> = screen.lines().filter(|l| !l.trim().is_empty()).collect();
    let shown = text.join("\n");
    assert!(shown.contains("3 calls: 3 passed, 0 failed"), "{shown}");
    // No bar or call line is left behind: each call's end is said once, and nothing else of
    // the live view remains.
    for name in ["a.yaml", "b.yaml", "c.yaml"] {
        let ends = text
            .iter()
            .filter(|l| l.ends_with(&format!("{name} passed")))
            .count();
        assert_eq!(ends, 1, "{name}:\n{shown}");
    }
    assert!(
        !text
            .iter()
            .any(|l| l.contains(" calls (") || l.contains("step 1/")),
        "a live line was left on the screen:\n{shown}"
    );
}
