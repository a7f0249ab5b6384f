//! The speech steps' accuracy and speed, measured: every prompt of tests/speech/prompts.tsv, as
//! `scripts/speech-audio` made it for each voice, cut into utterances and recognised as a call
//! would be, then each prompt's phrase looked for in its own transcript (it should be found) and
//! in every other prompt's (it should not).
//!
//!     scripts/speech-audio target/speech-eval
//!     cargo run --release --example speech_eval -- MODEL_DIR target/speech-eval/*
//!
//! MODEL_DIR is filled from the registries when it lacks the files. Prints, per similarity
//! threshold, the share found and the share wrongly found, then the speed (seconds of
//! recognition per second of audio) and the peak memory.

use std::path::{Path, PathBuf};
use std::time::Instant;

use c2c::phrase;
use c2c::speech::utterances::{self, Utterances};
use c2c::speech::{ModelFiles, Moonshine, Size, download};

fn prompts() -> Vec<(String, String, String)> {
    let text =
        std::fs::read_to_string("tests/speech/prompts.tsv").expect("tests/speech/prompts.tsv");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f[0].to_owned(), f[1].to_owned(), f[2].to_owned())
        })
        .collect()
}

fn read(path: &Path) -> Vec<i16> {
    let mut reader =
        hound::WavReader::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(reader.spec().sample_rate, 16_000, "{}", path.display());
    reader.samples::<i16>().map(Result::unwrap).collect()
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut args = std::env::args().skip(1);
    let model = args.next().expect("tiny|base|MODEL_DIR VOICE_DIR...");
    let voices: Vec<PathBuf> = args.map(PathBuf::from).collect();
    let (size, model_dir) = match Size::parse(&model) {
        Ok(size) => (
            size,
            Path::new("target/speech-eval-models").join(size.name()),
        ),
        Err(_) => (Size::Tiny, PathBuf::from(&model)),
    };
    let files = match ModelFiles::in_folder(&model_dir) {
        Ok(files) => files,
        Err(_) => download::fetch(&model_dir, size, None, &c2c::progress::Progress::default())
            .await
            .expect("the model"),
    };
    let loading = Instant::now();
    let mut model = Moonshine::load(&files).expect("the model loads");
    println!("model loaded in {:.2} s", loading.elapsed().as_secs_f64());
    let prompts = prompts();
    let verbose = std::env::var_os("VERBOSE").is_some();
    let (mut audio_seconds, mut busy_seconds) = (0.0, 0.0);
    let mut transcripts: Vec<(String, Vec<String>)> = Vec::new();
    for voice in &voices {
        let name = voice.file_name().unwrap().to_string_lossy().into_owned();
        let mut said = Vec::new();
        for (id, text, _) in &prompts {
            let samples = read(&voice.join(format!("{id}.wav")));
            audio_seconds += samples.len() as f64 / utterances::RATE as f64;
            let mut cut = Utterances::default();
            let mut events = cut.push(&samples);
            events.extend(cut.push(&vec![0; utterances::RATE]));
            let mut parts: Vec<utterances::Utterance> = events
                .into_iter()
                .filter_map(|e| match e {
                    utterances::Event::Ended(u) => Some(u),
                    utterances::Event::Pausing(_) => None,
                })
                .collect();
            parts.extend(cut.finish());
            let mut heard = Vec::new();
            for part in parts {
                let started = Instant::now();
                heard.push(
                    model
                        .transcribe(&utterances::to_f32(&part.samples))
                        .expect("recognised"),
                );
                busy_seconds += started.elapsed().as_secs_f64();
            }
            let heard = heard.join(" ");
            if verbose {
                println!("{name} {id}: {text}\n    heard: {heard}");
            }
            said.push(heard);
        }
        transcripts.push((name, said));
    }
    // A phrase that differs from what was said only in a number must never be found.
    let swapped: Vec<(usize, String)> = prompts
        .iter()
        .enumerate()
        .filter_map(|(i, (_, _, phrase))| other_number(phrase).map(|p| (i, p)))
        .collect();
    println!(
        "\nsimilarity  found (of {})  wrongly found (of {})  a number changed and found (of {})",
        prompts.len() * voices.len(),
        prompts.len() * (prompts.len() - 1) * voices.len(),
        swapped.len() * voices.len()
    );
    for threshold in [0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95] {
        let (mut found, mut wrong) = (0usize, 0usize);
        let mut missed = Vec::new();
        for (voice, said) in &transcripts {
            for (i, (id, _, phrase_i)) in prompts.iter().enumerate() {
                if phrase::find(phrase_i, &said[i], threshold).is_some() {
                    found += 1;
                } else {
                    missed.push(format!("{voice}/{id}"));
                }
                for (j, (_, _, phrase_j)) in prompts.iter().enumerate() {
                    if i != j
                        && let Some(found) = phrase::find(phrase_j, &said[i], threshold)
                    {
                        wrong += 1;
                        if verbose {
                            println!(
                                "  at {threshold}: {phrase_j:?} wrongly found in {voice}/{id} as {:?} ({:.2})",
                                found.heard, found.similarity
                            );
                        }
                    }
                }
            }
        }
        let mut changed = 0;
        for (voice, said) in &transcripts {
            for (i, phrase) in &swapped {
                if let Some(found) = phrase::find(phrase, &said[*i], threshold) {
                    changed += 1;
                    if verbose {
                        println!(
                            "  at {threshold}: {phrase:?} found in {voice} as {:?}",
                            found.heard
                        );
                    }
                }
            }
        }
        let total = prompts.len() * voices.len();
        let others = total * (prompts.len() - 1);
        println!(
            "{threshold:<10.2}  {found} ({:.1}%)  {wrong} ({:.2}%)  {changed}  missed: {}",
            100.0 * found as f64 / total as f64,
            100.0 * wrong as f64 / others as f64,
            missed.join(" ")
        );
    }
    println!("\nfound at the default similarity, by voice:");
    for (voice, said) in &transcripts {
        let found = prompts
            .iter()
            .enumerate()
            .filter(|(i, (_, _, p))| {
                phrase::find(p, &said[*i], phrase::DEFAULT_SIMILARITY).is_some()
            })
            .count();
        println!("  {voice}: {found} of {}", prompts.len());
    }
    println!(
        "\nrecognition: {busy_seconds:.1} s for {audio_seconds:.1} s of audio ({:.3}x real time); peak memory {:.0} MB",
        busy_seconds / audio_seconds,
        peak_rss_mb()
    );
}

/// `phrase` with its first number word changed to the next one, if it has one.
fn other_number(phrase: &str) -> Option<String> {
    const DIGITS: [&str; 10] = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    ];
    let spoken = c2c::phrase::spoken::spoken(phrase);
    let words: Vec<&str> = spoken.split_whitespace().collect();
    let at = words.iter().position(|w| DIGITS.contains(w))?;
    let next = DIGITS[(DIGITS.iter().position(|d| *d == words[at])? + 1) % 10];
    let mut changed: Vec<&str> = words.clone();
    changed[at] = next;
    Some(changed.join(" "))
}
