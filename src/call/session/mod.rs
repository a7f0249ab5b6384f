//! One scripted call, from the page's first word to its last: follows what the page says, waits
//! for the answer, hands the answered call to the script (`script`), and hangs up.

mod reaching;
mod script;
mod starving;
mod turns;
mod words;

use std::time::{Duration, Instant};

use tokio::sync::mpsc;

use super::audio::RATE;
use super::heard::Heard;
use super::leg::Leg;
use super::quality::Sample;
use super::report::{StepResult, TwilioError};
use super::said::{Device, Phase, Said};
use super::transcriber::{Spoken, Transcriber};
use super::{CallSpec, HangUpReason, RunEvent};
use crate::call::Cancel;
use crate::scenario::{HangUpAfter, LONGEST_CALL};
pub(in crate::call) use reaching::UNREACHABLE_CODES;
use reaching::unreachable_words;
use starving::Starving;

/// How long after the answer (on the page's audio clock, its playout delay included) the
/// answered call is listened to: early media's last packets (20 ms each) may still be arriving,
/// and a step looks at 40 ms frames, so a few milliseconds of ringback would count as sound.
const ANSWER_GUARD: f64 = 0.06;
/// How long the last utterance may take to be recognised once the call has ended.
const LAST_WORDS: Duration = Duration::from_secs(10);
/// How long a page that was told to hang up has to say it did.
const HANG_UP_GRACE: Duration = Duration::from_secs(5);
/// Once it has started, the page says something at least every two seconds (driver.js), and
/// several times a second in a call: this long without a word, its script is stuck (an endless
/// loop, a debugger's pause) and the call is given up on.
pub(crate) const PAGE_QUIET: Duration = Duration::from_secs(10);
/// The recogniser this far behind the call (seconds of audio) is falling behind; back under
/// `CAUGHT_UP`, it has caught up.
const LAGGING: f64 = 3.0;
const CAUGHT_UP: f64 = 1.0;
/// Why a call ended, when the page's own hang-up did not end it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    /// Ctrl-C: hung up first.
    Interrupted,
    /// Ended from outside, and why (the tunnel it needed closed, say).
    EndedBy(String),
    /// Twilio could not be reached, in c2c call's words.
    Unreachable(String),
    /// Nobody answered within `--timeout`.
    TimedOut,
    /// The page or the browser went (closed, crashed, could not place the call).
    Gone(String),
    /// c2c's page went quiet: starved of CPU (or stuck), so the call cannot be judged.
    Starved(String),
    /// The speech model the call listens with cannot be used (it loads beside the call, so a
    /// corrupt one is found once the call is under way).
    Speech(String),
}

/// What happened, for the report.
pub struct Lived {
    pub call_sid: Option<String>,
    /// When the page placed the call, and when the far end began to ring.
    pub placed_at: Option<Instant>,
    pub ringing_at: Option<Instant>,
    pub answered_at: Option<Instant>,
    /// The answer on the page's audio clock: no step hears what came before it.
    pub answered_clock: Option<f64>,
    pub ended_at: Option<Instant>,
    /// Why the call ended, when something other than the page's own hang-up ended it: set once,
    /// by whatever came first.
    pub ending: Option<Ending>,
    pub error: Option<TwilioError>,
    pub steps: Vec<StepResult>,
    pub heard: Heard,
    /// The far end's words, when the call has speech steps or was asked for a transcript.
    pub transcript: Vec<Spoken>,
    /// What c2c played and said into the call, each from the page's audio clock at its first
    /// sample: the caller's side of the recording.
    pub said: Vec<(f64, std::sync::Arc<[i16]>)>,
    /// The Voice SDK's samples of the call's quality, and its warnings (each once).
    pub samples: Vec<Sample>,
    pub warnings: Vec<String>,
}

pub struct Session<'a, L: Leg> {
    leg: &'a mut L,
    cancel: Cancel,
    plan: &'a CallSpec,
    lived: Lived,
    /// The call's phase and the Device's state, as the page last said them; `None` before its
    /// first word.
    phase: Option<Phase>,
    device: Option<Device>,
    digits_sent: bool,
    /// `--hangup-after`, from the answer.
    cut_off: Option<Instant>,
    cut: bool,
    /// Where what happens goes, for whoever shows it (`RunEvent`).
    events: mpsc::UnboundedSender<RunEvent>,
    /// From the answer on, when the call listens for words.
    transcriber: Option<Transcriber>,
    /// The utterance under way, as far as it was said at its last pause.
    so_far: Option<Spoken>,
    /// The time the page lost to a starved CPU, from the gaps between its words.
    starving: Starving,
    /// When c2c last spoke, played or pressed (the page's audio clock), until a step has
    /// listened for the reply (`turns`).
    spoke: Option<f64>,
    /// The turn latency the step under way measured.
    turn: Option<f64>,
    /// How long the far end talked over the `say` step under way (`barge-in`).
    talk_over: Option<f64>,
    /// The recogniser fell behind the call (`RunEvent::Lagging` was told), and has not caught up.
    lagging: bool,
}

impl<'a, L: Leg> Session<'a, L> {
    pub fn new(
        leg: &'a mut L,
        cancel: Cancel,
        plan: &'a CallSpec,
        events: mpsc::UnboundedSender<RunEvent>,
    ) -> Self {
        Session {
            leg,
            cancel,
            plan,
            lived: Lived {
                call_sid: None,
                placed_at: None,
                ringing_at: None,
                answered_at: None,
                answered_clock: None,
                ended_at: None,
                ending: None,
                error: None,
                steps: Vec::new(),
                heard: Heard::default(),
                transcript: Vec::new(),
                samples: Vec::new(),
                warnings: Vec::new(),
                said: Vec::new(),
            },
            phase: None,
            device: None,
            digits_sent: false,
            cut_off: None,
            cut: false,
            events,
            transcriber: None,
            lagging: false,
            so_far: None,
            starving: Starving::default(),
            spoke: None,
            turn: None,
            talk_over: None,
        }
    }

    fn tell(&self, event: RunEvent) {
        // Nobody listening is fine: the call goes on.
        let _ = self.events.send(event);
    }

    fn over(&self) -> bool {
        self.lived.ended_at.is_some() || self.lived.ending.is_some()
    }

    /// Records why the call ends, unless something else already ended it.
    fn end(&mut self, ending: Ending) {
        self.lived.ending.get_or_insert(ending);
    }

    /// Handles what the page says until `until`; `false` once `until` has passed. Ctrl-C and
    /// `--hangup-after` hang up from here.
    async fn pump(&mut self, until: Instant) -> bool {
        let cut_off = self.cut_off.filter(|_| !self.cut);
        let wake = cut_off.map_or(until, |c| c.min(until));
        let stuck = self.leg.last_word() + PAGE_QUIET;
        tokio::select! {
            // What the leg has said already is read before its silence is judged: a session
            // that was busy (its words being made) must not take its own deafness for the leg's.
            biased;
            said = self.leg.next() => {
                let in_call = self.lived.answered_at.is_some() && self.lived.ended_at.is_none();
                if let Some(quiet) = self.starving.word(Instant::now(), in_call) {
                    self.tell(RunEvent::Starved(quiet));
                }
                self.hear(said);
            }
            spoken = next_words(&mut self.transcriber) => match spoken {
                Ok(spoken) => self.heard_words(spoken),
                Err(why) => {
                    self.end(Ending::Speech(why));
                    self.hang_up().await;
                }
            },
            () = tokio::time::sleep_until(wake.into()) => {
                if cut_off.is_some_and(|c| Instant::now() >= c) {
                    self.cut = true;
                    self.tell(RunEvent::HangingUp(match self.plan.hangup_after {
                        HangUpAfter::Default => HangUpReason::LongestCall(LONGEST_CALL),
                        _ => HangUpReason::HangUpAfter,
                    }));
                    self.hang_up().await;
                }
            }
            () = tokio::time::sleep_until(stuck.into()), if self.phase.is_some() && !self.over() => {
                // A stuck page would not hang up either: closing its tab ends the call. Its
                // silence is c2c's trouble, not the far end's.
                self.end(Ending::Starved(format!(
                    "inconclusive: c2c's page stopped responding (not a word from it for {}s){}; run the call again",
                    PAGE_QUIET.as_secs(),
                    crate::call::health::machine_pressure()
                )));
            }
            () = self.cancel.cancelled(), if !self.over() => {
                match self.cancel.why().map(str::to_owned) {
                    Some(why) => {
                        self.tell(RunEvent::HangingUp(HangUpReason::EndedBy(why.clone())));
                        self.end(Ending::EndedBy(why));
                    }
                    None => {
                        self.tell(RunEvent::HangingUp(HangUpReason::Interrupted));
                        self.end(Ending::Interrupted);
                    }
                }
                self.hang_up().await;
            }
        }
        Instant::now() < until
    }

    /// Words the recogniser heard: what was said so far at a pause, or an utterance whole.
    fn heard_words(&mut self, spoken: Spoken) {
        if spoken.so_far {
            self.so_far = Some(spoken);
            return;
        }
        self.so_far = None;
        self.tell(RunEvent::Heard(spoken.clone()));
        self.lived.transcript.push(spoken);
    }

    fn hear(&mut self, said: Said) {
        match said {
            Said::Audio {
                arrived,
                handed,
                position,
                samples,
            } => {
                self.lived.heard.push(arrived, handed, position, &samples);
                if let (Some(transcriber), Some(answer)) =
                    (&mut self.transcriber, self.lived.answered_clock)
                {
                    transcriber.feed(self.lived.heard.since(answer));
                    // Told once each time it falls behind: the machine has more calls listening
                    // for words than it recognises.
                    let behind = transcriber.behind();
                    match (self.lagging, behind > LAGGING, behind < CAUGHT_UP) {
                        (false, true, _) => {
                            self.lagging = true;
                            self.tell(RunEvent::Lagging(behind));
                        }
                        (true, _, true) => self.lagging = false,
                        _ => {}
                    }
                }
            }
            Said::State {
                phase,
                device,
                status,
                call_sid,
                audio_clock,
            } => {
                if device == Device::Unreachable && self.lived.answered_at.is_none() {
                    self.unreachable();
                }
                self.device = Some(device);
                if call_sid.is_some() {
                    self.lived.call_sid = call_sid;
                }
                if Some(phase) != self.phase && !status.is_empty() {
                    self.tell(RunEvent::Status(status));
                }
                if phase == Phase::Ringing && self.lived.ringing_at.is_none() {
                    self.lived.ringing_at = Some(Instant::now());
                    self.tell(RunEvent::Ringing);
                }
                match phase {
                    Phase::InCall if self.lived.answered_at.is_none() => {
                        let now = Instant::now();
                        self.lived.answered_at = Some(now);
                        let clock = audio_clock.unwrap_or_else(|| self.lived.heard.clock_at(now));
                        self.lived.answered_clock = Some(clock + ANSWER_GUARD);
                        self.cut_off = self.plan.hangup_after.after().map(|after| now + after);
                        self.transcriber = self.plan.speech.clone().map(Transcriber::start);
                        self.tell(RunEvent::Answered);
                    }
                    Phase::Ended if self.lived.ended_at.is_none() => {
                        self.lived.ended_at = Some(Instant::now());
                        self.tell(RunEvent::Ended);
                    }
                    _ => {}
                }
                self.phase = Some(phase);
            }
            Said::Error {
                code,
                message,
                fatal,
            } => {
                let unreachable = UNREACHABLE_CODES.contains(&code);
                if unreachable && self.starving.lately(Instant::now()) {
                    // The SDK's socket went unanswered while the page could not run: the
                    // machine, not the network.
                    self.end(Ending::Starved(format!(
                        "inconclusive: the Voice SDK lost Twilio (error {code}) just after c2c's page was starved of CPU for {:.1} s: this machine was overloaded{}; run the call again",
                        self.starving.lost().as_secs_f64(),
                        crate::call::health::machine_pressure()
                    )));
                    return;
                }
                // The page's words say it keeps retrying; a scripted call does not.
                let message = match unreachable {
                    true => format!(
                        "{} (Twilio error {code})",
                        unreachable_words(self.plan.signalling.as_deref())
                    ),
                    false => message,
                };
                self.tell(RunEvent::TwilioError(message.clone()));
                if fatal {
                    self.end(Ending::Gone(format!(
                        "the page cannot place the call: {message}"
                    )));
                }
                self.lived.error = Some(TwilioError { code, message });
            }
            Said::DigitsSent => self.digits_sent = true,
            // A page says one a second; a page sending more is bounded to a day's worth.
            Said::Quality(sample) if self.lived.samples.len() < 86_400 => {
                self.lived.samples.push(sample);
            }
            Said::Quality(_) => {}
            // c2c's microphone is a file or silence by design: the SDK's warning that its level
            // does not change says nothing about the call.
            Said::Warning(name) if name == "constant-audio-input-level" => {}
            Said::Warning(name) => {
                if !self.lived.warnings.contains(&name) && self.lived.warnings.len() < 32 {
                    self.tell(RunEvent::QualityWarning(name.clone()));
                    self.lived.warnings.push(name);
                }
            }
            // Its punctuality is read as it arrives (`Starving`).
            Said::Alive => {}
            Said::Gone(why) => self.end(Ending::Gone(why)),
        }
    }

    async fn hang_up(&mut self) {
        if let Err(err) = self.leg.hang_up().await {
            self.end(Ending::Gone(err.to_string()));
        }
    }

    /// The whole call.
    pub async fn run(mut self) -> Lived {
        self.reach_the_answer().await;
        if self.lived.answered_at.is_some() && !self.over() {
            self.in_call().await;
        }
        if !self.over() {
            self.hang_up().await;
        }
        // Told to hang up, the page says when it has; one that is gone says nothing more.
        let grace = Instant::now() + HANG_UP_GRACE;
        while self.lived.ended_at.is_none()
            && !matches!(
                self.lived.ending,
                Some(
                    Ending::Gone(_)
                        | Ending::Unreachable(_)
                        | Ending::Speech(_)
                        | Ending::Starved(_)
                )
            )
            && self.pump(grace).await
        {}
        if let Some(transcriber) = self.transcriber.take() {
            let rest = transcriber.finish(LAST_WORDS).await;
            for spoken in &rest {
                self.tell(RunEvent::Heard(spoken.clone()));
            }
            self.lived.transcript.extend(rest);
        }
        tracing::debug!(
            "the page heard {:.1} s of audio",
            self.lived.heard.all().len() as f64 / f64::from(RATE)
        );
        self.lived
    }
}

/// The next words recognised, when the call has a transcriber; otherwise never.
async fn next_words(transcriber: &mut Option<Transcriber>) -> Result<Spoken, String> {
    match transcriber {
        Some(transcriber) => transcriber.next().await,
        None => std::future::pending().await,
    }
}
