//! `c2c call` end to end: the real binary, Debian's Chromium and the real Voice SDK, against the
//! stand-in voice edge, whose phone tree (ivr) says a prompt, falls silent and then plays a tone
//! for each key it receives (key 2: 700 Hz).

use std::path::Path;

use serde_json::Value;

use crate::support::c2c;
use crate::voice_edge::VoiceEdge;

const IVR: &str = "+14155550100";

/// Three seconds of `hz` at 16 kHz: what the far end should hear when it is played.
fn tone_file(dir: &Path, hz: f64) -> String {
    let path = dir.join(format!("tone-{hz}.wav"));
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 16_000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut writer = hound::WavWriter::create(&path, spec).unwrap();
    for i in 0..48_000 {
        let t = f64::from(i) / 16_000.0;
        writer
            .write_sample((8000.0 * (2.0 * std::f64::consts::PI * hz * t).sin()) as i16)
            .unwrap();
    }
    writer.finalize().unwrap();
    path.display().to_string()
}

/// The test cases of a JUnit report, read by a real XML parser (so the report is well-formed):
/// each case's name and whether it has a failure.
fn junit_cases(xml: &str) -> Vec<(String, bool)> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut cases: Vec<(String, bool)> = Vec::new();
    loop {
        match reader
            .read_event()
            .expect("the JUnit report is well-formed XML")
        {
            Event::Start(e) | Event::Empty(e) if e.name().into_inner() == "testcase" => {
                let name = e
                    .try_get_attribute("name")
                    .unwrap()
                    .map(|a| {
                        a.normalized_value(quick_xml::XmlVersion::Explicit1_0)
                            .unwrap()
                            .into_owned()
                    })
                    .unwrap_or_default();
                cases.push((name, false));
            }
            Event::Start(e) | Event::Empty(e) if e.name().into_inner() == "failure" => {
                cases.last_mut().expect("a failure inside a test case").1 = true;
            }
            Event::Eof => return cases,
            _ => {}
        }
    }
}

fn json(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|err| panic!("--json printed {stdout:?}: {err}"))
}

#[test]
fn a_phone_tree_is_listened_to_answered_and_recorded() {
    let edge = VoiceEdge::start(&[&format!("{IVR}=ivr")]);
    let dir = tempfile::tempdir().unwrap();
    let play = tone_file(dir.path(), 440.0);
    let record = dir.path().join("heard.wav");
    let junit = dir.path().join("junit.xml");
    let run = edge
        .call(&[
            IVR,
            "--play",
            &play,
            "--record",
            record.to_str().unwrap(),
            "--junit",
            junit.to_str().unwrap(),
            "--json",
            "--step",
            "wait-for-silence",
            "--step",
            "press 2",
            "--step",
            "expect-tone 700",
            "--step",
            "hangup",
        ])
        .run();
    run.assert_code(0);
    let report = json(&run.stdout);
    assert_eq!(report["outcome"], "completed");
    assert_eq!(report["answered"], true);
    assert!(report["call_sid"].as_str().unwrap().starts_with("CA"));
    let steps: Vec<(&str, &str)> = report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["step"].as_str().unwrap(), s["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        steps,
        [
            ("wait-for-silence", "passed"),
            ("press 2", "passed"),
            ("expect-tone 700", "passed"),
            ("hangup", "passed")
        ]
    );

    // What the far end noticed: the played file, and the key, after its prompt had ended.
    let call = edge.next("call");
    assert_eq!(call["heard"]["frequency"], 440, "{call}");
    assert_eq!(call["digits"], "2");
    let after = call["digitsAfterPrompt"][0].as_f64().unwrap();
    assert!(
        after >= 900.0,
        "the key came {after} ms after the prompt ended, not after a second of silence"
    );
    assert_eq!(call["webhooks"][0]["path"], "/voice");
    assert_eq!(call["webhooks"][0]["status"], 200);

    // The recording holds the prompt and the 700 Hz answer to the key.
    let mut reader = hound::WavReader::open(&record).unwrap();
    assert_eq!(reader.spec().sample_rate, 16_000);
    let samples: Vec<i16> = reader.samples::<i16>().map(Result::unwrap).collect();
    assert!(samples.len() > 16_000 * 2, "{} samples", samples.len());
    let loud = samples.iter().filter(|s| s.unsigned_abs() > 1000).count();
    assert!(
        loud > 8_000,
        "the prompt and the tone are in it ({loud} loud samples)"
    );

    let xml = std::fs::read_to_string(&junit).unwrap();
    assert_eq!(
        junit_cases(&xml),
        [
            ("1: wait-for-silence".to_owned(), false),
            ("2: press 2".to_owned(), false),
            ("3: expect-tone 700".to_owned(), false),
            ("4: hangup".to_owned(), false)
        ]
    );
    assert!(xml.contains(r#"tests="4" failures="0""#), "{xml}");
    assert!(xml.contains(r#"name="3: expect-tone 700""#), "{xml}");
    assert!(
        xml.contains(&format!("[[ATTACHMENT|{}]]", record.display())),
        "{xml}"
    );
}

#[test]
fn a_tone_that_never_comes_fails_its_step_and_says_what_was_heard() {
    let edge = VoiceEdge::start(&[&format!("{IVR}=ivr")]);
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("junit.xml");
    let run = edge
        .call(&[
            IVR,
            "--junit",
            junit.to_str().unwrap(),
            "--step",
            "wait-for-silence",
            "--step",
            "press 3",
            "--step",
            "expect-tone 1000 timeout=2s",
            "--step",
            "press 4",
        ])
        .run();
    run.assert_code(1);
    assert!(
        run.stderr.contains(
            "error: step 3 (expect-tone 1000 timeout=2s) failed: no 1000 Hz tone for 300ms within 2s: heard sound, mostly 800 Hz"
        ),
        "{}",
        run.stderr
    );
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(
        xml.contains(r#"tests="4" failures="1" errors="0" skipped="1""#),
        "{xml}"
    );
    assert!(xml.contains("<failure message=\"no 1000 Hz tone"), "{xml}");
    // The run stopped at the failure: the fourth key was never pressed.
    assert_eq!(edge.next("call")["digits"], "3");
}

#[test]
fn each_way_a_call_can_fail_has_its_exit_status_and_json() {
    let edge = VoiceEdge::start(&[
        "+14155550101=busy",
        "+14155550102=no-answer",
        "+14155550103=failed",
    ]);
    for (number, code, outcome, says) in [
        ("+14155550101", 5, "busy", "+14155550101 was busy"),
        (
            "+14155550102",
            6,
            "no-answer",
            "+14155550102 did not answer",
        ),
        (
            "+14155550103",
            8,
            "failed",
            "Twilio could not connect the call",
        ),
        (
            "+442079460958",
            7,
            "refused",
            "c2c did not dial: +442079460958 is in GB, which the dial policy does not allow (add it with --allow-country).",
        ),
    ] {
        let run = edge.call(&[number, "--json"]).run();
        run.assert_code(code);
        let report = json(&run.stdout);
        assert_eq!(report["outcome"], outcome, "{number}");
        // Twilio answers the browser's leg to speak a refusal: the far end never did.
        assert_eq!(report["answered"], false, "{number}: {report}");
        assert_eq!(report["exit_status"], code);
        assert!(
            report["message"].as_str().unwrap().contains(says),
            "{report}"
        );
        assert!(
            run.stderr
                .contains(&format!("error: {}", report["message"].as_str().unwrap())),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn nobody_answering_within_the_timeout_hangs_up() {
    let edge = VoiceEdge::start(&["+14155550102=no-answer"]);
    let run = edge.call(&["+14155550102", "--timeout", "1s"]).run();
    run.assert_code(6);
    assert!(
        run.stderr.contains("nobody answered within 1s"),
        "{}",
        run.stderr
    );
    let call = edge.next("call");
    assert_eq!(call["dials"][0]["status"], "canceled", "{call}");
}

#[test]
fn ctrl_c_hangs_up_first() {
    let edge = VoiceEdge::start(&[&format!("{IVR}=answer")]);
    let running = edge.call(&[IVR]).spawn();
    edge.next("invite");
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert_eq!(running.stop_with("INT"), Some(130));
    let call = edge.next("call");
    assert_eq!(
        call["dials"][0]["status"], "completed",
        "the page hung up: {call}"
    );
}

#[test]
fn inputs_are_checked_before_anything_starts() {
    for (args, says) in [
        (
            vec!["--step", "dance"],
            r#"--step "dance": "dance" is not a step"#,
        ),
        (vec!["--step", "expect-tone loud"], "is not a frequency"),
        (
            vec!["--digits", "12a"],
            r#"--digits "12a": 'a' is not a key"#,
        ),
        (
            vec!["--play", "/nonexistent.wav"],
            "--play: /nonexistent.wav is not a WAV file c2c can read",
        ),
        (
            vec!["--timeout", "soon"],
            r#"--timeout "soon" is not a duration"#,
        ),
        (
            vec!["--record", "/nonexistent/dir/a.wav"],
            "the folder /nonexistent/dir does not exist",
        ),
    ] {
        let mut command = c2c(&["call", "+14155550123"]).all_env();
        for arg in &args {
            command = command.arg(arg);
        }
        let run = command.run();
        run.assert_code(2);
        assert!(run.stderr.contains(says), "{args:?}: {}", run.stderr);
    }
    // Something that is no number at all is a usage error, not a number the policy refused.
    let run = c2c(&["call", "abc"]).all_env().run();
    run.assert_code(2);
    assert!(
        run.stderr
            .contains("NUMBER \"abc\" is not a phone number: give one in E.164 form"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_chrome_path_that_is_no_program_is_named() {
    // Nothing found at all is tested against made-up folders (settings::call), independent of
    // this machine's browsers.
    let run = c2c(&["call", "+14155550123", "--chrome", "/nonexistent/chrome"])
        .all_env()
        .run();
    run.assert_code(2);
    assert!(run.stderr.contains("--chrome"), "{}", run.stderr);
    assert!(
        run.stderr.contains("is not a program this user can run"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_running_c2c_serve_can_place_the_call() {
    let edge = VoiceEdge::start(&[&format!("{IVR}=answer")]);
    let serve = crate::server::serve(
        &[],
        &[
            ("C2C_SIGNALLING", edge.signalling.as_str()),
            ("TWILIO_AUTH_TOKEN", crate::fixtures::AUTH_TOKEN),
        ],
    );
    let page = format!("http://127.0.0.1:{}/", serve.port);
    let run = edge
        .call(&[IVR, "--server", &page, "--hangup-after", "1s", "--json"])
        .run();
    run.assert_code(0);
    assert_eq!(json(&run.stdout)["outcome"], "completed");
    let call = edge.next("call");
    assert_eq!(call["webhooks"][0]["status"], 200, "{call}");
    assert_eq!(call["dials"][0]["status"], "completed");
    // It was serve's page and webhook: serve logged the call.
    serve.wait_for_log(&format!("calls {IVR}"));
}

#[test]
fn a_server_that_is_not_c2c_is_named_not_waited_on() {
    let (addr, _answered) = crate::support::answer_once("text/html", "<html><p>not c2c</p></html>");
    let run = c2c(&["call", IVR, "--server", &format!("http://{addr}/")])
        .all_env()
        .run();
    run.assert_code(8);
    assert!(
        run.stderr
            .contains("the page did not start within 15s: is the address c2c's page?"),
        "{}",
        run.stderr
    );
}

#[test]
fn with_tunnel_the_app_points_at_the_call_and_is_put_back() {
    use crate::ngrok_edge::{self, Edge};
    let mock = crate::twilio_mock::TwilioMock::start();
    let before = mock.voice_url();
    let ngrok = Edge::start(crate::fixtures::NGROK_AUTHTOKEN, &[crate::tunnel::URL]);
    let edge = VoiceEdge::start(&[&format!("{IVR}=answer")]);
    let run = edge
        .call(&[IVR, "--tunnel", "--hangup-after", "1s", "--json"])
        .against(&mock)
        .env("C2C_NGROK_TEST_EDGE", &ngrok.addr)
        .env("C2C_NGROK_TEST_CA", ngrok_edge::CA)
        .run();
    run.assert_code(0);
    assert_eq!(json(&run.stdout)["outcome"], "completed");
    let voice_urls = mock.voice_urls_written();
    assert_eq!(
        voice_urls,
        [format!("{}/voice", crate::tunnel::URL), before.clone()],
        "pointed at the tunnel for the call, then put back"
    );
    assert_eq!(mock.voice_url(), before);
    assert_eq!(edge.next("call")["dials"][0]["status"], "completed");
}

#[test]
fn twilio_out_of_reach_is_said_in_ten_seconds_not_thirty() {
    // Nothing listens at port 9: the SDK's signalling cannot connect, as on a machine offline.
    let started = std::time::Instant::now();
    let run = c2c(&["call", IVR, "--json"])
        .all_env()
        .env("C2C_SIGNALLING", "127.0.0.1:9")
        .run();
    run.assert_code(4);
    let took = started.elapsed();
    assert!(
        took < std::time::Duration::from_secs(10),
        "said after {took:?}, not within the 10 s the README promises"
    );
    assert_eq!(json(&run.stdout)["outcome"], "unreachable");
    // Where the page was sent is named, not the internet connection: a stand-in's address.
    assert!(
        run.stderr.contains(
            "error: the page's Voice SDK got no answer from the signalling address 127.0.0.1:9 (--signalling): is it running there, and does Chromium trust its certificate?"
        ),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("internet connection"),
        "{}",
        run.stderr
    );
    // The page's words for a person say it keeps retrying; a scripted call does not.
    assert!(!run.stderr.contains("keeps retrying"), "{}", run.stderr);
}

#[test]
fn ringback_before_the_answer_is_not_heard_as_the_answered_call() {
    // The phone rings for 2 s with 440 Hz ringback as early media, answers, is silent for
    // 1.5 s, then says its prompt.
    let ivr = format!("{IVR}=ivr+ringback");
    let edge = VoiceEdge::start(&[&ivr]);
    let run = edge
        .call(&[
            IVR,
            "--json",
            "--step",
            "wait-for-silence",
            "--step",
            "press 2",
            "--step",
            "expect-tone 700",
        ])
        .run();
    run.assert_code(0);
    let call = edge.next("call");
    assert!(
        call["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t.as_str().unwrap().starts_with("early media")),
        "{call}"
    );
    let after = call["digitsAfterPrompt"][0].as_f64().unwrap();
    assert!(
        after >= 900.0,
        "the key came {after} ms after the prompt ended: the ringback's tail was taken for the prompt"
    );

    // A tone that stopped before the answer is not heard after it.
    let run = edge
        .call(&[
            IVR,
            "--json",
            "--step",
            "expect-tone 440 for=160ms timeout=1s",
        ])
        .run();
    run.assert_code(1);
    let report = json(&run.stdout);
    let detail = report["steps"][0]["detail"].as_str().unwrap();
    assert!(
        detail.starts_with("no 440 Hz tone for 160ms within 1s: heard only silence"),
        "{detail}"
    );
}

#[test]
fn expect_tone_holds_to_two_percent_and_names_the_frequency_it_measured() {
    let phone = format!("{IVR}=answer+tone=1333");
    let edge = VoiceEdge::start(&[&phone]);
    let run = edge
        .call(&[
            IVR,
            "--json",
            "--step",
            "expect-tone 1310 timeout=3s",
            "--step",
            "expect-tone 1380 timeout=2s",
        ])
        .run();
    run.assert_code(1);
    let report = json(&run.stdout);
    let steps = report["steps"].as_array().unwrap();
    assert_eq!(steps[0]["status"], "passed", "{report}");
    let heard = steps[0]["detail"].as_str().unwrap();
    let hz: f64 = heard
        .strip_prefix("heard ")
        .and_then(|rest| rest.strip_suffix(" Hz"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{heard}"));
    assert!((hz - 1333.0).abs() <= 3.0, "{heard}");
    assert_eq!(steps[1]["status"], "failed", "+3.5% is not within 2%");
    assert!(
        steps[1]["detail"]
            .as_str()
            .unwrap()
            .contains("heard sound, mostly 13"),
        "{report}"
    );
}

/// A page at the --server address that is not c2c's and abuses what c2c listens to.
const HOSTILE_PAGE: &str = r#"<!doctype html><script>
const say = (o) => window.c2cReport(JSON.stringify(o));
say({ phase: "connecting", device: "ready", status: "calling\n INFO forged line", callSid: "../../../x?y=1" });
say({ phase: "ringing", device: "ready", status: "[[ATTACHMENT|/etc/passwd]]\u0007" });
say({ phase: "in-call", device: "ready", status: "in call\u0000\u001b[2J" });
say({ error: { code: 1, message: "bad\n WARN forged\u0001" } });
const second = btoa(String.fromCharCode(...new Uint8Array(32000)));
for (let i = 0; i < 60; i += 1) window.c2cAudio(`0 ${second}`);
setTimeout(() => say({ phase: "ended", device: "ready", status: "ended" }), 1500);
</script>"#;

/// Serves `page` to every request until the test ends.
fn serve_page(page: &'static str) -> std::net::SocketAddr {
    use std::io::{BufRead, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for conn in listener.incoming().map_while(Result::ok) {
            let mut reader = std::io::BufReader::new(conn);
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let _ = write!(
                reader.get_mut(),
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{page}",
                page.len()
            );
        }
    });
    addr
}

#[test]
fn a_page_that_is_not_c2cs_cannot_forge_lines_break_reports_or_flood_audio() {
    let addr = serve_page(HOSTILE_PAGE);
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("junit.xml");
    let record = dir.path().join("heard.wav");
    let run = c2c(&[
        "call",
        IVR,
        "--server",
        &format!("http://{addr}/"),
        "--json",
        "--junit",
        junit.to_str().unwrap(),
        "--record",
        record.to_str().unwrap(),
    ])
    .all_env()
    .run();
    for line in run.stderr.lines() {
        let line = line.trim_start();
        assert!(
            !line.starts_with("INFO forged") && !line.starts_with("WARN forged"),
            "a forged log line: {}",
            run.stderr
        );
        assert!(!line.contains('\u{1b}'), "{line:?}");
    }
    let report = json(&run.stdout);
    assert!(report["call_sid"].is_null(), "{report}");
    let xml = std::fs::read_to_string(&junit).unwrap();
    junit_cases(&xml);
    assert!(!xml.contains("[[ATTACHMENT|/etc/passwd"), "{xml}");
    assert!(!xml.chars().any(|c| c.is_control() && c != '\n'), "{xml:?}");
    // 60 s of "audio" pushed at once: no more is taken than real time allows.
    let samples = hound::WavReader::open(&record).unwrap().duration();
    assert!(
        samples < 16_000 * 4,
        "{samples} samples kept from a call of about 1.5 s"
    );
}

#[test]
fn a_number_the_dial_policy_refuses_is_refused_before_a_browser_starts() {
    let started = std::time::Instant::now();
    // /bin/false as the browser: had c2c started it, the call would have failed otherwise.
    let run = c2c(&[
        "call",
        "+442079460958",
        "--json",
        "--chrome",
        "/bin/false",
        "--step",
        "wait 1s",
    ])
    .all_env()
    .run();
    run.assert_code(7);
    assert!(started.elapsed() < std::time::Duration::from_secs(3));
    let report = json(&run.stdout);
    assert_eq!(report["outcome"], "refused");
    assert_eq!(report["answered"], false);
    assert_eq!(report["steps"][0]["status"], "skipped");
    assert!(
        run.stderr.contains(
            "error: c2c did not dial: +442079460958 is in GB, which the dial policy does not allow (add it with --allow-country)."
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn a_server_address_where_nothing_listens_is_said_at_once() {
    let started = std::time::Instant::now();
    let run = c2c(&["call", IVR, "--server", "http://127.0.0.1:9/"])
        .all_env()
        .run();
    run.assert_code(9);
    assert!(started.elapsed() < std::time::Duration::from_secs(3));
    assert!(
        run.stderr
            .contains("error: nothing answers at http://127.0.0.1:9/ ("),
        "{}",
        run.stderr
    );
}

#[test]
fn a_browser_too_old_for_c2c_call_is_named_with_its_version() {
    let old = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/old-chromium.mjs"
    );
    let run = c2c(&["call", IVR, "--chrome", old]).all_env().run();
    run.assert_code(3);
    assert!(
        run.stderr.contains(
            "is version 99 (HeadlessChrome/99.0.4844.51); c2c call needs version 112 or newer"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn a_program_that_is_no_browser_is_said_to_be_none() {
    // sleep, given c2c's flags, exits at once: it never answers over the pipe.
    let run = c2c(&["call", IVR, "--chrome", "/bin/sleep"])
        .all_env()
        .run();
    run.assert_code(3);
    assert!(
        run.stderr
            .contains("is it Chromium, Chrome, Edge or Brave?")
            || run.stderr.contains("ended before it answered"),
        "{}",
        run.stderr
    );
}

/// A call to `number` running `steps`, as the library takes it: no command line involved.
fn spec(number: &str, steps: &[&str]) -> c2c::call::CallSpec {
    let steps = steps
        .iter()
        .map(|text| c2c::scenario::parse(text).unwrap())
        .collect();
    c2c::call::CallSpec::new(number.to_owned(), steps, std::time::Duration::from_secs(30)).unwrap()
}

#[test]
fn one_browser_carries_two_calls_at_once_each_with_its_own_outcome() {
    let edge = VoiceEdge::start(&["+14155550101=answer+tone=700", "+14155550102=busy"]);
    let serve = crate::server::serve(
        &[],
        &[
            ("C2C_SIGNALLING", edge.signalling.as_str()),
            ("TWILIO_AUTH_TOKEN", crate::fixtures::AUTH_TOKEN),
        ],
    );
    let page = format!("http://127.0.0.1:{}/", serve.port);
    let chromium = c2c::browsers::find(&c2c::browsers::Layout::this_machine())
        .expect("the tests need Chromium: ./scripts/setup installs it");
    let answered = spec("+14155550101", &["expect-tone 700", "hangup"]);
    let busy = spec("+14155550102", &[]);
    // As c2c's main does: one crypto provider for every TLS client, ring.
    c2c::crypto::install();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (events, mut told) = tokio::sync::mpsc::unbounded_channel();
    let (first, second) = runtime.block_on(async {
        let trust = format!("--ignore-certificate-errors-spki-list={}", edge.spki);
        let browser = c2c::call::launch(&chromium, &[], &[trust]).unwrap();
        let (ignored, _) = tokio::sync::mpsc::unbounded_channel();
        let both = tokio::join!(
            c2c::call::place(&browser, &answered, &page, Default::default(), events),
            c2c::call::place(&browser, &busy, &page, Default::default(), ignored),
        );
        browser.close().await;
        both
    });
    let (first, second) = (first.unwrap().report, second.unwrap().report);
    // The answered call told its watcher what happened, in order; it printed nothing itself.
    let mut seen = Vec::new();
    while let Ok(event) = told.try_recv() {
        seen.push(event);
    }
    let answered_at = seen
        .iter()
        .position(|e| *e == c2c::call::RunEvent::Answered);
    let step_at = seen.iter().position(|e| {
        matches!(
            e,
            c2c::call::RunEvent::Step {
                index: 0,
                of: 2,
                ..
            }
        )
    });
    assert!(answered_at.is_some() && answered_at < step_at, "{seen:?}");
    let ended_at = seen.iter().position(|e| *e == c2c::call::RunEvent::Ended);
    assert!(ended_at > step_at, "{seen:?}");
    assert_eq!(first.outcome, c2c::call::Outcome::Completed, "{first:?}");
    // The stand-in's 700 Hz, as measured through WebRTC (a hertz off under load).
    let hz: f64 = first.steps[0]
        .detail
        .strip_prefix("heard ")
        .and_then(|d| d.strip_suffix(" Hz"))
        .and_then(|d| d.parse().ok())
        .unwrap_or_else(|| panic!("{first:?}"));
    assert!((693.0..=707.0).contains(&hz), "{first:?}");
    assert_eq!(second.outcome, c2c::call::Outcome::Busy, "{second:?}");
    assert_ne!(first.call_sid, second.call_sid);
    // Both went through the same c2c, from two pages of one browser.
    let calls = [edge.next("call"), edge.next("call")];
    let mut dialled: Vec<&str> = calls
        .iter()
        .map(|c| c["dials"][0]["to"].as_str().unwrap())
        .collect();
    dialled.sort_unstable();
    assert_eq!(dialled, ["+14155550101", "+14155550102"]);
}

#[test]
fn the_tunnel_going_away_during_a_call_ends_it_with_that_reason() {
    use crate::ngrok_edge::{self, Edge};
    let mock = crate::twilio_mock::TwilioMock::start();
    let ngrok = Edge::start(crate::fixtures::NGROK_AUTHTOKEN, &[crate::tunnel::URL]);
    let edge = VoiceEdge::start(&[&format!("{IVR}=answer")]);
    let running = edge
        .call(&[IVR, "--tunnel", "--hangup-after", "60s", "--json"])
        .against(&mock)
        .env("C2C_NGROK_TEST_EDGE", &ngrok.addr)
        .env("C2C_NGROK_TEST_CA", ngrok_edge::CA)
        .spawn_capturing();
    edge.next("invite");
    std::thread::sleep(std::time::Duration::from_secs(2));
    let gone = std::time::Instant::now();
    ngrok.go_away();
    let run = running.wait();
    let took = gone.elapsed();
    // The agent is given about 16 s to come back (a drop it recovers from must not end a call),
    // not the 60 s the call had left.
    assert!(
        took < std::time::Duration::from_secs(30),
        "ended {took:?} after the tunnel went"
    );
    let report = json(&run.stdout);
    assert_eq!(report["outcome"], "failed", "{report}");
    assert!(
        report["message"]
            .as_str()
            .unwrap()
            .contains("Twilio can no longer reach this c2c"),
        "{report}"
    );
}

/// The events of a Chromium net log (`--log-net-log`), as many as were written: a browser that
/// is closed writes no closing bracket.
fn net_log(path: &Path) -> Vec<(String, Value)> {
    let text = std::fs::read_to_string(path).unwrap();
    let text = text.trim_end().trim_end_matches(',');
    let whole: Value = serde_json::from_str(text)
        .or_else(|_| serde_json::from_str(&format!("{text}]}}")))
        .unwrap_or_else(|e| panic!("the net log reads: {e}"));
    let names: std::collections::HashMap<u64, String> = whole["constants"]["logEventTypes"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(name, id)| (id.as_u64().unwrap(), name.clone()))
        .collect();
    whole["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let kind = names[&e["type"].as_u64().unwrap()].clone();
            (kind, e["params"].clone())
        })
        .collect()
}

#[test]
fn the_browser_looks_up_no_host_but_the_pages_and_twilios() {
    // Chromium asks Google for the time, updates and signed-in accounts whatever its flags say;
    // on a CI runner it must reach c2c's page and Twilio alone. Its own net log shows every name
    // it looked up and every socket it opened.
    let edge = VoiceEdge::start(&[&format!("{IVR}=ivr")]);
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("net.json");
    let run = edge
        .call(&[
            IVR,
            "--chrome-arg",
            &format!("--log-net-log={}", log.display()),
            "--step",
            "wait-for-silence",
            "--step",
            "hangup",
        ])
        .run();
    run.assert_code(0);
    let events = net_log(&log);
    assert!(events.len() > 100, "{} events", events.len());
    let allowed = |host: &str| {
        let name = host.rsplit("://").next().unwrap_or(host);
        let name = name.split(':').next().unwrap_or(name);
        matches!(name, "localhost" | "127.0.0.1" | "~notfound")
            || name == "twilio.com"
            || name.ends_with(".twilio.com")
    };
    let mut looked_up = Vec::new();
    let mut refused = 0;
    for (kind, params) in &events {
        let host = params["host"].as_str().unwrap_or_default();
        match kind.as_str() {
            // A name the rules refused is asked for as ~NOTFOUND and never looked up.
            "HOST_RESOLVER_MANAGER_REQUEST" if host.contains("~notfound") => refused += 1,
            "HOST_RESOLVER_MANAGER_JOB" | "HOST_RESOLVER_MANAGER_REQUEST" if !host.is_empty() => {
                looked_up.push(host.to_owned())
            }
            // A DNS query leaves the machine: its name must be one of these too.
            "DNS_TRANSACTION" => {
                if let Some(name) = params["hostname"].as_str() {
                    looked_up.push(name.to_owned());
                }
            }
            _ => {}
        }
    }
    let outside: Vec<&String> = looked_up.iter().filter(|h| !allowed(h)).collect();
    assert!(outside.is_empty(), "looked up: {outside:?}");
    assert!(
        refused > 0,
        "Chromium asked for no other host: the check saw nothing to refuse"
    );
}

#[test]
fn digits_are_said_once_and_the_calls_clock_leaves_nothing_on_a_terminal() {
    let edge = VoiceEdge::start(&["+14155550102=answer+tone=700"]);
    let (shown, code) = edge
        .call(&["+14155550102", "--digits", "12", "--hangup-after", "3s"])
        .run_in_terminal(80, 100);
    assert_eq!(code, 0, "{shown}");
    // --digits says when the keys went out, once; the clock is gone at the end.
    assert_eq!(shown.matches("--digits: pressed 12").count(), 1, "{shown}");
    assert!(!shown.contains("in call"), "the clock was left:\n{shown}");
}
