//! The listening steps (`wait-for-silence`, `expect-tone`, `expect-audio`, `expect-silence`):
//! each is fed the frames heard since it started, decides when it has heard enough, and says
//! what it heard instead when it has not.

use std::time::Duration;

use super::audio::{FRAME, Loudness, RATE, dominant, is_tone, loudness};
use super::steps::Action;

/// How long a gap in speech may be for `expect-audio` to count it as one stretch of sound.
const SPEECH_GAP: Duration = Duration::from_millis(300);
const FRAME_TIME: Duration = Duration::from_millis(1000 * FRAME as u64 / RATE as u64);

/// A listening step, fed the frames heard since it started.
pub struct Ear {
    action: Action,
    /// Frames already looked at.
    seen: usize,
    spoke: bool,
    run: Duration,
    gap: Duration,
    longest: Duration,
    /// What was heard instead, for the failure: dominant frequencies, by frame count.
    heard: Vec<(u32, usize)>,
    sounded: usize,
}

impl Ear {
    pub fn new(action: &Action) -> Self {
        Ear {
            action: action.clone(),
            seen: 0,
            spoke: false,
            run: Duration::ZERO,
            gap: Duration::ZERO,
            longest: Duration::ZERO,
            heard: Vec::new(),
            sounded: 0,
        }
    }

    pub fn listen(&mut self, samples: &[i16]) -> Option<Result<String, String>> {
        let frames = samples.len() / FRAME;
        while self.seen < frames {
            let frame = &samples[self.seen * FRAME..(self.seen + 1) * FRAME];
            self.seen += 1;
            if let Some(done) = self.frame(frame) {
                return Some(Ok(done));
            }
        }
        None
    }

    fn frame(&mut self, frame: &[i16]) -> Option<String> {
        let level = loudness(frame);
        if level == Loudness::Sound {
            self.sounded += 1;
            if let Some(hz) = dominant(frame) {
                let hz = (hz / 10.0).round() as u32 * 10;
                match self.heard.iter_mut().find(|(f, _)| *f == hz) {
                    Some((_, n)) => *n += 1,
                    None => self.heard.push((hz, 1)),
                }
            }
        }
        match self.action {
            Action::WaitForSilence { quiet } => {
                match level {
                    Loudness::Sound => {
                        self.spoke = true;
                        self.run = Duration::ZERO;
                    }
                    Loudness::Silence if self.spoke => self.run += FRAME_TIME,
                    _ => self.run = Duration::ZERO,
                }
                (self.spoke && self.run >= quiet).then(|| "spoke, then fell silent".to_owned())
            }
            Action::ExpectTone { hz, hold } => {
                if is_tone(frame, hz) {
                    self.run += FRAME_TIME;
                } else {
                    self.run = Duration::ZERO;
                }
                (self.run >= hold).then(|| format!("heard {hz} Hz"))
            }
            Action::ExpectAudio(wanted) => {
                if level == Loudness::Silence {
                    self.gap += FRAME_TIME;
                    if self.gap >= SPEECH_GAP {
                        self.run = Duration::ZERO;
                    }
                } else if self.run > Duration::ZERO || level == Loudness::Sound {
                    self.run += FRAME_TIME + std::mem::take(&mut self.gap);
                }
                self.longest = self.longest.max(self.run);
                (self.run >= wanted).then(|| "heard sound".to_owned())
            }
            Action::ExpectSilence(wanted) => {
                if level == Loudness::Sound {
                    self.run = Duration::ZERO;
                } else {
                    self.run += FRAME_TIME;
                }
                self.longest = self.longest.max(self.run);
                (self.run >= wanted).then(|| "heard silence".to_owned())
            }
            _ => None,
        }
    }

    /// Why the step failed, from what was heard.
    pub fn verdict(&self, waited: &impl std::fmt::Display) -> String {
        let mostly = self
            .heard
            .iter()
            .max_by_key(|(_, n)| *n)
            .map(|(hz, _)| format!("mostly {hz} Hz"));
        let heard = match (self.sounded, mostly) {
            (0, _) => "only silence".to_owned(),
            (_, Some(mostly)) => format!("sound, {mostly}"),
            (_, None) => "sound".to_owned(),
        };
        match &self.action {
            Action::WaitForSilence { quiet } if self.spoke => format!(
                "the far end spoke but did not stay silent for {} within {waited}",
                humantime::format_duration(*quiet)
            ),
            Action::WaitForSilence { .. } => {
                format!("the far end said nothing within {waited}")
            }
            Action::ExpectTone { hz, hold } => format!(
                "no {hz} Hz tone for {} within {waited}: heard {heard}",
                humantime::format_duration(*hold)
            ),
            Action::ExpectAudio(wanted) => format!(
                "no {} of sound within {waited} (the longest was {:.1} s): heard {heard}",
                humantime::format_duration(*wanted),
                self.longest.as_secs_f64()
            ),
            Action::ExpectSilence(wanted) => format!(
                "no {} of silence within {waited} (the longest was {:.1} s): heard {heard}",
                humantime::format_duration(*wanted),
                self.longest.as_secs_f64()
            ),
            _ => "nothing to listen for".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(hz: f64, ms: usize) -> Vec<i16> {
        let len = RATE as usize * ms / 1000;
        (0..len)
            .map(|i| {
                (8000.0 * (2.0 * std::f64::consts::PI * hz * i as f64 / f64::from(RATE)).sin())
                    as i16
            })
            .collect()
    }

    fn silence(ms: usize) -> Vec<i16> {
        vec![0; RATE as usize * ms / 1000]
    }

    fn hear(action: Action, parts: &[Vec<i16>]) -> (Option<Result<String, String>>, Ear) {
        let mut ear = Ear::new(&action);
        let audio: Vec<i16> = parts.concat();
        (ear.listen(&audio), ear)
    }

    #[test]
    fn silence_counts_only_after_speech() {
        let quiet = Duration::from_secs(1);
        let (heard, ear) = hear(Action::WaitForSilence { quiet }, &[silence(2000)]);
        assert_eq!(heard, None);
        assert!(ear.verdict(&"30s").contains("said nothing"));
        let (heard, _) = hear(
            Action::WaitForSilence { quiet },
            &[tone(300.0, 800), silence(1040)],
        );
        assert_eq!(heard, Some(Ok("spoke, then fell silent".into())));
        let (heard, ear) = hear(
            Action::WaitForSilence { quiet },
            &[tone(300.0, 800), silence(600), tone(300.0, 200)],
        );
        assert_eq!(heard, None);
        assert!(ear.verdict(&"30s").contains("did not stay silent for 1s"));
    }

    #[test]
    fn a_tone_must_hold_and_anything_else_is_named() {
        let hold = Duration::from_millis(300);
        let want = |hz| Action::ExpectTone { hz, hold };
        assert!(hear(want(700.0), &[tone(700.0, 400)]).0.is_some());
        assert_eq!(hear(want(700.0), &[tone(700.0, 200)]).0, None, "too short");
        let (heard, ear) = hear(want(1000.0), &[tone(800.0, 1000)]);
        assert_eq!(heard, None);
        assert_eq!(
            ear.verdict(&"5s"),
            "no 1000 Hz tone for 300ms within 5s: heard sound, mostly 800 Hz"
        );
    }

    #[test]
    fn audio_bridges_short_gaps_and_silence_must_be_unbroken() {
        let two = Duration::from_secs(2);
        let speech = [tone(300.0, 900), silence(200), tone(300.0, 1000)];
        assert!(
            hear(Action::ExpectAudio(two), &speech).0.is_some(),
            "a 0.2 s gap is speech"
        );
        let broken = [tone(300.0, 900), silence(600), tone(300.0, 1000)];
        assert_eq!(hear(Action::ExpectAudio(two), &broken).0, None);
        assert!(
            hear(Action::ExpectSilence(two), &[silence(2100)])
                .0
                .is_some()
        );
        let (heard, ear) = hear(
            Action::ExpectSilence(two),
            &[silence(1000), tone(500.0, 100), silence(1000)],
        );
        assert_eq!(heard, None);
        assert!(
            ear.verdict(&"7s").contains("the longest was 1.0 s"),
            "{}",
            ear.verdict(&"7s")
        );
    }
}
