//! `c2c call`: real calls placed by c2c's own page in headless Chromium, for scripts and CI.
//!
//! A run: `launch` one `Browser`, then `place` each call (a `CallSpec`) in a page of its own,
//! with a `Cancel` (a child of the run's token) and a channel for its `RunEvent`s; each returns
//! the call's `Report` and what its page heard. `follow` does the same on any call leg (`Leg`):
//! the page is one, the tests' `leg::scripted` another. The commands (`cmd::call`, `cmd::suite`)
//! show the events and write the reports.
//!
//! - `leg`: what a call leg must do for a session, its duties written on the trait
//! - `browser`: starts the browser, which carries many calls; `cdp`: the DevTools protocol over
//!   its pipe, each page's events routed to it; `cancel`: how a call is told to stop
//! - `page`: a page as c2c drives it (`driver.js` is injected into it); `said`: what it reports,
//!   typed and checked
//! - `spec`: what a call is to do; `session`: one call's life, its steps included
//! - `heard`: what the page heard, timed on its audio clock; `audio`: how to measure it (and WAV
//!   files); `ear`: the steps that listen, each on a thread of its own (`listening`)
//! - `transcriber`: the far end's words, from the answer on (`speech` recognises them)
//! - `quality`: the SDK's samples of the call's network quality, summarised, and a floor
//! - `health`: how busy the machine is, for a call c2c could not judge (inconclusive)
//! - `report`: outcome, verdict, JSON; `junit`: the same as JUnit XML

pub(crate) mod audio;
mod browser;
mod cancel;
mod cdp;
mod ear;
mod health;
mod heard;
mod junit;
mod leg;
pub mod line;
mod listening;
mod page;
mod quality;
mod report;
mod said;
mod session;
mod spec;
mod transcriber;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use audio::write_wav;
pub use browser::Browser;
pub use cancel::Cancel;
pub use junit::{Suite, junit, junit_suites};
pub use leg::Leg;
pub use quality::Quality;
pub use report::{INCONCLUSIVE, Outcome, Report, StepStatus, Verdict};
pub use spec::{CallSpec, DEFAULT_TIMEOUT, Sound, SpecError};
pub use transcriber::{Model, Models, Spoken};

use crate::error::Error;
use crate::outcome::{CallOutcome, OutcomeKind};
use report::TwilioError;
use session::Ending;

/// What happens during a call, for whoever shows it (the commands put it in words, with a clock
/// on a terminal).
#[derive(Debug, Clone, PartialEq)]
pub enum RunEvent {
    /// The leg's own words for where the call is ("Ringing …", "In call").
    Status(String),
    /// The far end's phone rings: the call has started (the page loaded, Twilio reached).
    Ringing,
    /// The far end answered.
    Answered,
    /// c2c's page went quiet this long where it talks more often (its heartbeat, or its audio
    /// in a call): it was starved of CPU. A suite's `--jobs auto` backs off on it.
    Starved(std::time::Duration),
    /// Step `index` (from 0) of `of` began.
    Step {
        index: usize,
        of: usize,
        step: String,
    },
    /// Step `index` (from 0) of `of` ended, after `seconds`: passed with what it found, failed
    /// or inconclusive and why.
    StepDone {
        index: usize,
        of: usize,
        step: String,
        seconds: f64,
        status: StepStatus,
        detail: String,
    },
    /// `--digits`' keys went out, or did not and why.
    Digits {
        digits: String,
        result: Result<(), String>,
    },
    /// `--say`'s words went into the call, or did not and why.
    Said {
        text: String,
        result: Result<(), String>,
    },
    /// c2c hangs up before the far end does, and why.
    HangingUp(HangUpReason),
    /// Twilio's error on the call, in the page's words (or c2c's, for Twilio out of reach).
    TwilioError(String),
    /// One of the Voice SDK's warnings about the call's quality, the first time it comes.
    QualityWarning(String),
    /// The far end said something (recognised once it paused).
    Heard(Spoken),
    /// The call has ended.
    Ended,
}

/// Why c2c hangs up a call that is still going.
#[derive(Debug, Clone, PartialEq)]
pub enum HangUpReason {
    /// An answered call's longest, when nothing said otherwise.
    LongestCall(Duration),
    /// `--hangup-after` (or `hangup-after:`) was reached.
    HangUpAfter,
    /// Ended from outside (the tunnel it needed closed, say), and why.
    EndedBy(String),
    /// Ctrl-C.
    Interrupted,
}

/// A call that ended: its report, everything the page heard (16 kHz mono), and, when c2c played
/// or said anything, what it sent, on the same clock.
pub struct Placed {
    pub report: Report,
    pub heard: Vec<i16>,
    pub sent: Option<Vec<i16>>,
}

impl Placed {
    /// Keeps what the page heard in `path` (WAV), when asked for, and names it in the report:
    /// mono, or, when c2c spoke, played or said anything, c2c on the left and the far end on the
    /// right, so that a turn can be replayed and measured by other tools.
    pub fn record(&mut self, path: Option<&Path>) -> Result<(), audio::WavError> {
        if let Some(path) = path {
            match &self.sent {
                Some(sent) => audio::write_stereo(path, sent, &self.heard)?,
                None => write_wav(path, &self.heard)?,
            }
            self.report.recording = Some(path.to_owned());
        }
        Ok(())
    }
}

/// What c2c sent, placed on the recording of what it heard: each piece from the sample heard at
/// the moment it began.
fn sent_beside(heard: &heard::Heard, said: &[(f64, std::sync::Arc<[i16]>)]) -> Vec<i16> {
    let mut sent = vec![0i16; heard.all().len()];
    for (first, samples) in said {
        let at = heard.index_at(*first);
        if sent.len() < at + samples.len() {
            sent.resize(at + samples.len(), 0);
        }
        sent[at..at + samples.len()].copy_from_slice(samples);
    }
    sent
}

/// The `q` quantile of `values` (nearest rank), or `None` with none.
pub fn percentile(mut values: Vec<f64>, q: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let rank = ((values.len() as f64 * q).ceil() as usize).clamp(1, values.len());
    Some(values[rank - 1])
}

/// The report of a call c2c would not place at all (its dial policy refuses the number): said
/// before a browser starts, with every step skipped.
pub fn refused_up_front(plan: &CallSpec, message: String) -> Report {
    let steps = plan
        .steps
        .iter()
        .map(|step| report::StepResult {
            step: step.text.clone(),
            status: report::StepStatus::Skipped,
            seconds: 0.0,
            detail: "the call was not placed".to_owned(),
            latency: None,
            talk_over: None,
        })
        .collect();
    Report {
        target: plan.target.clone(),
        call_sid: None,
        outcome: Outcome::Refused,
        verdict: Verdict::Failed,
        exit_status: Outcome::Refused.exit_code(false),
        answered: false,
        duration: 0.0,
        timing: report::Timing::default(),
        message,
        error: None,
        steps,
        recording: None,
        transcript: None,
        quality: None,
    }
}

/// Starts the browser: first, since it takes the longest to be ready. It carries every call of
/// the run, each in a page of its own.
pub fn launch(path: &Path, reaches: &[String], extra: &[String]) -> Result<Arc<Browser>, Error> {
    Browser::launch(path, reaches, extra)
        .map(Arc::new)
        .map_err(|err| match err {
            // A browser that cannot be started is one that cannot be used: its setting's fault
            // (exit 3), as one too old is.
            browser::LaunchError::Spawn { .. } => Error::Browser(err.to_string()),
            _ => Error::Failed(err.to_string()),
        })
}

/// How long Chromium has to open a tab for a call and start loading c2c's page in it.
const PAGE_OPEN: std::time::Duration = std::time::Duration::from_secs(30);

/// Places the call from a page of its own in `browser` (c2c's page, at `page_url`) and follows it
/// to its end, or until `cancel` ends it.
pub async fn place(
    browser: &Arc<Browser>,
    plan: &CallSpec,
    page_url: &str,
    cancel: Cancel,
    events: tokio::sync::mpsc::UnboundedSender<RunEvent>,
) -> Result<Placed, Error> {
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
    // Chromium answers each DevTools command in milliseconds; one that never answers would hold
    // the call (and a suite's place for it) for ever.
    let page = tokio::time::timeout(PAGE_OPEN, page::Page::open(browser, &url))
        .await
        .map_err(|_| {
            Error::Failed(format!(
                "Chromium did not open c2c's page within {} s",
                PAGE_OPEN.as_secs()
            ))
        })?
        .map_err(|err| Error::Failed(format!("cannot open c2c's page in Chromium: {err}")))?;
    follow(page, plan, cancel, events, Some(page_url)).await
}

/// Follows the call on `leg` to its end, or until `cancel` ends it: the session, its steps and
/// its report, whatever the leg. `account` is the c2c server whose own account of the call
/// (`/calls/CA…`) comes before what the leg saw.
pub async fn follow<L: Leg>(
    mut leg: L,
    plan: &CallSpec,
    cancel: Cancel,
    events: tokio::sync::mpsc::UnboundedSender<RunEvent>,
    account: Option<&str>,
) -> Result<Placed, Error> {
    let mut lived = session::Session::new(&mut leg, cancel, plan, events)
        .run()
        .await;
    leg.close().await;
    let known = match (account, &lived.call_sid) {
        (Some(server), Some(sid)) => ask_outcome(server, sid).await,
        _ => None,
    };
    let sent = (!lived.said.is_empty()).then(|| sent_beside(&lived.heard, &lived.said));
    let heard = lived.heard.take();
    Ok(Placed {
        report: report(plan, lived, known),
        heard,
        sent,
    })
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

fn report(plan: &CallSpec, lived: session::Lived, known: Option<CallOutcome>) -> Report {
    let duration = match (lived.answered_at, lived.ended_at) {
        (Some(start), Some(end)) => end.duration_since(start).as_secs_f64(),
        (Some(start), None) => start.elapsed().as_secs_f64(),
        _ => 0.0,
    };
    let (outcome, message) = classify(plan, &lived, known.as_ref(), duration);
    let speech_broke = matches!(lived.ending, Some(Ending::Speech(_)));
    let starved = matches!(lived.ending, Some(Ending::Starved(_)));
    // Twilio answers the browser's leg to speak a refusal or an error, or before it dials: the
    // far end answered only when c2c's account of the call does not say it never did.
    let far_end_never = known
        .as_ref()
        .is_some_and(|k| !k.outcome.far_end_answered());
    let mut report = Report {
        target: plan.target.clone(),
        call_sid: lived.call_sid,
        outcome,
        verdict: Verdict::Passed,
        exit_status: 0,
        answered: lived.answered_at.is_some() && !far_end_never,
        duration,
        timing: report::Timing {
            ringing: since_placed(lived.placed_at, lived.ringing_at),
            answered: since_placed(lived.placed_at, lived.answered_at),
        },
        message,
        // Code 0 is the page's own trouble, not Twilio's.
        error: lived.error.filter(|e| e.code != 0),
        steps: lived.steps,
        recording: None,
        transcript: plan.speech.is_some().then_some(lived.transcript),
        quality: quality::summarise(&lived.samples, &lived.warnings),
    };
    // A scenario's quality floor is one more check of an answered call, reported as a step.
    if let Some(floor) = plan.quality_floor
        && report.outcome == Outcome::Completed
    {
        let (status, detail) = match quality::meets(report.quality.as_ref(), floor, report.duration)
        {
            Ok(found) => (StepStatus::Passed, found),
            Err(why) => (StepStatus::Failed, why),
        };
        report.steps.push(report::StepResult {
            step: format!("quality: MOS {floor} or more"),
            status,
            seconds: report.duration,
            detail,
            latency: None,
            talk_over: None,
        });
    }
    // So is a scenario's latency ceiling: over the turns the call's steps timed.
    if let Some(ceiling) = plan.latency_p95
        && report.outcome == Outcome::Completed
    {
        let turns: Vec<f64> = report.steps.iter().filter_map(|s| s.latency).collect();
        let (status, detail) = match percentile(turns.clone(), 0.95) {
            None => (
                StepStatus::Failed,
                "no turn was timed: a step that listens must follow one that says, plays or presses something".to_owned(),
            ),
            Some(p95) if p95 > ceiling.as_secs_f64() => (
                StepStatus::Failed,
                format!("p95 {p95:.2} s over {} turns", turns.len()),
            ),
            Some(p95) => (
                StepStatus::Passed,
                format!("p95 {p95:.2} s over {} turns", turns.len()),
            ),
        };
        report.steps.push(report::StepResult {
            step: format!(
                "latency: p95 {} or less",
                crate::printable::duration(ceiling)
            ),
            status,
            seconds: 0.0,
            detail,
            latency: None,
            talk_over: None,
        });
    }
    report.exit_status = if speech_broke {
        // Like a missing model, a settings error of c2c's, not the phone tree's failure; its
        // report is still written.
        Error::Speech(String::new()).exit_code()
    } else if report.a_step_failed() {
        outcome.exit_code(true)
    } else if starved || report.a_step_inconclusive() {
        // c2c could not judge it: never the far end's failure.
        INCONCLUSIVE
    } else {
        outcome.exit_code(false)
    };
    report.verdict = Verdict::of(report.exit_status);
    report
}

fn since_placed(placed: Option<Instant>, then: Option<Instant>) -> Option<f64> {
    Some(then?.checked_duration_since(placed?)?.as_secs_f64())
}

/// How the call ended, and in words. c2c's account (`known`, from `/calls/CA…`) comes first: the
/// page only saw its own call end.
fn classify(
    plan: &CallSpec,
    lived: &session::Lived,
    known: Option<&CallOutcome>,
    duration: f64,
) -> (Outcome, String) {
    let message = || known.and_then(|k| k.message.clone()).unwrap_or_default();
    let target = &plan.target;
    let gone = match &lived.ending {
        Some(Ending::Gone(why)) => Some(why.clone()),
        _ => None,
    };
    match (&lived.ending, known.map(|k| k.outcome), &lived.error) {
        (Some(Ending::Starved(why)), ..) => match lived.answered_at {
            Some(_) => (Outcome::Completed, why.clone()),
            None => (Outcome::Failed, why.clone()),
        },
        (Some(Ending::Interrupted), ..) => {
            (Outcome::Interrupted, "interrupted: hung up".to_owned())
        }
        (Some(Ending::EndedBy(why) | Ending::Speech(why)), ..) => {
            (Outcome::Failed, format!("{why}: hung up"))
        }
        (Some(Ending::Unreachable(why)), ..) => (Outcome::Unreachable, why.clone()),
        (_, Some(OutcomeKind::Refused), _) => (Outcome::Refused, message()),
        (_, Some(OutcomeKind::RejectedWebhook), _) => (Outcome::Failed, message()),
        (_, Some(OutcomeKind::Busy), _) => (Outcome::Busy, format!("{target} was busy")),
        (_, Some(OutcomeKind::NoAnswer), _) => {
            (Outcome::NoAnswer, format!("{target} did not answer"))
        }
        (_, Some(OutcomeKind::Failed), _) => (
            Outcome::Failed,
            format!(
                "Twilio could not connect the call to {target} (its call log says why; c2c doctor checks the account)"
            ),
        ),
        (Some(Ending::TimedOut), ..) => (
            Outcome::NoAnswer,
            format!(
                "nobody answered within {}",
                crate::printable::duration(plan.timeout)
            ),
        ),
        (_, _, Some(TwilioError { code: 0, message })) => {
            (Outcome::Failed, gone.unwrap_or_else(|| message.clone()))
        }
        // Twilio out of reach mid-call is what it is before the call: its exit status, and
        // the message (which names the code already) once.
        (_, _, Some(TwilioError { code, message }))
            if session::UNREACHABLE_CODES.contains(code) =>
        {
            (Outcome::Unreachable, message.clone())
        }
        (_, _, Some(TwilioError { code, message })) => {
            (Outcome::Failed, format!("Twilio error {code}: {message}"))
        }
        _ if lived.answered_at.is_some() && gone.is_none() => (
            Outcome::Completed,
            format!("answered; the call lasted {duration:.1} s"),
        ),
        _ => (
            Outcome::Failed,
            gone.unwrap_or_else(|| "the call ended before anyone answered".to_owned()),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_browser_that_cannot_be_started_is_one_that_cannot_be_used() {
        // The settings find no program there first; the exit status is the same either way.
        let Err(err) = launch(Path::new("/nonexistent/chromium"), &[], &[]) else {
            panic!("a browser was started from nowhere");
        };
        assert_eq!(err.exit_code(), 3, "{err}");
        assert!(
            err.to_string()
                .contains("cannot start /nonexistent/chromium"),
            "{err}"
        );
    }
}
