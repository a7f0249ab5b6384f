//! The step language's unit tests: `--step` text and YAML read into steps, and every mistake named.

use super::*;

#[test]
fn an_answered_call_has_a_limit_unless_lifted() {
    assert_eq!(HangUpAfter::default().after(), Some(LONGEST_CALL));
    assert_eq!(LONGEST_CALL, Duration::from_secs(600));
    assert_eq!(
        HangUpAfter::parse("90s").unwrap(),
        HangUpAfter::After(Duration::from_secs(90))
    );
    assert_eq!(HangUpAfter::parse("None").unwrap().after(), None);
    let why = HangUpAfter::parse("later").unwrap_err();
    assert!(why.contains("or none, for no limit"), "{why}");
    assert!(HangUpAfter::parse("0s").is_err());
}

#[test]
fn steps_read_with_their_options() {
    let step = parse("expect-tone 1000 for=200ms timeout=8s").unwrap();
    assert_eq!(
        step.action,
        Action::Listen(Listen::ExpectTone {
            hz: 1000.0,
            hold: Duration::from_millis(200)
        })
    );
    assert_eq!(step.timeout(Duration::ZERO), Duration::from_secs(8));
    assert_eq!(
        parse("press 1w2#").unwrap().action,
        Action::Press("1w2#".into())
    );
    assert_eq!(
        parse("wait-for-silence quiet=2s").unwrap().action,
        Action::Listen(Listen::WaitForSilence {
            quiet: Duration::from_secs(2)
        })
    );
    assert_eq!(
        parse("expect-silence 1.5").unwrap().action,
        Action::Listen(Listen::ExpectSilence(Duration::from_millis(1500)))
    );
    assert_eq!(parse("hangup").unwrap().action, Action::HangUp);
    assert_eq!(parse("play  a.wav").unwrap().text, "play a.wav");
}

#[test]
fn speech_steps_take_a_phrase_and_a_similarity() {
    let step = parse(r#"wait-for-prompt "For support, press 2." similarity=0.8"#).unwrap();
    assert_eq!(
        step.action,
        Action::Hear(Hear {
            phrase: "For support, press 2.".into(),
            prompt: true,
            similarity: 0.8,
            within: None,
        })
    );
    assert_eq!(step.timeout(Duration::ZERO), Duration::from_secs(30));
    assert!(step.hears_words());
    let yaml = "steps:\n  - expect-speech: {phrase: your balance is, timeout: 5s, within: 1.2s}\n";
    let steps = parse_scenario(yaml).unwrap();
    assert_eq!(
        steps[0].action,
        Action::Hear(Hear {
            phrase: "your balance is".into(),
            prompt: false,
            similarity: crate::phrase::DEFAULT_SIMILARITY,
            within: Some(Duration::from_millis(1200)),
        })
    );
    assert_eq!(steps[0].timeout(Duration::ZERO), Duration::from_secs(5));
    assert!(!parse("press 1").unwrap().hears_words());
    // --help shows the default the matching uses.
    let default = format!("similarity={}", crate::phrase::DEFAULT_SIMILARITY);
    assert_eq!(help().matches(&default).count(), 2, "{}", help());
}

#[test]
fn mistakes_are_named() {
    for (text, says) in [
        ("", "empty"),
        ("dance", "is not a step"),
        ("press", "needs the keys, as in: press 1w23#"),
        ("press 12a", "'a' is not a key"),
        ("expect-tone loud", "not a frequency"),
        ("expect-tone 1000 timeout=soon", "timeout=soon"),
        ("wait 2s 3s", "one word too many"),
        (
            "expect-speech hello there",
            "\"there\" is one word too many: a phrase of several words goes in quotes, as in: expect-speech \"hello there\"",
        ),
        ("hangup now", "takes no value"),
        (
            "press 1 quiet=2s",
            "has no option \"quiet\": its options are timeout=",
        ),
        (
            "expect-tone 1000 fro=1s",
            "did you mean for? its options are for=, timeout=",
        ),
        ("expct-tone 1000", "did you mean expect-tone?"),
        ("expect-speech", "needs a phrase"),
        ("expect-speech \"...\"", "needs words to listen for"),
        ("expect-speech \"a\nb\"", "holds a control character"),
        ("expect-speech \"a\u{1b}[2Jb\"", "holds a control character"),
        ("wait 1e20", "longer than a day"),
        ("expect-tone 1000 timeout=1e19", "longer than a day"),
        ("wait NaN", "not a duration"),
        ("wait 25h", "longer than a day"),
        (
            "wait-for-prompt hello similarity=2",
            "similarity=2: use a number from 0 to 1",
        ),
        (
            "expect-tone 1000 similarity=0.5",
            "has no option \"similarity\"",
        ),
    ] {
        let why = parse(text).unwrap_err();
        assert!(why.contains(says), "{text:?}: {why}");
    }
}

#[test]
fn the_readmes_scenario_reads_as_it_says() {
    let readme = include_str!("../../README.md");
    let start = readme.find("# ivr.yaml\n").expect("the README's scenario");
    let yaml = &readme[start..start + readme[start..].find("```").unwrap()];
    let texts: Vec<String> = parse_scenario(yaml)
        .unwrap()
        .into_iter()
        .map(|s| s.text)
        .collect();
    assert_eq!(
        texts,
        [
            "wait-for-silence timeout=15s",
            "press 2",
            "expect-tone 1000 for=500ms timeout=8s",
            "hangup"
        ]
    );
}

#[test]
fn a_scenario_file_takes_lines_and_maps() {
    let steps = parse_scenario(
        "steps:\n  - wait-for-silence timeout=15s\n  - press: 2\n  - expect-tone: {hz: 1000, for: 200ms}\n  - hangup\n",
    )
    .unwrap();
    let texts: Vec<&str> = steps.iter().map(|s| s.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "wait-for-silence timeout=15s",
            "press 2",
            "expect-tone 1000 for=200ms",
            "hangup"
        ]
    );
    assert!(parse_scenario("steps: 3").unwrap_err().contains("no list"));
    assert!(
        parse_scenario("steps:\n  - dance\n")
            .unwrap_err()
            .starts_with("step 1:")
    );
    assert!(parse_scenario("steps: [\n").unwrap_err().contains("line"));
}

#[test]
fn a_value_may_be_a_quoted_phrase_and_reads_back_as_written() {
    let spec: StepSpec = r#"play "my prompt.wav" timeout=9s"#.parse().unwrap();
    assert_eq!(spec.value.as_deref(), Some("my prompt.wav"));
    assert_eq!(spec.to_string(), "play 'my prompt.wav' timeout=9s");
    let step = Step::from_spec(&spec).unwrap();
    assert_eq!(step.action, Action::Play(PathBuf::from("my prompt.wav")));
    assert_eq!(step.to_string(), "play 'my prompt.wav' timeout=9s");
    assert!(
        parse(r#"play "unclosed"#)
            .unwrap_err()
            .contains("missing closing quote")
    );
    // The same step from YAML.
    let steps = parse_scenario("steps:\n  - play: {file: my prompt.wav, timeout: 9s}\n").unwrap();
    assert_eq!(steps[0], step);
}

#[test]
fn the_help_lists_every_step() {
    let help = help();
    for kind in KINDS {
        assert!(help.contains(kind.usage), "{}", kind.name);
    }
}

#[test]
fn every_row_is_a_step_of_its_own_and_reads() {
    for (i, kind) in KINDS.iter().enumerate() {
        assert!(
            KINDS[..i]
                .iter()
                .all(|k| k.id != kind.id && k.name != kind.name),
            "{} twice",
            kind.name
        );
        // Its own usage, with a value where it needs one, reads back as a step.
        let example = match kind.value {
            Some((_, example)) => format!("{} {example}", kind.name),
            None => kind.name.to_owned(),
        };
        parse(&example).unwrap_or_else(|why| panic!("{example}: {why}"));
    }
}

#[test]
fn a_file_chooses_its_speech_model() {
    use crate::speech::Size;
    let base = Scenario::parse("speech: base\n", std::path::Path::new("")).unwrap();
    assert_eq!(base.speech, Some(Size::Base));
    let unsaid = Scenario::parse("call: client:alice\n", std::path::Path::new("")).unwrap();
    assert_eq!(unsaid.speech, None);
    let wrong = Scenario::parse("speech: large\n", std::path::Path::new("")).unwrap_err();
    assert!(
        wrong
            .contains("speech: \"large\" is neither tiny nor base: use tiny (the default) or base"),
        "{wrong}"
    );
}

#[test]
fn say_takes_words_a_voice_and_a_pace() {
    use crate::voice::{Say, Voice};
    let step = parse(r#"say "I want to check my balance" voice=am_michael speed=1.2"#).unwrap();
    assert_eq!(
        step.action,
        Action::Say(Talk {
            say: Say {
                text: "I want to check my balance".into(),
                voice: Voice::Kokoro("am_michael"),
                pace: 120,
            },
            barge_in: None,
            yields: None,
        })
    );
    let yaml = "steps:\n  - say: yes\n  - say: {text: cancel my order, voice: system}\n";
    let steps = parse_scenario(yaml).unwrap();
    assert_eq!(steps[0].says().unwrap().voice, Voice::default());
    assert_eq!(steps[1].says().unwrap().voice, Voice::System);
    let over = parse("say agent barge-in=1s yield=400ms").unwrap();
    match over.action {
        Action::Say(talk) => {
            assert_eq!(talk.barge_in, Some(Duration::from_secs(1)));
            assert_eq!(talk.yields, Some(Duration::from_millis(400)));
        }
        other => panic!("{other:?}"),
    }
    for (bad, why) in [
        (
            "say hi voice=bob",
            "\"bob\" is not a voice: use am_michael, af_heart or system",
        ),
        ("say hi speed=3", "speed=3: use a number from 0.5 to 2"),
        ("say \"\"", "say needs words"),
        ("say hi within=1s", "say has no option \"within\""),
        ("say hi yield=1s", "give barge-in= too"),
    ] {
        let err = parse(bad).unwrap_err();
        assert!(err.contains(why), "{bad}: {err}");
    }
}

#[test]
fn a_scenario_may_cap_its_turn_latency() {
    let file = Scenario::parse(
        "latency: {p95: 1.5s}\nsteps:\n  - say: hi\n",
        std::path::Path::new("."),
    );
    assert_eq!(file.unwrap().latency_p95, Some(Duration::from_millis(1500)));
    let typo = Scenario::parse("latency: {p90: 1s}\n", std::path::Path::new(".")).unwrap_err();
    assert!(typo.contains("p90"), "{typo}");
}
