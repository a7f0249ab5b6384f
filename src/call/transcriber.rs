//! What the far end says, in words: from the answer on, the audio is cut into utterances at its
//! pauses (`speech::utterances`) and each is recognised on a thread of its own as soon as the
//! pause after it begins. The call's loop never waits for the model; the words come back as
//! they are ready, timed from the answer, for the speech steps and the transcript.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;
use tokio::sync::mpsc as tokio_mpsc;

use crate::speech::Moonshine;
use crate::speech::utterances::{self, Utterances};

/// One utterance of the far end, in words; times in seconds from the answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Spoken {
    pub start: f64,
    pub end: f64,
    pub text: String,
}

/// The model, shared by every call of a run (one at a time: recognition is quick beside a call).
pub type Model = Arc<Mutex<Moonshine>>;

pub struct Transcriber {
    feed: Option<mpsc::Sender<Vec<i16>>>,
    said: tokio_mpsc::UnboundedReceiver<Spoken>,
    /// How much of what was heard since the answer has been handed over.
    sent: usize,
    done: Option<std::thread::JoinHandle<()>>,
}

impl Transcriber {
    pub fn start(model: Model) -> Self {
        let (feed, audio) = mpsc::channel::<Vec<i16>>();
        let (tell, said) = tokio_mpsc::unbounded_channel();
        let done = std::thread::spawn(move || {
            let mut cut = Utterances::default();
            let recognise = |u: utterances::Utterance| {
                let samples = utterances::to_f32(&u.samples);
                let text = match model.lock() {
                    Ok(mut model) => model.transcribe(&samples),
                    Err(poisoned) => poisoned.into_inner().transcribe(&samples),
                };
                match text {
                    Ok(text) if !text.is_empty() => {
                        let _ = tell.send(Spoken {
                            start: round(u.start),
                            end: round(u.end),
                            text,
                        });
                    }
                    Ok(_) => {}
                    Err(err) => tracing::warn!("speech: {err}"),
                }
            };
            for samples in audio {
                for utterance in cut.push(&samples) {
                    recognise(utterance);
                }
            }
            // The call ended: what was being said when it did.
            if let Some(utterance) = cut.finish() {
                recognise(utterance);
            }
        });
        Transcriber {
            feed: Some(feed),
            said,
            sent: 0,
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

    /// The next utterance recognised; never resolves once none can come.
    pub async fn next(&mut self) -> Spoken {
        match self.said.recv().await {
            Some(said) => said,
            None => std::future::pending().await,
        }
    }

    /// The call ended: the utterances still being recognised, waiting for them at most `bound`.
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
            rest.push(said);
        }
        rest
    }
}

fn round(seconds: f64) -> f64 {
    (seconds * 100.0).round() / 100.0
}
