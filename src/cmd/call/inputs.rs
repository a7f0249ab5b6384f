//! `c2c call`'s flags read into what the call is to do (`CallSpec`) and where its results go
//! (`Outputs`): every mistake is a usage error that names the flag, before a browser or a tunnel
//! is started.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::call::{CallSpec, Sound};
use crate::cli::CallArgs;
use crate::error::Error;
use crate::scenario::{self, Step};

/// Where the call's results go.
pub struct Outputs {
    pub record: Option<PathBuf>,
    pub json: bool,
    pub junit: Option<PathBuf>,
}

pub fn read(args: &CallArgs) -> Result<(CallSpec, Outputs), Error> {
    let target = args.target.trim().to_owned();
    if target.is_empty() {
        return Err(Error::Input(
            "NUMBER is empty: give a number such as +14155552671, or client:NAME".to_owned(),
        ));
    }
    let steps = steps(args)?;
    let timeout = duration("--timeout", &args.timeout)?;
    let mut spec = CallSpec::new(target, steps, timeout)
        .map_err(|err| Error::Input(format!("--step play: {err}")))?;
    spec.play = args
        .play
        .as_deref()
        .map(|path| Sound::read(path).map_err(|err| Error::Input(format!("--play: {err}"))))
        .transpose()?;
    if let Some(digits) = &args.digits {
        scenario::check_digits(digits)
            .map_err(|why| Error::Input(format!("--digits {digits:?}: {why}")))?;
    }
    spec.digits = args.digits.clone();
    spec.hangup_after = args
        .hangup_after
        .as_deref()
        .map(|text| duration("--hangup-after", text))
        .transpose()?;
    check_outputs(args)?;
    let outputs = Outputs {
        record: args.record.clone(),
        json: args.json,
        junit: args.junit.clone(),
    };
    Ok((spec, outputs))
}

/// The steps: the `--scenario` file's, then each `--step`.
fn steps(args: &CallArgs) -> Result<Vec<Step>, Error> {
    let mut steps = match &args.scenario {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|err| {
                Error::Input(format!(
                    "--scenario {}: cannot read it: {err}",
                    path.display()
                ))
            })?;
            scenario::parse_scenario(&text)
                .map_err(|why| Error::Input(format!("--scenario {}: {why}", path.display())))?
        }
        None => Vec::new(),
    };
    for text in &args.steps {
        steps.push(
            scenario::parse(text).map_err(|why| Error::Input(format!("--step {text:?}: {why}")))?,
        );
    }
    Ok(steps)
}

/// The folders `--record` and `--junit` write into must exist before the call, not after it.
fn check_outputs(args: &CallArgs) -> Result<(), Error> {
    for (flag, path) in [("--record", &args.record), ("--junit", &args.junit)] {
        if let Some(dir) = path.as_deref().and_then(Path::parent)
            && !dir.as_os_str().is_empty()
            && !dir.is_dir()
        {
            return Err(Error::Input(format!(
                "{flag} {}: the folder {} does not exist",
                path.as_deref().unwrap_or(dir).display(),
                dir.display()
            )));
        }
    }
    Ok(())
}

/// A flag's duration, read as a step's are; zero is no duration for these.
fn duration(flag: &str, text: &str) -> Result<Duration, Error> {
    scenario::duration(text)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| {
            Error::Input(format!(
                "{flag} {text:?} is not a duration: write it as 30s, 2m or 1m30s"
            ))
        })
}
