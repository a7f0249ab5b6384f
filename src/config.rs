//! Settings, resolved and checked once at start-up.
//!
//! Each setting comes from the first of these that has it:
//! 1. its command-line flag,
//! 2. its environment variable,
//! 3. the same variable in `./.env` (or the file `--env-file` names),
//! 4. its key in the config file (`$XDG_CONFIG_HOME/c2c/config.toml`, or `--config`),
//! 5. its default.
//!
//! Every value remembers where it came from, so that an error can say which flag, variable or
//! file line to fix. All the problems found are reported together: a newcomer missing four
//! settings learns about all four at once.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use clap::ArgMatches;
use clap::parser::ValueSource;

use crate::secret::Secret;
use crate::sid::{Sid, SidKind};

/// One setting: its clap argument, its flag, its variable and its key in the config file.
#[derive(Debug)]
pub struct Setting {
    /// The clap argument id (the field name in `cli`).
    pub id: &'static str,
    pub flag: &'static str,
    pub env: &'static str,
    pub key: &'static str,
    /// What it is, as a user would name it.
    pub what: &'static str,
    /// Where to find or how to make a value, for the "missing" message.
    pub hint: &'static str,
}

macro_rules! settings {
    ($($name:ident = $id:literal, $flag:literal, $env:literal, $key:literal, $what:literal, $hint:literal;)*) => {
        $(pub const $name: Setting = Setting {
            id: $id, flag: $flag, env: $env, key: $key, what: $what, hint: $hint,
        };)*
        /// Every setting, for checking the keys of a config file.
        pub const ALL: &[&Setting] = &[$(&$name),*];
    };
}

settings! {
    ACCOUNT_SID = "account_sid", "--account-sid", "TWILIO_ACCOUNT_SID", "account_sid",
        "Account SID", "It is on the Twilio Console's home page.";
    API_KEY = "api_key", "--api-key", "TWILIO_API_KEY", "api_key",
        "API Key SID", "Create an API Key in the Console under Account > API keys & tokens.";
    API_SECRET = "api_secret", "--api-secret", "TWILIO_API_SECRET", "api_secret",
        "API Key secret", "It is shown once, when the API Key is created.";
    AUTH_TOKEN = "auth_token", "--auth-token", "TWILIO_AUTH_TOKEN", "auth_token",
        "Auth Token", "It is on the Twilio Console's home page.";
    APP_SID = "twiml_app_sid", "--app-sid", "TWILIO_TWIML_APP_SID", "twiml_app_sid",
        "TwiML App SID", "Create one with `c2c configure --create NAME`, or copy it from the Console under Voice > TwiML Apps.";
    CALLER_ID = "caller_id", "--caller-id", "TWILIO_CALLER_ID", "caller_id",
        "caller ID", "Use one of your Twilio numbers, or a verified caller ID, in E.164 form (+15551234567).";
    REGION = "region", "--region", "TWILIO_REGION", "region",
        "Twilio region", "Leave it unset for the default (us1).";
    EDGE = "edge", "--edge", "TWILIO_EDGE", "edge",
        "Twilio edge", "Leave it unset for the default edge.";
    API_BASE = "api_base", "--api-base", "C2C_TWILIO_API_BASE", "api_base",
        "Twilio REST API base URL", "Leave it unset to use Twilio's.";
    NGROK_AUTHTOKEN = "ngrok_authtoken", "--authtoken", "NGROK_AUTHTOKEN", "ngrok_authtoken",
        "ngrok authtoken", "Get one at dashboard.ngrok.com > Your Authtoken.";
    NGROK_DOMAIN = "domain", "--domain", "C2C_NGROK_DOMAIN", "ngrok_domain",
        "ngrok domain", "Reserve one at dashboard.ngrok.com > Domains.";
    HOST = "host", "--host", "C2C_HOST", "host",
        "listen address", "Use an IP address such as 127.0.0.1.";
    PORT = "port", "--port", "C2C_PORT", "port",
        "port", "Use a number from 0 to 65535.";
    PUBLIC_URL = "public_url", "--public-url", "C2C_PUBLIC_URL", "public_url",
        "public URL", "Use the https:// address your tunnel or proxy gives you.";
    ALLOW_COUNTRY = "allow_country", "--allow-country", "C2C_ALLOW_COUNTRY", "allow_country",
        "allowed countries", "Use region codes (US, GB) or calling codes (+44), separated by commas.";
    TOKEN_RATE = "token_rate", "--token-rate", "C2C_TOKEN_RATE", "token_rate",
        "token rate limit", "Use a whole number of tokens per minute, or 0 for no limit.";
    IDENTITY = "identity", "--identity", "C2C_IDENTITY", "identity",
        "client identity", "Use letters, digits, _, - and . only.";
}

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

/// A problem with one setting, phrased so that it says what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    Missing {
        setting: &'static str,
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
    fn file(path: &Path, why: impl Into<String>) -> Self {
        SettingsError {
            problems: vec![Problem::File {
                path: path.to_owned(),
                why: why.into(),
            }],
        }
    }
}

/// The `.env` file and the config file, read once.
#[derive(Debug, Default)]
pub struct Files {
    dotenv: Option<(PathBuf, HashMap<String, String>)>,
    config: Option<(PathBuf, HashMap<String, String>)>,
    /// Where a config file would be read from, for "missing" messages.
    config_path: Option<PathBuf>,
}

impl Files {
    /// Reads `env_file` (it must exist) or `./.env` (if it exists), and `config_file` (it must
    /// exist) or the default config file (if it exists).
    pub fn load(
        env_file: Option<&Path>,
        config_file: Option<&Path>,
    ) -> Result<Self, SettingsError> {
        let dotenv = match env_file {
            Some(path) => Some(read_dotenv(path)?),
            None => {
                let path = Path::new(".env");
                if path.is_file() {
                    Some(read_dotenv(path)?)
                } else {
                    None
                }
            }
        };
        let (config, config_path) = match config_file {
            Some(path) => (Some(read_config(path)?), Some(path.to_owned())),
            None => {
                let path = default_config_path();
                match &path {
                    Some(p) if p.is_file() => (Some(read_config(p)?), path),
                    _ => (None, path),
                }
            }
        };
        Ok(Files {
            dotenv,
            config,
            config_path,
        })
    }

    fn dotenv(&self, name: &'static str) -> Option<Found> {
        let (path, vars) = self.dotenv.as_ref()?;
        let value = vars.get(name)?;
        Some(Found {
            value: value.clone(),
            origin: Origin::DotEnv(name, path.clone()),
        })
    }

    fn config(&self, key: &'static str) -> Option<Found> {
        let (path, values) = self.config.as_ref()?;
        let value = values.get(key)?;
        Some(Found {
            value: value.clone(),
            origin: Origin::File(key, path.clone()),
        })
    }

    fn how_to_set(&self, setting: &Setting) -> String {
        let dotenv = match &self.dotenv {
            Some((path, _)) => path.display().to_string(),
            None => "./.env".to_owned(),
        };
        let config = match &self.config_path {
            Some(path) => path.display().to_string(),
            None => "the config file".to_owned(),
        };
        format!(
            "Pass {}, set {} in the environment or in {dotenv}, or add {} = \"…\" to {config}. {}",
            setting.flag, setting.env, setting.key, setting.hint
        )
    }
}

/// `$XDG_CONFIG_HOME/c2c/config.toml` on Linux, the platform's equivalent elsewhere.
pub fn default_config_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "c2c").map(|dirs| dirs.config_dir().join("config.toml"))
}

fn read_dotenv(path: &Path) -> Result<(PathBuf, HashMap<String, String>), SettingsError> {
    let iter = dotenvy::from_path_iter(path).map_err(|err| {
        SettingsError::file(path, format!("cannot read it ({})", io_reason(&err)))
    })?;
    let mut vars = HashMap::new();
    for item in iter {
        let (name, value) = item.map_err(|err| {
            SettingsError::file(
                path,
                format!("{}; lines look like NAME=value", io_reason(&err)),
            )
        })?;
        vars.insert(name, value);
    }
    Ok((path.to_owned(), vars))
}

fn io_reason(err: &dotenvy::Error) -> String {
    match err {
        dotenvy::Error::Io(io) => io.to_string(),
        dotenvy::Error::LineParse(_, index) => {
            // dotenvy's own message quotes the line, which may hold a secret.
            format!("it cannot be parsed at character {index}")
        }
        other => other.to_string(),
    }
}

fn read_config(path: &Path) -> Result<(PathBuf, HashMap<String, String>), SettingsError> {
    let text = std::fs::read_to_string(path)
        .map_err(|err| SettingsError::file(path, format!("cannot read it ({err})")))?;
    let table: toml::Table = text.parse().map_err(|err: toml::de::Error| {
        let line = err
            .span()
            .map(|span| text[..span.start].lines().count().max(1))
            .map_or_else(String::new, |line| format!(" on line {line}"));
        SettingsError::file(
            path,
            format!("it is not valid TOML{line}: {}", err.message()),
        )
    })?;
    let mut values = HashMap::new();
    let mut problems = Vec::new();
    for (key, value) in table {
        if !ALL.iter().any(|s| s.key == key) {
            let known: Vec<&str> = ALL.iter().map(|s| s.key).collect();
            problems.push(Problem::File {
                path: path.to_owned(),
                why: format!(
                    "unknown key {key:?}; the keys c2c reads are {}",
                    known.join(", ")
                ),
            });
            continue;
        }
        let text = match value {
            toml::Value::String(s) => s,
            toml::Value::Integer(i) => i.to_string(),
            toml::Value::Boolean(b) => b.to_string(),
            toml::Value::Array(items) => {
                let parts: Vec<String> = items
                    .into_iter()
                    .map(|v| match v {
                        toml::Value::String(s) => s,
                        other => other
                            .as_integer()
                            .map_or_else(String::new, |i| i.to_string()),
                    })
                    .collect();
                parts.join(",")
            }
            _ => {
                problems.push(Problem::File {
                    path: path.to_owned(),
                    why: format!("{key} must be a string or a number"),
                });
                continue;
            }
        };
        values.insert(key, text);
    }
    if problems.is_empty() {
        Ok((path.to_owned(), values))
    } else {
        Err(SettingsError { problems })
    }
}

/// Looks settings up in all layers and collects what is wrong with them.
pub struct Resolver<'a> {
    matches: &'a ArgMatches,
    files: &'a Files,
    problems: Vec<Problem>,
}

impl<'a> Resolver<'a> {
    /// `matches` are the subcommand's own, where its flags live.
    pub fn new(matches: &'a ArgMatches, files: &'a Files) -> Self {
        Resolver {
            matches,
            files,
            problems: Vec::new(),
        }
    }

    /// The value of `setting` from the highest layer that has one, its default last.
    pub fn lookup(&self, setting: &Setting) -> Option<Found> {
        // `try_get_raw` because a setting may have no flag on this subcommand and still be read
        // from the files.
        let from_clap = |origin| {
            let values = self.matches.try_get_raw(setting.id).ok().flatten()?;
            let parts: Vec<String> = values.map(|v| v.to_string_lossy().into_owned()).collect();
            Some(Found {
                value: parts.join(","),
                origin,
            })
        };
        let source = match self.matches.try_get_raw(setting.id) {
            Ok(Some(_)) => self.matches.value_source(setting.id),
            _ => None,
        };
        let given = match source {
            Some(ValueSource::CommandLine) => from_clap(Origin::Flag(setting.flag)),
            Some(ValueSource::EnvVariable) => from_clap(Origin::Env(setting.env)),
            _ => None,
        };
        // An empty value counts as unset, so that `TWILIO_API_KEY=` in the shell does not hide
        // the value in .env.
        let non_empty = |found: &Found| !found.value.trim().is_empty();
        given
            .filter(non_empty)
            .or_else(|| self.files.dotenv(setting.env).filter(non_empty))
            .or_else(|| self.files.config(setting.key).filter(non_empty))
            .or_else(|| from_clap(Origin::Default(setting.flag)).filter(non_empty))
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

    /// Every problem found, for a caller whose required setting came out `None` (each `None` is
    /// recorded as a problem).
    pub fn into_error(self) -> SettingsError {
        SettingsError {
            problems: self.problems,
        }
    }

    /// `Ok` when nothing was wrong; otherwise every problem found.
    pub fn finish(self) -> Result<(), SettingsError> {
        if self.problems.is_empty() {
            Ok(())
        } else {
            Err(SettingsError {
                problems: self.problems,
            })
        }
    }
}

#[cfg(test)]
mod tests {
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
    fn problems_name_the_source_and_the_fix_and_are_all_reported() {
        let files = files(&[("C2C_TEST_ACCOUNT_SID", "AC123")], &[]);
        let matches = command().get_matches_from(["t"]);
        let mut resolver = Resolver::new(&matches, &files);
        assert!(resolver.require_sid(&SID_ENV, SidKind::Account).is_none());
        assert!(resolver.require_secret(&API_SECRET).is_none());
        let err = resolver.finish().unwrap_err().to_string();
        assert!(err.starts_with("2 settings need attention:"), "{err}");
        assert!(
            err.contains("C2C_TEST_ACCOUNT_SID in /p/.env is not a valid Account SID: it is 5 characters long"),
            "{err}"
        );
        assert!(
            err.contains("The API Key secret is not set. Pass --api-secret, set TWILIO_API_SECRET"),
            "{err}"
        );
        assert!(err.contains("/p/config.toml"), "{err}");
    }

    #[test]
    fn a_config_file_with_an_unknown_key_or_bad_toml_is_refused_with_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "account_sid = \"AC1\"\nacount_sid = \"x\"\n").unwrap();
        let err = read_config(&path).unwrap_err().to_string();
        assert!(err.contains("unknown key \"acount_sid\""), "{err}");

        std::fs::write(&path, "port = 5000\napi_key = \n").unwrap();
        let err = read_config(&path).unwrap_err().to_string();
        assert!(err.contains("not valid TOML on line 2"), "{err}");

        std::fs::write(&path, "port = 5000\nallow_country = [\"US\", \"+44\"]\n").unwrap();
        let (_, values) = read_config(&path).unwrap();
        assert_eq!(values["port"], "5000");
        assert_eq!(values["allow_country"], "US,+44");
    }

    #[test]
    fn a_broken_dotenv_line_is_reported_without_its_text() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env");
        std::fs::write(&path, "TWILIO_API_SECRET='s3cr3t-value\n").unwrap();
        let err = read_dotenv(&path).unwrap_err().to_string();
        assert!(err.contains("cannot be parsed"), "{err}");
        assert!(!err.contains("s3cr3t"), "{err}");
    }
}
