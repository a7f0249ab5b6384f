//! c2c talks: its voice (Kokoro, downloaded by c2c from the registries' archives served on
//! loopback) says a caller's phrases, and c2c's own recogniser finds them in what a phone line
//! would carry (8 kHz G.711 mu-law).

use serde_json::Value;

use crate::models::{archives, mirror, model, voice};
use crate::voice_edge::VoiceEdge;

/// A phone line: 16 kHz down to 8 kHz (every other sample of a low-passed signal), through
/// mu-law and back, up again.
fn phone_line(samples: &[i16]) -> Vec<f32> {
    let narrow: Vec<i16> = samples
        .chunks(2)
        .map(|p| ((i32::from(p[0]) + i32::from(*p.get(1).unwrap_or(&p[0]))) / 2) as i16)
        .collect();
    narrow
        .iter()
        .map(|&s| f32::from(mulaw_decode(mulaw_encode(s))) / 32768.0)
        .flat_map(|s| [s, s])
        .collect()
}

fn mulaw_encode(sample: i16) -> u8 {
    const BIAS: i32 = 0x84;
    let mut s = i32::from(sample).clamp(-32635, 32635);
    let sign = if s < 0 { 0x80 } else { 0 };
    if s < 0 {
        s = -s;
    }
    s += BIAS;
    let exponent = (0..8).rev().find(|e| s & (0x80 << e) != 0).unwrap_or(0);
    let mantissa = (s >> (exponent + 3)) & 0x0f;
    !(sign | (exponent << 4) | mantissa) as u8
}

pub fn mulaw_decode(byte: u8) -> i16 {
    let u = !byte;
    let exponent = (u >> 4) & 0x07;
    let magnitude = ((((i32::from(u) & 0x0f) << 3) + 0x84) << exponent) - 0x84;
    (if u & 0x80 != 0 { -magnitude } else { magnitude }) as i16
}

#[test]
fn what_c2c_says_is_heard_through_a_phone_line() {
    let files = voice();
    let mut kokoro = c2c::voice::kokoro::Kokoro::load(files).expect("the voice loads");
    let model = c2c::speech::ModelFiles::in_folder(model()).unwrap();
    let mut ears = c2c::speech::Moonshine::load(&model).unwrap();
    let phrases = [
        "I want to check my balance",
        "representative",
        "my account number is 45678",
        "I'd like to pay $42.50",
        "cancel my order",
    ];
    let mut found = 0;
    for phrase in phrases {
        let said = kokoro.say(phrase, "af_heart", 1.0).expect("Kokoro says it");
        let seconds = said.len() as f64 / 16_000.0;
        assert!((0.3..10.0).contains(&seconds), "{phrase:?}: {seconds} s");
        let mut heard_audio = vec![0.0f32; 4_000];
        heard_audio.extend(phone_line(&said));
        heard_audio.extend(vec![0.0f32; 4_000]);
        let heard = ears.transcribe(&heard_audio).unwrap();
        let matched = c2c::phrase::find(phrase, &heard, 0.75).is_some();
        eprintln!("{phrase:?} -> {heard:?} ({seconds:.2} s)");
        if matched {
            found += 1;
        }
    }
    assert!(
        found >= phrases.len() - 1,
        "{found} of {} phrases were heard",
        phrases.len()
    );
}

#[test]
fn one_word_answers_keep_the_sounds_at_their_edges() {
    let files = voice();
    let mut kokoro = c2c::voice::kokoro::Kokoro::load(files).expect("the voice loads");
    let model = c2c::speech::ModelFiles::in_folder(model()).unwrap();
    let mut ears = c2c::speech::Moonshine::load(&model).unwrap();
    let default = c2c::voice::VOICES[0];
    for word in ["yes", "sales"] {
        let said = kokoro.say(word, default, 1.0).expect("Kokoro says it");
        // The hiss of an "s", which the phone band carries little of, is still said: cut where
        // the band went quiet, "sales" was heard as "fail" and "yes" as "yeah".
        let audible = c2c::call::line::audible(&said);
        let carried = c2c::call::line::spoken(&said);
        let ms = |samples: usize| samples * 1000 / 16_000;
        assert!(
            ms(audible.end) >= ms(carried.end) + 40,
            "{word:?}: sound to {} ms, the band's to {} ms",
            ms(audible.end),
            ms(carried.end)
        );
        let heard = ears.transcribe(&phone_line(&said)).unwrap();
        assert!(
            c2c::phrase::find(word, &heard, c2c::phrase::DEFAULT_SIMILARITY).is_some(),
            "{word:?} said by {default} was heard as {heard:?}"
        );
    }
}

const QUICK_AGENT: &str = "+14155550171";
const SLOW_AGENT: &str = "+14155550172";

/// `c2c call` to a stand-in voice agent: says a phrase, then expects the agent's reply.
fn talk_to(edge: &VoiceEdge, number: &str, within: &str) -> (crate::support::Run, Value) {
    talk_with(edge, number, within, &[])
}

/// Talks to `number` as `talk_once` does, again when c2c says the machine was too busy to judge
/// the call (inconclusive, exit 10: the tests beside it took the CPU), up to three times. The
/// stand-in's account of such a call is read and set aside, so the next is the one returned.
fn talk_with(
    edge: &VoiceEdge,
    number: &str,
    within: &str,
    more: &[&str],
) -> (crate::support::Run, Value) {
    for _ in 0..2 {
        let (run, report) = talk_once(edge, number, within, more);
        if run.code != 10 {
            return (run, report);
        }
        eprintln!("{number}: inconclusive ({}), run again", report["message"]);
        edge.next("call");
    }
    talk_once(edge, number, within, more)
}

fn talk_once(
    edge: &VoiceEdge,
    number: &str,
    within: &str,
    more: &[&str],
) -> (crate::support::Run, Value) {
    // The voice downloaded once, before the runs that share it.
    voice();
    let _heavy = crate::support::heavy();
    let cache = crate::models::talk_cache();
    let expect = format!("expect-speech \"your current balance is\" within={within}");
    let mut args = vec![
        number,
        "--json",
        "--step",
        "say \"I want to check my balance\"",
        "--step",
        &expect,
    ];
    args.extend_from_slice(more);
    let run = edge
        .call(&args)
        .env("C2C_SPEECH_MIRROR", &mirror(archives()))
        .env("XDG_CACHE_HOME", cache.to_str().unwrap())
        .run();
    let report: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|_| panic!("a JSON report: {}\n{}", run.stdout, run.stderr));
    (run, report)
}

#[test]
fn say_on_the_command_line_speaks_at_the_answer_and_says_so() {
    let edge = VoiceEdge::start(&[&format!("{QUICK_AGENT}=answer+agent=700")]);
    said_before("I want to check my balance");
    let run = edge
        .call(&[
            QUICK_AGENT,
            "--say",
            "I want to check my balance",
            "--step",
            "expect-speech \"your current balance is\"",
        ])
        .env("C2C_SPEECH_MIRROR", &mirror(archives()))
        .env(
            "XDG_CACHE_HOME",
            crate::models::talk_cache().to_str().unwrap(),
        )
        .run();
    run.assert_code(0);
    assert!(
        run.stderr
            .contains("--say: said \"I want to check my balance\""),
        "{}",
        run.stderr
    );
}

/// What the far end heard of the call (its recording), recognised as c2c recognises what it
/// hears: 8 kHz interpolated to 16 kHz, cut into utterances at its pauses, each transcribed.
pub fn far_end_words(
    ears: &mut c2c::speech::Moonshine,
    dir: &std::path::Path,
    sid: &str,
) -> String {
    use c2c::speech::utterances::{Event, Utterances, to_f32};
    let bytes = std::fs::read(dir.join(format!("{sid}.ul"))).expect("the far end's recording");
    let line: Vec<i16> = bytes.iter().map(|&b| mulaw_decode(b)).collect();
    let wide: Vec<i16> = line
        .iter()
        .zip(line.iter().skip(1).chain(line.last()))
        .flat_map(|(&a, &b)| [a, ((i32::from(a) + i32::from(b)) / 2) as i16])
        .collect();
    let mut cutter = Utterances::default();
    let utterances: Vec<_> = cutter
        .push(&wide)
        .into_iter()
        .filter_map(|event| match event {
            Event::Ended(u) => Some(u),
            Event::Pausing(_) => None,
        })
        .chain(cutter.finish())
        .collect();
    utterances
        .iter()
        .map(|u| ears.transcribe(&to_f32(&u.samples)).unwrap())
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn a_voice_agent_hears_c2c_and_its_turn_is_timed_at_the_callers_ear() {
    let recordings = tempfile::tempdir().unwrap();
    let edge = VoiceEdge::start_with(
        &[
            &format!("{QUICK_AGENT}=answer+agent=700"),
            &format!("{SLOW_AGENT}=answer+agent=1500"),
        ],
        Some(recordings.path()),
    );
    let mut latencies = Vec::new();
    for number in [QUICK_AGENT, SLOW_AGENT] {
        let (run, report) = talk_to(&edge, number, "3s");
        run.assert_code(0);
        let call = edge.next("call");
        let steps = &report["steps"];
        assert_eq!(steps[0]["status"], "passed", "{report}");
        assert_eq!(steps[1]["status"], "passed", "{report}");
        let latency = steps[1]["latency"].as_f64().expect("the reply's latency");
        let detail = steps[1]["detail"].as_str().unwrap();
        assert!(detail.contains("reply began"), "{detail}");
        // The agent's own account of the turn: it answered no sooner than it was set to.
        let turn = &call["turns"][0];
        let waited = turn["replyStarted"].as_f64().unwrap() - turn["callerEnded"].as_f64().unwrap();
        eprintln!(
            "{number}: c2c heard the reply {latency:.3} s after it spoke; the agent waited {waited} ms"
        );
        // c2c's reading is the agent's wait and the audio's way there and back: never less, and on
        // loopback 31-64 ms more on a quiet machine (scripts/bench-talk), up to a few hundred
        // with the other tests running.
        let path = latency - waited / 1000.0;
        assert!(
            (-0.02..0.5).contains(&path),
            "{number}: {latency} s for {waited} ms"
        );
        latencies.push(latency);
        // What c2c said reached the far end as words.
        let model = c2c::speech::ModelFiles::in_folder(model()).unwrap();
        let mut ears = c2c::speech::Moonshine::load(&model).unwrap();
        let heard = far_end_words(&mut ears, recordings.path(), call["sid"].as_str().unwrap());
        assert!(
            c2c::phrase::find(
                "I want to check my balance",
                &heard,
                c2c::phrase::DEFAULT_SIMILARITY
            )
            .is_some(),
            "the far end heard {heard:?}"
        );
    }
    // Agents set 800 ms apart read about 800 ms apart (scripts/bench-talk measures how closely
    // on a quiet machine; here the path's delay moves with the other tests' load).
    let difference = latencies[1] - latencies[0];
    assert!(
        (difference - 0.8).abs() < 0.2,
        "agents 800 ms apart were measured {difference:.3} s apart"
    );
}

#[test]
fn a_reply_later_than_within_fails_the_step_and_says_how_late() {
    let edge = VoiceEdge::start(&[&format!("{SLOW_AGENT}=answer+agent=1500")]);
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("turn.wav");
    // A machine too busy to hear the call makes c2c say so (inconclusive, exit 10) rather than
    // judge it: the recording of such a run has no turn to measure, so it is run again.
    let (run, report) = (0..3)
        .map(|_| {
            talk_with(
                &edge,
                SLOW_AGENT,
                "1s",
                &["--record", wav.to_str().unwrap()],
            )
        })
        .find(|(run, _)| run.code != 10)
        .expect("one of three runs was not starved of CPU");
    // Both sides on one clock: c2c on the left, the far end on the right, and the turn there
    // to be measured again by any tool.
    let mut reader = hound::WavReader::open(&wav).unwrap();
    assert_eq!(reader.spec().channels, 2);
    let samples: Vec<i16> = reader.samples::<i16>().map(Result::unwrap).collect();
    let channel =
        |side: usize| -> Vec<i16> { samples.iter().skip(side).step_by(2).copied().collect() };
    let ms = |sample: usize| sample as f64 / 16.0;
    // c2c stopped talking where the phone band goes quiet (an "s" hisses on above it); the reply
    // began at the far end's first sound after that.
    let caller_end = ms(c2c::call::line::spoken(&channel(0)).end);
    let far = channel(1);
    let reply = far
        .chunks_exact(320)
        .enumerate()
        .skip((caller_end / 20.0) as usize)
        .find(|(_, frame)| {
            let energy: f64 = frame
                .iter()
                .map(|&s| (f64::from(s) / 32768.0).powi(2))
                .sum();
            (energy / 320.0).sqrt() >= 0.01
        })
        .map(|(i, _)| i as f64 * 20.0)
        .expect("the reply on the right");
    let gap = (reply - caller_end) / 1000.0;
    let latency = report["steps"][1]["latency"].as_f64().unwrap();
    // Read crudely here (the reply in 20 ms frames, where c2c wants 50 ms of it): within a tenth
    // of a second of the report.
    assert!(
        (gap - latency).abs() <= 0.1,
        "the recording's gap {gap} s, the report's {latency} s"
    );
    run.assert_code(1);
    let step = &report["steps"][1];
    assert_eq!(step["status"], "failed", "{report}");
    let detail = step["detail"].as_str().unwrap();
    assert!(detail.contains("later than within=1s"), "{detail}");
    assert!(step["latency"].as_f64().unwrap() > 1.5, "{step}");
}

/// Synthesises `text` into the talk tests' cache, as a run before would have: a test of what c2c
/// does with its words is not held up by a busy machine's synthesis.
fn said_before(text: &str) {
    let say = c2c::voice::Say {
        text: text.to_owned(),
        voice: c2c::voice::Voice::default(),
        pace: 100,
    };
    let said = crate::models::talk_cache().join("c2c/voice/said");
    let speaker = c2c::voice::Speaker::start(Some(voice().clone()), Some(said), vec![say.clone()]);
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(speaker.audio(&say))
        .expect("the words are said");
}

#[test]
fn c2c_talks_over_a_greeting_agent_and_times_how_long_it_goes_on() {
    const GREETER: &str = "+14155550173";
    // Ready before the call: to talk over the greeting, the words must be there while it plays.
    said_before("representative");
    let edge = VoiceEdge::start(&[&format!("{GREETER}=answer+agent=700+greet+yield=400")]);
    // The voice downloaded once, before the runs that share it.
    voice();
    let _heavy = crate::support::heavy();
    let cache = crate::models::talk_cache();
    let run = edge
        .call(&[
            GREETER,
            "--json",
            "--step",
            "say representative barge-in=300ms yield=1s",
            "--step",
            "expect-speech \"your current balance is\" within=3s",
        ])
        .env("C2C_SPEECH_MIRROR", &mirror(archives()))
        .env("XDG_CACHE_HOME", cache.to_str().unwrap())
        .run();
    let report: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|_| panic!("a JSON report: {}\n{}", run.stdout, run.stderr));
    run.assert_code(0);
    let call = edge.next("call");
    let over = report["steps"][0]["talk_over"]
        .as_f64()
        .expect("the talk-over");
    let agent = &call["yields"][0];
    let stopped = agent["stopped"].as_f64().unwrap() - agent["interrupted"].as_f64().unwrap();
    eprintln!(
        "c2c heard the agent stop {over:.3} s after it began; the agent stopped {stopped} ms after it heard c2c"
    );
    // The agent's own stop, plus the way there and back: on loopback 70-80 ms on a quiet machine
    // (scripts/bench-talk), which one busy with the other tests stretches (0.36 s seen).
    let path = over - stopped / 1000.0;
    assert!(
        (-0.05..0.5).contains(&path),
        "{over} s for {stopped} ms: {report}"
    );
    // Its reply, once c2c had finished, is a turn as any other.
    assert!(report["steps"][1]["latency"].as_f64().is_some(), "{report}");
}

#[test]
fn the_machines_own_voice_is_there_when_asked_for() {
    // scripts/setup installs flite, one of the synthesisers voice=system runs.
    assert!(
        c2c::voice::system::found().is_some(),
        "no synthesiser: run ./scripts/setup"
    );
    let said = c2c::voice::system::say("for billing, press three").expect("it speaks");
    let model = c2c::speech::ModelFiles::in_folder(model()).unwrap();
    let mut ears = c2c::speech::Moonshine::load(&model).unwrap();
    let mut audio = vec![0.0f32; 4_000];
    audio.extend(phone_line(&said));
    audio.extend(vec![0.0f32; 4_000]);
    let heard = ears.transcribe(&audio).unwrap();
    assert!(
        c2c::phrase::find("press three", &heard, c2c::phrase::DEFAULT_SIMILARITY).is_some(),
        "{heard:?}"
    );
}
