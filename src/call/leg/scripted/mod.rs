//! A call leg with no browser: a far end played from memory, in real time, that records what it
//! was sent. The second implementation of `Leg`, so that a session, its steps and its report are
//! proven against the trait's duties rather than against Chromium's page.

use std::collections::{BTreeMap, VecDeque};
use std::f64::consts::TAU;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

use super::Leg;
use crate::call::audio::RATE;
use crate::call::said::{Device, Phase, Said};

/// 20 ms pieces, as the page hands them over.
const PIECE: usize = RATE as usize / 50;

/// What the far end plays: once answered, `prompt`; after a key, that key's answer (or silence),
/// cutting off what was playing, as a phone tree does.
#[derive(Default)]
pub struct FarEnd {
    pub answer_after: Duration,
    pub prompt: Vec<i16>,
    pub keys: BTreeMap<char, Vec<i16>>,
    /// A page starved of CPU: from this long after the answer (after the start, when Twilio is
    /// out of reach), nothing for that long (no audio, no heartbeat), then what it captured
    /// meanwhile all at once, late.
    pub stall: Option<(Duration, Duration)>,
    /// What it captured during the stall is lost, as Chromium's processor drops what a starved
    /// page could not take: the numbers go on, the clock has moved on further.
    pub drops: bool,
    /// A far end that answers c2c: after each sound c2c plays, this long, then these samples
    /// (cutting off what was playing).
    pub reply: Option<(Duration, Vec<i16>)>,
    /// Talked over, it stops this long after c2c begins (without: it talks on to its end).
    pub yields: Option<Duration>,
    /// A page slow to say it has started playing (busy): `play` returns this much later.
    pub slow_play: Option<Duration>,
    /// Twilio out of reach: the page goes on registering, a word a second, and never calls.
    pub unreachable: bool,
    /// The Voice SDK's error with this code (Twilio lost), said once the stall is over (or
    /// once answered, without one).
    pub loses_twilio: Option<u32>,
}

/// What the leg was sent, for the test to look at.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Sent {
    pub digits: String,
    pub played: Vec<usize>,
    pub hung_up: bool,
    pub closed: bool,
}

/// `hz` at half of full scale for `ms`.
pub fn tone(hz: f64, ms: u64) -> Vec<i16> {
    let len = RATE as usize * ms as usize / 1000;
    (0..len)
        .map(|i| (16_000.0 * (TAU * hz * i as f64 / f64::from(RATE)).sin()) as i16)
        .collect()
}

pub fn silence(ms: u64) -> Vec<i16> {
    vec![0; RATE as usize * ms as usize / 1000]
}

pub struct ScriptedLeg {
    far_end: FarEnd,
    started: Instant,
    /// Samples handed over so far: the leg's clock is their count.
    position: u64,
    states: VecDeque<Said>,
    answered: Option<Instant>,
    ended: bool,
    /// What plays next, and when the keys pressed have all gone.
    playing: Arc<Mutex<Playing>>,
    sent: Arc<Mutex<Sent>>,
    last_word: std::time::Instant,
    /// Samples lost to the stall (`FarEnd::drops`), once it is over.
    dropped: Option<u64>,
    /// Whether `FarEnd::loses_twilio` has been said.
    lost_twilio: bool,
}

#[derive(Default)]
struct Playing {
    audio: VecDeque<i16>,
    digits_done: Option<Instant>,
}

impl ScriptedLeg {
    /// A leg to `far_end`, and where what it is sent will be.
    pub fn new(far_end: FarEnd) -> (ScriptedLeg, Arc<Mutex<Sent>>) {
        let sent = Arc::new(Mutex::new(Sent::default()));
        let state = |phase, device| Said::State {
            phase,
            device,
            status: String::new(),
            call_sid: None,
            audio_clock: None,
        };
        let states = match far_end.unreachable {
            true => VecDeque::from([state(Phase::Idle, Device::Registering)]),
            false => VecDeque::from([
                state(Phase::Idle, Device::Starting),
                state(Phase::Idle, Device::Ready),
                state(Phase::Connecting, Device::Ready),
                state(Phase::Ringing, Device::Ready),
            ]),
        };
        let leg = ScriptedLeg {
            far_end,
            started: Instant::now(),
            position: 0,
            states,
            dropped: None,
            lost_twilio: false,
            answered: None,
            ended: false,
            playing: Arc::default(),
            sent: Arc::clone(&sent),
            last_word: std::time::Instant::now(),
        };
        (leg, sent)
    }

    /// Where capture has reached (seconds): the samples handed over, and those dropped.
    fn clock(&self) -> f64 {
        (self.position + self.dropped.unwrap_or(0)) as f64 / f64::from(RATE)
    }

    /// What the far end does on hearing c2c play `samples`: it talks on as far as it goes on
    /// over c2c, then, with a reply, waits and answers.
    fn queue_reply(&self, samples: &[i16]) -> Result<(), String> {
        let mut sent = self.sent.lock().map_err(|e| e.to_string())?;
        sent.played.push(samples.len());
        let mut playing = self.playing.lock().map_err(|e| e.to_string())?;
        let talking: Vec<i16> = match self.far_end.yields {
            Some(after) => {
                let kept = (after.as_secs_f64() * f64::from(RATE)) as usize;
                playing.audio.iter().take(kept).copied().collect()
            }
            None => playing.audio.iter().copied().collect(),
        };
        playing.audio = talking.iter().copied().collect();
        if let Some((after, reply)) = &self.far_end.reply {
            // Queued from the next piece on.
            let quiet = (samples.len() + (after.as_secs_f64() * f64::from(RATE)) as usize)
                .saturating_sub(talking.len());
            playing
                .audio
                .extend(std::iter::repeat_n(0, quiet).chain(reply.iter().copied()));
        }
        Ok(())
    }

    fn said(&mut self, said: Said) -> Said {
        self.last_word = std::time::Instant::now();
        said
    }
}

impl Leg for ScriptedLeg {
    type Error = String;

    async fn next(&mut self) -> Said {
        if let Some(state) = self.states.pop_front() {
            return self.said(state);
        }
        if self.far_end.unreachable {
            // Registering, on and on: its heartbeat.
            tokio::time::sleep(Duration::from_secs(1)).await;
            if let Some((at, long)) = self.far_end.stall
                && Instant::now() >= self.started + at
            {
                tokio::time::sleep_until(self.started + at + long).await;
            }
            return self.said(Said::State {
                phase: Phase::Idle,
                device: Device::Registering,
                status: String::new(),
                call_sid: None,
                audio_clock: None,
            });
        }
        if self.ended {
            return std::future::pending().await;
        }
        if self.sent.lock().is_ok_and(|s| s.hung_up) {
            self.ended = true;
            return self.said(Said::State {
                phase: Phase::Ended,
                device: Device::Ready,
                status: "Call ended".to_owned(),
                call_sid: None,
                audio_clock: Some(self.clock()),
            });
        }
        let now = Instant::now();
        if self.answered.is_none() && now >= self.started + self.far_end.answer_after {
            self.answered = Some(now);
            if let Ok(mut playing) = self.playing.lock() {
                playing.audio = self.far_end.prompt.iter().copied().collect();
            }
            return self.said(Said::State {
                phase: Phase::InCall,
                device: Device::Ready,
                status: "In call".to_owned(),
                call_sid: Some(format!("CA{}", "0".repeat(32))),
                audio_clock: Some(self.clock()),
            });
        }
        let digits_done = self.playing.lock().is_ok_and(|mut playing| {
            let due = playing.digits_done.is_some_and(|at| now >= at);
            if due {
                playing.digits_done = None;
            }
            due
        });
        if digits_done {
            return self.said(Said::DigitsSent);
        }
        if let (Some((at, long)), Some(answered)) = (self.far_end.stall, self.answered)
            && now >= answered + at
            && now < answered + at + long
        {
            tokio::time::sleep_until(answered + at + long).await;
        }
        if let (Some((at, long)), Some(answered), None, true) = (
            self.far_end.stall,
            self.answered,
            self.dropped,
            self.far_end.drops,
        ) && Instant::now() >= answered + at + long
        {
            let lost = (long.as_secs_f64() * f64::from(RATE)) as usize / PIECE * PIECE;
            if let Ok(mut playing) = self.playing.lock() {
                let gone = lost.min(playing.audio.len());
                playing.audio.drain(..gone);
            }
            self.dropped = Some(lost as u64);
        }
        if let (Some(code), false, Some(answered)) =
            (self.far_end.loses_twilio, self.lost_twilio, self.answered)
        {
            let after = self
                .far_end
                .stall
                .map_or(Duration::ZERO, |(at, long)| at + long);
            if Instant::now() >= answered + after {
                self.lost_twilio = true;
                return self.said(Said::Error {
                    code,
                    message: "Connection error".to_owned(),
                    fatal: false,
                });
            }
        }
        // Real time: the next piece once it has been captured.
        let due =
            self.started + Duration::from_secs_f64(self.clock() + PIECE as f64 / f64::from(RATE));
        tokio::time::sleep_until(due).await;
        let samples: Vec<i16> = match self.playing.lock() {
            Ok(mut playing) if self.answered.is_some() => (0..PIECE)
                .map(|_| playing.audio.pop_front().unwrap_or(0))
                .collect(),
            _ => vec![0; PIECE],
        };
        let position = self.position;
        self.position += PIECE as u64;
        let handed = self.clock();
        self.said(Said::Audio {
            arrived: std::time::Instant::now(),
            handed,
            position,
            samples,
        })
    }

    fn last_word(&self) -> std::time::Instant {
        self.last_word
    }

    async fn press(&self, digits: &str) -> Result<(), String> {
        let mut sent = self.sent.lock().map_err(|e| e.to_string())?;
        let mut playing = self.playing.lock().map_err(|e| e.to_string())?;
        sent.digits.push_str(digits);
        for key in digits.chars().filter(|c| *c != 'w') {
            playing.audio = self
                .far_end
                .keys
                .get(&key)
                .map(|answer| answer.iter().copied().collect())
                .unwrap_or_default();
        }
        playing.digits_done = Some(Instant::now() + crate::scenario::press_length(digits));
        Ok(())
    }

    async fn play(&self, samples: &[i16]) -> Result<f64, String> {
        self.queue_reply(samples)?;
        let first = self.clock();
        if let Some(slow) = self.far_end.slow_play {
            tokio::time::sleep(slow).await;
        }
        Ok(first)
    }

    async fn hang_up(&self) -> Result<(), String> {
        let mut sent = self.sent.lock().map_err(|e| e.to_string())?;
        sent.hung_up = true;
        Ok(())
    }

    async fn close(self) {
        if let Ok(mut sent) = self.sent.lock() {
            sent.closed = true;
        }
    }
}

#[cfg(test)]
mod tests;
