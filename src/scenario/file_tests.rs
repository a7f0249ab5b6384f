//! The scenario file reader's cases: what a file says, and every mistake named.

use super::*;

#[test]
fn a_file_says_the_call_and_its_steps_with_paths_from_its_folder() {
    let yaml = "call: '+18005550199'\nplay: hello.wav\ndigits: 12\ntimeout: 20s\nhangup-after: 90\nrecord: out/heard.wav\nquality: {mos: 3.5}\nsteps:\n  - wait-for-silence\n  - play: prompt.wav\n";
    let s = Scenario::parse(yaml, Path::new("suite")).unwrap();
    assert_eq!(s.call.as_deref(), Some("+18005550199"));
    assert_eq!(s.play, Some(PathBuf::from("suite/hello.wav")));
    assert_eq!(s.digits.as_deref(), Some("12"));
    assert_eq!(s.timeout, Some(Duration::from_secs(20)));
    assert_eq!(
        s.hangup_after,
        Some(HangUpAfter::After(Duration::from_secs(90)))
    );
    let lifted = Scenario::parse("hangup-after: none\n", Path::new("")).unwrap();
    assert_eq!(lifted.hangup_after, Some(HangUpAfter::Never));
    assert_eq!(s.record, Some(PathBuf::from("suite/out/heard.wav")));
    assert_eq!(s.quality_mos, Some(3.5));
    assert_eq!(s.steps.len(), 2);
    assert_eq!(
        s.steps[1].action,
        Action::Play(PathBuf::from("suite/prompt.wav"))
    );
}

#[test]
fn a_suite_shares_its_sounds_and_records_in_subfolders() {
    let suite = tempfile::tempdir().unwrap();
    let root = suite.path();
    for dir in ["sounds", "billing/out"] {
        std::fs::create_dir_all(root.join(dir)).unwrap();
    }
    std::fs::write(root.join("sounds/hello.wav"), b"RIFF").unwrap();
    let file = root.join("billing/menu.yaml");
    std::fs::write(
        &file,
        "play: ../sounds/hello.wav\nrecord: out/heard.wav\nsteps: ['play ../sounds/hello.wav']\n",
    )
    .unwrap();
    let s = Scenario::read(&file, root).unwrap();
    assert_eq!(s.record, Some(root.join("billing/out/heard.wav")));
    // The file's own folder is the limit when it is run alone.
    let why = Scenario::read(&file, &root.join("billing")).unwrap_err();
    assert!(
        why.starts_with("play: ") && why.contains("leads out of"),
        "{why}"
    );
}

#[test]
fn mistakes_in_a_file_are_named() {
    for (yaml, says) in [
        (
            "cal: '+1'\nsteps: []\n",
            "cal: is not a key of a scenario file: did you mean call:?",
        ),
        ("timout: 30s\n", "did you mean timeout:?"),
        (
            "steps: [hangup]\nlabel: x\n",
            "label: is not a key of a scenario file: (the keys are call,",
        ),
        (
            "call: x\nsteps:\n  - a\n  - [b\n",
            "at the end of the file (after line 4)",
        ),
        ("call: ''\n", "call: is empty"),
        ("digits: 12x\n", "digits: \"12x\""),
        ("timeout: soon\n", "timeout: \"soon\" is not a duration"),
        ("- press 1\n", "not a list"),
        ("steps: 3\n", "no list under steps"),
        ("quality: {mos: 7}\n", "quality: mos: \"7\" is not a MOS"),
        ("quality: {jitter: 7}\n", "unknown field `jitter`"),
    ] {
        let why = Scenario::parse(yaml, Path::new("")).unwrap_err();
        assert!(why.contains(says), "{yaml:?}: {why}");
    }
    // Steps alone are still a scenario: the command line gives the call.
    assert!(
        Scenario::parse("steps: [hangup]\n", Path::new(""))
            .unwrap()
            .call
            .is_none()
    );
}

#[test]
fn a_file_may_say_which_leg_places_its_call() {
    let sip = Scenario::parse("call: '+18005550199'\nleg: sip\n", Path::new("")).unwrap();
    assert_eq!(sip.leg, Some(crate::call::LegKind::Sip));
    let browser = Scenario::parse("leg: browser\n", Path::new("")).unwrap();
    assert_eq!(browser.leg, Some(crate::call::LegKind::Browser));
    let unsaid = Scenario::parse("call: '+18005550199'\n", Path::new("")).unwrap();
    assert_eq!(unsaid.leg, None, "the run's --leg decides");
    let err = Scenario::parse("leg: phone\n", Path::new("")).unwrap_err();
    assert!(
        err.contains("leg: it is neither browser nor sip: use browser or sip"),
        "{err}"
    );
    let near = Scenario::parse("legs: sip\n", Path::new("")).unwrap_err();
    assert!(near.contains("did you mean leg:?"), "{near}");
}
