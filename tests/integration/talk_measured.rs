//! The figures of c2c's talk (docs/guide/talk.md), measured by `scripts/bench-talk` and never by
//! CI: ignored here, run with `--ignored --nocapture`, each printing its lines of the page, and
//! beside each figure with a target whether it was met.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::models::{archives, mirror, model, voice};
use crate::voice_edge::VoiceEdge;

/// Thirty caller phrases of the kinds IVRs and voice agents hear.
const PHRASES: [&str; 30] = [
    "yes",
    "no",
    "representative",
    "billing",
    "technical support",
    "sales",
    "I want to check my balance",
    "I'd like to speak to an agent",
    "cancel my order",
    "what are your opening hours",
    "I lost my card",
    "my account number is 45678",
    "my account number is 0042 7781",
    "one two three four",
    "my zip code is 94107",
    "I'd like to pay $42.50",
    "the amount is $1,250",
    "my order was placed on the 3rd",
    "can I come in at 9:30",
    "reset my password please",
    "I need to change my address",
    "is my payment overdue",
    "please send me a new statement",
    "I want to report a fraudulent charge",
    "transfer me to customer service",
    "I would like to book an appointment for tomorrow",
    "my flight number is 274",
    "no thank you, that's all",
    "yes, that is correct",
    "can you repeat that please",
];

/// The cache the runs share, the voice downloaded into it first.
fn cache() -> std::path::PathBuf {
    voice();
    crate::models::talk_cache()
}

fn met(yes: bool) -> &'static str {
    if yes { "met" } else { "MISSED" }
}

fn call(edge: &VoiceEdge, number: &str, steps: &[&str]) -> Value {
    let mut args = vec![number, "--json"];
    for step in steps {
        args.extend(["--step", step]);
    }
    let run = edge
        .call(&args)
        .env("C2C_SPEECH_MIRROR", &mirror(archives()))
        .env("XDG_CACHE_HOME", cache().to_str().unwrap())
        .run();
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|_| panic!("a JSON report: {}\n{}", run.stdout, run.stderr))
}

#[test]
#[ignore = "a benchmark: scripts/bench-talk"]
fn measure_what_c2c_says_is_understood_at_the_far_end() {
    const LISTENER: &str = "+14155550174";
    // BENCH_VOICE=af_heart measures the other voice.
    let voice = std::env::var("BENCH_VOICE").unwrap_or_else(|_| c2c::voice::VOICES[0].to_owned());
    let recordings = tempfile::tempdir().unwrap();
    // An agent that never answers in time: it only listens.
    let edge = VoiceEdge::start_with(
        &[&format!("{LISTENER}=answer+agent=60000")],
        Some(recordings.path()),
    );
    let tiny = c2c::speech::ModelFiles::in_folder(model()).unwrap();
    let base = c2c::speech::ModelFiles::in_folder(crate::models::base_model()).unwrap();
    let mut ears = [
        (
            "Moonshine tiny",
            c2c::speech::Moonshine::load(&tiny).unwrap(),
            0,
            0,
        ),
        (
            "Moonshine base",
            c2c::speech::Moonshine::load(&base).unwrap(),
            0,
            0,
        ),
    ];
    let words = |phrase: &str| phrase.split_whitespace().count();
    let longer = PHRASES.iter().filter(|p| words(p) > 1).count();
    for phrase in PHRASES {
        let report = call(
            &edge,
            LISTENER,
            &[&format!("say {}", shell_words::quote(phrase)), "wait 1s"],
        );
        assert_eq!(report["exit_status"], 0, "{report}");
        let sid = edge.next("call")["sid"].as_str().unwrap().to_owned();
        for (name, ear, found, found_longer) in &mut ears {
            let heard = crate::talk::far_end_words(ear, recordings.path(), &sid);
            let hit = c2c::phrase::find(phrase, &heard, c2c::phrase::DEFAULT_SIMILARITY).is_some();
            if hit {
                *found += 1;
                if words(phrase) > 1 {
                    *found_longer += 1;
                }
            } else {
                println!("  - {name} missed {phrase:?}: heard {heard:?}");
            }
        }
    }
    for (name, _, found, found_longer) in &ears {
        println!(
            "- What c2c said (voice {voice}), found by {name} in what the far end heard: {found} of {} phrases ({:.0}%); of those of two words or more, {found_longer} of {longer}",
            PHRASES.len(),
            100.0 * f64::from(*found) / PHRASES.len() as f64
        );
    }
    let best = ears.iter().map(|(_, _, f, _)| *f).max().unwrap();
    println!(
        "  - target: 95% or more: {}",
        met(f64::from(best) >= 0.95 * PHRASES.len() as f64)
    );
}

#[test]
#[ignore = "a benchmark: scripts/bench-talk"]
fn measure_turn_latency_and_talk_over_against_agents_of_known_delay() {
    const RUNS: usize = 5;
    let (quick, slow, yielding) = ("+14155550175", "+14155550176", "+14155550177");
    let edge = VoiceEdge::start(&[
        &format!("{quick}=answer+agent=700"),
        &format!("{slow}=answer+agent=1500"),
        &format!("{yielding}=answer+agent=700+greet+yield=400"),
    ]);
    let turn = [
        "say \"I want to check my balance\"",
        "expect-speech \"your current balance is\"",
    ];
    let mut readings: [Vec<(f64, f64)>; 2] = [Vec::new(), Vec::new()];
    for _ in 0..RUNS {
        for (i, number) in [quick, slow].into_iter().enumerate() {
            let report = call(&edge, number, &turn);
            let latency = report["steps"][1]["latency"].as_f64().expect("a turn");
            let agent = &edge.next("call")["turns"][0];
            let waited = (agent["replyStarted"].as_f64().unwrap()
                - agent["callerEnded"].as_f64().unwrap())
                / 1000.0;
            readings[i].push((latency, waited));
        }
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let spread = |v: &[f64]| {
        let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        format!("{:.0}–{:.0} ms", lo * 1000.0, hi * 1000.0)
    };
    for (set, (name, delay)) in readings.iter().zip([("700 ms", 0.7), ("1500 ms", 1.5)]) {
        let latencies: Vec<f64> = set.iter().map(|(l, _)| *l).collect();
        let paths: Vec<f64> = set.iter().map(|(l, w)| l - w).collect();
        let lateness: Vec<f64> = set.iter().map(|(_, w)| w - delay).collect();
        println!(
            "- Agent answering after {name}: c2c read {} (mean {:.0} ms); the agent itself was {} late; the audio path's own delay (reading − the agent's actual wait) {}, mean {:.0} ms",
            spread(&latencies),
            mean(&latencies) * 1000.0,
            spread(&lateness),
            spread(&paths),
            mean(&paths) * 1000.0
        );
    }
    let difference = mean(&readings[1].iter().map(|r| r.0).collect::<Vec<_>>())
        - mean(&readings[0].iter().map(|r| r.0).collect::<Vec<_>>());
    let actual = mean(&readings[1].iter().map(|r| r.1).collect::<Vec<_>>())
        - mean(&readings[0].iter().map(|r| r.1).collect::<Vec<_>>());
    println!(
        "- Agents set 800 ms apart: c2c's readings {:.0} ms apart (the agents' actual waits {:.0} ms apart), over {RUNS} calls each",
        difference * 1000.0,
        actual * 1000.0
    );
    let mut overs = Vec::new();
    let mut stops = Vec::new();
    for _ in 0..RUNS {
        let report = call(
            &edge,
            yielding,
            &[
                "say representative barge-in=300ms",
                "expect-speech \"your current balance is\"",
            ],
        );
        overs.push(
            report["steps"][0]["talk_over"]
                .as_f64()
                .expect("a talk-over"),
        );
        let agent = &edge.next("call")["yields"][0];
        stops.push(
            (agent["stopped"].as_f64().unwrap() - agent["interrupted"].as_f64().unwrap()) / 1000.0,
        );
    }
    let paths: Vec<f64> = overs.iter().zip(&stops).map(|(o, s)| o - s).collect();
    println!(
        "- Agent that yields 400 ms after it hears the caller: c2c read a talk-over of {} (mean {:.0} ms); the agent stopped {} after hearing c2c; the path's delay {}, mean {:.0} ms",
        spread(&overs),
        mean(&overs) * 1000.0,
        spread(&stops),
        spread(&paths),
        mean(&paths) * 1000.0
    );
    println!(
        "  - targets: 800 ± 30 ms apart: {}; talk-over within ± 60 ms of 400 ms plus the path: {}",
        met((difference - 0.8).abs() <= 0.03),
        met((mean(&overs) - mean(&paths) - 0.4).abs() <= 0.06)
    );
}

#[test]
#[ignore = "a benchmark: scripts/bench-talk"]
fn measure_synthesis_speed_and_the_first_sample() {
    let files = voice();
    let load = Instant::now();
    let mut kokoro = c2c::voice::kokoro::Kokoro::load(files).unwrap();
    let loaded = load.elapsed();
    let (mut made, mut said) = (Duration::ZERO, 0.0);
    for phrase in PHRASES {
        let start = Instant::now();
        let samples = kokoro.say(phrase, "af_heart", 1.0).unwrap();
        made += start.elapsed();
        said += samples.len() as f64 / 16_000.0;
    }
    println!(
        "- Kokoro (int8) on this machine: loads in {:.2} s; the 30 phrases ({said:.0} s of speech) in {:.1} s, a real-time factor of {:.2}",
        loaded.as_secs_f64(),
        made.as_secs_f64(),
        made.as_secs_f64() / said
    );
    // The first sample of a step: from a run's start (files ready) to the words' audio, cached
    // on disk by an earlier run, and not.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let say = c2c::voice::Say {
        text: "I want to check my balance".to_owned(),
        voice: c2c::voice::Voice::default(),
        pace: 100,
    };
    for label in ["uncached (Kokoro loads, then synthesises)", "cached"] {
        let start = Instant::now();
        let speaker = c2c::voice::Speaker::start(
            Some(files.clone()),
            Some(dir.path().to_owned()),
            vec![say.clone()],
        );
        runtime.block_on(speaker.audio(&say)).unwrap();
        println!(
            "- The first sample of a `say` step, {label}: {:.0} ms after the run has its files",
            start.elapsed().as_secs_f64() * 1000.0
        );
    }
    println!(
        "- Download on first use: {:.0} MB (the model in four parts, its token table, two voices, the lexicon, ONNX Runtime)",
        c2c::voice::files::download_size() as f64 / 1e6
    );
}

#[test]
#[ignore = "a benchmark: scripts/bench-talk"]
fn measure_exec_to_invite_with_and_without_say() {
    const RUNS: usize = 5;
    const LISTENER: &str = "+14155550178";
    let edge = VoiceEdge::start(&[&format!("{LISTENER}=answer+agent=60000")]);
    let mut times: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
    let mut first_samples = Vec::new();
    for _ in 0..RUNS {
        // The say step comes after a moment of the call, as after a prompt (at the very answer
        // the page's main thread is busy with the SDK, and a step waits its turn there).
        for (i, step) in ["wait 1s", "say \"I want to check my balance\""]
            .iter()
            .enumerate()
        {
            let began = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs_f64();
            let run = edge
                .call(&[LISTENER, "--json", "--step", "wait 1s", "--step", step])
                .env("C2C_SPEECH_MIRROR", &mirror(archives()))
                .env("XDG_CACHE_HOME", cache().to_str().unwrap())
                .env("RUST_LOG", "c2c=debug")
                .run();
            run.assert_code(0);
            let invite = edge.next("invite")["at"].as_f64().unwrap() / 1000.0;
            edge.next("call");
            times[i].push(invite - began);
            // "say: the first sample went out N ms after the step began"
            if let Some(ms) = run
                .stderr
                .lines()
                .find_map(|l| l.split("went out ").nth(1))
                .and_then(|rest| rest.split(' ').next())
                .and_then(|ms| ms.parse::<f64>().ok())
            {
                first_samples.push(ms);
            }
        }
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    println!(
        "- `c2c call`, exec to the call's invite (median of {RUNS}, debug build, the phrase cached): {:.0} ms with a `wait` step, {:.0} ms with a `say` step",
        median(&mut times[0]) * 1000.0,
        median(&mut times[1]) * 1000.0
    );
    println!(
        "- A cached phrase's first sample went out {:.0} ms (median; at most {:.0} ms) after its step began",
        median(&mut first_samples),
        first_samples.iter().copied().fold(0.0, f64::max)
    );
    println!(
        "  - target: within 50 ms: {}",
        met(first_samples.iter().all(|&ms| ms <= 50.0))
    );
}
