//! Listening steps run apart from the call. A listener (the ear's tone and silence checks; the
//! speech model has a thread of its own, `transcriber`) may take its time over the audio; the call's own loop (the page's
//! words, hang-up, Ctrl-C) must never wait for it. Each listening step gets a thread of its own,
//! fed what the page hears; the call takes its decision when it comes, and leaves it behind when
//! the call ends first.

use std::sync::mpsc;
use std::time::Duration;

use tokio::sync::oneshot;

/// A listening step's judgement of the audio captured since it began.
pub trait Listener: Send + 'static {
    /// Takes the next audio (16 kHz mono); `Some(what it found)` once satisfied.
    fn hear(&mut self, samples: &[i16]) -> Option<String>;
    /// Why it was not satisfied within `waited`, for the failure message.
    fn verdict(&self, waited: &str) -> String;
}

/// What a listener decided.
#[derive(Debug, PartialEq, Eq)]
pub enum Decision {
    Heard(String),
    /// It was not satisfied, and says what it heard instead.
    NotHeard(String),
}

pub struct Listening {
    feed: Option<mpsc::Sender<Vec<i16>>>,
    decided: oneshot::Receiver<Decision>,
    /// How much of what was heard since the step began has been handed over.
    sent: usize,
}

impl Listening {
    /// Starts `listener` on a thread of its own; `waited` is the step's time, for its verdict.
    pub fn start(mut listener: impl Listener, waited: String) -> Self {
        let (feed, audio) = mpsc::channel::<Vec<i16>>();
        let (tell, decided) = oneshot::channel();
        std::thread::spawn(move || {
            for samples in audio {
                if let Some(found) = listener.hear(&samples) {
                    let _ = tell.send(Decision::Heard(found));
                    return;
                }
            }
            // No more audio comes: the step's time is up.
            let _ = tell.send(Decision::NotHeard(listener.verdict(&waited)));
        });
        Listening {
            feed: Some(feed),
            decided,
            sent: 0,
        }
    }

    /// Hands over what was heard since the step began that the listener has not had yet.
    pub fn feed(&mut self, heard: &[i16]) {
        if heard.len() > self.sent
            && let Some(feed) = &self.feed
        {
            let _ = feed.send(heard[self.sent..].to_vec());
            self.sent = heard.len();
        }
    }

    /// Resolves when the listener is satisfied; never before.
    pub async fn heard(&mut self) -> String {
        match (&mut self.decided).await {
            Ok(Decision::Heard(found)) => found,
            // The listener gave up only once the feed closed (`finish`), or it died.
            _ => std::future::pending().await,
        }
    }

    /// The step's time is up: no more audio comes. What it decided, waiting for it at most
    /// `bound` (a slow listener may still be catching up).
    pub async fn finish(mut self, bound: Duration) -> Decision {
        self.feed = None;
        match tokio::time::timeout(bound, self.decided).await {
            Ok(Ok(decision)) => decision,
            _ => Decision::NotHeard(format!(
                "the listener had no answer within {} s of the step's end",
                bound.as_secs_f32()
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    /// A listener that takes `delay` over every piece of audio, then finds what it waits for
    /// once it has had `wanted` samples.
    struct Slow {
        delay: Duration,
        wanted: usize,
        had: usize,
    }

    impl Listener for Slow {
        fn hear(&mut self, samples: &[i16]) -> Option<String> {
            std::thread::sleep(self.delay);
            self.had += samples.len();
            (self.had >= self.wanted).then(|| format!("had {}", self.had))
        }

        fn verdict(&self, waited: &str) -> String {
            format!("had {} within {waited}", self.had)
        }
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_slow_listener_never_holds_up_the_call() {
        let slow = Slow {
            delay: Duration::from_secs(3),
            wanted: usize::MAX,
            had: 0,
        };
        let mut listening = Listening::start(slow, "5s".to_owned());
        listening.feed(&[0; 640]);
        // On a single-threaded runtime: the call's loop goes on while the listener sleeps.
        let started = Instant::now();
        tokio::select! {
            found = listening.heard() => panic!("it decided: {found}"),
            () = tokio::time::sleep(Duration::from_millis(100)) => {}
        }
        assert!(started.elapsed() < Duration::from_millis(500));
        // The step ends while the listener is still busy: the call waits a bounded time.
        let started = Instant::now();
        let decision = listening.finish(Duration::from_millis(200)).await;
        assert!(started.elapsed() < Duration::from_millis(700));
        assert!(
            matches!(&decision, Decision::NotHeard(why) if why.contains("no answer")),
            "{decision:?}"
        );
    }

    #[tokio::test]
    async fn what_a_listener_finds_comes_back_and_only_new_audio_is_fed() {
        let quick = Slow {
            delay: Duration::ZERO,
            wanted: 1000,
            had: 0,
        };
        let mut listening = Listening::start(quick, "5s".to_owned());
        let heard: Vec<i16> = vec![0; 600];
        listening.feed(&heard);
        listening.feed(&heard);
        let more: Vec<i16> = vec![0; 1200];
        listening.feed(&more);
        assert_eq!(listening.heard().await, "had 1200");

        let never = Slow {
            delay: Duration::ZERO,
            wanted: usize::MAX,
            had: 0,
        };
        let mut listening = Listening::start(never, "2s".to_owned());
        listening.feed(&heard);
        assert_eq!(
            listening.finish(Duration::from_secs(5)).await,
            Decision::NotHeard("had 600 within 2s".to_owned())
        );
    }
}
