//! A step as written, before it is checked: `--step` text (words as a shell splits them) or a
//! YAML step (a line, or a one-key map), both read into one `StepSpec`, which prints back as
//! written.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;

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
const VALUE_KEYS: &[&str] = &["hz", "digits", "file", "duration", "phrase", "text"];

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
