//! A call's scenario: the steps of `c2c call`, written as `--step` text (`expect-tone 1000
//! timeout=8s`; words as a shell splits them, so a value may be a quoted phrase) or as a YAML list
//! under `steps:`. Both read into one `StepSpec` (a name, perhaps a value, options), which
//! `Step::from_spec` checks against `KINDS`. Adding a step is a row of `KINDS`, its variant of
//! `Action` (or of `Listen`, with its listener in call/ear.rs) and its arm in `action`. A
//! scenario file (the call, its options and its steps, for `c2c test` and `c2c call --scenario`)
//! is read by `file`, within limits (`bounded`), its paths kept inside the suite (`paths`).

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;

mod bounded;
mod file;
mod paths;
pub use file::{Scenario, parse_scenario};

/// What a step does once the call is answered.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Listens to the far end until it hears what it waits for (call/ear.rs).
    Listen(Listen),
    /// Words from the far end, recognised on this machine (`speech`).
    Hear(Hear),
    Press(String),
    Play(PathBuf),
    Wait(Duration),
    HangUp,
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
    /// How close what was heard must come to the phrase (`speech::phrase`).
    pub similarity: f64,
}

/// One kind of step, as `--help` and the error messages describe it.
struct Kind {
    name: &'static str,
    /// How it is written, options and their defaults included.
    usage: &'static str,
    /// What its value is (`None`: it takes none), and an example of one.
    value: Option<(&'static str, &'static str)>,
    /// The options it takes besides `timeout`.
    options: &'static [&'static str],
    help: &'static str,
}

const KINDS: &[Kind] = &[
    Kind {
        name: "wait-for-silence",
        usage: "wait-for-silence [quiet=1s] [timeout=30s]",
        value: None,
        options: &["quiet"],
        help: "The far end spoke, then stayed quiet this long",
    },
    Kind {
        name: "wait-for-prompt",
        usage: "wait-for-prompt PHRASE [similarity=0.65] [timeout=30s]",
        value: Some(("a phrase", "\"for support, press two\"")),
        options: &["similarity"],
        help: "The far end said PHRASE, then paused (speech, on this machine)",
    },
    Kind {
        name: "expect-speech",
        usage: "expect-speech PHRASE [similarity=0.65] [timeout=10s]",
        value: Some(("a phrase", "\"your balance is\"")),
        options: &["similarity"],
        help: "Hear PHRASE said",
    },
    Kind {
        name: "press",
        usage: "press DIGITS [timeout=10s]",
        value: Some(("the keys", "1w23#")),
        options: &[],
        help: "Press keys (0-9 * #; w waits half a second)",
    },
    Kind {
        name: "play",
        usage: "play FILE.wav [timeout=…]",
        value: Some(("a WAV file", "prompt.wav")),
        options: &[],
        help: "Play a file into the call, to its end",
    },
    Kind {
        name: "expect-tone",
        usage: "expect-tone HZ [for=300ms] [timeout=5s]",
        value: Some(("a frequency in Hz", "1000")),
        options: &["for"],
        help: "Hear HZ (within 2%) for that long",
    },
    Kind {
        name: "expect-audio",
        usage: "expect-audio DURATION [timeout=…]",
        value: Some(("a duration", "2s")),
        options: &[],
        help: "Hear sound for DURATION",
    },
    Kind {
        name: "expect-silence",
        usage: "expect-silence DURATION [timeout=…]",
        value: Some(("a duration", "2s")),
        options: &[],
        help: "Hear nothing for DURATION",
    },
    Kind {
        name: "wait",
        usage: "wait DURATION",
        value: Some(("a duration", "2s")),
        options: &[],
        help: "Let time pass",
    },
    Kind {
        name: "hangup",
        usage: "hangup",
        value: None,
        options: &[],
        help: "Hang up (after the last step c2c hangs up anyway)",
    },
];

/// The steps' names, for `c2c call -h`.
pub fn names() -> Vec<&'static str> {
    KINDS.iter().map(|kind| kind.name).collect()
}

/// The steps, one line each, for `c2c call --help`.
pub fn help() -> String {
    KINDS
        .iter()
        .map(|kind| match kind.usage.len() {
            // A long usage has its line to itself, the help under it in the column.
            n if n >= 43 => format!("  {}\n  {:<43}{}\n", kind.usage, "", kind.help),
            _ => format!("  {:<43}{}\n", kind.usage, kind.help),
        })
        .collect()
}

/// A step as written: its name, perhaps a value, then options, in the order given.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "Written")]
pub struct StepSpec {
    pub name: String,
    pub value: Option<String>,
    pub options: Vec<(String, String)>,
}

impl std::str::FromStr for StepSpec {
    type Err = String;

    /// `--step` text: words as a shell splits them (`wait-for-prompt "press two"`), the first the
    /// name, `key=value` words options, one other word the value.
    fn from_str(text: &str) -> Result<Self, String> {
        let words = shell_words::split(text).map_err(|err| format!("{text:?}: {err}"))?;
        let mut words = words.into_iter();
        let name = words.next().ok_or("the step is empty")?;
        let mut spec = StepSpec {
            name,
            value: None,
            options: Vec::new(),
        };
        for word in words {
            match word.split_once('=') {
                Some((key, value)) if is_option_name(key) => {
                    spec.options.push((key.to_owned(), value.to_owned()));
                }
                _ if spec.value.is_none() => spec.value = Some(word),
                _ => {
                    let value = spec.value.as_deref().unwrap_or_default();
                    return Err(format!(
                        "{word:?} is one word too many: a phrase of several words goes in quotes, as in: {} \"{value} {word}\"",
                        spec.name
                    ));
                }
            }
        }
        Ok(spec)
    }
}

fn is_option_name(key: &str) -> bool {
    !key.is_empty() && key.chars().all(|c| c.is_ascii_lowercase() || c == '-')
}

impl fmt::Display for StepSpec {
    /// As written, spaces folded, a value with a space quoted.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.name)?;
        if let Some(value) = &self.value {
            write!(f, " {}", shell_words::quote(value))?;
        }
        for (key, value) in &self.options {
            write!(f, " {key}={}", shell_words::quote(value))?;
        }
        Ok(())
    }
}

/// A YAML step: a line as `--step` writes it, or a one-key map (`- press: 12#`,
/// `- expect-tone: {hz: 1000, timeout: 8s}`).
#[derive(Deserialize)]
#[serde(untagged)]
enum Written {
    Line(String),
    Map(BTreeMap<String, serde_json::Value>),
}

/// The keys of a YAML step's map that give its value rather than an option.
const VALUE_KEYS: &[&str] = &["hz", "digits", "file", "duration", "phrase"];

impl TryFrom<Written> for StepSpec {
    type Error = String;

    fn try_from(written: Written) -> Result<Self, String> {
        let map = match written {
            Written::Line(text) => return text.parse(),
            Written::Map(map) if map.len() == 1 => map,
            Written::Map(_) => return Err(SHAPE.to_owned()),
        };
        let Some((name, value)) = map.into_iter().next() else {
            return Err(SHAPE.to_owned());
        };
        let mut spec = StepSpec {
            name,
            value: None,
            options: Vec::new(),
        };
        match value {
            serde_json::Value::Null => {}
            serde_json::Value::Object(options) => {
                for (key, value) in options {
                    let value = scalar(&value)?;
                    if VALUE_KEYS.contains(&key.as_str()) {
                        spec.value = Some(value);
                    } else {
                        spec.options.push((key, value));
                    }
                }
            }
            value => spec.value = Some(scalar(&value)?),
        }
        Ok(spec)
    }
}

const SHAPE: &str = "a step is a line such as `press 1` or a map such as `press: 1`";

fn scalar(value: &serde_json::Value) -> Result<String, String> {
    match value {
        serde_json::Value::String(s) => Ok(s.clone()),
        serde_json::Value::Number(n) => Ok(n.to_string()),
        _ => Err("a step's name and values are words, phrases or numbers".to_owned()),
    }
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
        let mut similarity = crate::speech::phrase::DEFAULT_SIMILARITY;
        for (key, raw) in &spec.options {
            let bad = |why: String| format!("{key}={raw}: {why}");
            match key.as_str() {
                "timeout" => timeout = Some(duration(raw).map_err(bad)?),
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
            if crate::speech::phrase::spoken(value).is_empty() {
                return Err(format!(
                    "{name} needs words to listen for, as in: {name} \"press two\""
                ));
            }
            Ok(Action::Hear(Hear {
                phrase: value.to_owned(),
                prompt,
                similarity,
            }))
        };
        let action = match kind.name {
            "wait-for-silence" => Action::Listen(Listen::WaitForSilence {
                quiet: option("quiet", Duration::from_secs(1)),
            }),
            "wait-for-prompt" => hear(true)?,
            "expect-speech" => hear(false)?,
            "press" => {
                check_digits(value)?;
                Action::Press(value.to_owned())
            }
            "play" => Action::Play(PathBuf::from(value)),
            "expect-tone" => Action::Listen(Listen::ExpectTone {
                hz: frequency(value)?,
                hold: option("for", Duration::from_millis(300)),
            }),
            "expect-audio" => Action::Listen(Listen::ExpectAudio(duration(value)?)),
            "expect-silence" => Action::Listen(Listen::ExpectSilence(duration(value)?)),
            "wait" => Action::Wait(duration(value)?),
            _ => Action::HangUp,
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
            Action::Wait(d) => *d + Duration::from_secs(1),
            Action::HangUp => Duration::from_secs(5),
        })
    }
}

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

/// The longest duration c2c takes anywhere (a step, a timeout, `--hangup-after`): a day. Longer
/// is a typo or a hostile file, and would overflow the clocks it is added to.
pub const LONGEST: Duration = Duration::from_secs(24 * 60 * 60);

/// `2s`, `500ms`, `1m`; a bare number is seconds; from 0 to `LONGEST`.
pub fn duration(text: &str) -> Result<Duration, String> {
    let parsed = match text.trim().parse::<f64>() {
        Ok(seconds) if seconds.is_nan() || seconds < 0.0 => None,
        // Compared before it is made a Duration, which panics past u64::MAX seconds.
        Ok(seconds) => Some(match seconds <= LONGEST.as_secs_f64() {
            true => Duration::from_secs_f64(seconds),
            false => LONGEST + Duration::from_secs(1),
        }),
        Err(_) => humantime::parse_duration(text.trim()).ok(),
    };
    match parsed {
        Some(d) if d <= LONGEST => Ok(d),
        Some(_) => Err(format!(
            "{text:?} is longer than a day: durations run from 0 to 24h"
        )),
        None => Err(format!("{text:?} is not a duration such as 2s or 500ms")),
    }
}

/// How long an answered call lasts when nothing says otherwise: one with no steps would stay up
/// until the far end hangs up (billed minutes, a stuck CI job).
pub const LONGEST_CALL: Duration = Duration::from_secs(10 * 60);

/// When c2c hangs up an answered call, whatever its steps are doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HangUpAfter {
    /// `LONGEST_CALL`: nothing said.
    #[default]
    Default,
    /// `--hangup-after` or `hangup-after:`.
    After(Duration),
    /// `none`: only the steps or the far end end the call.
    Never,
}

impl HangUpAfter {
    /// `2m`, `90s`, or `none`.
    pub fn parse(text: &str) -> Result<HangUpAfter, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "none" | "never" => Ok(HangUpAfter::Never),
            _ => time_limit(text)
                .map(HangUpAfter::After)
                .map_err(|why| format!("{why} (or none, for no limit)")),
        }
    }

    pub fn after(self) -> Option<Duration> {
        match self {
            HangUpAfter::Default => Some(LONGEST_CALL),
            HangUpAfter::After(after) => Some(after),
            HangUpAfter::Never => None,
        }
    }
}

/// A timeout or a limit on a call: a `duration` above zero.
pub fn time_limit(text: &str) -> Result<Duration, String> {
    match duration(text)? {
        d if d.is_zero() => Err(format!(
            "{text:?} is no time at all: write it as 30s, 2m or 1m30s"
        )),
        d => Ok(d),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answered_call_has_a_limit_unless_lifted() {
        assert_eq!(HangUpAfter::default().after(), Some(LONGEST_CALL));
        assert_eq!(LONGEST_CALL, Duration::from_secs(600));
        assert_eq!(
            HangUpAfter::parse("90s").unwrap(),
            HangUpAfter::After(Duration::from_secs(90))
        );
        assert_eq!(HangUpAfter::parse("None").unwrap().after(), None);
        let why = HangUpAfter::parse("later").unwrap_err();
        assert!(why.contains("or none, for no limit"), "{why}");
        assert!(HangUpAfter::parse("0s").is_err());
    }

    #[test]
    fn steps_read_with_their_options() {
        let step = parse("expect-tone 1000 for=200ms timeout=8s").unwrap();
        assert_eq!(
            step.action,
            Action::Listen(Listen::ExpectTone {
                hz: 1000.0,
                hold: Duration::from_millis(200)
            })
        );
        assert_eq!(step.timeout(Duration::ZERO), Duration::from_secs(8));
        assert_eq!(
            parse("press 1w2#").unwrap().action,
            Action::Press("1w2#".into())
        );
        assert_eq!(
            parse("wait-for-silence quiet=2s").unwrap().action,
            Action::Listen(Listen::WaitForSilence {
                quiet: Duration::from_secs(2)
            })
        );
        assert_eq!(
            parse("expect-silence 1.5").unwrap().action,
            Action::Listen(Listen::ExpectSilence(Duration::from_millis(1500)))
        );
        assert_eq!(parse("hangup").unwrap().action, Action::HangUp);
        assert_eq!(parse("play  a.wav").unwrap().text, "play a.wav");
    }

    #[test]
    fn speech_steps_take_a_phrase_and_a_similarity() {
        let step = parse(r#"wait-for-prompt "For support, press 2." similarity=0.8"#).unwrap();
        assert_eq!(
            step.action,
            Action::Hear(Hear {
                phrase: "For support, press 2.".into(),
                prompt: true,
                similarity: 0.8
            })
        );
        assert_eq!(step.timeout(Duration::ZERO), Duration::from_secs(30));
        assert!(step.hears_words());
        let yaml = "steps:\n  - expect-speech: {phrase: your balance is, timeout: 5s}\n";
        let steps = parse_scenario(yaml).unwrap();
        assert_eq!(
            steps[0].action,
            Action::Hear(Hear {
                phrase: "your balance is".into(),
                prompt: false,
                similarity: crate::speech::phrase::DEFAULT_SIMILARITY
            })
        );
        assert_eq!(steps[0].timeout(Duration::ZERO), Duration::from_secs(5));
        assert!(!parse("press 1").unwrap().hears_words());
        // --help shows the default the matching uses.
        let default = format!("similarity={}", crate::speech::phrase::DEFAULT_SIMILARITY);
        assert_eq!(help().matches(&default).count(), 2, "{}", help());
    }

    #[test]
    fn mistakes_are_named() {
        for (text, says) in [
            ("", "empty"),
            ("dance", "is not a step"),
            ("press", "needs the keys, as in: press 1w23#"),
            ("press 12a", "'a' is not a key"),
            ("expect-tone loud", "not a frequency"),
            ("expect-tone 1000 timeout=soon", "timeout=soon"),
            ("wait 2s 3s", "one word too many"),
            (
                "expect-speech hello there",
                "\"there\" is one word too many: a phrase of several words goes in quotes, as in: expect-speech \"hello there\"",
            ),
            ("hangup now", "takes no value"),
            (
                "press 1 quiet=2s",
                "has no option \"quiet\": its options are timeout=",
            ),
            (
                "expect-tone 1000 fro=1s",
                "did you mean for? its options are for=, timeout=",
            ),
            ("expct-tone 1000", "did you mean expect-tone?"),
            ("expect-speech", "needs a phrase"),
            ("expect-speech \"...\"", "needs words to listen for"),
            ("expect-speech \"a\nb\"", "holds a control character"),
            ("expect-speech \"a\u{1b}[2Jb\"", "holds a control character"),
            ("wait 1e20", "longer than a day"),
            ("expect-tone 1000 timeout=1e19", "longer than a day"),
            ("wait NaN", "not a duration"),
            ("wait 25h", "longer than a day"),
            (
                "wait-for-prompt hello similarity=2",
                "similarity=2: use a number from 0 to 1",
            ),
            (
                "expect-tone 1000 similarity=0.5",
                "has no option \"similarity\"",
            ),
        ] {
            let why = parse(text).unwrap_err();
            assert!(why.contains(says), "{text:?}: {why}");
        }
    }

    #[test]
    fn the_readmes_scenario_reads_as_it_says() {
        let readme = include_str!("../../README.md");
        let start = readme.find("# ivr.yaml\n").expect("the README's scenario");
        let yaml = &readme[start..start + readme[start..].find("```").unwrap()];
        let texts: Vec<String> = parse_scenario(yaml)
            .unwrap()
            .into_iter()
            .map(|s| s.text)
            .collect();
        assert_eq!(
            texts,
            [
                "wait-for-silence timeout=15s",
                "press 2",
                "expect-tone 1000 for=500ms timeout=8s",
                "hangup"
            ]
        );
    }

    #[test]
    fn a_scenario_file_takes_lines_and_maps() {
        let steps = parse_scenario(
            "steps:\n  - wait-for-silence timeout=15s\n  - press: 2\n  - expect-tone: {hz: 1000, for: 200ms}\n  - hangup\n",
        )
        .unwrap();
        let texts: Vec<&str> = steps.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "wait-for-silence timeout=15s",
                "press 2",
                "expect-tone 1000 for=200ms",
                "hangup"
            ]
        );
        assert!(parse_scenario("steps: 3").unwrap_err().contains("no list"));
        assert!(
            parse_scenario("steps:\n  - dance\n")
                .unwrap_err()
                .starts_with("step 1:")
        );
        assert!(parse_scenario("steps: [\n").unwrap_err().contains("line"));
    }

    #[test]
    fn a_value_may_be_a_quoted_phrase_and_reads_back_as_written() {
        let spec: StepSpec = r#"play "my prompt.wav" timeout=9s"#.parse().unwrap();
        assert_eq!(spec.value.as_deref(), Some("my prompt.wav"));
        assert_eq!(spec.to_string(), "play 'my prompt.wav' timeout=9s");
        let step = Step::from_spec(&spec).unwrap();
        assert_eq!(step.action, Action::Play(PathBuf::from("my prompt.wav")));
        assert_eq!(step.to_string(), "play 'my prompt.wav' timeout=9s");
        assert!(
            parse(r#"play "unclosed"#)
                .unwrap_err()
                .contains("missing closing quote")
        );
        // The same step from YAML.
        let steps =
            parse_scenario("steps:\n  - play: {file: my prompt.wav, timeout: 9s}\n").unwrap();
        assert_eq!(steps[0], step);
    }

    #[test]
    fn the_help_lists_every_step() {
        let help = help();
        for kind in KINDS {
            assert!(help.contains(kind.usage), "{}", kind.name);
        }
    }
}
