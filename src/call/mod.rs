//! `c2c call`: a real call placed by c2c's own page in headless Chromium, for scripts and CI.
//!
//! - `browser`: starts the browser, which carries many calls; `cdp`: the DevTools protocol over
//!   its pipe, each page's events routed to it; `cancel`: how a call is told to stop
//! - `page`: the page as c2c drives it (`driver.js` is injected into it)
//! - `session`: one call's life, steps included; `steps`: the scenario's language
//! - `audio`: what the page heard and how to measure it; `ear`: the steps that listen, each on a
//!   thread of its own (`listening`)
//! - `report`: outcome, JSON, JUnit

mod audio;
mod browser;
mod cancel;
mod cdp;
mod ear;
mod listening;
mod page;
mod report;
mod session;
mod steps;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use browser::Browser;
pub use cancel::Cancel;
pub use report::{Outcome, Report};

use crate::cli::CallArgs;
use crate::error::Error;
use crate::outcome::{CallOutcome, OutcomeKind};
use report::TwilioError;
use steps::{Action, Step};

/// A WAV file, read once before the call.
pub struct Sound {
    samples: Vec<i16>,
}

impl Sound {
    fn length(&self) -> Duration {
        Duration::from_secs_f64(self.samples.len() as f64 / f64::from(audio::RATE))
    }
}

/// What the call is to do, checked before anything starts.
pub struct Plan {
    /// When c2c call began: the promise that an unreachable Twilio is said within 10 s counts
    /// from here.
    started: Instant,
    pub target: String,
    play: Option<Sound>,
    digits: Option<String>,
    steps: Vec<Step>,
    /// The files the steps play, by the path they were given as.
    sounds: Vec<(PathBuf, Sound)>,
    timeout: Duration,
    hangup_after: Option<Duration>,
    pub record: Option<PathBuf>,
    pub json: bool,
    pub junit: Option<PathBuf>,
}

impl Plan {
    /// Reads the call's inputs: every mistake is a usage error that names the flag, before a
    /// browser or a tunnel is started.
    pub fn from_args(args: &CallArgs) -> Result<Plan, Error> {
        let target = args.target.trim().to_owned();
        if target.is_empty() {
            return Err(Error::Input(
                "NUMBER is empty: give a number such as +14155552671, or client:NAME".to_owned(),
            ));
        }
        let steps = scenario(args)?;
        let sounds = sounds_of(&steps)?;
        let play = args
            .play
            .as_deref()
            .map(|path| read_sound(path, "--play"))
            .transpose()?;
        if let Some(digits) = &args.digits {
            steps::check_digits(digits)
                .map_err(|why| Error::Input(format!("--digits {digits:?}: {why}")))?;
        }
        let timeout = duration("--timeout", &args.timeout)?;
        let hangup_after = args
            .hangup_after
            .as_deref()
            .map(|text| duration("--hangup-after", text))
            .transpose()?;
        check_outputs(args)?;
        Ok(Plan {
            started: Instant::now(),
            target,
            play,
            digits: args.digits.clone(),
            steps,
            sounds,
            timeout,
            hangup_after,
            record: args.record.clone(),
            json: args.json,
            junit: args.junit.clone(),
        })
    }

    fn sound(&self, path: &Path) -> Option<&Sound> {
        self.sounds.iter().find(|(p, _)| p == path).map(|(_, s)| s)
    }
}

/// The steps: the `--scenario` file's, then each `--step`.
fn scenario(args: &CallArgs) -> Result<Vec<Step>, Error> {
    let mut steps = match &args.scenario {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|err| {
                Error::Input(format!(
                    "--scenario {}: cannot read it: {err}",
                    path.display()
                ))
            })?;
            steps::parse_scenario(&text)
                .map_err(|why| Error::Input(format!("--scenario {}: {why}", path.display())))?
        }
        None => Vec::new(),
    };
    for text in &args.steps {
        steps.push(
            steps::parse(text).map_err(|why| Error::Input(format!("--step {text:?}: {why}")))?,
        );
    }
    Ok(steps)
}

/// The files `play` steps play, each read once.
fn sounds_of(steps: &[Step]) -> Result<Vec<(PathBuf, Sound)>, Error> {
    let mut sounds: Vec<(PathBuf, Sound)> = Vec::new();
    for step in steps {
        if let Action::Play(path) = &step.action
            && !sounds.iter().any(|(p, _)| p == path)
        {
            sounds.push((path.clone(), read_sound(path, "--step play")?));
        }
    }
    Ok(sounds)
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

fn read_sound(path: &Path, flag: &str) -> Result<Sound, Error> {
    audio::read_wav(path)
        .map(|samples| Sound { samples })
        .map_err(|err| Error::Input(format!("{flag}: {err}")))
}

/// A flag's duration, read as a step's are; zero is no duration for these.
fn duration(flag: &str, text: &str) -> Result<Duration, Error> {
    steps::duration(text)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| {
            Error::Input(format!(
                "{flag} {text:?} is not a duration: write it as 30s, 2m or 1m30s"
            ))
        })
}

/// The report of a call c2c would not place at all (its dial policy refuses the number): said
/// before a browser starts, with every step skipped.
pub fn refused_up_front(plan: &Plan, message: String) -> Report {
    let steps = plan
        .steps
        .iter()
        .map(|step| report::StepResult {
            step: step.text.clone(),
            status: report::StepStatus::Skipped,
            seconds: 0.0,
            detail: "the call was not placed".to_owned(),
        })
        .collect();
    Report {
        target: plan.target.clone(),
        call_sid: None,
        outcome: Outcome::Refused,
        exit_status: Outcome::Refused.exit_code(false),
        answered: false,
        duration: 0.0,
        message,
        error: None,
        steps,
        recording: None,
    }
}

/// Starts the browser: first, since it takes the longest to be ready. It carries every call of
/// the run, each in a page of its own.
pub fn launch(path: &Path, extra: &[String]) -> Result<Arc<Browser>, Error> {
    Browser::launch(path, extra)
        .map(Arc::new)
        .map_err(|err| Error::Failed(err.to_string()))
}

/// Places the call from a page of its own in `browser` (c2c's page, at `page_url`) and follows it
/// to its end, or until `cancel` ends it.
pub async fn place(
    browser: &Arc<Browser>,
    plan: &Plan,
    page_url: &str,
    cancel: Cancel,
) -> Result<Report, Error> {
    let product = browser
        .ready()
        .await
        .map_err(|why| Error::Browser(why.to_owned()))?;
    tracing::debug!("the browser is {product}");
    let query: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("to", &plan.target)
        .finish();
    let url = format!("{page_url}?{query}");
    tracing::info!("calling {} from headless Chromium", plan.target);
    let mut page = page::Page::open(browser, &url)
        .await
        .map_err(|err| Error::Failed(format!("cannot open c2c's page in Chromium: {err}")))?;
    let lived = session::Session::new(&mut page, cancel, plan).run().await;
    page.close().await;
    let known = match lived.call_sid.as_str() {
        "" => None,
        sid => ask_outcome(page_url, sid).await,
    };
    let recording = match &plan.record {
        Some(path) => {
            audio::write_wav(path, lived.heard.all())
                .map_err(|err| Error::Failed(err.to_string()))?;
            Some(path.clone())
        }
        None => None,
    };
    Ok(report(plan, lived, known, recording))
}

/// c2c's own account of how the call ended (`GET /calls/CA…`), as the page gets it.
async fn ask_outcome(page_url: &str, sid: &str) -> Option<CallOutcome> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .ok()?;
    let response = client
        .get(format!("{page_url}calls/{sid}"))
        .send()
        .await
        .ok()?;
    if !response.status().is_success() {
        return None;
    }
    response.json().await.ok()
}

fn report(
    plan: &Plan,
    lived: session::Lived,
    known: Option<CallOutcome>,
    recording: Option<PathBuf>,
) -> Report {
    let duration = match (lived.answered_at, lived.ended_at) {
        (Some(start), Some(end)) => end.duration_since(start).as_secs_f64(),
        (Some(start), None) => start.elapsed().as_secs_f64(),
        _ => 0.0,
    };
    let (outcome, message) = classify(plan, &lived, known.as_ref(), duration);
    // Twilio answers the browser's leg to speak a refusal or an error, or before it dials: the
    // far end answered only when c2c's account of the call does not say it never did.
    let far_end_never = known
        .as_ref()
        .is_some_and(|k| !k.outcome.far_end_answered());
    let mut report = Report {
        target: plan.target.clone(),
        call_sid: Some(lived.call_sid).filter(|s| !s.is_empty()),
        outcome,
        exit_status: 0,
        answered: lived.answered_at.is_some() && !far_end_never,
        duration,
        message,
        // Code 0 is the page's own trouble, not Twilio's.
        error: lived.error.filter(|e| e.code != 0),
        steps: lived.steps,
        recording,
    };
    report.exit_status = outcome.exit_code(report.a_step_failed());
    report
}

/// How the call ended, and in words. c2c's account (`known`, from `/calls/CA…`) comes first: the
/// page only saw its own call end.
fn classify(
    plan: &Plan,
    lived: &session::Lived,
    known: Option<&CallOutcome>,
    duration: f64,
) -> (Outcome, String) {
    let message = || known.and_then(|k| k.message.clone()).unwrap_or_default();
    let target = &plan.target;
    match (known.map(|k| k.outcome), &lived.error) {
        _ if lived.interrupted => (Outcome::Interrupted, "interrupted: hung up".to_owned()),
        _ if lived.ended_by.is_some() => (
            Outcome::Failed,
            format!("{}: hung up", lived.ended_by.as_deref().unwrap_or_default()),
        ),
        _ if lived.unreachable => (Outcome::Unreachable, lived.gone.clone().unwrap_or_default()),
        (Some(OutcomeKind::Refused), _) => (Outcome::Refused, message()),
        (Some(OutcomeKind::RejectedWebhook), _) => (Outcome::Failed, message()),
        (Some(OutcomeKind::Busy), _) => (Outcome::Busy, format!("{target} was busy")),
        (Some(OutcomeKind::NoAnswer), _) => (Outcome::NoAnswer, format!("{target} did not answer")),
        (Some(OutcomeKind::Failed), _) => (
            Outcome::Failed,
            format!(
                "Twilio could not connect the call to {target} (its call log says why; c2c doctor checks the account)"
            ),
        ),
        _ if lived.timed_out => (
            Outcome::NoAnswer,
            format!(
                "nobody answered within {}",
                humantime::format_duration(plan.timeout)
            ),
        ),
        (_, Some(TwilioError { code: 0, message })) => (
            Outcome::Failed,
            lived.gone.clone().unwrap_or_else(|| message.clone()),
        ),
        (_, Some(TwilioError { code, message })) => {
            (Outcome::Failed, format!("Twilio error {code}: {message}"))
        }
        _ if lived.answered_at.is_some() => (
            Outcome::Completed,
            format!("answered; the call lasted {duration:.1} s"),
        ),
        _ => (
            Outcome::Failed,
            lived
                .gone
                .clone()
                .unwrap_or_else(|| "the call ended before anyone answered".to_owned()),
        ),
    }
}

/// What the user reads: the report as JSON on standard output, or the outcome on standard error;
/// the JUnit file when asked for. The exit status comes back as the error.
pub fn finish(plan: &Plan, report: &Report) -> Result<(), Error> {
    if plan.json {
        crate::stdout::line(serde_json::to_string_pretty(report).unwrap_or_default())?;
    }
    if let Some(path) = &plan.junit {
        std::fs::write(path, report::junit(report)).map_err(|err| {
            Error::Failed(format!(
                "cannot write the JUnit report {}: {err}",
                path.display()
            ))
        })?;
    }
    if let Some(path) = &report.recording {
        tracing::info!("recorded what the page heard in {}", path.display());
    }
    let failed_step = report
        .steps
        .iter()
        .position(|s| s.status == report::StepStatus::Failed);
    match (report.exit_status, failed_step) {
        (0, _) => {
            tracing::info!("{}", report.message);
            Ok(())
        }
        (code, Some(i)) if report.outcome == Outcome::Completed => Err(Error::Outcome {
            code,
            message: format!(
                "step {} ({}) failed: {}",
                i + 1,
                report.steps[i].step,
                report.steps[i].detail
            ),
        }),
        (code, _) => Err(Error::Outcome {
            code,
            message: report.message.clone(),
        }),
    }
}
