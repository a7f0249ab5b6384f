//! `c2c call --leg sip`: the real binary calls as a SIP user agent into the stand-in's SIP Domain
//! (tests/edge/sip.js: digest challenge, Twilio's webhook parameters, plain RTP), which runs the
//! TwiML of a real `c2c serve` and bridges to the same stand-in phones the browser's calls reach.
//! What is asserted is what a tester would see: the keys that arrived, the tone heard, the
//! outcome and its exit status, the same as through the browser.

use serde_json::Value;

use crate::fixtures::AUTH_TOKEN;
use crate::voice_edge::{SIP_CA, SIP_DOMAIN, SIP_USERNAME, VoiceEdge};

const IVR: &str = "+14155550100";

fn json(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|err| panic!("{err}: {stdout}"))
}

/// A `c2c serve` that takes the SIP Domain's calls, and the stand-in with its Domain pointed at it.
fn through_sip(phones: &[&str]) -> (VoiceEdge, crate::server::Serve, String) {
    through(phones, VoiceEdge::start_sip)
}

/// As `through_sip`, the Domain's Secure Media on.
fn through_secure_sip(phones: &[&str]) -> (VoiceEdge, crate::server::Serve, String) {
    through(phones, VoiceEdge::start_sip_secure)
}

fn through(
    phones: &[&str],
    start: fn(&[&str], &str) -> VoiceEdge,
) -> (VoiceEdge, crate::server::Serve, String) {
    let serve = crate::server::serve(
        &[],
        &[
            ("TWILIO_AUTH_TOKEN", AUTH_TOKEN),
            ("TWILIO_SIP_DOMAIN", SIP_DOMAIN),
        ],
    );
    let page = format!("http://127.0.0.1:{}/", serve.port);
    let edge = start(phones, &format!("{page}voice"));
    (edge, serve, page)
}

/// A call through SIP (`call`: `VoiceEdge::call_sip` or another way in) to the stand-in's phone
/// tree: its prompt waited out, key 5 pressed, and the 1000 Hz its tree answers 5 with expected;
/// it must pass.
fn press_five(
    call: impl FnOnce(&[&str]) -> crate::support::C2c,
    page: &str,
    more: &[&str],
) -> crate::support::Run {
    let mut args = vec![
        IVR,
        "--server",
        page,
        "--step",
        "wait-for-silence",
        "--step",
        "press 5",
        "--step",
        "expect-tone 1000 timeout=5s",
        "--json",
    ];
    args.extend_from_slice(more);
    let run = call(&args).run();
    run.assert_code(0);
    run
}

#[test]
fn a_phone_tree_hears_the_keys_and_c2c_hears_its_answer_through_sip() {
    let (edge, serve, page) = through_sip(&[&format!("{IVR}=ivr")]);
    let run = press_five(|args| edge.call_sip(args), &page, &[]);
    let report = json(&run.stdout);
    assert_eq!(report["outcome"], "completed", "{report}");
    assert_eq!(report["answered"], true);
    let steps = report["steps"].as_array().unwrap();
    assert!(steps.iter().all(|s| s["status"] == "passed"), "{report}");
    let call = edge.next("call");
    assert_eq!(
        call["digits"], "5",
        "the phone tree got the key once: {call}"
    );
    // Twilio's own name for the call reached the report, by way of c2c's server.
    assert_eq!(report["call_sid"], call["sid"], "{report}\n{call}");
    // Twilio asked c2c's /voice as it does for a SIP Domain's call, and c2c dialled the number.
    let params = &call["webhooks"][0]["params"];
    assert_eq!(params["SipDomain"], SIP_DOMAIN, "{call}");
    assert_eq!(params["SipUsername"], SIP_USERNAME);
    assert_eq!(params["To"], format!("sip:{IVR}@{SIP_DOMAIN}"));
    assert_eq!(params["From"], format!("sip:{SIP_USERNAME}@{SIP_DOMAIN}"));
    assert!(params.get("ApplicationSid").is_none(), "{params}");
    assert_eq!(call["dials"][0]["status"], "completed", "{call}");
    serve.wait_for_log(&format!("calls {IVR} through SIP"));
}

#[test]
fn over_tcp_the_call_is_the_same() {
    let (edge, _serve, page) = through_sip(&[&format!("{IVR}=ivr")]);
    press_five(
        |args| edge.call_sip(args),
        &page,
        &["--sip-transport", "tcp"],
    );
    let call = edge.next("call");
    assert_eq!(call["transport"], "TCP", "{call}");
    assert_eq!(call["digits"], "5", "{call}");
    // The INVITE asked for TCP, and c2c still dialled the number in it.
    let to = call["webhooks"][0]["params"]["To"].as_str().unwrap();
    // (Parameter values are compared without case: RFC 3261 19.1.4.)
    assert!(
        to.eq_ignore_ascii_case(&format!("sip:{IVR}@{SIP_DOMAIN};transport=tcp")),
        "{to}"
    );
    assert_eq!(call["dials"][0]["status"], "completed", "{call}");
    // c2c hung up (BYE over the same connection) and the call completed.
    assert_eq!(call["status"], "completed", "{call}");
}

#[test]
fn a_domain_with_secure_media_takes_the_call_over_tls_with_srtp() {
    let (edge, _serve, page) = through_secure_sip(&[&format!("{IVR}=ivr")]);
    // Plain RTP, even over TLS, is refused by a secure Domain: c2c names the setting to change.
    let plain = edge
        .call_sip_tls(&[IVR, "--server", &page, "--sip-transport", "tls"])
        .env("SSL_CERT_FILE", SIP_CA)
        .run();
    assert_ne!(plain.code, 0, "{}", plain.stderr);
    assert!(
        plain.stderr.contains("SIP 488") && plain.stderr.contains("--sip-media"),
        "{}",
        plain.stderr
    );
    // SRTP (over TLS, which it chooses): the keys and the tone go through, encrypted both ways.
    let srtp = |args: &[&str]| edge.call_sip_tls(args).env("SSL_CERT_FILE", SIP_CA);
    let run = press_five(srtp, &page, &["--sip-media", "srtp"]);
    let report = json(&run.stdout);
    let call = edge.next("call");
    assert_eq!(call["transport"], "TLS", "{call}");
    assert_eq!(call["sound"]["srtp"], true, "{call}");
    assert_eq!(call["sound"]["refused"], 0, "every packet verified: {call}");
    assert_eq!(call["digits"], "5", "{call}");
    assert_eq!(report["call_sid"], call["sid"], "{report}\n{call}");
    let to = call["webhooks"][0]["params"]["To"].as_str().unwrap();
    assert!(
        to.eq_ignore_ascii_case(&format!("sip:{IVR}@{SIP_DOMAIN};transport=tls")),
        "{to}"
    );
    // SRTP's keys are never sent in the clear: over UDP it is refused before any call.
    let clear = edge
        .call_sip_tls(&[
            IVR,
            "--server",
            &page,
            "--sip-media",
            "srtp",
            "--sip-transport",
            "udp",
        ])
        .env("SSL_CERT_FILE", SIP_CA)
        .run();
    assert_eq!(clear.code, 2, "{}", clear.stderr);
    assert!(
        clear.stderr.contains("--sip-transport") && clear.stderr.contains("only TLS"),
        "{}",
        clear.stderr
    );
}

#[test]
fn a_projects_dotenv_cannot_take_the_sip_leg_off_tls() {
    let (edge, _serve, page) = through_sip(&[&format!("{IVR}=answer+tone=1000")]);
    let c2c = edge.call_sip_tls(&[IVR, "--server", &page, "--step", "expect-tone 1000"]);
    let config = c2c.config_file();
    let run = c2c
        .write(&config, "sip_transport = \"tls\"\n")
        .dotenv("C2C_SIP_TRANSPORT=udp\nC2C_SIP_MEDIA=rtp\n")
        .env("SSL_CERT_FILE", SIP_CA)
        .run();
    run.assert_code(0);
    assert!(
        run.stderr.contains("C2C_SIP_TRANSPORT is ignored")
            && run.stderr.contains("C2C_SIP_MEDIA is ignored"),
        "{}",
        run.stderr
    );
    assert_eq!(edge.next("call")["transport"], "TLS");
}

#[test]
fn a_domain_whose_certificate_c2c_cannot_trust_gets_no_call() {
    let (edge, _serve, page) = through_sip(&[&format!("{IVR}=answer")]);
    // The machine's own authorities do not know the stand-in's test CA.
    let run = edge
        .call_sip_tls(&[IVR, "--server", &page, "--sip-transport", "tls"])
        .run();
    assert_ne!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("certificate") && run.stderr.contains("SSL_CERT_FILE"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains(crate::voice_edge::SIP_PASSWORD),
        "{}",
        run.stderr
    );
}

#[test]
fn a_domain_that_never_answers_over_tls_is_said_within_seconds() {
    // Takes the connection and never says a word of TLS: the run must not hang for the
    // system's minutes, and says where it waited.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = silent.local_addr().unwrap().to_string();
    let held = std::thread::spawn(move || silent.accept().map(|(conn, _)| conn));
    let started = std::time::Instant::now();
    let run = crate::support::c2c(&["call", IVR, "--leg", "sip", "--sip-transport", "tls"])
        .all_env()
        .env("TWILIO_SIP_DOMAIN", SIP_DOMAIN)
        .env("TWILIO_SIP_USERNAME", SIP_USERNAME)
        .env("TWILIO_SIP_PASSWORD", crate::voice_edge::SIP_PASSWORD)
        .arg("--sip-proxy")
        .arg(&address)
        .run();
    assert_ne!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains(&format!("no answer on {address} (TLS)")),
        "{}",
        run.stderr
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
    drop(held);
}

#[test]
fn without_a_tunnel_a_sip_run_says_whose_voice_url_twilio_follows() {
    // The Domain sends its calls to a c2c serve this run is not: Twilio follows it, and c2c says
    // so, naming the SIP Domain (not the TwiML App, which this run's call never asks).
    let (edge, _serve, _page) = through_sip(&[&format!("{IVR}=answer")]);
    let run = edge.call_sip(&[IVR, "--hangup-after", "1s"]).run();
    assert!(
        run.stderr
            .contains("follows the SIP Domain's current Voice URL"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_busy_number_through_sip_is_busy_as_through_the_browser() {
    let (edge, _serve, page) = through_sip(&["+14155550101=busy"]);
    let run = edge
        .call_sip(&["+14155550101", "--server", &page, "--json"])
        .run();
    run.assert_code(5);
    let report = json(&run.stdout);
    assert_eq!(report["outcome"], "busy", "{report}");
    assert_eq!(report["answered"], false);
    assert!(
        report["message"]
            .as_str()
            .unwrap()
            .contains("+14155550101 was busy"),
        "{report}"
    );
}

#[test]
fn a_wrong_sip_password_is_named_with_its_fix() {
    let (edge, _serve, page) = through_sip(&[&format!("{IVR}=answer")]);
    let run = edge
        .call_sip(&[IVR, "--server", &page, "--json"])
        .env("TWILIO_SIP_PASSWORD", "NotThePassw0rd")
        .run();
    assert_ne!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("refused c2c's credential (SIP 403)")
            && run.stderr.contains("c2c configure --sip"),
        "{}",
        run.stderr
    );
    // Nothing was dialled: Twilio never asked c2c.
    assert!(!run.stderr.contains("NotThePassw0rd"), "{}", run.stderr);
}

#[test]
fn the_sip_leg_needs_c2cs_sip_domain_and_says_how_to_make_it() {
    let run = crate::support::c2c(&["call", IVR, "--leg", "sip"])
        .all_env()
        .run();
    run.assert_code(3);
    assert!(run.stderr.contains("c2c configure --sip"), "{}", run.stderr);
}

#[test]
fn a_suite_gives_the_same_verdicts_through_both_legs() {
    let phones = [
        &format!("{IVR}=ivr")[..],
        "+14155550101=busy",
        "+14155550102=no-answer",
    ];
    let (edge, _serve, page) = both_legs(&phones);
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    write(
        "a-menu.yaml",
        &format!("call: '{IVR}'\nsteps:\n  - wait-for-silence\n  - press 2\n  - expect-tone 700\n"),
    );
    write(
        "b-wrong-key.yaml",
        &format!(
            "call: '{IVR}'\nsteps:\n  - wait-for-silence\n  - press 2\n  - expect-tone 900 timeout=3s\n"
        ),
    );
    write("c-busy.yaml", "call: '+14155550101'\n");
    write("d-no-answer.yaml", "call: '+14155550102'\ntimeout: 2s\n");
    let suite = dir.path().to_str().unwrap();
    let args = [
        suite,
        "--server",
        &page,
        "--jobs",
        "4",
        "--retry-inconclusive",
        "2",
        "--json",
    ];
    let sip = edge.test_sip(&args).run();
    let through_sip = results(&sip);
    assert_eq!(through_sip.len(), 4, "{}\n{}", sip.stdout, sip.stderr);
    assert_eq!(through_sip[0]["verdict"], "passed", "{through_sip:?}");
    assert_eq!(through_sip[1]["verdict"], "failed", "{through_sip:?}");
    assert_eq!(through_sip[2]["outcome"], "busy", "{through_sip:?}");
    assert_eq!(through_sip[3]["outcome"], "no-answer", "{through_sip:?}");
    // The browser's leg, through the same stand-in and the same c2c serve, says the same.
    let browser = edge.test(&args).run();
    assert_eq!(results(&browser), through_sip, "{}", browser.stderr);
    assert_eq!(sip.code, browser.code);
}

#[test]
fn a_scenario_can_go_through_sip_in_a_suite_through_the_browser() {
    // One c2c serve for both legs: its port is chosen first, so that the stand-in's SIP Domain
    // can send its calls there, and the serve's page can reach the stand-in's signalling.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let page = format!("http://127.0.0.1:{port}/");
    let edge = VoiceEdge::start_sip(&[&format!("{IVR}=ivr")], &format!("{page}voice"));
    let _serve = crate::server::serve(
        &["--port", &port.to_string()],
        &[
            ("TWILIO_AUTH_TOKEN", AUTH_TOKEN),
            ("TWILIO_SIP_DOMAIN", SIP_DOMAIN),
            ("C2C_SIGNALLING", edge.signalling.as_str()),
        ],
    );
    let dir = tempfile::tempdir().unwrap();
    let scenario = |leg: &str| {
        format!(
            "call: '{IVR}'\n{leg}steps:\n  - wait-for-silence\n  - press 2\n  - expect-tone 700\n"
        )
    };
    std::fs::write(dir.path().join("a-browser.yaml"), scenario("")).unwrap();
    std::fs::write(dir.path().join("b-sip.yaml"), scenario("leg: sip\n")).unwrap();
    let run = edge
        .test(&[dir.path().to_str().unwrap(), "--server", &page, "--json"])
        .env("TWILIO_SIP_DOMAIN", SIP_DOMAIN)
        .env("TWILIO_SIP_USERNAME", SIP_USERNAME)
        .env("TWILIO_SIP_PASSWORD", crate::voice_edge::SIP_PASSWORD)
        .arg("--sip-proxy")
        .arg(edge.sip.as_deref().unwrap())
        .run();
    run.assert_code(0);
    let mut froms: Vec<String> = (0..2)
        .map(|_| edge.next("call")["webhooks"][0]["params"]["From"].to_string())
        .collect();
    froms.sort();
    assert!(froms[0].contains("client:"), "{froms:?}");
    assert_eq!(
        froms[1],
        format!("\"sip:{SIP_USERNAME}@{SIP_DOMAIN}\""),
        "{froms:?}"
    );
}

/// A c2c serve on a port chosen first, taking both legs' calls: the stand-in's SIP Domain sends
/// its calls there, and the serve's page signals to the stand-in.
fn both_legs(phones: &[&str]) -> (VoiceEdge, crate::server::Serve, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let page = format!("http://127.0.0.1:{port}/");
    let edge = VoiceEdge::start_sip(phones, &format!("{page}voice"));
    let serve = crate::server::serve(
        &["--port", &port.to_string()],
        &[
            ("TWILIO_AUTH_TOKEN", AUTH_TOKEN),
            ("TWILIO_SIP_DOMAIN", SIP_DOMAIN),
            ("C2C_SIGNALLING", edge.signalling.as_str()),
        ],
    );
    (edge, serve, page)
}

/// The calls of a `c2c test --json` run, a line each.
fn lines(run: &crate::support::Run) -> Vec<Value> {
    run.stdout
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap_or_else(|e| panic!("{l:?}: {e}")))
        .filter(|line| line.get("scenario").is_some())
        .collect()
}

/// Each scenario's file name, outcome, verdict and steps' statuses, sorted by name: what two
/// legs' runs of one suite must agree on (turn latency is not: each leg has its own audio path).
fn results(run: &crate::support::Run) -> Vec<Value> {
    let mut found: Vec<Value> = lines(run)
        .into_iter()
        .map(|line| {
            let name = std::path::Path::new(line["scenario"].as_str().unwrap())
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let steps: Vec<Value> = line["steps"]
                .as_array()
                .map(|s| s.iter().map(|s| s["status"].clone()).collect())
                .unwrap_or_default();
            serde_json::json!({
                "name": name,
                "outcome": line["outcome"],
                "verdict": line["verdict"],
                "steps": steps,
            })
        })
        .collect();
    found.sort_by_key(|v| v["name"].to_string());
    found
}

#[test]
fn speech_talk_failure_and_a_far_end_hang_up_judge_the_same_through_both_legs() {
    let tree = "+14155550142";
    let agent = "+14155550171";
    let failed = "+14155550103";
    let hangs_up = "+14155550104";
    let (edge, _serve, page) = both_legs(&[
        &format!("{tree}=ivr+speech"),
        &format!("{agent}=answer+agent=700"),
        &format!("{failed}=failed"),
        &format!("{hangs_up}=answer+tone=1000+hangup=2500"),
    ]);
    crate::models::voice();
    let _heavy = crate::support::heavy();
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: String| std::fs::write(dir.path().join(name), text).unwrap();
    write(
        "a-tree.yaml",
        format!(
            "call: '{tree}'\nsteps:\n  - wait-for-prompt \"For billing, press 3\"\n  - press 3\n  - expect-speech \"your current balance is $42.10\"\n"
        ),
    );
    write(
        "b-agent.yaml",
        format!(
            "call: '{agent}'\nsteps:\n  - say \"I want to check my balance\"\n  - expect-speech \"your current balance is\" within=3s\n"
        ),
    );
    write("c-failed.yaml", format!("call: '{failed}'\n"));
    write(
        "d-hangs-up.yaml",
        format!("call: '{hangs_up}'\nsteps:\n  - expect-tone 1000\n  - wait 6s\n"),
    );
    let suite = dir.path().to_str().unwrap();
    let mirror = crate::models::mirror(crate::models::archives());
    let cache = crate::models::talk_cache();
    let with_models = |c2c: crate::support::C2c| {
        c2c.env("C2C_SPEECH_MIRROR", &mirror)
            .env("XDG_CACHE_HOME", cache.to_str().unwrap())
    };
    // A call c2c could not judge on a busy machine is placed again, as a tester would.
    let args = [
        suite,
        "--server",
        &page,
        "--jobs",
        "2",
        "--retry-inconclusive",
        "2",
        "--json",
    ];
    let sip = with_models(edge.test_sip(&args)).run();
    let through_sip = results(&sip);
    assert_eq!(through_sip.len(), 4, "{}\n{}", sip.stdout, sip.stderr);
    // What a tester would see through SIP: the tree understood, the agent's turn timed, the failed
    // call failed, and the far end's hang-up ending the call.
    assert_eq!(
        through_sip[0]["verdict"], "passed",
        "{through_sip:?}\n{}",
        sip.stderr
    );
    assert_eq!(
        through_sip[1]["verdict"], "passed",
        "{through_sip:?}\n{}",
        sip.stderr
    );
    let agent_call = lines(&sip)
        .into_iter()
        .find(|line| line["scenario"].as_str().unwrap().ends_with("b-agent.yaml"))
        .unwrap();
    let latency = agent_call["steps"][1]["latency"]
        .as_f64()
        .expect("the agent's turn is timed");
    // The stand-in agent answers 700 ms after the caller's last sound, and the path adds a little.
    // Its RTP timestamps follow its sending schedule, which its one busy thread catches up on in
    // bursts: a reply may carry a timestamp a few packets before the moment it decided to answer.
    assert!((0.6..1.5).contains(&latency), "{latency}");
    assert_eq!(through_sip[2]["outcome"], "failed", "{through_sip:?}");
    assert_eq!(through_sip[3]["outcome"], "completed", "{through_sip:?}");
    let browser = with_models(edge.test(&args)).run();
    let through_browser = results(&browser);
    assert_eq!(through_browser, through_sip, "{}", browser.stderr);
    assert_eq!(sip.code, browser.code);
}

#[test]
fn ctrl_c_hangs_up_a_sip_call_first() {
    let (edge, _serve, page) = through_sip(&[&format!("{IVR}=answer")]);
    let running = edge.call_sip(&[IVR, "--server", &page]).spawn();
    edge.next("invite");
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert_eq!(running.stop_with("INT"), Some(130));
    let call = edge.next("call");
    // c2c's BYE reached the Domain: the call completed from the caller's side, and Twilio's
    // dialled leg with it.
    assert_eq!(call["status"], "completed", "{call}");
    assert_eq!(call["dials"][0]["status"], "completed", "{call}");
}
