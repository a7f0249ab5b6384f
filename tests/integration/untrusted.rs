//! A scenario file from a cloned repository is untrusted input: what it names stays inside its
//! suite, what it asks for is bounded, and every mistake in it is refused before any call, with
//! the file, the key and why (exit 2). Each of these ran before the fix, and did harm.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::support::c2c;

fn write(path: &Path, bytes: impl AsRef<[u8]>) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// `c2c test PATH` with every setting given, expected to be refused with exit 2 saying `says`.
fn refused(path: &Path, says: &[&str]) {
    let run = c2c(&["test", path.to_str().unwrap()]).all_env().run();
    run.assert_code(2);
    for said in says {
        assert!(run.stderr.contains(said), "{said:?} in {}", run.stderr);
    }
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

/// A WAV header that says what it likes: `rate` Hz, 16-bit mono, a second of silence.
fn wav(rate: u32) -> Vec<u8> {
    let data = 32_000u32;
    let mut b = Vec::new();
    for part in [
        &b"RIFF"[..],
        &(36 + data).to_le_bytes(),
        b"WAVEfmt ",
        &16u32.to_le_bytes(),
        &1u16.to_le_bytes(),
        &1u16.to_le_bytes(),
        &rate.to_le_bytes(),
        &(rate.wrapping_mul(2)).to_le_bytes(),
        &2u16.to_le_bytes(),
        &16u16.to_le_bytes(),
        b"data",
        &data.to_le_bytes(),
    ] {
        b.extend_from_slice(part);
    }
    b.resize(b.len() + data as usize, 0);
    b
}

#[test]
fn a_scenarios_paths_never_lead_out_of_its_suite() {
    let top = tempfile::tempdir().unwrap();
    let suite = top.path().join("suite");
    let outside = top.path().join("precious.txt");
    write(&outside, "keep me");
    // Links committed beside the files, to a folder and to a file outside the suite.
    let bad = suite.join("bad");
    std::fs::create_dir_all(&bad).unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(top.path(), bad.join("up")).unwrap();
        std::os::unix::fs::symlink(&outside, bad.join("linked.wav")).unwrap();
    }
    let call = "call: '+14155550100'\n";
    let mut cases = vec![
        (
            "absolute.yaml",
            "record: /tmp/heard.wav",
            "record: \"/tmp/heard.wav\" is absolute",
        ),
        ("dots.yaml", "record: ../precious.txt", "leads out of"),
        ("play-dots.yaml", "play: ../precious.txt", "leads out of"),
        (
            "step-abs.yaml",
            "steps: ['play /etc/passwd']",
            "step 1: play: \"/etc/passwd\" is absolute",
        ),
        (
            "newline.yaml",
            "record: \"a\\n[[ATTACHMENT|/etc/hostname]].wav\"",
            "holds a control character",
        ),
    ];
    #[cfg(unix)]
    cases.extend([
        (
            "through-link.yaml",
            "record: up/precious.txt",
            "leads out of",
        ),
        ("onto-link.yaml", "record: linked.wav", "is a symbolic link"),
    ]);
    for (name, line, says) in cases {
        let file = bad.join(name);
        write(&file, format!("{call}{line}\n"));
        refused(&file, &[name, says]);
    }
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), "keep me");

    // The honest layout (shared sounds, recordings in a subfolder) is a real suite's in
    // suite.rs, and Scenario::read's unit tests.
}

#[test]
fn a_file_that_would_take_the_machines_memory_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    // Nine levels of ten aliases each: a billion values once expanded, from under 600 bytes.
    let mut bomb = "call: '+14155550100'\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n".to_owned();
    for level in 1..9 {
        let items = vec![format!("*a{}", level - 1); 10].join(", ");
        bomb.push_str(&format!("a{level}: &a{level} [{items}]\n"));
    }
    let file = dir.path().join("bomb.yaml");
    write(&file, &bomb);
    let started = Instant::now();
    refused(&file, &["bomb.yaml", "anchors and aliases"]);
    assert!(started.elapsed() < Duration::from_secs(5));

    let big = dir.path().join("big.yaml");
    write(
        &big,
        format!("call: '+14155550100'\n{}", "#".repeat(300 * 1024)),
    );
    refused(&big, &["big.yaml", "larger than 256 KiB"]);

    // A WAV header with a rate of 1 Hz would have had the resampler make 3 GB of a 32 KB file;
    // 0 Hz panicked. Refused from the header, by the file's play:, --play and a play step.
    for rate in [1, 0] {
        let sound = dir.path().join(format!("rate-{rate}.wav"));
        write(&sound, wav(rate));
        let file = dir.path().join(format!("rate-{rate}.yaml"));
        write(
            &file,
            format!("call: '+14155550100'\nplay: rate-{rate}.wav\n"),
        );
        refused(
            &file,
            &[
                &format!("rate-{rate}.yaml: play: "),
                &format!("sample rate is {rate} Hz"),
            ],
        );
        let step = format!("play {}", sound.display());
        for (flag, value) in [("--play", sound.to_str().unwrap()), ("--step", &step)] {
            let run = c2c(&["call", "+14155550100", flag, value]).all_env().run();
            run.assert_code(2);
            assert!(
                run.stderr.contains(&format!("sample rate is {rate} Hz")),
                "{}",
                run.stderr
            );
        }
    }
}

#[test]
fn no_number_in_a_file_or_a_flag_panics() {
    let dir = tempfile::tempdir().unwrap();
    for (name, line, says) in [
        (
            "timeout.yaml",
            "timeout: 1e19",
            "timeout: \"1e19\" is longer than a day",
        ),
        (
            "hangup.yaml",
            "hangup-after: 1e20",
            "hangup-after: \"1e20\" is longer than a day",
        ),
        (
            "wait.yaml",
            "steps: ['wait 1e20']",
            "step 1: \"1e20\" is longer than a day",
        ),
        (
            "step.yaml",
            "steps: ['expect-tone 1000 timeout=1e19']",
            "timeout=1e19",
        ),
        ("nan.yaml", "steps: ['wait NaN']", "is not a duration"),
    ] {
        let file = dir.path().join(name);
        write(&file, format!("call: '+14155550100'\n{line}\n"));
        refused(&file, &[name, says]);
    }
    let file = dir.path().join("fine.yaml");
    write(&file, "call: '+14155550100'\nsteps: [hangup]\n");
    let file = file.to_str().unwrap();
    for (args, says) in [
        (
            vec!["test", file, "--repeat", "18446744073709551615"],
            "--repeat",
        ),
        (vec!["test", file, "--repeat", "0"], "--repeat"),
        (vec!["test", file, "--jobs", "100000"], "--jobs"),
        (vec!["test", file, "--rate", "1e-300"], "from 0.01 to 100"),
        (vec!["test", file, "--rate", "NaN"], "from 0.01 to 100"),
        (
            vec!["call", "+14155550100", "--timeout", "1e20"],
            "longer than a day",
        ),
        (
            vec!["call", "+14155550100", "--hangup-after", "99999h"],
            "longer than a day",
        ),
    ] {
        let run = c2c(&args).all_env().run();
        run.assert_code(2);
        assert!(run.stderr.contains(says), "{args:?}: {}", run.stderr);
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    }
}
