//! `c2c call`: real calls placed by c2c's own page in headless Chromium, for scripts and CI.
//!
//! A run: `launch` one `Browser`, then `place` each call (a `CallSpec`) in a page of its own,
//! with a `Cancel` (a child of the run's token) and a channel for its `RunEvent`s; each returns
//! the call's `Report` and what its page heard. `follow` does the same on any call leg (`Leg`):
//! the page is one, the tests' `leg::scripted` another. The commands (`cmd::call`, `cmd::suite`)
//! show the events and write the reports.
//!
//! - `leg`: what a call leg must do for a session, its duties written on the trait; `leg::sip`
//!   the SIP leg, a call with no browser
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
//! - `verdict`: how the call ended, judged from what the session lived and c2c's own account;
//!   `report`: outcome, verdict, JSON; `junit`: the same as JUnit XML; `recording`: both sides
//!   kept as WAV

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
mod recording;
mod report;
mod said;
mod session;
mod spec;
mod transcriber;
mod verdict;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

pub use crate::wav::write_wav;
pub use browser::Browser;
pub use cancel::Cancel;
pub use junit::{Suite, junit, junit_suites};
pub use leg::Leg;
pub use leg::sip::{Phone, SipAccount, SipError, SipMedia, SipTransport};
pub use quality::Quality;
pub use recording::Placed;
pub use report::{INCONCLUSIVE, Outcome, Report, StepStatus, Verdict};
pub use spec::{CallSpec, DEFAULT_TIMEOUT, LegKind, Sound, SpecError};
pub use transcriber::{Model, Models, Spoken};

use crate::error::Error;
use crate::outcome::CallOutcome;

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
    /// The speech recogniser fell this many seconds behind the call: the machine has more calls
    /// listening for words than it recognises. A suite's `--jobs auto` backs off on it too.
    Lagging(f64),
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
    let lived = session::Session::new(&mut leg, cancel, plan, events)
        .run()
        .await;
    leg.close().await;
    let known = match (account, &lived.call_sid) {
        (Some(server), Some(sid)) => ask_outcome(server, sid).await,
        _ => None,
    };
    let heard = lived.heard.timeline();
    let sent = (!lived.said.is_empty())
        .then(|| recording::sent_beside(&lived.heard, heard.len(), &lived.said));
    Ok(Placed {
        report: verdict::report(plan, lived, known),
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
