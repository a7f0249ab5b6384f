//! The answered call's script: `--play` and `--digits`, then each step in order against what
//! the page hears, stopping at the first that fails.

use std::time::{Duration, Instant};

use super::{Ending, Session};
use crate::call::RunEvent;
use crate::call::audio;
use crate::call::ear::Ear;
use crate::call::leg::Leg;
use crate::call::listening::{Decision, Listening};
use crate::call::report::{StepResult, StepStatus};
use crate::scenario::{Action, Step};

/// How long a listener that is still catching up may take to give its verdict once its step's
/// time is up.
const VERDICT_WAIT: Duration = Duration::from_secs(2);
/// How long a step whose time is up waits for the audio of its window (or the recogniser) to
/// catch up, when the machine was too busy to deliver it in time: a verdict is taken on what was
/// heard, not on what had not arrived yet.
const CATCH_UP: Duration = Duration::from_secs(5);
/// Audio of a step's window this far behind at its verdict is audio c2c did not hear.
const SLACK: f64 = 0.5;

/// Why a step did not pass.
pub(in crate::call) enum Miss {
    /// What the step waited for did not come.
    Failed(String),
    /// c2c cannot tell whether it came: it was starved of what it needs to hear in time.
    Inconclusive(String),
}

impl From<String> for Miss {
    fn from(why: String) -> Self {
        Miss::Failed(why)
    }
}

impl<L: Leg> Session<'_, L> {
    pub(super) async fn in_call(&mut self) {
        if let Some(sound) = &self.plan.play {
            self.play(&sound.samples).await;
        }
        if let Some(say) = &self.plan.say {
            // --say is a say step of its own, with no line in the report; the progress says
            // that the words went out, or why not (no voice, say).
            let result = match self.step(&Step::say(say.clone())).await {
                Ok(_) => Ok(()),
                Err(Miss::Failed(why) | Miss::Inconclusive(why)) => Err(why),
            };
            self.tell(RunEvent::Said {
                text: say.text.clone(),
                result,
            });
        }
        if let Some(digits) = &self.plan.digits {
            // --digits is a press step of its own, with no line in the report; the progress
            // says when the keys went out, or that they did not.
            let result = match self.step(&Step::press(digits)).await {
                Ok(_) => Ok(()),
                Err(Miss::Failed(why) | Miss::Inconclusive(why)) => Err(why),
            };
            self.tell(RunEvent::Digits {
                digits: digits.clone(),
                result,
            });
        }
        let steps = &self.plan.steps;
        for (i, step) in steps.iter().enumerate() {
            if self.over() || self.cut {
                let why = match &self.lived.ending {
                    Some(Ending::EndedBy(why)) => why.clone(),
                    Some(Ending::Interrupted) => "interrupted".to_owned(),
                    _ => "the call had ended".to_owned(),
                };
                self.skip(step, &why);
                continue;
            }
            let earlier = self.lived.steps.iter().find_map(|s| match s.status {
                StepStatus::Failed => Some("an earlier step failed"),
                StepStatus::Inconclusive => Some("an earlier step was inconclusive"),
                _ => None,
            });
            if let Some(why) = earlier {
                self.skip(step, why);
                continue;
            }
            let started = Instant::now();
            self.tell(RunEvent::Step {
                index: i,
                of: steps.len(),
                step: step.text.clone(),
            });
            let result = self.step(step).await;
            let seconds = started.elapsed().as_secs_f64();
            let (status, detail) = match result {
                Ok(found) => (StepStatus::Passed, found),
                Err(Miss::Failed(why)) => (StepStatus::Failed, why),
                Err(Miss::Inconclusive(why)) => (StepStatus::Inconclusive, why),
            };
            self.tell(RunEvent::StepDone {
                index: i,
                of: steps.len(),
                step: step.text.clone(),
                seconds,
                status,
                detail: detail.clone(),
            });
            self.lived.steps.push(StepResult {
                step: step.text.clone(),
                status,
                seconds,
                detail,
                latency: self.turn.take(),
                talk_over: self.talk_over.take(),
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
            latency: None,
            talk_over: None,
        });
    }

    /// Plays `samples` into the call; c2c's turn ends with the last sound of them a telephone
    /// line carries. The page's audio clock at the first sample, once it is playing.
    pub(super) async fn play(&mut self, samples: &[i16]) -> Option<f64> {
        match self.leg.play(samples).await {
            Ok(first) => {
                let end = crate::call::line::spoken(samples).end;
                self.spoke_until(first + end as f64 / f64::from(audio::RATE));
                self.lived.said.push((first, std::sync::Arc::from(samples)));
                Some(first)
            }
            Err(err) => {
                tracing::error!("cannot play into the call: {err}");
                self.end(Ending::Gone(err.to_string()));
                None
            }
        }
    }

    async fn step(&mut self, step: &Step) -> Result<String, Miss> {
        let done = self.step_once(step).await;
        // A step cut short by c2c's own page going quiet could not be judged.
        match (done, &self.lived.ending) {
            (Err(Miss::Failed(why)), Some(Ending::Starved(_))) => Err(Miss::Inconclusive(why)),
            (done, _) => done,
        }
    }

    async fn step_once(&mut self, step: &Step) -> Result<String, Miss> {
        let listens = matches!(step.action, Action::Hear(_) | Action::Listen(_));
        let done = self.act(step).await;
        if !listens {
            return done;
        }
        // The step that listens first after c2c spoke measures the far end's turn.
        self.turn = self.take_turn();
        let within = match &step.action {
            Action::Hear(hear) => hear.within,
            _ => None,
        };
        match (done, within, self.turn) {
            (Ok(found), Some(within), Some(latency)) if latency > within.as_secs_f64() => {
                Err(Miss::Failed(format!(
                    "{found}, but the reply began {}, later than within={}",
                    seconds_after(latency),
                    crate::printable::duration(within)
                )))
            }
            (Ok(found), Some(_), None) => Err(Miss::Failed(format!(
                "{found}, but c2c heard no reply begin after it last spoke, so within= cannot be met"
            ))),
            (Ok(found), _, Some(latency)) => {
                Ok(format!("{found}; reply began {}", seconds_after(latency)))
            }
            (done, _, _) => done,
        }
    }

    async fn act(&mut self, step: &Step) -> Result<String, Miss> {
        let play_length = match &step.action {
            Action::Play(path) => self.plan.sound(path).map_or(Duration::ZERO, |s| s.length()),
            _ => Duration::ZERO,
        };
        let timeout = step.timeout(play_length);
        let started = Instant::now();
        let deadline = started + timeout;
        let waited = crate::printable::duration(timeout);
        match &step.action {
            Action::Press(digits) => {
                self.digits_sent = false;
                self.leg.press(digits).await.map_err(|e| e.to_string())?;
                let sent = self
                    .until(deadline, |s| {
                        s.digits_sent.then(|| Ok(format!("sent {digits}")))
                    })
                    .await;
                if let Some(Ok(_)) = &sent {
                    // The last key's tone has just gone out.
                    let now = self.lived.heard.clock_at(Instant::now());
                    self.spoke_until(now);
                }
                match sent {
                    Some(sent) => sent.map_err(Miss::from),
                    // The page sends keys itself: one that did not is c2c's trouble.
                    None => {
                        Err(self.c2cs_own(&format!("its page had not sent them within {waited}")))
                    }
                }
            }
            Action::Play(path) => {
                let Some(sound) = self.plan.sound(path) else {
                    return Err(Miss::Failed(format!("{} was not loaded", path.display())));
                };
                self.play(&sound.samples).await;
                let done = started + sound.length();
                if done > deadline {
                    return Err(Miss::Failed(format!(
                        "the file is longer than the step's timeout ({waited})"
                    )));
                }
                self.until(done, |_| None)
                    .await
                    .unwrap_or(Ok(format!("played {:.1} s", sound.length().as_secs_f64())))
                    .map_err(Miss::from)
            }
            Action::Say(talk) => self.say(talk, started, deadline, &waited.to_string()).await,
            Action::Wait(duration) => {
                let until = started + *duration;
                self.until(until, |_| None)
                    .await
                    .unwrap_or(Ok(String::new()))
                    .map_err(Miss::from)
            }
            Action::HangUp => {
                self.hang_up().await;
                let ended = self
                    .until(deadline, |s| {
                        s.lived.ended_at.map(|_| Ok("hung up".to_owned()))
                    })
                    .await;
                match ended {
                    Some(ended) => ended.map_err(Miss::from),
                    None => {
                        Err(self.c2cs_own(&format!("its page had not hung up within {waited}")))
                    }
                }
            }
            Action::Hear(hear) => {
                // What ended after the step began, or after c2c last spoke (the reply to it may
                // come before a busy page has said the words were out).
                let answer = self.lived.answered_clock.unwrap_or(0.0);
                let from = self.turn_began(started).max(answer);
                self.hear_words(hear, from, deadline, &waited.to_string())
                    .await
            }
            Action::Listen(listen) => {
                // On the page's audio clock: what was captured once the step began, and never
                // before the answer (ringback played as early media is no answer).
                let from = self
                    .turn_began(started)
                    .max(self.lived.answered_clock.unwrap_or(0.0));
                // The timeout bounds the audio listened to as well as the wait: a step that began
                // late (its answer reported late) must not hear past its window.
                let until = from + timeout.as_secs_f64();
                let listening = Listening::start(Ear::new(listen), waited.to_string());
                self.listen(listening, from, until, deadline).await
            }
        }
    }

    /// Feeds `listening` what the page hears from `from` to `until` (its audio clock) until it
    /// is satisfied, the deadline passes, or the call ends. The listener works on a thread of its
    /// own: the page's words, hang-up and Ctrl-C never wait for it.
    async fn listen(
        &mut self,
        mut listening: Listening,
        from: f64,
        until: f64,
        deadline: Instant,
    ) -> Result<String, Miss> {
        loop {
            listening.feed(self.lived.heard.between(from, until));
            if let Some(why) = self.why_over() {
                return Err(Miss::Failed(why));
            }
            tokio::select! {
                found = listening.heard() => return Ok(found),
                more = self.pump(deadline) => if !more { break },
            }
        }
        // The verdict is taken on the window's audio: what a busy machine has not delivered yet
        // is waited for a while.
        self.catch_up(until, false).await;
        listening.feed(self.lived.heard.between(from, until));
        match listening.finish(VERDICT_WAIT).await {
            Decision::Heard(found) => Ok(found),
            Decision::NotHeard(why) => Err(match self.shortfall(from, until, false) {
                Some(short) => self.c2cs_own(&format!("{short} ({why})")),
                None => Miss::Failed(why),
            }),
        }
    }

    /// Pumps until c2c has heard (and, with `words`, recognised) the call up to `until` on the
    /// page's audio clock, for at most `CATCH_UP`.
    pub(super) async fn catch_up(&mut self, until: f64, words: bool) {
        let give_up = Instant::now() + CATCH_UP;
        while self.behind(until, words).is_some() && self.pump(give_up).await {}
    }

    /// What c2c did not hear of the call from `from` to `until` (the page's audio clock), when
    /// that is more than a moment: what had not come yet, or what the page dropped.
    pub(super) fn shortfall(&self, from: f64, until: f64, words: bool) -> Option<String> {
        if let Some(behind) = self.behind(until, words) {
            return Some(behind);
        }
        let dropped = self.lived.heard.dropped(from, until);
        (dropped > SLACK && !self.over()).then(|| {
            format!("c2c's page, starved, lost {dropped:.1} s of the call's audio in the step")
        })
    }

    /// What c2c had still not heard of the call up to `until` (the page's audio clock), when
    /// that is more than a moment: its page, its own process or its recogniser was starved.
    fn behind(&self, until: f64, words: bool) -> Option<String> {
        // A call that ended has no more audio to come.
        if self.over() {
            return None;
        }
        let missing = until - self.lived.heard.covered().unwrap_or(f64::NEG_INFINITY);
        if missing > SLACK {
            return Some(match missing.is_finite() {
                true => format!("the call's last {missing:.1} s had not reached c2c"),
                false => "none of the call's audio had reached c2c".to_owned(),
            });
        }
        let behind = match (words, &self.transcriber) {
            (true, Some(transcriber)) => transcriber.behind(),
            _ => 0.0,
        };
        (behind > SLACK).then(|| format!("the speech recogniser was {behind:.1} s behind the call"))
    }

    /// A step c2c could not judge: `what` went wrong on its own side.
    pub(super) fn c2cs_own(&self, what: &str) -> Miss {
        Miss::Inconclusive(format!(
            "c2c's own trouble, not the far end's: {what}{}; run it again",
            crate::call::health::machine_pressure()
        ))
    }

    /// Why the call is over for the steps, if it is.
    pub(super) fn why_over(&self) -> Option<String> {
        if !(self.over() || self.cut) {
            return None;
        }
        Some(match (&self.lived.ending, self.cut) {
            (
                Some(
                    Ending::Gone(why)
                    | Ending::Unreachable(why)
                    | Ending::EndedBy(why)
                    | Ending::Speech(why),
                ),
                _,
            ) => why.clone(),
            // The step says why c2c could not judge it; its status says it is inconclusive.
            (Some(Ending::Starved(why)), _) => why.trim_start_matches("inconclusive: ").to_owned(),
            (Some(Ending::Interrupted), _) => "interrupted".to_owned(),
            (_, true) => "--hangup-after ended the call first".to_owned(),
            _ => "the call ended first".to_owned(),
        })
    }

    /// Pumps until `decide` says something, the deadline passes (`None`), or the call ends.
    pub(super) async fn until(
        &mut self,
        deadline: Instant,
        mut decide: impl FnMut(&Self) -> Option<Result<String, String>>,
    ) -> Option<Result<String, String>> {
        loop {
            if let Some(decided) = decide(self) {
                return Some(decided);
            }
            if let Some(why) = self.why_over() {
                return Some(Err(why));
            }
            if !self.pump(deadline).await {
                return decide(self);
            }
        }
    }
}

/// "0.72 s after c2c spoke"
fn seconds_after(latency: f64) -> String {
    format!("{latency:.2} s after c2c spoke")
}
