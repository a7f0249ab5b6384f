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
    feed: Option<mpsc::Sender<Vec<i16>>>,
    /// Each utterance's words, or why the model cannot be used.
    said: tokio_mpsc::UnboundedReceiver<Result<Spoken, String>>,
    /// How much of what was heard since the answer has been handed over, and recognised.
    sent: usize,
    done_with: Arc<AtomicUsize>,
    done: Option<std::thread::JoinHandle<()>>,
}

impl Transcriber {
    pub fn start(model: Model) -> Self {
        let (feed, audio) = mpsc::channel::<Vec<i16>>();
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
            let say = |u: &Utterance, text: &str, so_far: bool| {
                if !text.is_empty() {
                    let _ = tell.send(Ok(Spoken {
                        start: round(u.start),
                        end: round(u.end),
                        text: text.to_owned(),
                        so_far,
                    }));
                }
            };
            // What a pause's first moment was recognised as: kept if the pause turns out to end
            // the utterance, so that its words are out as soon as the end is sure.
            let mut guess: Option<(Utterance, String)> = None;
            let mut cut = Utterances::default();
            let mut heard = 0usize;
            while let Ok(mut samples) = audio.recv() {
                // Whatever else is waiting, at once: a recogniser that fell behind catches up.
                while let Ok(more) = audio.try_recv() {
                    samples.extend(more);
                }
                heard += samples.len();
                let now = heard as f64 / utterances::RATE as f64;
                for event in cut.push(&samples) {
                    match event {
                        // A pause long past is not worth a recognition: the audio after it is
                        // here already.
                        Event::Pausing(so_far) if now - so_far.end <= BEHIND => {
                            let text = recognise(&so_far);
                            say(&so_far, &text, true);
                            guess = Some((so_far, text));
                        }
                        Event::Pausing(_) => {}
                        Event::Ended(utterance) => {
                            let text = match guess.take() {
                                Some((so_far, text)) if so_far == utterance => text,
                                _ => recognise(&utterance),
                            };
                            say(&utterance, &text, false);
                        }
                    }
                }
                recognised.store(heard, Ordering::Relaxed);
            }
            // The call ended: what was being said when it did.
            if let Some(utterance) = cut.finish() {
                let text = recognise(&utterance);
                say(&utterance, &text, false);
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
            let _ = feed.send(heard[self.sent..].to_vec());
            self.sent = heard.len();
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

fn round(seconds: f64) -> f64 {
    (seconds * 100.0).round() / 100.0
}
