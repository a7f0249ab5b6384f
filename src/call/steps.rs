//! A call's scenario: steps written as `--step` strings (`expect-tone 1000 timeout=8s`) or as a
//! YAML list under `steps:`, each with its own timeout.

use std::path::PathBuf;
use std::time::Duration;

use yaml_rust2::{Yaml, YamlLoader};

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// The far end makes sound, then is silent for `quiet`: a prompt was spoken and ended.
    WaitForSilence {
        quiet: Duration,
    },
    Press(String),
    Play(PathBuf),
    /// `hz` (within 2%) for at least `hold`.
    ExpectTone {
        hz: f64,
        hold: Duration,
    },
    ExpectAudio(Duration),
    ExpectSilence(Duration),
    Wait(Duration),
    HangUp,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// As written, for the report.
    pub text: String,
    pub action: Action,
    /// `None`: the action's own default (see `Step::timeout`).
    timeout: Option<Duration>,
}

impl Step {
    /// Pressing `digits` (already checked), with the default timeout.
    pub fn press(digits: &str) -> Step {
        Step {
            text: format!("press {digits}"),
            action: Action::Press(digits.to_owned()),
            timeout: None,
        }
    }

    /// How long the step may take: its `timeout=`, or a default that leaves room for the work.
    pub fn timeout(&self, play_length: Duration) -> Duration {
        self.timeout.unwrap_or(match &self.action {
            Action::WaitForSilence { .. } => Duration::from_secs(30),
            Action::Press(digits) => Duration::from_secs(10) + press_length(digits),
            Action::Play(_) => play_length + Duration::from_secs(5),
            Action::ExpectTone { .. } => Duration::from_secs(5),
            Action::ExpectAudio(d) | Action::ExpectSilence(d) => *d + Duration::from_secs(5),
            Action::Wait(d) => *d + Duration::from_secs(1),
            Action::HangUp => Duration::from_secs(5),
        })
    }
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

const NAMES: &str =
    "wait-for-silence, press, play, expect-tone, expect-audio, expect-silence, wait, hangup";

/// Reads one step: a name, perhaps a value, then `key=value` options.
pub fn parse(text: &str) -> Result<Step, String> {
    let mut words = text.split_whitespace();
    let name = words.next().ok_or("the step is empty")?;
    let mut value: Option<&str> = None;
    let mut options: Vec<(&str, &str)> = Vec::new();
    for word in words {
        match word.split_once('=') {
            Some(option) => options.push(option),
            None if value.is_none() => value = Some(word),
            None => return Err(format!("{word:?} is one word too many")),
        }
    }
    let mut timeout = None;
    let mut quiet = Duration::from_secs(1);
    let mut hold = Duration::from_millis(300);
    for (key, raw) in options {
        let duration = duration(raw).map_err(|why| format!("{key}={raw}: {why}"))?;
        match key {
            "timeout" => timeout = Some(duration),
            "quiet" if name == "wait-for-silence" => quiet = duration,
            "for" if name == "expect-tone" => hold = duration,
            _ => return Err(format!("{name} has no option {key:?}")),
        }
    }
    let needs = |what: &str| {
        value.ok_or_else(|| format!("{name} needs {what}, as in: {name} {}", example(name)))
    };
    let action = match name {
        "wait-for-silence" => Action::WaitForSilence { quiet },
        "press" => {
            let digits = needs("the keys")?;
            check_digits(digits)?;
            Action::Press(digits.to_owned())
        }
        "play" => Action::Play(PathBuf::from(needs("a WAV file")?)),
        "expect-tone" => {
            let raw = needs("a frequency in Hz")?;
            let hz: f64 = raw
                .trim_end_matches("Hz")
                .trim_end_matches("hz")
                .parse()
                .ok()
                .filter(|hz: &f64| (50.0..=7_000.0).contains(hz))
                .ok_or_else(|| format!("{raw:?} is not a frequency from 50 to 7000 Hz"))?;
            Action::ExpectTone { hz, hold }
        }
        "expect-audio" => Action::ExpectAudio(duration(needs("a duration")?)?),
        "expect-silence" => Action::ExpectSilence(duration(needs("a duration")?)?),
        "wait" => Action::Wait(duration(needs("a duration")?)?),
        "hangup" | "hang-up" => Action::HangUp,
        other => return Err(format!("{other:?} is not a step (the steps are: {NAMES})")),
    };
    if value.is_some() && matches!(action, Action::WaitForSilence { .. } | Action::HangUp) {
        return Err(format!("{name} takes no value, only options"));
    }
    Ok(Step {
        text: text.split_whitespace().collect::<Vec<_>>().join(" "),
        action,
        timeout,
    })
}

fn example(name: &str) -> &'static str {
    match name {
        "press" => "1w23#",
        "play" => "prompt.wav",
        "expect-tone" => "1000",
        _ => "2s",
    }
}

/// `2s`, `500ms`, `1m`; a bare number is seconds.
pub fn duration(text: &str) -> Result<Duration, String> {
    if let Ok(seconds) = text.parse::<f64>()
        && seconds.is_finite()
        && seconds >= 0.0
    {
        return Ok(Duration::from_secs_f64(seconds));
    }
    humantime::parse_duration(text)
        .map_err(|_| format!("{text:?} is not a duration such as 2s or 500ms"))
}

/// The `steps:` of a scenario file. Each item is a step as `--step` writes it, or a one-key map:
/// `- press: 12#`, `- expect-tone: {hz: 1000, timeout: 8s}`.
pub fn parse_scenario(yaml: &str) -> Result<Vec<Step>, String> {
    let docs = YamlLoader::load_from_str(yaml).map_err(|err| {
        let at = err.marker();
        format!(
            "line {}, column {}: {}",
            at.line(),
            at.col() + 1,
            err.info()
        )
    })?;
    let Some(steps) = docs.first().map(|doc| &doc["steps"]) else {
        return Err("the file is empty: write the steps as a list under steps:".to_owned());
    };
    let Yaml::Array(items) = steps else {
        return Err("there is no list under steps:".to_owned());
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            item_text(item)
                .and_then(|text| parse(&text))
                .map_err(|why| format!("step {}: {why}", i + 1))
        })
        .collect()
}

fn item_text(item: &Yaml) -> Result<String, String> {
    match item {
        Yaml::String(text) => Ok(text.clone()),
        Yaml::Hash(map) if map.len() == 1 => {
            let (name, value) = map.iter().next().ok_or("an empty step")?;
            let name = scalar(name)?;
            match value {
                Yaml::Hash(options) => {
                    let mut text = name;
                    for (key, value) in options {
                        let (key, value) = (scalar(key)?, scalar(value)?);
                        if ["hz", "digits", "file", "duration"].contains(&key.as_str()) {
                            text = format!("{text} {value}");
                        } else {
                            text = format!("{text} {key}={value}");
                        }
                    }
                    Ok(text)
                }
                Yaml::Null => Ok(name),
                value => Ok(format!("{name} {}", scalar(value)?)),
            }
        }
        _ => Err("a step is a line such as `press 1` or a map such as `press: 1`".to_owned()),
    }
}

fn scalar(yaml: &Yaml) -> Result<String, String> {
    match yaml {
        Yaml::String(s) | Yaml::Real(s) => Ok(s.clone()),
        Yaml::Integer(i) => Ok(i.to_string()),
        _ => Err("a step's name and values are single words or numbers".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_read_with_their_options() {
        let step = parse("expect-tone 1000 for=200ms timeout=8s").unwrap();
        assert_eq!(
            step.action,
            Action::ExpectTone {
                hz: 1000.0,
                hold: Duration::from_millis(200)
            }
        );
        assert_eq!(step.timeout(Duration::ZERO), Duration::from_secs(8));
        assert_eq!(
            parse("press 1w2#").unwrap().action,
            Action::Press("1w2#".into())
        );
        assert_eq!(
            parse("wait-for-silence quiet=2s").unwrap().action,
            Action::WaitForSilence {
                quiet: Duration::from_secs(2)
            }
        );
        assert_eq!(
            parse("expect-silence 1.5").unwrap().action,
            Action::ExpectSilence(Duration::from_millis(1500))
        );
        assert_eq!(parse("hangup").unwrap().action, Action::HangUp);
        assert_eq!(parse("play  a.wav").unwrap().text, "play a.wav");
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
            ("hangup now", "takes no value"),
            ("press 1 quiet=2s", "has no option \"quiet\""),
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
}
