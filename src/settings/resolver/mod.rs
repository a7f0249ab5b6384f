//! Looking a setting up in every layer, highest first, and collecting what is wrong.

use std::fmt;
use std::path::PathBuf;

use clap::ArgMatches;
use clap::parser::ValueSource;

use super::{Files, Problem, Setting, SettingsError};
use crate::secret::Secret;
use crate::sid::{Sid, SidKind};

/// Where a value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Flag(&'static str),
    Env(&'static str),
    DotEnv(&'static str, PathBuf),
    File(&'static str, PathBuf),
    Default(&'static str),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Flag(flag) => write!(f, "{flag}"),
            Origin::Env(name) => write!(f, "{name} (environment)"),
            Origin::DotEnv(name, path) => write!(f, "{name} in {}", path.display()),
            Origin::File(key, path) => write!(f, "{key} in {}", path.display()),
            Origin::Default(flag) => write!(f, "the default of {flag}"),
        }
    }
}

/// A value and where it came from.
#[derive(Debug, Clone)]
pub struct Found {
    pub value: String,
    pub origin: Origin,
}

/// `value` from the config file `file`: a relative path is from the file's folder.
fn from_folder_of(file: &std::path::Path, value: &str) -> String {
    let path = std::path::Path::new(value.trim());
    match (path.is_relative(), file.parent()) {
        (true, Some(folder)) => folder.join(path).to_string_lossy().into_owned(),
        _ => value.to_owned(),
    }
}

/// Looks settings up in all layers and collects what is wrong with them, so that every problem
/// is reported at once.
pub struct Resolver<'a> {
    matches: &'a ArgMatches,
    files: &'a Files,
    problems: Vec<Problem>,
    /// The endpoint settings already warned of, so that a setting two jobs read is named once.
    warned: Vec<&'static str>,
}

impl<'a> Resolver<'a> {
    /// `matches` are the subcommand's own, where its flags live.
    pub fn new(matches: &'a ArgMatches, files: &'a Files) -> Self {
        Resolver {
            matches,
            files,
            problems: Vec::new(),
            warned: Vec::new(),
        }
    }

    /// The value of `setting` from the highest layer that has one, its default last.
    pub fn lookup(&self, setting: &Setting) -> Option<Found> {
        // An empty value counts as unset, so that `TWILIO_API_KEY=` in the shell does not hide
        // the value in .env.
        let non_empty = |found: &Found| !found.value.trim().is_empty();
        let Some(key) = setting.key else {
            return std::env::var(setting.env)
                .ok()
                .map(|value| Found {
                    value,
                    origin: Origin::Env(setting.env),
                })
                .filter(non_empty);
        };
        let given = match setting.flag {
            Some(flag) => self.given(setting, flag),
            None => std::env::var(setting.env).ok().map(|value| Found {
                value,
                origin: Origin::Env(setting.env),
            }),
        };
        given
            .filter(non_empty)
            .or_else(|| {
                // See `Setting::endpoint`: `read_dotenv` warns of one found there.
                (!setting.endpoint)
                    .then(|| self.files.dotenv(setting.env))
                    .flatten()
                    .filter(non_empty)
            })
            .or_else(|| {
                let found = self.files.config(key).filter(non_empty)?;
                Some(match (&found.origin, setting.local_path) {
                    (Origin::File(key, file), true) => Found {
                        value: from_folder_of(file, &found.value),
                        origin: Origin::File(key, file.clone()),
                    },
                    _ => found,
                })
            })
            .or_else(|| {
                let flag = setting.flag?;
                self.clap_value(setting, Origin::Default(flag))
                    .filter(non_empty)
            })
    }

    /// The value clap found on the command line, or the setting's variable in the environment.
    fn given(&self, setting: &Setting, flag: &'static str) -> Option<Found> {
        // `try_get_raw` because a setting may have no flag on this subcommand and still be read
        // (doctor reads CHROME_PATH, say). clap cannot say which: asked for an id the command
        // lacks, a debug build answers with an error and a release build with nothing. So the
        // variable is read here whenever the command line did not give the flag: where clap
        // read it too, it is the same value.
        match self.matches.try_get_raw(setting.id) {
            Ok(Some(_))
                if self.matches.value_source(setting.id) == Some(ValueSource::CommandLine) =>
            {
                self.clap_value(setting, Origin::Flag(flag))
            }
            _ => std::env::var(setting.env).ok().map(|value| Found {
                value,
                origin: Origin::Env(setting.env),
            }),
        }
    }

    fn clap_value(&self, setting: &Setting, origin: Origin) -> Option<Found> {
        let values = self.matches.try_get_raw(setting.id).ok().flatten()?;
        let parts: Vec<String> = values.map(|v| v.to_string_lossy().into_owned()).collect();
        Some(Found {
            value: parts.join(","),
            origin,
        })
    }

    /// A setting that must be present, checked by `parse`.
    pub fn require<T>(
        &mut self,
        setting: &Setting,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        match self.lookup(setting) {
            Some(found) => self.check(setting, found, parse),
            None => {
                let how = self.files.how_to_set(setting);
                self.record(Problem::Missing {
                    setting: setting.what,
                    how,
                });
                None
            }
        }
    }

    /// A setting that may be absent; `None` also when it is present but invalid, in which case
    /// the problem is recorded and `finish` reports it.
    pub fn optional<T>(
        &mut self,
        setting: &Setting,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        let found = self.lookup(setting)?;
        self.check(setting, found, parse)
    }

    /// An endpoint setting (`Setting::endpoint`) that may be absent. When it is set and
    /// `official` says the value is not Twilio's own (or not what c2c would find by itself), a
    /// warning names it, where it came from, and `unlike` (what it is not): a redirected
    /// connection or a program c2c did not find itself is never silent.
    pub fn endpoint<T>(
        &mut self,
        setting: &Setting,
        parse: impl FnOnce(&str) -> Result<T, String>,
        official: impl FnOnce(&T) -> bool,
        unlike: &str,
    ) -> Option<T> {
        let found = self.lookup(setting)?;
        let (text, origin) = (found.value.trim().to_owned(), found.origin.clone());
        let value = self.check(setting, found, parse)?;
        if !official(&value) && !self.warned.contains(&setting.env) {
            self.warned.push(setting.env);
            tracing::warn!(
                "the {} is {text:?}, set by {origin}: {unlike} (leave it unset unless you meant it)",
                setting.what,
            );
        }
        Some(value)
    }

    pub fn require_sid(&mut self, setting: &Setting, kind: SidKind) -> Option<Sid> {
        self.require(setting, |v| Sid::parse(kind, v).map_err(|e| e.to_string()))
    }

    pub fn require_secret(&mut self, setting: &Setting) -> Option<Secret> {
        self.require(setting, |v| Ok(Secret::new(v.trim())))
    }

    pub fn optional_secret(&mut self, setting: &Setting) -> Option<Secret> {
        self.optional(setting, |v| Ok(Secret::new(v.trim())))
    }

    /// Records a problem found by a check that spans settings, or an input that is not a setting.
    pub fn invalid(&mut self, origin: Origin, what: &'static str, why: String, fix: &'static str) {
        self.record(Problem::Invalid {
            origin,
            what,
            why,
            fix,
        });
    }

    /// Records that none of several settings that could do a job is set.
    pub fn missing(&mut self, setting: &'static str, how: String) {
        self.record(Problem::Missing { setting, how });
    }

    /// Records that a program c2c looks for by itself was found nowhere.
    pub fn not_found(&mut self, what: &'static str, how: String) {
        self.record(Problem::NotFound { what, how });
    }

    /// Keeps each problem once: a command that reads a setting for two jobs reports it once.
    fn record(&mut self, problem: Problem) {
        if !self.problems.contains(&problem) {
            self.problems.push(problem);
        }
    }

    fn check<T>(
        &mut self,
        setting: &Setting,
        found: Found,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        match parse(found.value.trim()) {
            Ok(value) => Some(value),
            Err(why) => {
                self.record(Problem::Invalid {
                    origin: found.origin,
                    what: setting.what,
                    why,
                    fix: setting.hint,
                });
                None
            }
        }
    }

    /// `Ok(value)` when nothing was wrong and `value` is complete (every `None` in it was
    /// recorded as a problem); otherwise every problem found.
    pub fn finish<T>(self, value: Option<T>) -> Result<T, SettingsError> {
        match value {
            Some(value) if self.problems.is_empty() => Ok(value),
            _ => Err(SettingsError {
                problems: self.problems,
            }),
        }
    }
}

#[cfg(test)]
mod tests;
