//! The listening steps (`wait-for-silence`, `expect-tone`, `expect-audio`, `expect-silence`):
//! each is fed the audio heard since it started (on a thread of its own, see `listening`),
//! decides when it has heard enough, and says what it heard instead when it has not.

use std::time::Duration;

use super::audio::{FRAME, Loudness, RATE, describe, loudness, tone_near};
use super::listening::Listener;
use crate::scenario::Listen;

/// How long a gap in speech may be for `expect-audio` to count it as one stretch of sound.
const SPEECH_GAP: Duration = Duration::from_millis(300);
const FRAME_TIME: Duration = Duration::from_millis(1000 * FRAME as u64 / RATE as u64);

/// A listening step, fed the frames heard since it started.
pub struct Ear {
    action: Listen,
    /// Everything heard since the step began.
    heard: Vec<i16>,
    /// Frames already looked at.
    seen: usize,
    spoke: bool,
    run: Duration,
    gap: Duration,
    longest: Duration,
    /// The frequencies measured in the tone's frames so far, to say what was heard.
    measured: Vec<f64>,
}

impl Ear {
    pub fn new(action: &Listen) -> Self {
        Ear {
            action: action.clone(),
            heard: Vec::new(),
            seen: 0,
            spoke: false,
            run: Duration::ZERO,
            gap: Duration::ZERO,
            longest: Duration::ZERO,
            measured: Vec::new(),
        }
    }

    fn frame(&mut self, frame: &[i16]) -> Option<String> {
        let level = loudness(frame);
        match self.action {
            Listen::WaitForSilence { quiet } => {
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
            Listen::ExpectTone { hz, hold } => {
                match tone_near(frame, hz) {
                    Some(measured) => {
                        self.run += FRAME_TIME;
                        self.measured.push(measured);
                    }
                    None => {
                        self.run = Duration::ZERO;
                        self.measured.clear();
                    }
                }
                (self.run >= hold).then(|| {
                    let mean = self.measured.iter().sum::<f64>() / self.measured.len() as f64;
                    format!("heard {mean:.0} Hz")
                })
            }
            Listen::ExpectAudio(wanted) => {
                // A pause inside sound counts as sound (speech has them); silence before any
                // sound is no part of it.
                if level == Loudness::Silence {
                    if self.run > Duration::ZERO {
                        self.gap += FRAME_TIME;
                        if self.gap >= SPEECH_GAP {
                            self.run = Duration::ZERO;
                            self.gap = Duration::ZERO;
                        }
                    }
                } else if self.run > Duration::ZERO || level == Loudness::Sound {
                    self.run += FRAME_TIME + std::mem::take(&mut self.gap);
                }
                self.longest = self.longest.max(self.run);
                (self.run >= wanted).then(|| "heard sound".to_owned())
            }
            Listen::ExpectSilence(wanted) => {
                if level == Loudness::Sound {
                    self.run = Duration::ZERO;
                } else {
                    self.run += FRAME_TIME;
                }
                self.longest = self.longest.max(self.run);
                (self.run >= wanted).then(|| "heard silence".to_owned())
            }
        }
    }
}

impl Listener for Ear {
    fn hear(&mut self, samples: &[i16]) -> Option<String> {
        self.heard.extend_from_slice(samples);
        while (self.seen + 1) * FRAME <= self.heard.len() {
            let at = self.seen * FRAME;
            self.seen += 1;
            let frame: Vec<i16> = self.heard[at..at + FRAME].to_vec();
            if let Some(done) = self.frame(&frame) {
                return Some(done);
            }
        }
        None
    }

    /// Why the step failed, from what was heard since it started. The frequencies are looked for
    /// only here: a step that passes never needs them.
    fn verdict(&self, waited: &str) -> String {
        let heard = describe(&self.heard[..(self.seen * FRAME).min(self.heard.len())]);
        match &self.action {
            Listen::WaitForSilence { quiet } if self.spoke => format!(
                "the far end spoke but did not stay silent for {} within {waited}",
                humantime::format_duration(*quiet)
            ),
            Listen::WaitForSilence { .. } => {
                format!("the far end said nothing within {waited}")
            }
            Listen::ExpectTone { hz, hold } => format!(
                "no {hz} Hz tone for {} within {waited}: heard {heard}",
                humantime::format_duration(*hold)
            ),
            Listen::ExpectAudio(wanted) => format!(
                "no {} of sound within {waited} (the longest was {:.1} s): heard {heard}",
                humantime::format_duration(*wanted),
                self.longest.as_secs_f64()
            ),
            Listen::ExpectSilence(wanted) => format!(
                "no {} of silence within {waited} (the longest was {:.1} s): heard {heard}",
                humantime::format_duration(*wanted),
                self.longest.as_secs_f64()
            ),
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

    /// What the ear decided, and what it would say had it failed.
    fn hear(action: Listen, parts: &[Vec<i16>]) -> (Option<Result<String, String>>, String) {
        let mut ear = Ear::new(&action);
        let decided = parts.iter().find_map(|part| ear.hear(part)).map(Ok);
        (decided, ear.verdict("WAIT"))
    }

    #[test]
    fn a_moment_of_sound_after_a_long_silence_is_not_a_long_sound() {
        let (heard, verdict) = hear(
            Listen::ExpectAudio(Duration::from_millis(300)),
            &[silence(2000), tone(800.0, 80), silence(400)],
        );
        assert_eq!(heard, None, "{verdict}");
        let (heard, _) = hear(
            Listen::ExpectAudio(Duration::from_millis(300)),
            &[
                silence(2000),
                tone(800.0, 200),
                silence(120),
                tone(800.0, 200),
            ],
        );
        assert!(heard.is_some());
    }

    #[test]
    fn silence_counts_only_after_speech() {
        let quiet = Duration::from_secs(1);
        let (heard, verdict) = hear(Listen::WaitForSilence { quiet }, &[silence(2000)]);
        assert_eq!(heard, None);
        assert!(verdict.contains("said nothing"));
        let (heard, _) = hear(
            Listen::WaitForSilence { quiet },
            &[tone(300.0, 800), silence(1040)],
        );
        assert_eq!(heard, Some(Ok("spoke, then fell silent".into())));
        let (heard, verdict) = hear(
            Listen::WaitForSilence { quiet },
            &[tone(300.0, 800), silence(600), tone(300.0, 200)],
        );
        assert_eq!(heard, None);
        assert!(verdict.contains("did not stay silent for 1s"));
    }

    #[test]
    fn a_tone_must_hold_and_anything_else_is_named() {
        let hold = Duration::from_millis(300);
        let want = |hz| Listen::ExpectTone { hz, hold };
        assert!(hear(want(700.0), &[tone(700.0, 400)]).0.is_some());
        assert_eq!(hear(want(700.0), &[tone(700.0, 200)]).0, None, "too short");
        assert_eq!(
            hear(want(1320.0), &[tone(1333.0, 400)]).0,
            Some(Ok("heard 1333 Hz".into())),
            "the frequency measured, not the one asked for"
        );
        let (heard, verdict) = hear(want(1290.0), &[tone(1333.0, 1000)]);
        assert_eq!(heard, None, "3.2% off");
        assert!(verdict.ends_with("mostly 1333 Hz"), "{verdict}");
        let (heard, verdict) = hear(want(1000.0), &[tone(800.0, 1000)]);
        assert_eq!(heard, None);
        assert_eq!(
            verdict,
            "no 1000 Hz tone for 300ms within WAIT: heard sound, mostly 800 Hz"
        );
    }

    #[test]
    fn audio_bridges_short_gaps_and_silence_must_be_unbroken() {
        let two = Duration::from_secs(2);
        let speech = [tone(300.0, 900), silence(200), tone(300.0, 1000)];
        assert!(
            hear(Listen::ExpectAudio(two), &speech).0.is_some(),
            "a 0.2 s gap is speech"
        );
        let broken = [tone(300.0, 900), silence(600), tone(300.0, 1000)];
        assert_eq!(hear(Listen::ExpectAudio(two), &broken).0, None);
        assert!(
            hear(Listen::ExpectSilence(two), &[silence(2100)])
                .0
                .is_some()
        );
        let (heard, verdict) = hear(
            Listen::ExpectSilence(two),
            &[silence(1000), tone(500.0, 100), silence(1000)],
        );
        assert_eq!(heard, None);
        assert!(verdict.contains("the longest was 1.0 s"), "{verdict}");
    }
}
