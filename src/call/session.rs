//! One scripted call, from the page's first word to its last: waits for the answer, plays and
//! presses what the plan says, runs the steps against what the page hears, and hangs up.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

use super::audio::{Heard, RATE};
use super::ear::Ear;
use super::page::{Page, Said};
use super::report::{StepResult, StepStatus, TwilioError};
use super::steps::{Action, Step, press_length};
use super::{Plan, Sound};
use crate::shutdown::Shutdown;

/// How long c2c's page may take to say its first word (its token fetched, its Device made).
const PAGE_START: Duration = Duration::from_secs(15);
/// How long a page that was told to hang up has to say it did.
const HANG_UP_GRACE: Duration = Duration::from_secs(5);

/// What happened, for the report.
pub struct Lived {
    pub call_sid: String,
    pub answered_at: Option<Instant>,
    pub ended_at: Option<Instant>,
    pub timed_out: bool,
    pub interrupted: bool,
    /// The page found Twilio out of reach before the call was answered.
    pub unreachable: bool,
    pub gone: Option<String>,
    pub error: Option<TwilioError>,
    pub steps: Vec<StepResult>,
    pub heard: Heard,
}

pub struct Session<'a> {
    page: &'a mut Page,
    stop: &'a mut Shutdown,
    plan: &'a Plan,
    lived: Lived,
    phase: String,
    digits_sent: bool,
    /// `--hangup-after`, from the answer.
    cut_off: Option<Instant>,
    cut: bool,
    /// On a terminal, from the answer to the end: how long the call has lasted, and its step.
    clock: Option<ProgressBar>,
}

impl<'a> Session<'a> {
    pub fn new(page: &'a mut Page, stop: &'a mut Shutdown, plan: &'a Plan) -> Self {
        Session {
            page,
            stop,
            plan,
            lived: Lived {
                call_sid: String::new(),
                answered_at: None,
                ended_at: None,
                timed_out: false,
                interrupted: false,
                unreachable: false,
                gone: None,
                error: None,
                steps: Vec::new(),
                heard: Heard::default(),
            },
            phase: String::new(),
            digits_sent: false,
            cut_off: None,
            cut: false,
            clock: None,
        }
    }

    /// A line of progress, above the running clock when there is one.
    fn say(&self, line: &str) {
        match &self.clock {
            Some(clock) => clock.suspend(|| tracing::info!("{line}")),
            None => tracing::info!("{line}"),
        }
    }

    fn start_clock(&mut self) {
        if std::io::stderr().is_terminal() && tracing::enabled!(tracing::Level::INFO) {
            let clock = ProgressBar::new_spinner();
            clock.set_style(
                ProgressStyle::with_template("{spinner} in call {elapsed} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            clock.enable_steady_tick(Duration::from_millis(100));
            self.clock = Some(clock);
        }
    }

    fn over(&self) -> bool {
        self.lived.ended_at.is_some() || self.lived.gone.is_some() || self.lived.interrupted
    }

    /// Handles what the page says until `until`; `false` once `until` has passed. Ctrl-C and
    /// `--hangup-after` hang up from here.
    async fn pump(&mut self, until: Instant) -> bool {
        let cut_off = self.cut_off.filter(|_| !self.cut);
        let wake = cut_off.map_or(until, |c| c.min(until));
        tokio::select! {
            said = self.page.next() => self.hear(said),
            () = tokio::time::sleep_until(wake.into()) => {
                if cut_off.is_some_and(|c| Instant::now() >= c) {
                    self.cut = true;
                    self.say("--hangup-after: hanging up");
                    self.hang_up().await;
                }
            }
            () = self.stop.requested() => {
                self.say("interrupted: hanging up");
                self.lived.interrupted = true;
                self.hang_up().await;
            }
        }
        Instant::now() < until
    }

    fn hear(&mut self, said: Said) {
        match said {
            Said::Audio(at, samples) => self.lived.heard.push(at, &samples),
            Said::State {
                phase,
                device,
                status,
                call_sid,
            } => {
                if device == "unreachable" && self.lived.answered_at.is_none() {
                    self.lived.unreachable = true;
                    self.lived.gone.get_or_insert_with(|| {
                        "Twilio cannot be reached from here: the page's Voice SDK got no answer from Twilio's signalling. Check this machine's internet connection (or firewall).".to_owned()
                    });
                }
                if !call_sid.is_empty() {
                    self.lived.call_sid = call_sid;
                }
                if phase != self.phase && !status.is_empty() {
                    self.say(&status);
                }
                match phase.as_str() {
                    "in-call" if self.lived.answered_at.is_none() => {
                        let now = Instant::now();
                        self.lived.answered_at = Some(now);
                        self.cut_off = self.plan.hangup_after.map(|after| now + after);
                        self.start_clock();
                    }
                    "ended" if self.lived.ended_at.is_none() => {
                        self.lived.ended_at = Some(Instant::now());
                        if let Some(clock) = self.clock.take() {
                            clock.finish_and_clear();
                        }
                    }
                    _ => {}
                }
                self.phase = phase;
            }
            Said::Error {
                code,
                message,
                fatal,
            } => {
                self.say(&message);
                if fatal {
                    self.lived.gone = Some(format!("the page cannot place the call: {message}"));
                }
                self.lived.error = Some(TwilioError { code, message });
            }
            Said::DigitsSent => self.digits_sent = true,
            Said::Gone(why) => self.lived.gone = Some(why),
        }
    }

    async fn hang_up(&mut self) {
        if let Err(err) = self.page.hang_up().await {
            self.lived.gone.get_or_insert(err.to_string());
        }
    }

    /// The whole call.
    pub async fn run(mut self) -> Lived {
        // Until the page starts the call (loading, its token, the SDK), nothing rings yet: the
        // no-answer timeout counts from then, with a minute's bound on getting there.
        let mut give_up = Instant::now() + Duration::from_secs(60) + self.plan.timeout;
        let page_started = Instant::now() + PAGE_START;
        let mut placed = false;
        while self.lived.answered_at.is_none() && !self.over() {
            if !placed && self.phase == "connecting" {
                placed = true;
                give_up = Instant::now() + self.plan.timeout;
            }
            if self.phase.is_empty() {
                // Not a word from the page yet: it may not be c2c's page at all (--server).
                if !self.pump(page_started).await && self.phase.is_empty() {
                    self.lived.gone = Some(format!(
                        "the page did not start within {}s: is the address c2c's page?",
                        PAGE_START.as_secs()
                    ));
                }
                continue;
            }
            if !self.pump(give_up).await {
                tracing::info!(
                    "nobody answered within {}; hanging up",
                    humantime::format_duration(self.plan.timeout)
                );
                self.lived.timed_out = true;
                self.hang_up().await;
                break;
            }
        }
        if self.lived.answered_at.is_some() && !self.over() {
            self.in_call().await;
        }
        if !self.over() {
            self.hang_up().await;
        }
        let grace = Instant::now() + HANG_UP_GRACE;
        while self.lived.ended_at.is_none() && self.lived.gone.is_none() && self.pump(grace).await {
        }
        tracing::debug!(
            "the page heard {:.1} s of audio",
            self.lived.heard.all().len() as f64 / f64::from(RATE)
        );
        self.lived
    }

    async fn in_call(&mut self) {
        if let Some(sound) = &self.plan.play {
            self.play(sound).await;
        }
        if let Some(digits) = &self.plan.digits {
            self.digits_sent = false;
            if self.page.press(digits).await.is_ok() {
                let done = Instant::now() + press_length(digits) + Duration::from_secs(2);
                while !self.digits_sent && !self.over() && self.pump(done).await {}
            }
        }
        let steps = &self.plan.steps;
        for (i, step) in steps.iter().enumerate() {
            if self.over() || self.cut {
                let why = if self.lived.interrupted {
                    "interrupted"
                } else {
                    "the call had ended"
                };
                self.skip(step, why);
                continue;
            }
            if self
                .lived
                .steps
                .iter()
                .any(|s| s.status == StepStatus::Failed)
            {
                self.skip(step, "an earlier step failed");
                continue;
            }
            let started = Instant::now();
            if let Some(clock) = &self.clock {
                clock.set_message(format!("· step {}/{} {}", i + 1, steps.len(), step.text));
            }
            let result = self.step(step).await;
            let seconds = started.elapsed().as_secs_f64();
            let (status, detail) = match result {
                Ok(found) => (StepStatus::Passed, found),
                Err(why) => (StepStatus::Failed, why),
            };
            self.say(&format!(
                "step {}/{} {}: {} ({:.1} s){}",
                i + 1,
                steps.len(),
                step.text,
                if status == StepStatus::Passed {
                    "passed"
                } else {
                    "FAILED"
                },
                seconds,
                if detail.is_empty() {
                    String::new()
                } else {
                    format!(": {detail}")
                }
            ));
            self.lived.steps.push(StepResult {
                step: step.text.clone(),
                status,
                seconds,
                detail,
            });
        }
        if steps.is_empty() {
            // A call with nothing to do lasts until the far end hangs up, --hangup-after, or
            // Ctrl-C.
            while !self.over() && !self.cut {
                self.pump(Instant::now() + Duration::from_secs(3600)).await;
            }
        }
    }

    fn skip(&mut self, step: &Step, why: &str) {
        self.lived.steps.push(StepResult {
            step: step.text.clone(),
            status: StepStatus::Skipped,
            seconds: 0.0,
            detail: why.to_owned(),
        });
    }

    async fn play(&mut self, sound: &Sound) {
        if let Err(err) = self.page.play(&sound.samples).await {
            tracing::error!("cannot play into the call: {err}");
            self.lived.gone.get_or_insert(err.to_string());
        }
    }

    async fn step(&mut self, step: &Step) -> Result<String, String> {
        let play_length = match &step.action {
            Action::Play(path) => self.plan.sound(path).map_or(Duration::ZERO, |s| s.length()),
            _ => Duration::ZERO,
        };
        let timeout = step.timeout(play_length);
        let started = Instant::now();
        let deadline = started + timeout;
        let waited = humantime::format_duration(timeout);
        match &step.action {
            Action::Press(digits) => {
                self.digits_sent = false;
                self.page.press(digits).await.map_err(|e| e.to_string())?;
                self.until(deadline, |s| {
                    s.digits_sent.then(|| Ok(format!("sent {digits}")))
                })
                .await
                .unwrap_or_else(|| Err(format!("the page had not sent them within {waited}")))
            }
            Action::Play(path) => {
                let Some(sound) = self.plan.sound(path) else {
                    return Err(format!("{} was not loaded", path.display()));
                };
                self.play(sound).await;
                let done = started + sound.length();
                if done > deadline {
                    return Err(format!(
                        "the file is longer than the step's timeout ({waited})"
                    ));
                }
                self.until(done, |_| None)
                    .await
                    .unwrap_or(Ok(format!("played {:.1} s", sound.length().as_secs_f64())))
            }
            Action::Wait(duration) => {
                let until = started + *duration;
                self.until(until, |_| None)
                    .await
                    .unwrap_or(Ok(String::new()))
            }
            Action::HangUp => {
                self.hang_up().await;
                self.until(deadline, |s| {
                    s.lived.ended_at.map(|_| Ok("hung up".to_owned()))
                })
                .await
                .unwrap_or_else(|| Err(format!("the page had not hung up within {waited}")))
            }
            listening => {
                let mut ear = Ear::new(listening);
                let outcome = self
                    .until(deadline, |s| ear.listen(s.lived.heard.since(started)))
                    .await;
                outcome.unwrap_or_else(|| Err(ear.verdict(&waited)))
            }
        }
    }

    /// Pumps until `decide` says something, the deadline passes (`None`), or the call ends.
    async fn until(
        &mut self,
        deadline: Instant,
        mut decide: impl FnMut(&Self) -> Option<Result<String, String>>,
    ) -> Option<Result<String, String>> {
        loop {
            if let Some(decided) = decide(self) {
                return Some(decided);
            }
            if self.over() || self.cut {
                let why = match (&self.lived.gone, self.lived.interrupted, self.cut) {
                    (Some(gone), _, _) => gone.clone(),
                    (_, true, _) => "interrupted".to_owned(),
                    (_, _, true) => "--hangup-after ended the call first".to_owned(),
                    _ => "the call ended first".to_owned(),
                };
                return Some(Err(why));
            }
            if !self.pump(deadline).await {
                return decide(self);
            }
        }
    }
}
