//! The far end's audio cut into utterances at its pauses, none longer than the model handles
//! well; and at every short pause inside one, what was said so far, so that it is recognised as
//! soon as the silence after it begins (a `wait-for-prompt` passes a moment after the prompt's
//! last word).

/// 16 kHz mono, as the page hears it.
pub const RATE: usize = 16_000;
/// 20 ms frames.
const FRAME: usize = RATE / 50;
/// A frame this loud (RMS, of full scale) is speech: -40 dBFS, `call::audio`'s "sound".
const SPEECH: f64 = 0.01;
/// This long below it ends an utterance: longer than a voice pauses at a comma or between the
/// sentences of one menu option, so that a short phrase ("press two") is recognised with the
/// words before it (alone, the model often mishears it); shorter than a menu's pause for an
/// answer.
pub const END_SILENCE: f64 = 1.0;
/// This long below it, the utterance may be ending: what was said so far is recognised now (with
/// all its context), so that a phrase is heard as soon as the pause after it has begun, however
/// the pause goes on.
const PAUSING: usize = 10;
/// Kept before the first loud frame and after the last, for the quiet sounds at a word's edges.
const PRE_ROLL: usize = 10;
const TAIL: usize = 10;
/// Less speech than this is a click or a breath.
const MIN_SPEECH: usize = 8;
/// An utterance is cut here even without a pause: the model is good for about 20-30 s at once.
const LONGEST: usize = 20 * 50;

/// What the audio just did.
#[derive(Debug, Clone)]
pub enum Event {
    /// The far end has been quiet a moment (200 ms): what it said so far, which may yet go on.
    Pausing(Utterance),
    /// The pause is long enough: the utterance is over (the same samples as the `Pausing` before
    /// it, when nothing was said in between).
    Ended(Utterance),
}

/// One utterance: its samples, and when it began and ended (seconds since the first sample).
#[derive(Debug, Clone, PartialEq)]
pub struct Utterance {
    pub start: f64,
    pub end: f64,
    pub samples: Vec<i16>,
}

#[derive(Default)]
pub struct Utterances {
    /// A frame's worth not yet complete.
    partial: Vec<i16>,
    /// Frames since the first sample.
    frames: usize,
    /// The last few quiet frames, for the pre-roll.
    before: std::collections::VecDeque<Vec<i16>>,
    current: Option<Current>,
}

struct Current {
    first_frame: usize,
    frames: Vec<Vec<i16>>,
    /// Index in `frames` of the last loud one.
    last_loud: usize,
    loud: usize,
}

impl Utterances {
    /// Takes the next audio; returns what it did, in order.
    pub fn push(&mut self, samples: &[i16]) -> Vec<Event> {
        let mut ended = Vec::new();
        self.partial.extend_from_slice(samples);
        let whole = self.partial.len() / FRAME * FRAME;
        let frames: Vec<Vec<i16>> = self
            .partial
            .drain(..whole)
            .collect::<Vec<_>>()
            .chunks(FRAME)
            .map(<[i16]>::to_vec)
            .collect();
        for frame in frames {
            if let Some(u) = self.frame(frame) {
                ended.push(u);
            }
        }
        ended
    }

    /// What was being said, if anything, ended here: the call ended, or c2c took its turn.
    pub fn finish(&mut self) -> Option<Utterance> {
        let current = self.current.take()?;
        self.close(current)
    }

    /// Whether an utterance is under way (speech heard, its pause not yet long enough).
    pub fn speaking(&self) -> bool {
        self.current.is_some()
    }

    fn frame(&mut self, frame: Vec<i16>) -> Option<Event> {
        let loud = rms(&frame) >= SPEECH;
        let index = self.frames;
        self.frames += 1;
        match &mut self.current {
            None if loud => {
                let mut frames: Vec<Vec<i16>> = self.before.drain(..).collect();
                let first_frame = index - frames.len();
                frames.push(frame);
                self.current = Some(Current {
                    first_frame,
                    last_loud: frames.len() - 1,
                    frames,
                    loud: 1,
                });
                None
            }
            None => {
                self.before.push_back(frame);
                if self.before.len() > PRE_ROLL {
                    self.before.pop_front();
                }
                None
            }
            Some(current) => {
                current.frames.push(frame);
                if loud {
                    current.last_loud = current.frames.len() - 1;
                    current.loud += 1;
                }
                let quiet = current.frames.len() - 1 - current.last_loud;
                let paused = quiet as f64 * FRAME as f64 / RATE as f64 >= END_SILENCE;
                if paused || current.frames.len() >= LONGEST {
                    let current = self.current.take()?;
                    return self.close(current).map(Event::Ended);
                }
                if quiet == PAUSING && current.loud >= MIN_SPEECH {
                    return Some(Event::Pausing(Self::so_far(current)));
                }
                None
            }
        }
    }

    /// The utterance as it stands, kept to a tail after its last loud frame as `close` keeps it.
    fn so_far(current: &Current) -> Utterance {
        let keep = (current.last_loud + 1 + TAIL).min(current.frames.len());
        let start = current.first_frame as f64 * FRAME as f64 / RATE as f64;
        let samples: Vec<i16> = current.frames[..keep].concat();
        let end = start + samples.len() as f64 / RATE as f64;
        Utterance {
            start,
            end,
            samples,
        }
    }

    fn close(&mut self, mut current: Current) -> Option<Utterance> {
        let keep = (current.last_loud + 1 + TAIL).min(current.frames.len());
        // What comes after the tail is the pause: the next utterance's pre-roll.
        for frame in current.frames.drain(keep..) {
            self.before.push_back(frame);
        }
        while self.before.len() > PRE_ROLL {
            self.before.pop_front();
        }
        if current.loud < MIN_SPEECH {
            return None;
        }
        let start = current.first_frame as f64 * FRAME as f64 / RATE as f64;
        let samples: Vec<i16> = current.frames.concat();
        let end = start + samples.len() as f64 / RATE as f64;
        Some(Utterance {
            start,
            end,
            samples,
        })
    }
}

fn rms(frame: &[i16]) -> f64 {
    let sum: f64 = frame.iter().map(|&s| f64::from(s) * f64::from(s)).sum();
    (sum / frame.len().max(1) as f64).sqrt() / 32768.0
}

/// 16-bit samples as the model takes them.
pub fn to_f32(samples: &[i16]) -> Vec<f32> {
    samples.iter().map(|&s| f32::from(s) / 32768.0).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(seconds: f64) -> Vec<i16> {
        (0..(seconds * RATE as f64) as usize)
            .map(|i| {
                ((i as f64 * 440.0 * std::f64::consts::TAU / RATE as f64).sin() * 8000.0) as i16
            })
            .collect()
    }

    fn quiet(seconds: f64) -> Vec<i16> {
        vec![0; (seconds * RATE as f64) as usize]
    }

    fn ended(events: Vec<Event>) -> Vec<Utterance> {
        events
            .into_iter()
            .filter_map(|e| match e {
                Event::Ended(u) => Some(u),
                Event::Pausing(_) => None,
            })
            .collect()
    }

    #[test]
    fn an_utterance_ends_at_the_pause_after_it_not_at_a_short_one() {
        let mut u = Utterances::default();
        assert!(u.push(&quiet(1.0)).is_empty());
        // Speech, a comma's pause, more speech: one utterance, once the long pause has begun.
        assert!(u.push(&tone(1.0)).is_empty());
        let comma = u.push(&quiet(0.3));
        assert!(matches!(comma.as_slice(), [Event::Pausing(_)]), "{comma:?}");
        assert!(u.push(&tone(0.5)).is_empty());
        assert!(u.speaking());
        let events = u.push(&quiet(1.1));
        // It may be ending, then it has: the same samples both times.
        let [Event::Pausing(guess), Event::Ended(said)] = events.as_slice() else {
            panic!("{events:?}");
        };
        assert_eq!(guess, said);
        // It begins with the pre-roll before the first loud frame and ends a tail after the last.
        assert!((said.start - 0.8).abs() < 0.021, "{}", said.start);
        assert!((said.end - 3.0).abs() < 0.021, "{}", said.end);
        assert_eq!(
            said.samples.len() as f64 / RATE as f64,
            said.end - said.start
        );
        assert!(!u.speaking());
    }

    #[test]
    fn clicks_are_no_utterance_and_a_monologue_is_cut() {
        let mut u = Utterances::default();
        u.push(&tone(0.06));
        assert!(ended(u.push(&quiet(1.0))).is_empty());
        let ended = ended(u.push(&tone(45.0)));
        assert_eq!(ended.len(), 2);
        assert!((ended[0].end - ended[0].start - 20.0).abs() < 0.05);
        let last = u.finish().unwrap();
        assert!(last.end > 46.0 - 0.05);
    }
}
