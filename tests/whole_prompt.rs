//! A prompt heard whole: the recogniser and the phrase matcher, as a call runs them, over a menu
//! whose voice pauses at every comma, twenty times. A test binary of its own, so that its minute
//! of both cores runs beside no call whose timing it could upset.

// Shared with the integration tests: each binary uses a part of it.
#[allow(dead_code)]
#[path = "models/mod.rs"]
mod models;

use std::path::Path;

use models::{base_model, model};

/// A tree's prompt as the page hears it: G.711 mu-law at 8 kHz, decoded and brought to 16 kHz.
fn prompt_as_heard(tree: &str, name: &str) -> Vec<i16> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/speech")
        .join(tree)
        .join(format!("{name}.ul"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let decode = |byte: u8| -> i16 {
        let u = !byte;
        let magnitude = ((i32::from(u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4);
        let sample = if u & 0x80 != 0 {
            0x84 - magnitude
        } else {
            magnitude - 0x84
        };
        sample as i16
    };
    let narrow: Vec<i16> = bytes.into_iter().map(decode).collect();
    let mut wide = Vec::with_capacity(narrow.len() * 2);
    for pair in narrow.windows(2) {
        wide.push(pair[0]);
        wide.push(((i32::from(pair[0]) + i32::from(pair[1])) / 2) as i16);
    }
    wide
}

/// `runs` runs of a tree's `options` prompt through `model`'s recogniser as a call hears it: what
/// was said so far at each short pause, each utterance whole once it has ended, the phrase looked
/// for after each. Each run starts on another 20 ms frame boundary, so the audio is cut and
/// recognised differently; the phrase must be found only once the prompt's last word has been
/// said and its pause has begun.
fn found_only_when_whole(model: &Path, tree: &str, runs: usize) {
    use c2c::speech::utterances::{self, Event, Utterances};
    let files = c2c::speech::ModelFiles::in_folder(model).unwrap();
    let mut engine = c2c::speech::Moonshine::load(&files).unwrap();
    // "to speak to an agent" is most of the phrase's letters, and a pause of its own.
    let phrase = "to speak to an agent, press zero";
    let rate = utterances::RATE as f64;
    let prompt = prompt_as_heard(tree, "options");
    for run in 0..runs {
        let lead = vec![0i16; 160 + run * 8 * 37];
        let audio: Vec<i16> = [lead.as_slice(), &prompt, &vec![0; 2 * 16_000]].concat();
        let said_last_word = (lead.len() + prompt.len()) as f64 / rate;
        let mut cut = Utterances::default();
        let mut transcript = String::new();
        let mut found_at = None;
        for (i, chunk) in audio.chunks(320).enumerate() {
            for event in cut.push(chunk) {
                let (utterance, whole) = match event {
                    Event::Pausing(so_far) => (so_far, false),
                    Event::Ended(utterance) => (utterance, true),
                };
                let words = engine
                    .transcribe(&utterances::to_f32(&utterance.samples))
                    .unwrap();
                let heard = format!("{transcript} {words}");
                if found_at.is_none()
                    && c2c::phrase::find(phrase, &heard, c2c::phrase::DEFAULT_SIMILARITY).is_some()
                {
                    found_at = Some((i + 1) as f64 * 320.0 / rate);
                }
                if whole {
                    transcript = heard;
                }
            }
        }
        let found_at = found_at.unwrap_or_else(|| panic!("run {run} ({tree}): {transcript}"));
        assert!(
            found_at >= said_last_word + 0.15,
            "run {run} ({tree}): found at {found_at:.2} s, the last word ended at {said_last_word:.2} s: {transcript}"
        );
    }
}

/// The voice pauses 0.7 s at each comma: twenty runs, fifteen at its own speed with the default
/// model and five 1.2 times as fast with Moonshine base (six times the work), and the phrase is
/// never found on the words before its comma.
#[test]
fn a_prompt_that_pauses_at_its_comma_is_found_only_once_it_is_whole() {
    found_only_when_whole(model(), "commas", 15);
    found_only_when_whole(base_model(), "commas-fast", 5);
}
