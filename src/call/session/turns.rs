//! Turns: how soon the far end answers c2c. When c2c has spoken, played or pressed, the step that
//! listens next measures the far end's turn latency at the caller's ear: from c2c's last sample
//! out to the first sound of the reply, both on the page's audio clock (so the network's delay
//! both ways and the page's jitter buffer are in it, as a caller hears it).

use std::time::{Duration, Instant};

use super::Session;
use super::script::Miss;
use crate::call::audio::{RATE, rms};
use crate::call::leg::Leg;
use crate::scenario::Talk;

/// The far end has stopped talking over c2c once it has been quiet this long (looks of 10 ms).
const YIELDED: usize = 30;

/// Onsets are looked for 10 ms at a time.
const LOOK: usize = RATE as usize / 100;
/// A reply is sound that lasts: this many looks in a row above the sound threshold (50 ms), so a
/// click or a packet's noise is no reply.
const LASTS: usize = 5;
/// Louder than this (RMS, full scale 1) is sound: -40 dBFS, as the listeners count it.
const SOUND: f64 = 0.01;

impl<L: Leg> Session<'_, L> {
    /// c2c's last sample of speech, sound or keys went out at `clock` (the page's audio clock):
    /// the far end's turn begins.
    pub(super) fn spoke_until(&mut self, clock: f64) {
        self.spoke = Some(clock);
        // What the far end says from here is its reply: an utterance of its own.
        if let Some(transcriber) = &mut self.transcriber {
            transcriber.turn();
        }
    }

    /// Where a listening step that began at `started` listens from, on the page's audio clock:
    /// then, or from c2c's last sound when that was earlier. A reply answers what c2c said, and
    /// can begin before a page slowed by a busy machine has said the words were out.
    pub(super) fn turn_began(&self, started: Instant) -> f64 {
        let began = self.lived.heard.clock_at(started);
        self.spoke.map_or(began, |spoke| spoke.min(began))
    }

    /// The far end's reply after c2c last spoke, as far as it has been heard: seconds after c2c's
    /// last sample. Taken once: the turn is the step's that listened first.
    pub(super) fn take_turn(&mut self) -> Option<f64> {
        let spoke = self.spoke.take()?;
        let heard = self.lived.heard.between(spoke, f64::INFINITY);
        onset(heard).map(|sample| sample as f64 / f64::from(RATE))
    }
}

impl<L: Leg> Session<'_, L> {
    /// A `say` step: its words (synthesised beside the call, waited for until `deadline`), said
    /// at once, or with `barge-in` over the far end's speech, then how long it kept talking.
    pub(super) async fn say(
        &mut self,
        talk: &Talk,
        started: Instant,
        deadline: Instant,
        waited: &str,
    ) -> Result<String, Miss> {
        let Some(speaker) = self.plan.voice.clone() else {
            return Err(Miss::Failed(
                "c2c's voice was not made ready for this call".to_owned(),
            ));
        };
        // The call goes on while the words are made (on a busy machine, for seconds): what the
        // leg says is read, so that its sound, its end and its liveliness are not missed.
        let mut made = None;
        let waited_for = self
            .until(deadline, |_| {
                made = speaker.ready(&talk.say);
                made.is_some().then(|| Ok(String::new()))
            })
            .await;
        let samples = match (made, waited_for) {
            (Some(made), _) => made.map_err(Miss::Failed)?,
            (None, Some(Err(why))) => return Err(Miss::Failed(why)),
            (None, _) => {
                return Err(
                    self.c2cs_own(&format!("the words were not synthesised within {waited}"))
                );
            }
        };
        let length = Duration::from_secs_f64(samples.len() as f64 / f64::from(RATE));
        if let Some(into) = talk.barge_in {
            self.far_end_talking(into, started, deadline, waited)
                .await?;
        }
        let begun = Instant::now();
        let Some(first) = self.play(&samples).await else {
            return Err(Miss::Failed("c2c could not play into the call".to_owned()));
        };
        tracing::debug!(
            "say: the first sample went out {} ms after the step began",
            started.elapsed().as_millis()
        );
        let said = format!("said {:.1} s", length.as_secs_f64());
        self.until(begun + length, |_| None)
            .await
            .unwrap_or(Ok(String::new()))
            .map_err(Miss::from)?;
        if talk.barge_in.is_none() {
            return Ok(said);
        }
        // c2c began and stopped talking where the line carries its voice, not its edges' hiss.
        let spoken = crate::call::line::spoken(&samples);
        let at = |sample: usize| first + sample as f64 / f64::from(RATE);
        let over = self
            .talked_over(at(spoken.start), at(spoken.end), deadline).await.ok_or_else(|| {
            Miss::Failed(format!(
                "{said}; the far end was still talking over c2c when the step's {waited} were up"
            ))
        })?;
        self.talk_over = Some(over);
        let told = format!("{said}; the far end stopped {over:.2} s after c2c began");
        match talk.yields {
            Some(most) if over > most.as_secs_f64() => Err(Miss::Failed(format!(
                "{told}, later than yield={}",
                crate::printable::duration(most)
            ))),
            _ => Ok(told),
        }
    }

    /// Waits until the far end is talking and has been for `into` (its pauses shorter than a
    /// yield), as far as the page has heard: c2c talks over speech, never after it. A far end
    /// that stopped before then (or while c2c's words were still being synthesised) is waited
    /// for to speak again, within the step's time.
    async fn far_end_talking(
        &mut self,
        into: Duration,
        started: Instant,
        deadline: Instant,
        waited: &str,
    ) -> Result<(), Miss> {
        let from = self
            .lived
            .heard
            .clock_at(started)
            .max(self.lived.answered_clock.unwrap_or(0.0));
        let into = into.as_secs_f64();
        let talking = self
            .until(deadline, |s| {
                let heard = s.lived.heard.between(from, f64::INFINITY);
                talking_for(heard, into).then(|| Ok(String::new()))
            })
            .await;
        match talking {
            Some(Ok(_)) => Ok(()),
            Some(Err(why)) => Err(Miss::Failed(why)),
            None => Err(Miss::Failed(format!(
                "the far end did not talk for {} within {waited} for c2c to talk over it",
                crate::printable::duration(Duration::from_secs_f64(into))
            ))),
        }
    }

    /// How long after `first` (c2c's first sample, the page's clock) the far end last made a
    /// sound over c2c's words, which end at `last`: its last sound before c2c stopped, or, when it
    /// talked on past that, the start of its first lasting quiet after. A pause and then more
    /// words while c2c speaks is still talking over it. `None` if it had not stopped by `deadline`.
    async fn talked_over(&mut self, first: f64, last: f64, deadline: Instant) -> Option<f64> {
        let found = self
            .until(deadline, |s| {
                let after = s.lived.heard.between(last, f64::INFINITY);
                let quiet = quiet_from(after)?;
                let over = match quiet {
                    // Quiet as c2c stopped: its last sound over c2c's words.
                    0 => last_sound(s.lived.heard.between(first, last))
                        .map_or(0.0, |end| end as f64 / f64::from(RATE)),
                    talked_on => last - first + talked_on as f64 / f64::from(RATE),
                };
                Some(Ok(over.to_string()))
            })
            .await;
        found.and_then(Result::ok).and_then(|s| s.parse().ok())
    }
}

/// Where the last sound in `samples` ends (its sample), if any.
pub fn last_sound(samples: &[i16]) -> Option<usize> {
    samples
        .chunks_exact(LOOK)
        .rposition(|look| rms(look) >= SOUND)
        .map(|look| (look + 1) * LOOK)
}

/// Where the first lasting quiet in `samples` begins (its sample): `YIELDED` looks in a row below
/// the sound threshold.
pub fn quiet_from(samples: &[i16]) -> Option<usize> {
    let quiet: Vec<bool> = samples
        .chunks_exact(LOOK)
        .map(|look| rms(look) < SOUND)
        .collect();
    quiet
        .windows(YIELDED)
        .position(|run| run.iter().all(|&q| q))
        .map(|look| look * LOOK)
}

/// Whether `samples` end in speech (sound in their last 100 ms) that has gone on for `into`
/// seconds without a pause as long as a yield.
pub fn talking_for(samples: &[i16], into: f64) -> bool {
    let loud: Vec<bool> = samples
        .chunks_exact(LOOK)
        .map(|look| rms(look) >= SOUND)
        .collect();
    let now = loud.len();
    if now < 10 || !loud[now - 10..].iter().any(|&l| l) {
        return false;
    }
    // Where the speech under way began: after the last pause of a yield's length.
    let began = loud
        .windows(YIELDED)
        .rposition(|run| run.iter().all(|&l| !l))
        .map_or(0, |quiet| quiet + YIELDED);
    let Some(first) = loud[began..].iter().position(|&l| l) else {
        return false;
    };
    (now - began - first) as f64 * LOOK as f64 / f64::from(RATE) >= into
}

/// Where the first lasting sound in `samples` begins (its sample).
pub fn onset(samples: &[i16]) -> Option<usize> {
    let loud: Vec<bool> = samples
        .chunks_exact(LOOK)
        .map(|look| rms(look) >= SOUND)
        .collect();
    loud.windows(LASTS)
        .position(|run| run.iter().all(|&l| l))
        .map(|look| look * LOOK)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call::leg::scripted::{silence, tone};

    #[test]
    fn c2c_talks_over_speech_under_way_never_after_it() {
        // A second of speech, still going: talked over at 500 ms in, not at 1.5 s.
        let speaking = tone(300.0, 1_000);
        assert!(talking_for(&speaking, 0.5));
        assert!(!talking_for(&speaking, 1.5));
        // Speech that has stopped is no longer talked over.
        let stopped = [tone(300.0, 1_000), silence(400)].concat();
        assert!(!talking_for(&stopped, 0.0));
        // A short pause inside it is still the same speech; a yield's length starts it anew.
        let paused = [tone(300.0, 600), silence(150), tone(300.0, 400)].concat();
        assert!(talking_for(&paused, 1.0));
        let anew = [tone(300.0, 600), silence(400), tone(300.0, 400)].concat();
        assert!(!talking_for(&anew, 1.0));
        assert!(talking_for(&anew, 0.3));
    }

    #[test]
    fn a_reply_begins_where_lasting_sound_does_and_a_click_is_none() {
        let mut audio = silence(700);
        audio[3_000] = 30_000;
        audio.extend(tone(440.0, 500));
        let at = onset(&audio).unwrap() as f64 / f64::from(RATE);
        assert!((at - 0.7).abs() <= 0.011, "{at}");
        assert_eq!(onset(&silence(1_000)), None);
        assert_eq!(onset(&tone(440.0, 30)), None);
    }
}
