//! Words: a speech step's phrase found in what the far end said, on the transcript's own time,
//! and when it is not, what was said instead.

use std::time::{Duration, Instant};

use super::Session;
use super::script::Miss;
use crate::call::audio;
use crate::call::leg::Leg;
use crate::phrase;
use crate::scenario::Hear;

/// A recogniser this little behind has heard the call.
const WORDS_SLACK: f64 = 0.5;
/// How long an ended call's last words are waited for.
const LAST_WORDS: Duration = Duration::from_secs(10);

impl<L: Leg> Session<'_, L> {
    /// Waits for `hear`'s phrase in what the far end said from `heard_from` (the page's audio
    /// clock). What was said is recognised at each pause: a phrase found is a phrase said whole
    /// and then paused after, which is what `wait-for-prompt` waits for.
    pub(super) async fn hear_words(
        &mut self,
        hear: &Hear,
        heard_from: f64,
        deadline: Instant,
        waited: &str,
    ) -> Result<String, Miss> {
        // The transcript is timed by the audio it was given since the answer: audio a starved
        // page dropped is not in it, so its times lag the clock by as much. Where the step
        // listens from is found on the transcript's own time.
        let answer = self.lived.answered_clock.unwrap_or(0.0);
        let given = |clock: f64| self.lived.heard.index_at(clock);
        let from = given(heard_from).saturating_sub(given(answer)) as f64 / f64::from(audio::RATE);
        if self.transcriber.is_none() {
            return Err(Miss::Failed(
                "c2c had no speech model for this call".to_owned(),
            ));
        }
        loop {
            let said = self.words_since(from);
            if let Some(found) = phrase::find(&hear.phrase, &said, hear.similarity) {
                return Ok(format!("heard {}", found.describe()));
            }
            if let Some(why) = self.why_over() {
                // The call is over, but the recogniser may not be: what it still had to hear is
                // waited for, a while.
                self.last_words().await;
                let said = self.words_since(from);
                if let Some(found) = phrase::find(&hear.phrase, &said, hear.similarity) {
                    return Ok(format!("heard {}", found.describe()));
                }
                let why = format!("{why}; {}", instead(&hear.phrase, &said));
                return Err(match self.misheard(from) {
                    Some(short) => self.c2cs_own(&format!("{short} ({why})")),
                    None => Miss::Failed(why),
                });
            }
            if !self.pump(deadline).await {
                // Heard and recognised up to the deadline, as far as a busy machine allows.
                let until = self.lived.heard.clock_at(deadline);
                self.catch_up(until, true).await;
                let said = self.words_since(from);
                if let Some(found) = phrase::find(&hear.phrase, &said, hear.similarity) {
                    return Ok(format!("heard {}", found.describe()));
                }
                let mut why = format!("not said within {waited}; {}", instead(&hear.phrase, &said));
                if said.trim().is_empty() {
                    // What it did hear, so that a tone or silence is not mistaken for words
                    // the recogniser missed.
                    let heard = audio::describe(self.lived.heard.since(heard_from));
                    why.push_str(&format!(" (it heard {heard})"));
                }
                let short = self
                    .shortfall(heard_from, until, true)
                    .or_else(|| self.misheard(from));
                return Err(match short {
                    Some(short) => self.c2cs_own(&format!("{short} ({why})")),
                    None => Miss::Failed(why),
                });
            }
        }
    }

    /// Why the words heard after `from` cannot be trusted to fail a step, if they cannot: the
    /// recogniser, behind a busy call, heard some only whole, or had not heard them all when
    /// the call ended.
    fn misheard(&self, from: f64) -> Option<String> {
        let hurried = self
            .lived
            .transcript
            .iter()
            .filter(|s| s.end > from)
            .filter_map(|s| s.hurried)
            .reduce(f64::max);
        if let Some(behind) = hurried {
            return Some(format!(
                "the speech recogniser was {behind:.1} s behind the call, so it heard the far end's words only whole, not at their pauses as it does on a quiet machine"
            ));
        }
        let behind = self.transcriber.as_ref().map_or(0.0, |t| t.behind());
        (behind > WORDS_SLACK).then(|| {
            format!("the speech recogniser was still {behind:.1} s behind when the call ended")
        })
    }

    /// After the call: the words the recogniser still had to recognise, for at most
    /// `LAST_WORDS`.
    async fn last_words(&mut self) {
        let give_up = Instant::now() + LAST_WORDS;
        loop {
            let Some(transcriber) = &mut self.transcriber else {
                return;
            };
            // Words are told before the recogniser counts their audio done: once it has caught
            // up, what it said is waiting already.
            let caught_up = transcriber.behind() <= WORDS_SLACK;
            let wait = match caught_up {
                true => Duration::from_millis(1),
                false => Duration::from_millis(100),
            };
            match tokio::time::timeout(wait, transcriber.next()).await {
                Ok(Ok(spoken)) => self.heard_words(spoken),
                Ok(Err(_)) => return,
                Err(_) if caught_up || Instant::now() >= give_up => return,
                Err(_) => {}
            }
        }
    }

    /// What the far end said after `from`, as one text: the utterances that ended after it, then
    /// the one under way as far as its last pause.
    fn words_since(&self, from: f64) -> String {
        let words: Vec<&str> = self
            .lived
            .transcript
            .iter()
            .chain(&self.so_far)
            .filter(|s| s.end > from)
            .map(|s| s.text.as_str())
            .collect();
        words.join(" ")
    }
}

/// What was said instead, for a failing step's message, and how near it came to the phrase
/// (a number heard as another, the words not heard).
fn instead(phrase: &str, said: &str) -> String {
    /// Nearer than this, the nearest is worth a reader's while.
    const NEAR: f64 = 0.4;
    let quoted = quote_words(said);
    match phrase::closest(phrase, said) {
        Some(near) if near.similarity >= NEAR => format!("{quoted}; nearest: {}", near.describe()),
        _ => quoted,
    }
}

fn quote_words(said: &str) -> String {
    const LONGEST: usize = 300;
    match said.trim() {
        "" => "the far end said nothing c2c recognised".to_owned(),
        said if said.chars().count() > LONGEST => {
            let tail: String = said.chars().skip(said.chars().count() - LONGEST).collect();
            format!("the far end said \"…{tail}\"")
        }
        said => format!("the far end said \"{said}\""),
    }
}
