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
mod tests {
    use super::super::{ACCOUNT_SID, API_SECRET, PORT};
    use super::*;
    use clap::{Arg, Command};

    fn command() -> Command {
        command_reading_port_from("C2C_TEST_PORT")
    }

    /// The test that sets a port variable reads it under a name of its own: tests run in
    /// parallel, and another would see it.
    fn command_reading_port_from(env: &'static str) -> Command {
        Command::new("t")
            .arg(
                Arg::new("account_sid")
                    .long("account-sid")
                    .env("C2C_TEST_ACCOUNT_SID"),
            )
            .arg(Arg::new("port").long("port").env(env).default_value("5000"))
    }

    const SID_ENV: Setting = Setting {
        env: "C2C_TEST_ACCOUNT_SID",
        ..ACCOUNT_SID
    };
    const PORT_ENV: Setting = Setting {
        env: "C2C_TEST_PORT_SET",
        ..PORT
    };
    const SID_A: &str = "AC00000000000000000000000000000001";
    const SID_B: &str = "AC00000000000000000000000000000002";
    const SID_C: &str = "AC00000000000000000000000000000003";

    fn files(dotenv: &[(&str, &str)], config: &[(&str, &str)]) -> Files {
        let map = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        Files {
            dotenv: Some((PathBuf::from("/p/.env"), map(dotenv))),
            config: Some((PathBuf::from("/p/config.toml"), map(config))),
            config_path: Some(PathBuf::from("/p/config.toml")),
        }
    }

    #[test]
    fn a_flag_beats_the_dotenv_file_which_beats_the_config_file() {
        let files = files(
            &[("C2C_TEST_ACCOUNT_SID", SID_B)],
            &[("account_sid", SID_C)],
        );
        let matches = command().get_matches_from(["t", "--account-sid", SID_A]);
        let found = Resolver::new(&matches, &files).lookup(&SID_ENV).unwrap();
        assert_eq!(
            (found.value.as_str(), found.origin),
            (SID_A, Origin::Flag("--account-sid"))
        );

        let matches = command().get_matches_from(["t"]);
        let found = Resolver::new(&matches, &files).lookup(&SID_ENV).unwrap();
        assert_eq!(found.value, SID_B);
        assert_eq!(
            found.origin,
            Origin::DotEnv("C2C_TEST_ACCOUNT_SID", "/p/.env".into())
        );

        let files = self::files(&[], &[("account_sid", SID_C)]);
        let found = Resolver::new(&matches, &files).lookup(&SID_ENV).unwrap();
        assert_eq!(
            found.origin,
            Origin::File("account_sid", "/p/config.toml".into())
        );
    }

    #[test]
    fn the_environment_beats_the_dotenv_file() {
        // SAFETY: this variable is read by this test alone.
        unsafe { std::env::set_var("C2C_TEST_PORT_SET", "6000") };
        let files = files(&[("C2C_TEST_PORT_SET", "7000")], &[("port", "8000")]);
        let matches = command_reading_port_from("C2C_TEST_PORT_SET").get_matches_from(["t"]);
        let found = Resolver::new(&matches, &files).lookup(&PORT_ENV).unwrap();
        assert_eq!(
            (found.value.as_str(), found.origin),
            ("6000", Origin::Env("C2C_TEST_PORT_SET"))
        );
    }

    #[test]
    fn the_default_comes_last() {
        let matches = command().get_matches_from(["t"]);
        let files = files(&[], &[("port", "8000")]);
        let found = Resolver::new(&matches, &files).lookup(&PORT).unwrap();
        assert_eq!(found.value, "8000");
        let files = self::files(&[], &[]);
        let found = Resolver::new(&matches, &files).lookup(&PORT).unwrap();
        assert_eq!(
            (found.value.as_str(), found.origin),
            ("5000", Origin::Default("--port"))
        );
    }

    #[test]
    fn settings_without_a_flag_read_the_environment_then_the_files() {
        const TIMEOUT: Setting = Setting {
            env: "C2C_TEST_TIMEOUT_SET",
            ..super::super::TWILIO_TIMEOUT
        };
        const HOOK: Setting = Setting {
            env: "C2C_TEST_HOOK_SET",
            ..super::super::NGROK_TEST_EDGE
        };
        let matches = command().get_matches_from(["t"]);
        let files = files(
            &[("C2C_TEST_TIMEOUT_SET", "7"), ("C2C_TEST_HOOK_SET", "x")],
            &[],
        );
        let resolver = Resolver::new(&matches, &files);
        let found = resolver.lookup(&TIMEOUT).unwrap();
        assert_eq!(found.value, "7");
        // A test hook is never taken from a file.
        assert!(resolver.lookup(&HOOK).is_none());
        // SAFETY: these variables are read by this test alone.
        unsafe {
            std::env::set_var("C2C_TEST_TIMEOUT_SET", "9");
            std::env::set_var("C2C_TEST_HOOK_SET", "127.0.0.1:1");
        }
        assert_eq!(resolver.lookup(&TIMEOUT).unwrap().value, "9");
        let hook = resolver.lookup(&HOOK).unwrap();
        assert_eq!(hook.origin, Origin::Env("C2C_TEST_HOOK_SET"));
    }

    #[test]
    fn a_flag_this_command_lacks_is_read_from_its_variable_in_every_build() {
        // doctor has no --chrome, and still checks the CHROME_PATH that c2c call would use. The
        // command here lacks the flag, as doctor does (a release build's clap says nothing).
        const CHROME_ENV: Setting = Setting {
            env: "C2C_TEST_CHROME_SET",
            ..super::super::CHROME
        };
        // SAFETY: this variable is read by this test alone.
        unsafe { std::env::set_var("C2C_TEST_CHROME_SET", "/opt/chromium") };
        let matches = command().get_matches_from(["t"]);
        let files = files(&[], &[]);
        let found = Resolver::new(&matches, &files).lookup(&CHROME_ENV).unwrap();
        assert_eq!(
            (found.value.as_str(), found.origin),
            ("/opt/chromium", Origin::Env("C2C_TEST_CHROME_SET"))
        );
    }

    #[test]
    fn a_program_or_folder_in_the_config_file_is_from_that_files_folder() {
        let matches = command().get_matches_from(["t"]);
        let files = files(
            &[],
            &[("speech_model", "models"), ("chrome", "/usr/bin/chromium")],
        );
        let resolver = Resolver::new(&matches, &files);
        let model = resolver.lookup(&super::super::SPEECH_MODEL).unwrap();
        assert_eq!(model.value, "/p/models");
        assert_eq!(
            resolver.lookup(&super::super::CHROME).unwrap().value,
            "/usr/bin/chromium"
        );
        // Other settings are taken as written.
        let files = self::files(&[], &[("identity", "models")]);
        let found = Resolver::new(&matches, &files)
            .lookup(&super::super::IDENTITY)
            .unwrap();
        assert_eq!(found.value, "models");
    }

    #[test]
    fn problems_name_the_source_and_the_fix_and_are_all_reported() {
        let files = files(&[("C2C_TEST_ACCOUNT_SID", "AC123")], &[]);
        let matches = command().get_matches_from(["t"]);
        let mut resolver = Resolver::new(&matches, &files);
        let sid = resolver.require_sid(&SID_ENV, SidKind::Account);
        let secret = resolver.require_secret(&API_SECRET);
        let err = resolver.finish(sid.zip(secret)).unwrap_err().to_string();
        assert!(err.starts_with("2 settings need attention:"), "{err}");
        assert!(
            err.contains("C2C_TEST_ACCOUNT_SID in /p/.env is not a valid Account SID: it is 5 characters long"),
            "{err}"
        );
        assert!(
            err.contains(
                "The API Key secret is not set. Pass --api-secret, or set TWILIO_API_SECRET"
            ),
            "{err}"
        );
        assert!(err.contains("/p/config.toml"), "{err}");
    }
}
