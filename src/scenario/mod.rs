//! A call's scenario: the steps of `c2c call`, written as `--step` text (`expect-tone 1000
//! timeout=8s`; words as a shell splits them, so a value may be a quoted phrase) or as a YAML list
//! under `steps:`. Both read into one `StepSpec` (`spec`: a name, perhaps a value, options), which
//! `Step::from_spec` checks against `KINDS` (`kinds`). Adding a step is a row of `KINDS` with its
//! `Id`, its variant of `Action` (or of `Listen`, with its listener in call/ear.rs) and its arm in
//! `Step::from_spec`, which the compiler asks for (no catch-all). A scenario file (the call, its
//! options and its steps, for `c2c test` and `c2c call --scenario`) is read by `file`, within
//! limits (`bounded`), its paths kept inside the suite (`paths`); durations and the call's time
//! limit are `time`.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

mod bounded;
mod file;
mod kinds;
mod paths;
mod spec;
mod time;
pub use file::{Scenario, parse_scenario};
use kinds::{Id, KINDS};
pub use kinds::{help, names};
pub use spec::StepSpec;
pub use time::{HangUpAfter, LONGEST_CALL, duration, time_limit};

/// What a step does once the call is answered.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Listens to the far end until it hears what it waits for (call/ear.rs).
    Listen(Listen),
    /// Words from the far end, recognised on this machine (`speech`).
    Hear(Hear),
    Press(String),
    Play(PathBuf),
    /// Words c2c speaks into the call, in a voice (`voice`).
    Say(Talk),
    Wait(Duration),
    HangUp,
}

/// What a `say` step says, and whether it talks over the far end.
#[derive(Debug, Clone, PartialEq)]
pub struct Talk {
    pub say: crate::voice::Say,
    /// `barge-in=`: c2c waits for the far end to speak, and talks over it this far into its
    /// speech (0: at once).
    pub barge_in: Option<Duration>,
    /// `yield=`: the far end must stop talking this soon after c2c begins (with `barge-in`).
    pub yields: Option<Duration>,
}

/// The steps that listen.
#[derive(Debug, Clone, PartialEq)]
pub enum Listen {
    /// The far end makes sound, then is silent for `quiet`: a prompt was spoken and ended.
    WaitForSilence {
        quiet: Duration,
    },
    /// `hz` (within 2%) for at least `hold`.
    ExpectTone {
        hz: f64,
        hold: Duration,
    },
    ExpectAudio(Duration),
    ExpectSilence(Duration),
}

/// A step that waits for words.
#[derive(Debug, Clone, PartialEq)]
pub struct Hear {
    pub phrase: String,
    /// `wait-for-prompt`: the phrase, then a pause (the far end has finished the prompt).
    /// `expect-speech`: the phrase, as soon as it is recognised.
    pub prompt: bool,
    /// How close what was heard must come to the phrase (`phrase`).
    pub similarity: f64,
    /// `within=`: the far end's reply must begin this soon after c2c last spoke, played or
    /// pressed (its turn latency).
    pub within: Option<Duration>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// As written, for the report and every message about it.
    pub text: String,
    pub action: Action,
    /// `None`: the action's own default (see `Step::timeout`).
    timeout: Option<Duration>,
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Step {
    /// Whether the step needs the speech model.
    pub fn hears_words(&self) -> bool {
        matches!(self.action, Action::Hear(_))
    }

    /// What the step says, when it talks.
    pub fn says(&self) -> Option<&crate::voice::Say> {
        match &self.action {
            Action::Say(talk) => Some(&talk.say),
            _ => None,
        }
    }

    /// Saying `say`, with the default timeout.
    pub fn say(say: crate::voice::Say) -> Step {
        Step {
            text: format!("say {}", shell_words::quote(&say.text)),
            action: Action::Say(Talk {
                say,
                barge_in: None,
                yields: None,
            }),
            timeout: None,
        }
    }

    /// Pressing `digits` (already checked), with the default timeout.
    pub fn press(digits: &str) -> Step {
        Step {
            text: format!("press {digits}"),
            action: Action::Press(digits.to_owned()),
            timeout: None,
        }
    }

    /// Checks `spec` against its kind: its value, its options, and what they mean.
    pub fn from_spec(spec: &StepSpec) -> Result<Step, String> {
        let text = spec.to_string();
        // A step is named verbatim in every report and progress line: a newline or an escape
        // sequence in it could forge a line there.
        if text.contains(char::is_control) {
            return Err(format!(
                "{:?} holds a control character: write the step on one line, in plain text",
                text
            ));
        }
        let name = spec.name.as_str();
        let kind = KINDS
            .iter()
            .find(|k| k.name == name || (name == "hang-up" && k.name == "hangup"))
            .ok_or_else(|| {
                let names: Vec<&str> = KINDS.iter().map(|k| k.name).collect();
                format!(
                    "{name:?} is not a step: {}(the steps are: {})",
                    did_you_mean(name, &names),
                    names.join(", ")
                )
            })?;
        let value = match (kind.value, spec.value.as_deref()) {
            (None, Some(_)) => return Err(format!("{name} takes no value, only options")),
            (Some((what, example)), None) => {
                return Err(format!("{name} needs {what}, as in: {name} {example}"));
            }
            (_, value) => value.unwrap_or_default(),
        };
        let mut timeout = None;
        let mut options = BTreeMap::new();
        let mut similarity = crate::phrase::DEFAULT_SIMILARITY;
        let mut voice = crate::voice::Voice::default();
        let mut pace = 100;
        for (key, raw) in &spec.options {
            let bad = |why: String| format!("{key}={raw}: {why}");
            match key.as_str() {
                "timeout" => timeout = Some(duration(raw).map_err(bad)?),
                "voice" if kind.options.contains(&"voice") => {
                    voice = crate::voice::Voice::parse(raw).map_err(bad)?;
                }
                "speed" if kind.options.contains(&"speed") => {
                    pace = raw
                        .parse::<f64>()
                        .ok()
                        .filter(|s| (0.5..=2.0).contains(s))
                        .map(|s| (s * 100.0).round() as u16)
                        .ok_or_else(|| {
                            bad("use a number from 0.5 to 2, such as 1.2 (1 is the voice's own pace)".to_owned())
                        })?;
                }
                "similarity" if kind.options.contains(&"similarity") => {
                    similarity = raw
                        .parse::<f64>()
                        .ok()
                        .filter(|s| (0.0..=1.0).contains(s))
                        .ok_or_else(|| bad("use a number from 0 to 1, such as 0.8".to_owned()))?;
                }
                key if kind.options.contains(&key) => {
                    options.insert(key, duration(raw).map_err(bad)?);
                }
                _ => {
                    let options: Vec<&str> =
                        kind.options.iter().copied().chain(["timeout"]).collect();
                    return Err(format!(
                        "{name} has no option {key:?}: {}its options are {}",
                        did_you_mean(key, &options),
                        options
                            .iter()
                            .map(|o| format!("{o}="))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
            }
        }
        let option = |key: &str, default: Duration| options.get(key).copied().unwrap_or(default);
        let hear = |prompt: bool| -> Result<Action, String> {
            if crate::phrase::spoken::spoken(value).is_empty() {
                return Err(format!(
                    "{name} needs words to listen for, as in: {name} \"press two\""
                ));
            }
            Ok(Action::Hear(Hear {
                phrase: value.to_owned(),
                prompt,
                similarity,
                within: options.get("within").copied(),
            }))
        };
        let action = match kind.id {
            Id::WaitForSilence => Action::Listen(Listen::WaitForSilence {
                quiet: option("quiet", Duration::from_secs(1)),
            }),
            Id::WaitForPrompt => hear(true)?,
            Id::ExpectSpeech => hear(false)?,
            Id::Press => {
                check_digits(value)?;
                Action::Press(value.to_owned())
            }
            Id::Play => Action::Play(PathBuf::from(value)),
            Id::Say => {
                if value.trim().is_empty() || value.chars().count() > MOST_SAID {
                    return Err(format!(
                        "say needs words, at most {MOST_SAID} characters, as in: say \"I want to check my balance\""
                    ));
                }
                let yields = options.get("yield").copied();
                let barge_in = options.get("barge-in").copied();
                if yields.is_some() && barge_in.is_none() {
                    return Err(
                        "yield= is how soon the far end stops once c2c talks over it: give barge-in= too, as in: say \"agent\" barge-in=1s yield=500ms".to_owned(),
                    );
                }
                Action::Say(Talk {
                    say: crate::voice::Say {
                        text: value.to_owned(),
                        voice,
                        pace,
                    },
                    barge_in,
                    yields,
                })
            }
            Id::ExpectTone => Action::Listen(Listen::ExpectTone {
                hz: frequency(value)?,
                hold: option("for", Duration::from_millis(300)),
            }),
            Id::ExpectAudio => Action::Listen(Listen::ExpectAudio(duration(value)?)),
            Id::ExpectSilence => Action::Listen(Listen::ExpectSilence(duration(value)?)),
            Id::Wait => Action::Wait(duration(value)?),
            Id::HangUp => Action::HangUp,
        };
        Ok(Step {
            text,
            action,
            timeout,
        })
    }

    /// How long the step may take: its `timeout=`, or a default that leaves room for the work.
    pub fn timeout(&self, play_length: Duration) -> Duration {
        self.timeout.unwrap_or(match &self.action {
            Action::Listen(Listen::WaitForSilence { .. }) => Duration::from_secs(30),
            Action::Listen(Listen::ExpectTone { .. }) => Duration::from_secs(5),
            Action::Listen(Listen::ExpectAudio(d) | Listen::ExpectSilence(d)) => {
                *d + Duration::from_secs(5)
            }
            Action::Hear(Hear { prompt: true, .. }) => Duration::from_secs(30),
            Action::Hear(Hear { prompt: false, .. }) => Duration::from_secs(10),
            Action::Press(digits) => Duration::from_secs(10) + press_length(digits),
            Action::Play(_) => play_length + Duration::from_secs(5),
            // The words may still be in the making (a first use synthesises them beside the
            // call), then they are said.
            Action::Say(_) => play_length + Duration::from_secs(30),
            Action::Wait(d) => *d + Duration::from_secs(1),
            Action::HangUp => Duration::from_secs(5),
        })
    }
}

/// The longest text a `say` step takes: a turn, not a speech (Kokoro synthesises about real time
/// on two cores).
const MOST_SAID: usize = 500;

fn frequency(raw: &str) -> Result<f64, String> {
    raw.trim_end_matches("Hz")
        .trim_end_matches("hz")
        .parse()
        .ok()
        .filter(|hz: &f64| (50.0..=7_000.0).contains(hz))
        .ok_or_else(|| format!("{raw:?} is not a frequency from 50 to 7000 Hz"))
}

/// The one of `known` that `given` is most likely a typo of, when one is near.
fn nearest<'a>(given: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (strsim::damerau_levenshtein(given, k), *k))
        .min()
        .filter(|(distance, _)| *distance <= 2)
        .map(|(_, k)| k)
}

/// "did you mean X? ", or nothing when no word of `known` is near `given`.
fn did_you_mean(given: &str, known: &[&str]) -> String {
    nearest(given, known)
        .map(|k| format!("did you mean {k}? "))
        .unwrap_or_default()
}

/// How long the page takes to send `digits`: a tone and its gap each, half a second per `w`.
pub fn press_length(digits: &str) -> Duration {
    digits
        .chars()
        .map(|c| Duration::from_millis(if c == 'w' { 500 } else { 240 }))
        .sum()
}

/// Keys the page can press: 0-9, *, #, and w for a pause.
pub fn check_digits(digits: &str) -> Result<(), String> {
    match digits
        .chars()
        .find(|c| !matches!(c, '0'..='9' | '*' | '#' | 'w'))
    {
        _ if digits.is_empty() => Err("no keys are given".to_owned()),
        Some(c) => Err(format!(
            "{c:?} is not a key (use 0-9, *, # and w for a half-second pause)"
        )),
        None => Ok(()),
    }
}

/// Reads one `--step`.
pub fn parse(text: &str) -> Result<Step, String> {
    Step::from_spec(&text.parse()?)
}

#[cfg(test)]
mod tests;
