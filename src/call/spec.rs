//! What a call is to do, checked before anything starts: whom to call, what to play and press,
//! the steps and the timeouts. No output paths and no command-line types: `cmd::call` reads its
//! flags into one, and a suite could read files into many.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::audio::RATE;
use super::transcriber::Model;
use crate::scenario::{Action, HangUpAfter, Scenario, Step};
use crate::speech::Size;
use crate::wav::WavError;

/// How long a call may ring unanswered when nothing says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// From a call's start: Twilio answers a registration or a call within a second or two, so this
/// long with neither means it cannot be reached. The page's own watchdog starts only once it has
/// loaded; the README promises c2c call says so within 10 s of the command.
const REACH_TWILIO: Duration = Duration::from_secs(8);

/// A WAV file, read once before the call.
#[derive(Clone)]
pub struct Sound {
    pub(super) samples: Vec<i16>,
}

impl Sound {
    pub fn read(path: &Path) -> Result<Sound, WavError> {
        crate::wav::read_wav(path).map(|samples| Sound { samples })
    }

    pub(super) fn length(&self) -> Duration {
        Duration::from_secs_f64(self.samples.len() as f64 / f64::from(RATE))
    }
}

/// Why a scenario cannot become a call: a sound it names does not read.
#[derive(Debug, thiserror::Error)]
pub enum SpecError {
    /// Its `play:`.
    #[error("play: {0}")]
    Play(WavError),
    /// A `play` step's file.
    #[error("{step}: {error}")]
    Step { step: String, error: WavError },
}

/// How a call is placed: from c2c's page in a browser, or through SIP (`--leg`, `leg:`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LegKind {
    #[default]
    Browser,
    Sip,
}

impl LegKind {
    pub fn parse(text: &str) -> Result<LegKind, String> {
        match text.trim() {
            "browser" => Ok(LegKind::Browser),
            "sip" => Ok(LegKind::Sip),
            _ => Err("it is neither browser nor sip".to_owned()),
        }
    }
}

#[derive(Clone)]
pub struct CallSpec {
    /// A number (E.164, or as the page reads it) or `client:NAME`.
    pub target: String,
    /// The page's microphone from the answer on.
    pub play: Option<Sound>,
    /// Keys pressed once the far end answers.
    pub digits: Option<String>,
    /// Words said once the far end answers (`--say`), after `play`.
    pub say: Option<crate::voice::Say>,
    /// Who says the `say` steps' words, synthesised beside the call.
    pub voice: Option<std::sync::Arc<crate::voice::Speaker>>,
    pub steps: Vec<Step>,
    /// The files the steps play, by the path they were given as.
    sounds: Vec<(PathBuf, Sound)>,
    /// No answer within this long after the call is placed ends it.
    pub timeout: Duration,
    pub hangup_after: HangUpAfter,
    /// The lowest average MOS the call may have (a scenario's `quality: {mos: 3.5}`).
    pub quality_floor: Option<f64>,
    /// The slowest the far end's turns may be at the 95th percentile (`latency: {p95: 1.5s}`).
    pub latency_p95: Option<Duration>,
    /// The speech model, when a step listens for words or a transcript is wanted.
    pub speech: Option<Model>,
    /// Which one (`--speech`, a scenario's `speech:`).
    pub speech_size: Size,
    /// When the call began: the promise that an unreachable Twilio is said within 10 s counts
    /// from here.
    pub started: Instant,
    /// Where the page's SDK signals instead of Twilio (`--signalling`), for the words when it
    /// gets no answer there.
    pub signalling: Option<String>,
    /// How it is placed: a scenario's `leg:`, else the run's (`--leg`).
    pub leg: Option<LegKind>,
    /// The SIP Domain a SIP leg calls into, for the words when it gets no answer there.
    pub sip_domain: Option<String>,
    /// Whether the page is c2c's own, served in process: one that has not started in time is
    /// then c2c's trouble, where a `--server` page may not be c2c's at all.
    pub own_page: bool,
    /// How long after `started` a Twilio that has said nothing is out of reach (8 s; a suite
    /// starting many pages at once on a small machine gives its calls longer).
    pub reach_twilio: Duration,
}

impl CallSpec {
    /// A call to `target` that runs `steps`, whose files are read now (each once).
    pub fn new(target: String, steps: Vec<Step>, timeout: Duration) -> Result<CallSpec, SpecError> {
        let mut sounds: Vec<(PathBuf, Sound)> = Vec::new();
        for step in &steps {
            if let Action::Play(path) = &step.action
                && !sounds.iter().any(|(p, _)| p == path)
            {
                let sound = Sound::read(path).map_err(|error| SpecError::Step {
                    step: step.text.clone(),
                    error,
                })?;
                sounds.push((path.clone(), sound));
            }
        }
        Ok(CallSpec {
            target,
            play: None,
            digits: None,
            say: None,
            voice: None,
            steps,
            sounds,
            timeout,
            hangup_after: HangUpAfter::Default,
            quality_floor: None,
            latency_p95: None,
            speech: None,
            speech_size: Size::default(),
            started: Instant::now(),
            reach_twilio: REACH_TWILIO,
            signalling: None,
            leg: None,
            sip_domain: None,
            own_page: false,
        })
    }

    /// The call `scenario` describes, to `target` (its `call:`, or whom the command line
    /// names): every key of a scenario that shapes the call is read here, for `c2c call` and
    /// `c2c test` alike. `speech` is the model it listens with unless it says (`--speech`).
    pub fn from_scenario(
        scenario: &Scenario,
        target: String,
        speech: Size,
    ) -> Result<CallSpec, SpecError> {
        let timeout = scenario.timeout.unwrap_or(DEFAULT_TIMEOUT);
        let mut spec = CallSpec::new(target, scenario.steps.clone(), timeout)?;
        spec.play = scenario
            .play
            .as_deref()
            .map(Sound::read)
            .transpose()
            .map_err(SpecError::Play)?;
        spec.digits.clone_from(&scenario.digits);
        spec.hangup_after = scenario.hangup_after.unwrap_or_default();
        spec.quality_floor = scenario.quality_mos;
        spec.latency_p95 = scenario.latency_p95;
        spec.speech_size = scenario.speech.unwrap_or(speech);
        spec.leg = scenario.leg;
        Ok(spec)
    }

    /// What the call says, in order: `--say`, then its steps'.
    pub fn phrases(&self) -> Vec<crate::voice::Say> {
        self.say
            .iter()
            .chain(self.steps.iter().filter_map(Step::says))
            .cloned()
            .collect()
    }

    /// Whether a step listens for words: the call needs the speech model.
    pub fn hears_words(&self) -> bool {
        self.steps.iter().any(Step::hears_words)
    }

    pub(super) fn sound(&self, path: &Path) -> Option<&Sound> {
        self.sounds.iter().find(|(p, _)| p == path).map(|(_, s)| s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_leg_is_browser_or_sip() {
        assert_eq!(LegKind::parse("sip "), Ok(LegKind::Sip));
        assert_eq!(LegKind::parse("browser"), Ok(LegKind::Browser));
        assert_eq!(
            LegKind::parse("webrtc"),
            Err("it is neither browser nor sip".to_owned())
        );
        assert_eq!(LegKind::default(), LegKind::Browser);
    }
}
