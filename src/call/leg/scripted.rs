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
    /// A page starved of CPU: from this long after the answer, nothing for that long (no audio,
    /// no heartbeat), then what it captured meanwhile all at once, late.
    pub stall: Option<(Duration, Duration)>,
    /// What it captured during the stall is lost, as Chromium's processor drops what a starved
    /// page could not take: the numbers go on, the clock has moved on further.
    pub drops: bool,
    /// Twilio out of reach: the page goes on registering, a word a second, and never calls.
    pub unreachable: bool,
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

    async fn play(&self, samples: &[i16]) -> Result<(), String> {
        let mut sent = self.sent.lock().map_err(|e| e.to_string())?;
        sent.played.push(samples.len());
        Ok(())
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
mod tests {
    use super::*;
    use crate::call::{CallSpec, Cancel, Outcome, StepStatus, follow};
    use crate::scenario::HangUpAfter;

    /// A phone tree: a spoken-length prompt (a 440 Hz tone), then, for key 2, a 1,000 Hz tone.
    fn tree() -> FarEnd {
        FarEnd {
            answer_after: Duration::from_millis(300),
            prompt: [tone(440.0, 800), silence(100)].concat(),
            keys: BTreeMap::from([('2', tone(1000.0, 1500)), ('1', tone(697.0, 1500))]),
            ..FarEnd::default()
        }
    }

    async fn run(steps: &[&str]) -> (crate::call::Report, Sent) {
        run_to(tree(), steps).await
    }

    async fn run_to(far_end: FarEnd, steps: &[&str]) -> (crate::call::Report, Sent) {
        run_within(far_end, steps, Duration::from_secs(8)).await
    }

    /// `reach_twilio`: how long the page has to hear from Twilio.
    async fn run_within(
        far_end: FarEnd,
        steps: &[&str],
        reach_twilio: Duration,
    ) -> (crate::call::Report, Sent) {
        let steps = steps
            .iter()
            .map(|text| crate::scenario::parse(text).unwrap())
            .collect();
        let mut plan =
            CallSpec::new("+14155552671".to_owned(), steps, Duration::from_secs(5)).unwrap();
        plan.hangup_after = HangUpAfter::Never;
        plan.reach_twilio = reach_twilio;
        let (leg, sent) = ScriptedLeg::new(far_end);
        let cancel = Cancel::child_of(&tokio_util::sync::CancellationToken::new());
        let (events, _shown) = tokio::sync::mpsc::unbounded_channel();
        let placed = follow(leg, &plan, cancel, events, None).await.unwrap();
        let sent = sent.lock().unwrap().clone();
        (placed.report, sent)
    }

    #[tokio::test]
    async fn a_scenario_runs_through_the_session_steps_and_report_with_no_browser() {
        let (report, sent) = run(&[
            "wait-for-silence quiet=300ms timeout=5s",
            "press 2",
            "expect-tone 1000 timeout=3s",
            "expect-silence 300ms",
        ])
        .await;
        let statuses: Vec<_> = report
            .steps
            .iter()
            .map(|s| (s.step.as_str(), s.status))
            .collect();
        assert_eq!(
            statuses,
            [
                (
                    "wait-for-silence quiet=300ms timeout=5s",
                    StepStatus::Passed
                ),
                ("press 2", StepStatus::Passed),
                ("expect-tone 1000 timeout=3s", StepStatus::Passed),
                ("expect-silence 300ms", StepStatus::Passed),
            ],
            "{report:?}"
        );
        assert_eq!(report.outcome, Outcome::Completed, "{report:?}");
        assert_eq!(report.exit_status, 0);
        assert_eq!(
            report.call_sid.as_deref(),
            Some(&*format!("CA{}", "0".repeat(32)))
        );
        assert_eq!(
            sent,
            Sent {
                digits: "2".to_owned(),
                played: Vec::new(),
                hung_up: true,
                closed: true
            }
        );
    }

    #[tokio::test]
    async fn the_wrong_key_fails_the_step_that_listens_for_the_right_answer() {
        let (report, sent) = run(&[
            "wait-for-silence quiet=300ms timeout=5s",
            "press 1",
            "expect-tone 1000 timeout=2s",
        ])
        .await;
        assert_eq!(sent.digits, "1");
        let last = report.steps.last().unwrap();
        assert_eq!(last.status, StepStatus::Failed, "{report:?}");
        assert!(last.detail.contains("1000"), "{}", last.detail);
        assert_ne!(report.exit_status, 0);
    }

    /// A tone from 1 s to 3 s after the answer, from a page that goes quiet 0.5 s after the
    /// answer for `stalled`.
    fn starved(stalled: Duration) -> FarEnd {
        FarEnd {
            answer_after: Duration::from_millis(300),
            prompt: [silence(1000), tone(1000.0, 2000)].concat(),
            stall: Some((Duration::from_millis(500), stalled)),
            ..FarEnd::default()
        }
    }

    #[tokio::test]
    async fn a_page_starved_for_a_while_is_waited_for_and_the_tone_it_heard_passes() {
        // Before, the step's two seconds ran out before the page's audio came: a false failure.
        let (report, _) = run_to(
            starved(Duration::from_millis(3500)),
            &["expect-tone 1000 timeout=2s"],
        )
        .await;
        assert_eq!(report.steps[0].status, StepStatus::Passed, "{report:?}");
        assert_eq!(report.verdict, crate::call::Verdict::Passed);
    }

    #[tokio::test]
    async fn a_wrong_expectation_fails_on_a_starved_page_once_its_audio_has_come() {
        let (report, _) = run_to(
            starved(Duration::from_millis(3500)),
            &["expect-tone 697 timeout=2s"],
        )
        .await;
        assert_eq!(report.steps[0].status, StepStatus::Failed, "{report:?}");
        assert_eq!(report.verdict, crate::call::Verdict::Failed);
        assert_eq!(report.exit_status, 1);
    }

    #[tokio::test]
    async fn a_page_starved_past_the_wait_is_inconclusive_never_failed() {
        let (report, _) = run_to(
            starved(Duration::from_secs(8)),
            &["expect-tone 1000 timeout=2s", "hangup"],
        )
        .await;
        let step = &report.steps[0];
        assert_eq!(step.status, StepStatus::Inconclusive, "{report:?}");
        assert!(
            step.detail.contains("c2c's own trouble, not the far end's"),
            "{}",
            step.detail
        );
        assert!(
            step.detail.contains("had not reached c2c"),
            "{}",
            step.detail
        );
        assert_eq!(report.steps[1].status, StepStatus::Skipped);
        assert_eq!(report.steps[1].detail, "an earlier step was inconclusive");
        assert_eq!(report.verdict, crate::call::Verdict::Inconclusive);
        assert_eq!(report.exit_status, crate::call::INCONCLUSIVE);
    }

    #[tokio::test]
    async fn a_page_that_keeps_talking_but_never_hears_from_twilio_says_it_is_out_of_reach() {
        let far_end = FarEnd {
            unreachable: true,
            ..tree()
        };
        let (report, _) = run_within(far_end, &[], Duration::from_millis(3500)).await;
        assert_eq!(
            report.outcome,
            crate::call::Outcome::Unreachable,
            "{report:?}"
        );
        assert_eq!(report.verdict, crate::call::Verdict::Failed);
        assert_eq!(report.exit_status, 4);
    }

    #[tokio::test]
    async fn a_tone_a_starved_page_dropped_is_inconclusive_never_failed() {
        // The tone plays from 1 s to 3 s after the answer; the page is starved from 0.5 s to
        // 3.5 s and drops all it captured meanwhile.
        let far_end = FarEnd {
            drops: true,
            ..starved(Duration::from_secs(3))
        };
        let (report, _) = run_to(far_end, &["expect-tone 1000 timeout=4s"]).await;
        let step = &report.steps[0];
        assert_eq!(step.status, StepStatus::Inconclusive, "{report:?}");
        assert!(step.detail.contains("starved, lost"), "{}", step.detail);
        assert_eq!(report.verdict, crate::call::Verdict::Inconclusive);
    }
}
