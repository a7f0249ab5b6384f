//! What the far end says, in words: from the answer on, the audio is cut into utterances at its
//! pauses (`speech::utterances`) and recognised on a thread of its own: what was said so far at
//! each short pause, and each utterance whole once it has ended. The call's loop never waits for
//! the model; the words come back as they are ready, timed from the answer, for the speech steps
//! and the transcript.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use serde::Serialize;
use tokio::sync::mpsc as tokio_mpsc;

use crate::speech::utterances::{self, Event, Utterance, Utterances};
use crate::speech::{Recogniser, Size};

/// One utterance of the far end, in words; times in seconds from the answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Spoken {
    #[serde(serialize_with = "super::report::millis")]
    pub start: f64,
    #[serde(serialize_with = "super::report::millis")]
    pub end: f64,
    pub text: String,
    /// What it said up to a pause, which may yet go on: the speech steps hear it, the transcript
    /// waits for the utterance whole.
    #[serde(skip)]
    pub so_far: bool,
    /// Recognised only whole, its pauses passed by because the recogniser was this many seconds
    /// behind the call: not the words a quiet machine would have heard at the pause (the model
    /// reads a longer utterance differently), so no verdict may rest on them alone.
    #[serde(skip)]
    pub hurried: Option<f64>,
}

/// The model, shared by every call of a run (one at a time: recognition is quick beside a call).
pub type Model = Arc<Recogniser>;

/// The models a run has ready, one for each size its calls asked for.
#[derive(Clone, Default)]
pub struct Models(Vec<(Size, Model)>);

impl Models {
    pub fn add(&mut self, size: Size, model: Model) {
        self.0.push((size, model));
    }

    pub fn get(&self, size: Size) -> Option<Model> {
        self.0
            .iter()
            .find(|(s, _)| *s == size)
            .map(|(_, m)| Arc::clone(m))
    }

    pub fn any(&self) -> Option<&Model> {
        self.0.first().map(|(_, m)| m)
    }
}

/// A pause this far behind the audio already here is not recognised on its own.
const BEHIND: f64 = 1.0;

pub struct Transcriber {
    feed: Option<mpsc::Sender<Fed>>,
    /// Each utterance's words, or why the model cannot be used.
    said: tokio_mpsc::UnboundedReceiver<Result<Spoken, String>>,
    /// How much of what was heard since the answer has been handed over, and recognised.
    sent: usize,
    done_with: Arc<AtomicUsize>,
    done: Option<std::thread::JoinHandle<()>>,
}

impl Transcriber {
    pub fn start(model: Model) -> Self {
        let (feed, audio) = mpsc::channel::<Fed>();
        let (tell, said) = tokio_mpsc::unbounded_channel();
        let done_with = Arc::new(AtomicUsize::new(0));
        let recognised = Arc::clone(&done_with);
        let done = std::thread::spawn(move || {
            let engine = match model.get() {
                Ok(engine) => engine,
                Err(why) => {
                    let _ = tell.send(Err(why.to_owned()));
                    return;
                }
            };
            let recognise = |u: &Utterance| {
                let samples = utterances::to_f32(&u.samples);
                let text = match engine.lock() {
                    Ok(mut engine) => engine.transcribe(&samples),
                    Err(poisoned) => poisoned.into_inner().transcribe(&samples),
                };
                text.unwrap_or_else(|err| {
                    tracing::warn!("speech: {err}");
                    String::new()
                })
            };
            let mut heard = Hearing::default();
            while let Ok(first) = audio.recv() {
                // Whatever else is waiting, at once: a recogniser that fell behind catches up.
                let mut fed = vec![first];
                fed.extend(audio.try_iter());
                for spoken in heard.take(fed, &recognise) {
                    let _ = tell.send(Ok(spoken));
                }
                recognised.store(heard.samples, Ordering::Relaxed);
            }
            // The call ended: what was being said when it did.
            for spoken in heard.take(vec![Fed::Turn], &recognise) {
                let _ = tell.send(Ok(spoken));
            }
        });
        Transcriber {
            feed: Some(feed),
            said,
            sent: 0,
            done_with,
            done: Some(done),
        }
    }

    /// Hands over what was heard since the answer that the transcriber has not had yet.
    pub fn feed(&mut self, heard: &[i16]) {
        if heard.len() > self.sent
            && let Some(feed) = &self.feed
        {
            let _ = feed.send(Fed::Audio(heard[self.sent..].to_vec()));
            self.sent = heard.len();
        }
    }

    /// c2c pressed or spoke after what was handed over: what the far end says next answers it,
    /// an utterance of its own, however short its pause (a reply run into the prompt before it
    /// is read worse, and is not the reply alone).
    pub fn turn(&mut self) {
        if let Some(feed) = &self.feed {
            let _ = feed.send(Fed::Turn);
        }
    }

    /// How far behind what was handed over the recogniser is, in seconds of audio.
    pub fn behind(&self) -> f64 {
        let done = self.done_with.load(Ordering::Relaxed);
        self.sent.saturating_sub(done) as f64 / utterances::RATE as f64
    }

    /// The next utterance recognised, or why the model cannot be used; never resolves once
    /// nothing more can come.
    pub async fn next(&mut self) -> Result<Spoken, String> {
        match self.said.recv().await {
            Some(said) => said,
            None => std::future::pending().await,
        }
    }

    /// The call ended: the utterances still being recognised, waiting for them at most `bound`;
    /// whole ones only (what was said so far at a pause is queued too, and would repeat them).
    pub async fn finish(mut self, bound: Duration) -> Vec<Spoken> {
        self.feed = None;
        let done = self.done.take();
        let joined = tokio::task::spawn_blocking(move || done.map(std::thread::JoinHandle::join));
        if tokio::time::timeout(bound, joined).await.is_err() {
            tracing::warn!(
                "speech: the last utterance was still being recognised as the call ended"
            );
        }
        let mut rest = Vec::new();
        while let Ok(said) = self.said.try_recv() {
            rest.extend(said.ok().filter(|spoken| !spoken.so_far));
        }
        rest
    }
}

/// What the call hands the recogniser: the far end's audio, and where c2c took its turn.
enum Fed {
    Audio(Vec<i16>),
    Turn,
}

impl Fed {
    fn len(&self) -> usize {
        match self {
            Fed::Audio(samples) => samples.len(),
            Fed::Turn => 0,
        }
    }
}

/// `fed` with the audio between turns in one piece each.
fn merged(fed: Vec<Fed>) -> Vec<Fed> {
    let mut out: Vec<Fed> = Vec::new();
    for part in fed {
        match (out.last_mut(), part) {
            (Some(Fed::Audio(before)), Fed::Audio(more)) => before.extend(more),
            (_, part) => out.push(part),
        }
    }
    out
}

/// The call's audio as the recogniser takes it: cut into utterances, then into words.
#[derive(Default)]
struct Hearing {
    cut: Utterances,
    words: Words,
    /// Samples of the call taken so far.
    samples: usize,
}

impl Hearing {
    /// What `fed` (in order) made of the far end's words.
    fn take(&mut self, fed: Vec<Fed>, recognise: &impl Fn(&Utterance) -> String) -> Vec<Spoken> {
        // How much of the call is here: a pause long before it is not recognised alone.
        let here = self.samples + fed.iter().map(Fed::len).sum::<usize>();
        let now = here as f64 / utterances::RATE as f64;
        let mut spoken = Vec::new();
        for part in merged(fed) {
            let events = match part {
                Fed::Audio(samples) => {
                    self.samples += samples.len();
                    self.cut.push(&samples)
                }
                Fed::Turn => self.cut.finish().map(Event::Ended).into_iter().collect(),
            };
            spoken.extend(
                events
                    .into_iter()
                    .filter_map(|event| self.words.take(event, now, recognise)),
            );
        }
        spoken
    }
}

/// The utterances' events in words, as the recogniser keeps up with them: each pause recognised
/// while it is recent, each utterance whole at its end (at once, when its last pause was).
#[derive(Default)]
struct Words {
    /// What a pause's first moment was recognised as: kept if the pause turns out to end the
    /// utterance, so that its words are out as soon as the end is sure.
    guess: Option<(Utterance, String)>,
    /// How far behind the recogniser was at the pauses of the utterance under way that it passed.
    passed_by: Option<f64>,
}

impl Words {
    /// `event`, which came when the recogniser had `now` seconds of the call, in words (none for
    /// a pause passed by, or an utterance with no words in it).
    fn take(
        &mut self,
        event: Event,
        now: f64,
        recognise: &impl Fn(&Utterance) -> String,
    ) -> Option<Spoken> {
        let (utterance, text, so_far, hurried) = match event {
            // A pause long past is not worth a recognition: the audio after it is here already.
            Event::Pausing(so_far) if now - so_far.end > BEHIND => {
                let behind = now - so_far.end;
                self.passed_by = Some(self.passed_by.map_or(behind, |b| b.max(behind)));
                return None;
            }
            Event::Pausing(so_far) => {
                let text = recognise(&so_far);
                self.guess = Some((so_far.clone(), text.clone()));
                (so_far, text, true, None)
            }
            Event::Ended(utterance) => {
                let passed_by = self.passed_by.take();
                match self.guess.take() {
                    Some((so_far, text)) if so_far == utterance => (utterance, text, false, None),
                    _ => {
                        let text = recognise(&utterance);
                        (utterance, text, false, passed_by)
                    }
                }
            }
        };
        (!text.is_empty()).then(|| Spoken {
            start: round(utterance.start),
            end: round(utterance.end),
            text,
            so_far,
            hurried,
        })
    }
}

fn round(seconds: f64) -> f64 {
    (seconds * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utterance(start: f64, end: f64) -> Utterance {
        Utterance {
            start,
            end,
            samples: vec![1; ((end - start) * 16_000.0) as usize],
        }
    }

    /// A recogniser that says how long what it was given is.
    fn recognise(u: &Utterance) -> String {
        format!("{:.1} s", u.samples.len() as f64 / 16_000.0)
    }

    #[test]
    fn audio_is_merged_between_turns_and_a_turn_stays_where_it_came() {
        let fed = merged(vec![
            Fed::Audio(vec![1; 3]),
            Fed::Audio(vec![2; 2]),
            Fed::Turn,
            Fed::Audio(vec![3; 4]),
        ]);
        let shape: Vec<usize> = fed.iter().map(Fed::len).collect();
        assert_eq!(shape, [5, 0, 4]);
        assert!(matches!(fed[1], Fed::Turn));
    }

    fn tone(seconds: f64) -> Vec<i16> {
        (0..(seconds * 16_000.0) as usize)
            .map(|i| ((i as f64 * 0.17).sin() * 8_000.0) as i16)
            .collect()
    }

    #[test]
    fn a_reply_right_after_c2cs_turn_is_an_utterance_of_its_own() {
        let prompt_then_reply = |turn: bool| {
            let mut heard = Hearing::default();
            let mut fed = vec![Fed::Audio(tone(2.0)), Fed::Audio(vec![0; 4_800])];
            if turn {
                fed.push(Fed::Turn);
            }
            fed.extend([Fed::Audio(tone(1.5)), Fed::Audio(vec![0; 24_000])]);
            let mut said = heard.take(fed, &recognise);
            said.retain(|s| !s.so_far);
            said.into_iter().map(|s| s.text).collect::<Vec<_>>()
        };
        // A 300 ms pause is no end of an utterance: the reply runs into the prompt (3.8 s of
        // sound and its tail)...
        assert_eq!(prompt_then_reply(false), ["4.0 s"]);
        // ...unless c2c took its turn in it: the prompt and its tail, then the reply with what
        // was left of the pause before it.
        assert_eq!(prompt_then_reply(true), ["2.2 s", "1.8 s"]);
    }

    #[test]
    fn an_utterance_whose_pauses_were_passed_by_is_marked_hurried() {
        let mut words = Words::default();
        // Kept up with: the pause is recognised, and the end reuses it.
        let said = words.take(Event::Pausing(utterance(0.0, 2.0)), 2.3, &recognise);
        assert_eq!(
            said.as_ref().map(|s| (s.so_far, s.hurried)),
            Some((true, None))
        );
        let said = words.take(Event::Ended(utterance(0.0, 2.0)), 3.0, &recognise);
        assert_eq!(
            said.map(|s| (s.text, s.so_far, s.hurried)),
            Some(("2.0 s".to_owned(), false, None))
        );
        // Eighteen seconds behind: the pause is passed by, and the whole utterance says so.
        assert!(
            words
                .take(Event::Pausing(utterance(5.0, 9.0)), 27.0, &recognise)
                .is_none()
        );
        let said = words
            .take(Event::Ended(utterance(5.0, 11.0)), 28.0, &recognise)
            .unwrap();
        assert_eq!(said.text, "6.0 s");
        assert_eq!(said.hurried, Some(18.0));
        // The next utterance, kept up with again, is not.
        let said = words
            .take(Event::Ended(utterance(30.0, 31.0)), 31.5, &recognise)
            .unwrap();
        assert_eq!(said.hurried, None);
    }
}
