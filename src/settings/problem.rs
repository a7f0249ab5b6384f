//! What can be wrong with settings, phrased so that each problem says what to do.

use std::fmt;
use std::path::{Path, PathBuf};

use super::Origin;

/// A problem with one setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    Missing {
        setting: &'static str,
        how: String,
    },
    /// A program c2c looks for by itself, such as Chromium, was found nowhere.
    NotFound {
        what: &'static str,
        how: String,
    },
    Invalid {
        origin: Origin,
        what: &'static str,
        why: String,
        fix: &'static str,
    },
    File {
        path: PathBuf,
        why: String,
    },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Missing { setting, how } => write!(f, "The {setting} is not set. {how}"),
            Problem::NotFound { what, how } => write!(f, "{what} was not found. {how}"),
            Problem::Invalid {
                origin,
                what,
                why,
                fix,
            } => {
                write!(f, "{origin} is not a valid {what}: {why}. {fix}")
            }
            Problem::File { path, why } => write!(f, "{}: {why}", path.display()),
        }
    }
}

/// Every problem found while resolving settings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct SettingsError {
    pub problems: Vec<Problem>,
}

impl SettingsError {
    /// Whether every problem is a value typed on the command line: a usage error (exit 2)
    /// rather than a setting to fix (exit 3).
    pub fn all_typed(&self) -> bool {
        !self.problems.is_empty()
            && self.problems.iter().all(|p| {
                matches!(
                    p,
                    Problem::Invalid {
                        origin: Origin::Flag(_),
                        ..
                    }
                )
            })
    }
}

impl From<SettingsError> for crate::error::Error {
    fn from(err: SettingsError) -> Self {
        crate::error::Error::Settings {
            typed: err.all_typed(),
            message: err.to_string(),
        }
    }
}

impl fmt::Display for SettingsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.problems.as_slice() {
            [one] => write!(f, "{one}"),
            many => {
                write!(f, "{} settings need attention:", many.len())?;
                for problem in many {
                    write!(f, "\n  - {problem}")?;
                }
                Ok(())
            }
        }
    }
}

impl SettingsError {
    pub(super) fn file(path: &Path, why: impl Into<String>) -> Self {
        SettingsError {
            problems: vec![Problem::File {
                path: path.to_owned(),
                why: why.into(),
            }],
        }
    }
}
