//! A scenario file, as `c2c test` runs it and `c2c call --scenario` reads it: the call (whom, what
//! to play and press, its timeouts, where to keep what was heard) and its steps, in YAML. One
//! schema and one reader for both; a key the schema does not know is an error, so that a typo is
//! never a silently skipped setting.
//!
//! ```yaml
//! call: "+18005550199"      # or client:alice
//! play: greeting.wav        # paths are from the file's folder, and stay in the suite's
//! digits: 1w2
//! timeout: 30s
//! hangup-after: 2m
//! record: heard.wav
//! quality: {mos: 3.5}      # the call fails under this average MOS
//! latency: {p95: 1.5s}      # ... or when the far end's turns are slower (95th percentile)
//! speech: base              # the speech model for its speech steps (tiny by default)
//! leg: sip                  # placed through SIP, or from the browser (the run's --leg by default)
//! steps:
//!   - wait-for-prompt "for support, press two"
//!   - press: 2
//! ```

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use yaml_rust2::{Yaml, YamlLoader};

use super::paths::{self, Use};
use super::{Action, HangUpAfter, Step, StepSpec, bounded, check_digits, nearest, time_limit};
use crate::speech::Size;

/// What a scenario file says; `None` where it says nothing (the command line may).
#[derive(Debug, Default)]
pub struct Scenario {
    /// `call:`: a number or `client:NAME`.
    pub call: Option<String>,
    pub play: Option<PathBuf>,
    pub digits: Option<String>,
    pub timeout: Option<Duration>,
    pub hangup_after: Option<HangUpAfter>,
    pub record: Option<PathBuf>,
    /// `quality: {mos: 3.5}`: the lowest average MOS the call may have.
    pub quality_mos: Option<f64>,
    /// `speech: base`: the speech model its steps listen with.
    pub speech: Option<Size>,
    /// `latency: {p95: 1.5s}`: the slowest the far end's turns may be, at the 95th percentile.
    pub latency_p95: Option<Duration>,
    /// `leg: sip`: how the call is placed, whatever the run's `--leg`.
    pub leg: Option<crate::call::LegKind>,
    pub steps: Vec<Step>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Written {
    call: Option<Word>,
    play: Option<String>,
    digits: Option<Word>,
    timeout: Option<Word>,
    hangup_after: Option<Word>,
    record: Option<String>,
    quality: Option<Floor>,
    latency: Option<Ceiling>,
    speech: Option<Word>,
    leg: Option<Word>,
    #[serde(default)]
    steps: Option<Vec<serde_json::Value>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Floor {
    mos: Word,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Ceiling {
    p95: Word,
}

/// A value YAML may read as a number (`digits: 12`, `timeout: 30`) that c2c reads as text.
#[derive(Deserialize)]
#[serde(untagged)]
enum Word {
    Text(String),
    Number(serde_json::Number),
}

impl Word {
    fn text(self) -> String {
        match self {
            Word::Text(text) => text,
            Word::Number(n) => n.to_string(),
        }
    }
}

impl Scenario {
    /// Reads the scenario file at `path`, within limits (`bounded`), its paths from its folder
    /// and inside `root` (`paths`): the folder given to `c2c test`, or the file's own folder.
    pub fn read(path: &Path, root: &Path) -> Result<Scenario, String> {
        let text = bounded::read(path)?;
        let dir = path.parent().unwrap_or(Path::new(""));
        let scenario = Scenario::parse(&text, dir)?;
        scenario.stays_inside(root)?;
        Ok(scenario)
    }

    /// Reads a scenario file's text; `dir` is its folder, which its paths are relative to.
    pub fn parse(yaml: &str, dir: &Path) -> Result<Scenario, String> {
        bounded::check(yaml)?;
        let docs = YamlLoader::load_from_str(yaml).map_err(|err| {
            let at = err.marker();
            let lines = yaml.lines().count();
            // A list or map left open is found where the file ends, which the parser counts as
            // the line after the last.
            match at.line() > lines {
                true => format!(
                    "at the end of the file (after line {lines}): {}",
                    err.info()
                ),
                false => format!(
                    "line {}, column {}: {}",
                    at.line(),
                    at.col() + 1,
                    err.info()
                ),
            }
        })?;
        if let Some(doc) = docs.first() {
            unknown_keys(doc)?;
        }
        let Some(doc) = docs.first() else {
            return Err("the file is empty: write the steps as a list under steps:".to_owned());
        };
        if matches!(doc["steps"], Yaml::BadValue) && !matches!(doc, Yaml::Hash(_)) {
            return Err("write the scenario as keys (call:, steps:, …), not a list".to_owned());
        }
        if !matches!(doc["steps"], Yaml::Array(_) | Yaml::BadValue) {
            return Err("there is no list under steps:".to_owned());
        }
        let written: Written =
            serde_json::from_value(json_of(doc)).map_err(|err| err.to_string())?;
        let steps = written
            .steps
            .unwrap_or_default()
            .into_iter()
            .enumerate()
            .map(|(i, item)| {
                serde_json::from_value::<StepSpec>(item)
                    .map_err(|err| err.to_string())
                    .and_then(|spec| Step::from_spec(&spec))
                    .and_then(|mut step| {
                        if let Action::Play(path) = &mut step.action {
                            *path = paths::from_file("play", &path.to_string_lossy(), dir)?;
                        }
                        Ok(step)
                    })
                    .map_err(|why| format!("step {}: {why}", i + 1))
            })
            .collect::<Result<Vec<Step>, String>>()?;
        let digits = written.digits.map(Word::text);
        if let Some(digits) = &digits {
            check_digits(digits).map_err(|why| format!("digits: {digits:?}: {why}"))?;
        }
        let time = |key: &str, word: Option<Word>| -> Result<Option<Duration>, String> {
            word.map(|w| time_limit(&w.text()).map_err(|why| format!("{key}: {why}")))
                .transpose()
        };
        let call = written.call.map(Word::text).map(|c| c.trim().to_owned());
        match call.as_deref() {
            Some("") => {
                return Err(
                    "call: is empty: give a number such as +14155552671, or client:NAME".to_owned(),
                );
            }
            Some(target) => {
                crate::dial::target_shape(target).map_err(|why| format!("call: {why}"))?;
            }
            None => {}
        }
        let quality_mos = match written.quality {
            None => None,
            Some(Floor { mos }) => {
                let text = mos.text();
                Some(
                    text.parse::<f64>()
                        .ok()
                        .filter(|m| (1.0..=5.0).contains(m))
                        .ok_or_else(|| format!("quality: mos: {text:?} is not a MOS: use a number from 1 to 5, such as 3.5"))?,
                )
            }
        };
        let from_here = |key: &str, written: Option<String>| {
            written
                .map(|path| paths::from_file(key, &path, dir))
                .transpose()
        };
        let latency_p95 = time("latency: p95", written.latency.map(|c| c.p95))?;
        Ok(Scenario {
            call,
            quality_mos,
            latency_p95,
            play: from_here("play", written.play)?,
            digits,
            timeout: time("timeout", written.timeout)?,
            hangup_after: written
                .hangup_after
                .map(|w| {
                    HangUpAfter::parse(&w.text()).map_err(|why| format!("hangup-after: {why}"))
                })
                .transpose()?,
            record: from_here("record", written.record)?,
            speech: written
                .speech
                .map(|w| {
                    Size::parse(&w.text())
                        .map_err(|why| format!("speech: {why}: use tiny (the default) or base"))
                })
                .transpose()?,
            leg: written
                .leg
                .map(|w| {
                    crate::call::LegKind::parse(&w.text())
                        .map_err(|why| format!("leg: {why}: use browser or sip"))
                })
                .transpose()?,
            steps,
        })
    }

    /// Whether every path the file names stays inside `root` (`paths::inside`).
    fn stays_inside(&self, root: &Path) -> Result<(), String> {
        let played = self.steps.iter().filter_map(|step| match &step.action {
            Action::Play(path) => Some(path),
            _ => None,
        });
        for path in self.play.iter().chain(played) {
            paths::inside("play", path, root, Use::Read)?;
        }
        if let Some(path) = &self.record {
            paths::inside("record", path, root, Use::Write)?;
        }
        Ok(())
    }
}

/// The keys a scenario file may have, as `Written` reads them.
const KEYS: &[&str] = &[
    "call",
    "play",
    "digits",
    "timeout",
    "hangup-after",
    "record",
    "quality",
    "latency",
    "speech",
    "leg",
    "steps",
];

/// A key the file should not have, named with the one it most likely meant (serde would list
/// them all, and miss the typo).
fn unknown_keys(doc: &Yaml) -> Result<(), String> {
    let Yaml::Hash(map) = doc else {
        return Ok(());
    };
    for key in map.keys() {
        let Yaml::String(key) = key else { continue };
        if KEYS.contains(&key.as_str()) {
            continue;
        }
        let near = nearest(key, KEYS)
            .map(|known| format!("did you mean {known}:? "))
            .unwrap_or_default();
        return Err(format!(
            "{key}: is not a key of a scenario file: {near}(the keys are {})",
            KEYS.join(", ")
        ));
    }
    Ok(())
}

/// The `steps:` of a scenario file, each read as a `StepSpec` and checked.
pub fn parse_scenario(yaml: &str) -> Result<Vec<Step>, String> {
    Scenario::parse(yaml, Path::new("")).map(|scenario| scenario.steps)
}

fn json_of(yaml: &Yaml) -> serde_json::Value {
    use serde_json::Value;
    match yaml {
        Yaml::String(s) | Yaml::Real(s) => Value::String(s.clone()),
        Yaml::Integer(i) => Value::from(*i),
        Yaml::Boolean(b) => Value::Bool(*b),
        Yaml::Array(items) => Value::Array(items.iter().map(json_of).collect()),
        Yaml::Hash(map) => Value::Object(
            map.iter()
                .filter_map(|(k, v)| match k {
                    Yaml::String(k) => Some((k.clone(), json_of(v))),
                    Yaml::Integer(i) => Some((i.to_string(), json_of(v))),
                    _ => None,
                })
                .collect(),
        ),
        _ => Value::Null,
    }
}

#[cfg(test)]
#[path = "file_tests.rs"]
mod tests;

/// Arbitrary input, as a hostile or broken file or flag would give it: the reader and the
/// `--step` parser answer every one with a scenario or an error, never a panic.
#[cfg(test)]
mod fuzz {
    use proptest::prelude::*;

    use super::*;

    /// Pieces a scenario is made of, and the ones that broke c2c before: huge and odd numbers,
    /// anchors and aliases, control characters, paths that climb.
    fn piece() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "call: ",
            "steps:",
            "\n",
            "  - ",
            "- ",
            "timeout: ",
            "hangup-after: ",
            "play: ",
            "record: ",
            "digits: ",
            "quality: {mos: ",
            "}",
            "[",
            "]",
            "{",
            ":",
            ", ",
            "'",
            "\"",
            "wait ",
            "press ",
            "expect-tone ",
            "expect-speech ",
            "wait-for-prompt ",
            "play ",
            "hangup",
            "timeout=",
            "for=",
            "quiet=",
            "similarity=",
            "1e20",
            "1e-300",
            "-1",
            "NaN",
            "inf",
            "18446744073709551615",
            "0",
            "30s",
            "2m",
            "9999999h",
            "1000",
            "&a ",
            "*a",
            "&b ",
            "*b",
            "../",
            "/etc/passwd",
            "a.wav",
            "\u{0}",
            "\u{1b}[2J",
            "\t",
            "é",
            "+14155550100",
            "client:alice",
            "#",
        ])
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]

        #[test]
        fn any_scenario_text_is_read_or_refused(pieces in prop::collection::vec(piece(), 0..40)) {
            let _ = Scenario::parse(&pieces.concat(), Path::new("suite"));
        }

        #[test]
        fn any_step_text_is_read_or_refused(pieces in prop::collection::vec(piece(), 0..12)) {
            let _ = super::super::parse(&pieces.concat());
        }

        #[test]
        fn any_characters_are_read_or_refused(text in "\\PC{0,200}") {
            let _ = Scenario::parse(&text, Path::new(""));
            let _ = super::super::parse(&text);
        }
    }
}
