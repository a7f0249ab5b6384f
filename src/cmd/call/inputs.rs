//! `c2c call`'s flags read into what the call is to do (`CallSpec`) and where its results go
//! (`Outputs`): every mistake is a usage error that names the flag, before a browser or a tunnel
//! is started.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::call::{CallSpec, Sound, SpecError};
use crate::cli::CallArgs;
use crate::error::Error;
use crate::scenario::{self, HangUpAfter, Scenario};
use crate::speech::Size;

/// Where the call's results go.
pub struct Outputs {
    pub record: Option<PathBuf>,
    pub json: bool,
    pub junit: Option<PathBuf>,
}

/// `speech` is the model the call listens with unless its scenario says (`--speech`).
pub fn read(args: &CallArgs, speech: Size) -> Result<(CallSpec, Outputs), Error> {
    let mut file = scenario_file(args)?;
    let target = target(args.target.as_deref(), file.call.as_deref())?;
    crate::dial::target_shape(&target).map_err(|why| Error::Input(format!("NUMBER {why}")))?;
    // The flags are the scenario's keys too, over the file's: its steps, then theirs.
    for text in &args.steps {
        file.steps.push(
            scenario::parse(text).map_err(|why| Error::Input(format!("--step {text:?}: {why}")))?,
        );
    }
    if let Some(text) = &args.timeout {
        file.timeout = Some(duration("--timeout", text)?);
    }
    if let Some(digits) = &args.digits {
        scenario::check_digits(digits)
            .map_err(|why| Error::Input(format!("--digits {digits:?}: {why}")))?;
        file.digits = Some(digits.clone());
    }
    if let Some(text) = &args.hangup_after {
        file.hangup_after = Some(
            HangUpAfter::parse(text)
                .map_err(|why| Error::Input(format!("--hangup-after {why}")))?,
        );
    }
    let play = args
        .play
        .as_deref()
        .map(|path| Sound::read(path).map_err(|err| Error::Input(format!("--play: {err}"))))
        .transpose()?;
    if play.is_some() {
        file.play = None;
    }
    let mut spec = CallSpec::from_scenario(&file, target, speech).map_err(|err| {
        Error::Input(match (&err, &args.scenario) {
            (SpecError::Step { .. }, None) => format!("--step {err}"),
            (_, scenario) => format!(
                "--scenario {}: {err}",
                scenario.as_deref().unwrap_or(Path::new("")).display()
            ),
        })
    })?;
    if play.is_some() {
        spec.play = play;
    }
    if let Some(text) = &args.say {
        let step = scenario::parse(&format!("say {}", shell_words::quote(text)))
            .map_err(|why| Error::Input(format!("--say {text:?}: {why}")))?;
        spec.say = step.says().cloned();
    }
    let outputs = Outputs {
        record: args.record.clone().or(file.record),
        json: args.json,
        junit: args.junit.clone(),
    };
    check_outputs(&outputs)?;
    Ok((spec, outputs))
}

/// The `--scenario` file, read; an empty one without it.
fn scenario_file(args: &CallArgs) -> Result<Scenario, Error> {
    let Some(path) = &args.scenario else {
        return Ok(Scenario::default());
    };
    // Its paths stay inside its own folder.
    let root = path.parent().unwrap_or(Path::new(""));
    Scenario::read(path, root)
        .map_err(|why| Error::Input(format!("--scenario {}: {why}", path.display())))
}

/// Whom to call: the command line's NUMBER or the file's `call:`, which may not disagree.
fn target(given: Option<&str>, file: Option<&str>) -> Result<String, Error> {
    let given = given.map(str::trim);
    match (given, file) {
        (Some(""), _) => Err(Error::Input(
            "NUMBER is empty: give a number such as +14155552671, or client:NAME".to_owned(),
        )),
        (Some(given), Some(file)) if given != file => Err(Error::Input(format!(
            "NUMBER {given} and the scenario's call: {file} disagree: give the one to call once (drop NUMBER, or the file's call:)"
        ))),
        (Some(target), _) | (None, Some(target)) => Ok(target.to_owned()),
        (None, None) => Err(Error::Input(
            "no number to call: give NUMBER (such as +14155552671, or client:NAME), or call: in the --scenario file".to_owned(),
        )),
    }
}

/// The folders `--record` and `--junit` write into must exist before the call, not after it.
fn check_outputs(outputs: &Outputs) -> Result<(), Error> {
    for (flag, path) in [("--record", &outputs.record), ("--junit", &outputs.junit)] {
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

/// A flag's time limit, read as a scenario's are.
fn duration(flag: &str, text: &str) -> Result<Duration, Error> {
    scenario::time_limit(text).map_err(|why| Error::Input(format!("{flag} {why}")))
}
