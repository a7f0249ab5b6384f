//! The two settings files: `./.env` (or `--env-file`) and c2c's config file
//! (`$XDG_CONFIG_HOME/c2c/config.toml`, or `--config`), each read once.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::{ALL, Found, Origin, Problem, Setting, SettingsError};

#[derive(Debug, Default)]
pub struct Files {
    pub(super) dotenv: Option<(PathBuf, HashMap<String, String>)>,
    pub(super) config: Option<(PathBuf, HashMap<String, String>)>,
    /// Where a config file would be read from, for "missing" messages.
    pub(super) config_path: Option<PathBuf>,
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

    pub(super) fn dotenv(&self, name: &'static str) -> Option<Found> {
        let (path, vars) = self.dotenv.as_ref()?;
        let value = vars.get(name)?;
        Some(Found {
            value: value.clone(),
            origin: Origin::DotEnv(name, path.clone()),
        })
    }

    pub(super) fn config(&self, key: &'static str) -> Option<Found> {
        let (path, values) = self.config.as_ref()?;
        let value = values.get(key)?;
        Some(Found {
            value: value.clone(),
            origin: Origin::File(key, path.clone()),
        })
    }

    pub(super) fn how_to_set(&self, setting: &Setting) -> String {
        let dotenv = match &self.dotenv {
            Some((path, _)) => path.display().to_string(),
            None => "./.env".to_owned(),
        };
        let config = match &self.config_path {
            Some(path) => path.display().to_string(),
            None => "the config file".to_owned(),
        };
        let flag = setting
            .flag
            .map_or_else(String::new, |flag| format!("Pass {flag}, or "));
        let key = setting.key.map_or_else(String::new, |key| {
            format!(", or add {key} = \"…\" to {config}")
        });
        let set = if flag.is_empty() { "Set" } else { "set" };
        let dotenv = match setting.endpoint {
            true => String::new(),
            false => format!(" or in {dotenv}"),
        };
        format!(
            "{flag}{set} {} in the environment{dotenv}{key}. {}",
            setting.env, setting.hint
        )
    }
}

/// `$XDG_CONFIG_HOME/c2c/config.toml` on Linux, the platform's equivalent elsewhere.
pub fn default_config_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "c2c").map(|dirs| dirs.config_dir().join("config.toml"))
}

fn read_dotenv(path: &Path) -> Result<(PathBuf, HashMap<String, String>), SettingsError> {
    let iter = dotenvy::from_path_iter(path).map_err(|err| {
        SettingsError::file(path, format!("cannot read it ({})", io_reason(path, &err)))
    })?;
    let mut vars = HashMap::new();
    for item in iter {
        let (name, value) = item.map_err(|err| {
            SettingsError::file(
                path,
                format!("{}; lines look like NAME=value", io_reason(path, &err)),
            )
        })?;
        vars.insert(name, value);
    }
    warn_misspelt(path, &vars);
    warn_endpoints(path, &vars);
    Ok((path.to_owned(), vars))
}

/// Says so when the `.env` file names an address, how to reach one, or a program, which c2c does
/// not take from there (`Setting::endpoint`): silently ignoring it would puzzle whoever put it
/// there.
fn warn_endpoints(path: &Path, vars: &HashMap<String, String>) {
    for setting in ALL
        .iter()
        .filter(|s| s.endpoint && vars.contains_key(s.env))
    {
        let flag = setting
            .flag
            .map_or_else(String::new, |flag| format!("{flag}, "));
        tracing::warn!(
            "{}: {} is ignored: c2c takes addresses, how it reaches them, and programs only from {flag}the environment or its config file, so that a project's .env cannot send your credentials elsewhere, in the clear, or run a program",
            path.display(),
            setting.env
        );
    }
}

/// The known name `name` is most likely a misspelling of: two edits away at most.
fn closest<'a>(name: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| {
            (
                strsim::levenshtein(&name.to_ascii_lowercase(), &k.to_ascii_lowercase()),
                *k,
            )
        })
        .filter(|(distance, _)| *distance <= 2)
        .min()
        .map(|(_, k)| k)
}

/// Warns about a variable in the `.env` file that looks like a misspelt setting; other
/// variables are left alone (the file is often shared with other tools).
fn warn_misspelt(path: &Path, vars: &HashMap<String, String>) {
    let known: Vec<&str> = ALL.iter().map(|s| s.env).collect();
    for name in vars.keys().filter(|name| !known.contains(&name.as_str())) {
        if let Some(meant) = closest(name, &known) {
            tracing::warn!(
                "{}: {name} is not a setting c2c reads: did you mean {meant}?",
                path.display()
            );
        }
    }
}

fn io_reason(path: &Path, err: &dotenvy::Error) -> String {
    match err {
        dotenvy::Error::Io(io) => io.to_string(),
        dotenvy::Error::LineParse(line, index) => {
            // dotenvy's own message quotes the line, which may hold a secret: say where it is.
            let text = std::fs::read_to_string(path).unwrap_or_default();
            let number = text
                .lines()
                .position(|l| l.trim() == line.trim())
                .map_or_else(String::new, |n| format!("line {}, ", n + 1));
            format!("it cannot be parsed at {number}column {}", index + 1)
        }
        other => other.to_string(),
    }
}

fn read_config(path: &Path) -> Result<(PathBuf, HashMap<String, String>), SettingsError> {
    let text = std::fs::read_to_string(path)
        .map_err(|err| SettingsError::file(path, format!("cannot read it ({err})")))?;
    let table: toml::Table = text.parse().map_err(|err: toml::de::Error| {
        let line = err.span().map_or_else(String::new, |span| {
            let before = &text[..span.start];
            let line = before.matches('\n').count() + 1;
            let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
            format!(" at line {line}, column {column}")
        });
        SettingsError::file(
            path,
            format!("it is not valid TOML{line}: {}", err.message()),
        )
    })?;
    let mut values = HashMap::new();
    let mut problems = Vec::new();
    for (key, value) in table {
        if !ALL.iter().any(|s| s.key == Some(key.as_str())) {
            let known: Vec<&str> = ALL.iter().filter_map(|s| s.key).collect();
            let why = match closest(&key, &known) {
                Some(meant) => format!("unknown key {key:?}: did you mean {meant}?"),
                None => format!(
                    "unknown key {key:?}; the keys c2c reads are {}",
                    known.join(", ")
                ),
            };
            problems.push(Problem::File {
                path: path.to_owned(),
                why,
            });
            continue;
        }
        match config_text(value) {
            Some(text) => {
                values.insert(key, text);
            }
            None => problems.push(Problem::File {
                path: path.to_owned(),
                why: format!("{key} must be a string or a number"),
            }),
        }
    }
    if problems.is_empty() {
        Ok((path.to_owned(), values))
    } else {
        Err(SettingsError { problems })
    }
}

/// A config value as the text a flag would give; lists become comma-separated, as in
/// `--allow-country US,GB`.
fn config_text(value: toml::Value) -> Option<String> {
    Some(match value {
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
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_config_file_with_an_unknown_key_or_bad_toml_is_refused_with_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "account_sid = \"AC1\"\nacount_sid = \"x\"\n").unwrap();
        let err = read_config(&path).unwrap_err().to_string();
        assert!(
            err.contains("unknown key \"acount_sid\": did you mean account_sid?"),
            "{err}"
        );
        std::fs::write(&path, "colour = \"x\"\n").unwrap();
        let err = read_config(&path).unwrap_err().to_string();
        assert!(
            err.contains("the keys c2c reads are account_sid, "),
            "{err}"
        );

        std::fs::write(&path, "port = 5000\napi_key = \n").unwrap();
        let err = read_config(&path).unwrap_err().to_string();
        assert!(err.contains("not valid TOML at line 2, column 11"), "{err}");

        std::fs::write(&path, "port = 5000\nallow_country = [\"US\", \"+44\"]\n").unwrap();
        let (_, values) = read_config(&path).unwrap();
        assert_eq!(values["port"], "5000");
        assert_eq!(values["allow_country"], "US,+44");
    }

    #[test]
    fn the_test_hooks_have_no_key_in_the_config_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "ngrok_test_edge = \"127.0.0.1:1\"\n").unwrap();
        let err = read_config(&path).unwrap_err().to_string();
        assert!(err.contains("unknown key \"ngrok_test_edge\""), "{err}");
    }

    #[test]
    fn a_broken_dotenv_line_is_reported_without_its_text() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env");
        std::fs::write(&path, "A=1\nTWILIO_API_SECRET='s3cr3t-value\n").unwrap();
        let err = read_dotenv(&path).unwrap_err().to_string();
        assert!(err.contains("cannot be parsed at line 2, column"), "{err}");
        assert!(!err.contains("s3cr3t"), "{err}");
    }
}
