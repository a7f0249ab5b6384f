//! Speech steps end to end: the real binary, Debian's Chromium and the Voice SDK, against the
//! stand-in voice edge's spoken phone tree (`ivr+speech`: tests/fixtures/speech, made by
//! scripts/speech-audio from tests/speech/tree.tsv). The model is the real one: the archives
//! `scripts/setup` fetched from the registries (pinned), served to c2c from loopback, so that
//! c2c's own download is what fills the model folders.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::models::{archives, mirror, model};
use crate::support::c2c;
use crate::voice_edge::VoiceEdge;

const TREE: &str = "+14155550142";

fn json(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|err| panic!("--json printed {stdout:?}: {err}"))
}

fn steps(report: &Value) -> Vec<(String, String)> {
    report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["step"].as_str().unwrap().to_owned(),
                s["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn a_spoken_phone_tree_is_waited_for_answered_and_understood() {
    let edge = VoiceEdge::start(&[&format!("{TREE}=ivr+speech")]);
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("junit.xml");
    // A cache of its own, empty: c2c downloads the model on this first use, from the mirror.
    let run = edge
        .call(&[
            TREE,
            "--json",
            "--junit",
            junit.to_str().unwrap(),
            "--step",
            "wait-for-prompt \"For billing, press 3\"",
            "--step",
            "press 3",
            "--step",
            "expect-speech \"your current balance is $42.10\"",
        ])
        .env("C2C_SPEECH_MIRROR", &mirror(archives()))
        .run();
    run.assert_code(0);
    let report = json(&run.stdout);
    assert_eq!(
        steps(&report),
        [
            (
                "wait-for-prompt 'For billing, press 3'".to_owned(),
                "passed".to_owned()
            ),
            ("press 3".to_owned(), "passed".to_owned()),
            (
                "expect-speech 'your current balance is $42.10'".to_owned(),
                "passed".to_owned()
            ),
        ]
    );
    assert!(
        run.stderr.contains("Downloading Moonshine tiny"),
        "{}",
        run.stderr
    );

    // The far end got the key once its menu had ended, not before (how soon after is
    // scripts/bench-speech's to measure, on a quiet machine).
    let call = edge.next("call");
    assert_eq!(call["digits"], "3", "{call}");
    let after = call["digitsAfterPrompt"][0].as_f64().unwrap();
    assert!(
        (0.0..10_000.0).contains(&after),
        "the key came {after} ms after the menu ended"
    );

    // The transcript: the menu, then the balance, in order and timed from the answer.
    let transcript = report["transcript"].as_array().expect("a transcript");
    let text: Vec<String> = transcript
        .iter()
        .map(|s| s["text"].as_str().unwrap().to_lowercase())
        .collect();
    let all = text.join(" ");
    // The answer may follow the key so soon that menu and balance are one utterance.
    let menu = all.find("for billing").unwrap_or_else(|| panic!("{all}"));
    let balance = all.find("balance").unwrap_or_else(|| panic!("{all}"));
    assert!(menu < balance, "{all}");
    // Said once each: no utterance twice (as what was said so far, then whole).
    assert_eq!(all.matches("balance").count(), 1, "{all}");
    let mut last_end = 0.0;
    for said in transcript {
        let (start, end) = (
            said["start"].as_f64().unwrap(),
            said["end"].as_f64().unwrap(),
        );
        assert!(start >= last_end - 0.01 && end > start, "{transcript:?}");
        last_end = end;
    }
    // The menu began half a second after the answer (the stand-in's lead).
    assert!(
        transcript[0]["start"].as_f64().unwrap() < 1.5,
        "{transcript:?}"
    );

    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(xml.contains("transcript:"), "{xml}");
    assert!(xml.to_lowercase().contains("balance"), "{xml}");
}

#[test]
fn a_wrong_expectation_fails_and_quotes_what_was_said() {
    let edge = VoiceEdge::start(&[&format!("{TREE}=ivr+speech")]);
    let run = edge
        .call(&[
            TREE,
            "--speech-model",
            model().to_str().unwrap(),
            "--step",
            "wait-for-prompt \"for support, press two\"",
            "--step",
            "press 2",
            "--step",
            "expect-speech \"your balance is\" timeout=8s",
        ])
        .run();
    run.assert_code(1);
    let said = run.stderr.to_lowercase();
    assert!(
        said.contains("step 3 (expect-speech 'your balance is' timeout=8s) failed: not said within 8s; the far end said \""),
        "{}",
        run.stderr
    );
    assert!(said.contains("ticket number"), "{}", run.stderr);
    assert_eq!(edge.next("call")["digits"], "2");
}

#[test]
fn a_transcript_without_speech_steps() {
    let edge = VoiceEdge::start(&[&format!("{TREE}=ivr+speech")]);
    let run = edge
        .call(&[
            TREE,
            "--speech-model",
            model().to_str().unwrap(),
            "--transcribe",
            "--hangup-after",
            "9s",
            "--json",
        ])
        .run();
    run.assert_code(0);
    let report = json(&run.stdout);
    let all: String = report["transcript"]
        .as_array()
        .expect("--transcribe gives a transcript")
        .iter()
        .map(|s| s["text"].as_str().unwrap().to_lowercase())
        .collect::<Vec<_>>()
        .join(" ");
    // Matched as the steps match (a busy machine's audio is rougher than a quiet one's).
    let menu = c2c::phrase::find(
        "for billing, press 3",
        &all,
        c2c::phrase::DEFAULT_SIMILARITY,
    );
    assert!(menu.is_some(), "{all}");
    assert!(run.stderr.contains("heard ("), "{}", run.stderr);
}

/// Runs a speech call that cannot start; the model's trouble is said before any call.
fn refused(configure: impl FnOnce(crate::support::C2c) -> crate::support::C2c) -> String {
    let run = configure(
        c2c(&["call", "+14155550142"])
            .all_env()
            .env("C2C_SIGNALLING", "127.0.0.1:9")
            .arg("--step")
            .arg("expect-speech hello"),
    )
    .run();
    run.assert_code(3);
    // One line says it, and no browser page was opened for a call.
    let errors = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("error: "))
        .count();
    assert_eq!(errors, 1, "{}", run.stderr);
    assert!(!run.stderr.contains("calling +1"), "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    run.stderr
}

#[test]
fn a_missing_unreachable_or_altered_model_is_one_line_before_the_call() {
    let empty = tempfile::tempdir().unwrap();
    let said = refused(|c| c.arg("--speech-model").arg(empty.path().to_str().unwrap()));
    assert!(
        said.contains("the folder lacks encoder_model.onnx, decoder_model_merged.onnx, tokenizer.json, libonnxruntime.so"),
        "{said}"
    );

    // First use with no way to download. A project's .env cannot name the folder: c2c would
    // load a library from it.
    let said = refused(|c| {
        c.env("C2C_SPEECH_MIRROR", "http://127.0.0.1:9")
            .dotenv("C2C_SPEECH_MODEL=./models\n")
    });
    assert!(said.contains("cannot download Moonshine tiny"), "{said}");
    assert!(said.contains("--speech-model"), "{said}");
    assert!(said.contains("C2C_SPEECH_MODEL is ignored"), "{said}");

    // A download that is not the pinned file: nothing of it is kept.
    let fake = tempfile::tempdir().unwrap();
    let tgz = fake
        .path()
        .join("@moonshine-ai/moonshine-js/-/moonshine-js-0.1.29.tgz");
    std::fs::create_dir_all(tgz.parent().unwrap()).unwrap();
    std::fs::write(&tgz, b"a changed file").unwrap();
    let home = tempfile::tempdir().unwrap();
    let said = refused(|c| {
        c.env("C2C_SPEECH_MIRROR", &mirror(fake.path().to_owned()))
            .env("HOME", home.path().to_str().unwrap())
    });
    assert!(
        said.contains("does not match the SHA-256 c2c pins for it"),
        "{said}"
    );
    let cache = home.path().join(".cache/c2c/speech");
    let kept: Vec<_> = walk(&cache);
    assert!(kept.is_empty(), "{kept:?}");
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .flat_map(|e| {
            let path = e.path();
            if path.is_dir() {
                walk(&path)
            } else {
                vec![path]
            }
        })
        .collect()
}

#[test]
fn a_corrupt_model_ends_the_call_with_one_line() {
    // It loads beside the browser's start, so it is found once the call is under way: c2c
    // hangs up and says so, as for a missing one.
    let corrupt = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(model()).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, corrupt.path().join(path.file_name().unwrap())).unwrap();
    }
    std::fs::write(corrupt.path().join("encoder_model.onnx"), b"not a model").unwrap();
    let edge = VoiceEdge::start(&[&format!("{TREE}=ivr+speech")]);
    let run = edge
        .call(&[
            TREE,
            "--speech-model",
            corrupt.path().to_str().unwrap(),
            "--json",
            "--step",
            "wait-for-prompt \"for support\"",
        ])
        .run();
    run.assert_code(3);
    // The report is written all the same, with the same exit status.
    let report = json(&run.stdout);
    assert_eq!(report["exit_status"], 3, "{report}");
    assert_eq!(report["outcome"], "failed", "{report}");
    let errors: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("error: "))
        .collect();
    assert_eq!(errors.len(), 1, "{}", run.stderr);
    assert!(
        errors[0].contains("encoder_model.onnx is not a model ONNX Runtime can load"),
        "{}",
        run.stderr
    );
    assert!(
        errors[0].contains("check the files in --speech-model's folder"),
        "{}",
        run.stderr
    );
    assert_eq!(edge.next("call")["status"], "completed");
}

#[test]
fn doctor_says_whether_speech_is_ready() {
    let mock = crate::twilio_mock::TwilioMock::start();
    mock.set_voice_url("https://me.example/voice");
    let speech = |run: &crate::support::Run| -> Value {
        let report: Value = serde_json::from_str(&run.stdout).unwrap();
        report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == "speech")
            .cloned()
            .unwrap_or_else(|| panic!("{report}"))
    };

    let fresh = c2c(&["doctor", "--json"]).against(&mock).run();
    let check = speech(&fresh);
    assert_eq!(check["status"], "ok", "{check}");
    assert!(
        check["found"]
            .as_str()
            .unwrap()
            .contains("not downloaded yet"),
        "{check}"
    );

    let ready = c2c(&["doctor", "--json"])
        .against(&mock)
        .env("C2C_SPEECH_MODEL", model().to_str().unwrap())
        .run();
    let check = speech(&ready);
    assert_eq!(check["status"], "ok", "{check}");
    assert!(
        check["found"]
            .as_str()
            .unwrap()
            .starts_with("ready: the speech model in"),
        "{check}"
    );

    let lacking = tempfile::tempdir().unwrap();
    let broken = c2c(&["doctor", "--json"])
        .against(&mock)
        .env("C2C_SPEECH_MODEL", lacking.path().to_str().unwrap())
        .run();
    assert_ne!(broken.code, 0);
    let check = speech(&broken);
    assert_eq!(check["status"], "fail", "{check}");
    assert!(
        check["found"]
            .as_str()
            .unwrap()
            .contains("lacks encoder_model.onnx"),
        "{check}"
    );
}

#[test]
fn the_setup_script_fetches_what_c2c_pins() {
    // scripts/setup fetches the archives the speech tests serve to c2c; both must agree. (Here,
    // not beside the pins: the published crate carries no scripts, and its unit tests must build.)
    let setup = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/setup"))
        .expect("scripts/setup");
    for size in c2c::speech::Size::ALL {
        for archive in c2c::speech::model::archives(size).expect("a runtime for this platform") {
            assert!(setup.contains(archive.url), "{}", archive.url);
            assert!(setup.contains(archive.sha256), "{}", archive.what);
        }
    }
    for archive in c2c::voice::files::archives() {
        assert!(setup.contains(archive.url), "{}", archive.url);
        assert!(setup.contains(archive.sha256), "{}", archive.what);
    }
}

/// Through the whole path, at both speeds (the fast one with Moonshine base, chosen by the
/// scenario and downloaded by c2c on first use): the tree ignores keys while its menu plays, so a
/// key pressed on the words before the comma would be lost and billing never reached.
#[test]
fn a_menu_that_pauses_at_its_commas_gets_its_key_after_the_menu() {
    let _heavy = crate::support::heavy();
    // Base for both: the menu is one 12-second utterance (its pauses are all under a second),
    // and tiny now and then stops before its last words, "press zero", on one that long (seen
    // once in CI). tests/whole_prompt.rs runs tiny fifteen times on the menu's shorter half.
    for (tree, speech) in [("commas", "base"), ("commas-fast", "base")] {
        let edge = VoiceEdge::start(&[&format!("{TREE}=ivr+speech={tree}+keys-after-prompt")]);
        let dir = tempfile::tempdir().unwrap();
        let scenario = dir.path().join("menu.yaml");
        std::fs::write(
            &scenario,
            format!(
                "speech: {speech}\nsteps:\n  - wait-for-prompt \"to speak to an agent, press 0\"\n  - press: 2\n  - expect-speech \"you have reached billing\"\n"
            ),
        )
        .unwrap();
        let home = tempfile::tempdir().unwrap();
        let run = edge
            .call(&[TREE, "--json", "--scenario", scenario.to_str().unwrap()])
            .env("C2C_SPEECH_MIRROR", &mirror(archives()))
            .env("HOME", home.path().to_str().unwrap())
            .run();
        run.assert_code(0);
        assert!(
            run.stderr
                .contains(&format!("Downloading Moonshine {speech}")),
            "{}",
            run.stderr
        );
        let call = edge.next("call");
        assert_eq!(call["digits"], "2", "{tree}: {call}");
        let after = call["digitsAfterPrompt"][0].as_f64().unwrap();
        assert!(
            after >= 0.0,
            "{tree}: the key came {after} ms before the menu ended"
        );
        let report = json(&run.stdout);
        let waited = report["steps"][0]["detail"].as_str().unwrap().to_owned();
        assert!(waited.contains("zero\""), "{tree}: {waited}");
    }
}

#[test]
fn a_speech_model_that_is_neither_tiny_nor_base_is_a_usage_error() {
    let run = c2c(&[
        "call",
        TREE,
        "--speech",
        "large",
        "--step",
        "expect-speech hello",
    ])
    .all_env()
    .run();
    run.assert_code(2);
    assert!(
        run.stderr
            .contains("--speech is not a valid speech model: \"large\" is neither tiny nor base."),
        "{}",
        run.stderr
    );
    // From the environment, it is named as such.
    let run = c2c(&["call", TREE, "--step", "expect-speech hello"])
        .all_env()
        .env("C2C_SPEECH", "large")
        .run();
    run.assert_code(3);
    assert!(
        run.stderr
            .contains("C2C_SPEECH (environment) is not a valid speech model"),
        "{}",
        run.stderr
    );
}
