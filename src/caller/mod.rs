//! The run harness under `c2c call` and `c2c test`: everything a run's calls need, rigged up
//! before them and torn down after, whatever they did (a panic included). The commands read
//! their flags into calls (`CallSpec`s), hand them to a job here, and show what happens.
//!
//! - this module: `with_rig` starts the browser (it takes longest), waits for the speech models,
//!   brings up c2c's server, runs the job with what it needs (`Ready`), and tears down
//! - `legs`: how each call is placed: from a page in the browsers the calls share
//!   (`browser_pool`: a second one past what one carries), or through SIP with no browser
//! - `serving`: c2c's server for the run's pages: the one at --server, or one in process with
//!   its tunnel and the TwiML App pointed at it
//! - `models`: the speech models the calls listen with, found or downloaded before them
//! - `policy`: the dial policy, asked before anything starts

mod browser_pool;
mod legs;
mod models;
mod policy;
mod serving;

use std::future::Future;
use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use crate::call::LegKind;
use crate::call::{self, Cancel};
use crate::error::Error;
use crate::settings::call::{Call, Serving};
use crate::shutdown::Shutdown;

pub use browser_pool::{Browsers, CALLS_A_BROWSER};
pub use legs::Legs;
pub use models::{speech_ready, voice_ready};
pub use policy::{dial_policy, dialled};
pub use serving::signalling;

/// A run of calls as `c2c call` and `c2c test` make one: the settings, Chromium's extra flags,
/// and the speech model while it is found or downloaded.
pub struct Rig<'a> {
    pub settings: Call,
    /// The legs the run's calls use (`CallSpec::leg`, resolved).
    pub kinds: &'a [LegKind],
    pub chrome_args: &'a [String],
    pub speech: Option<tokio::task::JoinHandle<Result<call::Models, Error>>>,
    /// c2c's voice while it is found or downloaded, when a call talks.
    pub voice: Option<tokio::task::JoinHandle<Result<Arc<crate::voice::Speaker>, Error>>>,
}

/// What a job gets: how its calls are placed (the browsers they share, or the SIP user agent),
/// c2c's page, the run's cancellation (Ctrl-C, or a tunnel that closed for good, with its
/// reason; each call takes a child), and the speech model when one was asked for.
pub struct Ready {
    pub legs: Arc<Legs>,
    pub page: String,
    pub cancel: Cancel,
    pub speech: Option<call::Models>,
    pub voice: Option<Arc<crate::voice::Speaker>>,
}

/// Runs `job` with everything its calls need: the browser started first (it takes longest),
/// c2c's server in process (with its tunnel and TwiML App change, for the whole run) or the one
/// at --server, the speech model's files. Tears everything down after, whatever the job did.
pub async fn with_rig<T, Job>(rig: Rig<'_>, job: impl FnOnce(Ready) -> Job) -> Result<T, Error>
where
    Job: Future<Output = Result<T, Error>>,
{
    let Rig {
        settings,
        kinds,
        chrome_args,
        speech,
        voice,
    } = rig;
    let mut signals = Shutdown::listen()?;
    if let Serving::Existing { page } = &settings.serving {
        serving::check_server(page).await?;
    }
    let reaches = serving::reaches(&settings.serving);
    let legs = Arc::new(Legs::start(&settings, kinds, reaches, chrome_args).await?);
    let loaded = async {
        let speech = made_ready(speech, &mut signals, "the speech model").await?;
        let voice = made_ready(voice, &mut signals, "c2c's voice").await?;
        Ok::<_, Error>((speech, voice))
    };
    let (speech, voice) = match loaded.await {
        Ok(both) => both,
        Err(err) => {
            legs.close().await;
            return Err(err);
        }
    };
    // One token for the run: the signals cancel it, and with it every call.
    let token = CancellationToken::new();
    let done = match settings.serving {
        Serving::Existing { page } => {
            let _feeding = feed(signals, token.clone());
            let ready = Ready {
                legs: Arc::clone(&legs),
                page,
                cancel: Cancel::child_of(&token),
                speech,
                voice,
            };
            guarded(job(ready)).await
        }
        Serving::InProcess(own) => {
            serving::in_process(&legs, own, signals, token, (speech, voice), job).await
        }
    };
    legs.close().await;
    done
}

/// What was being made ready beside the browser (`what`, for the message if its task failed),
/// waited for unless a signal comes first.
async fn made_ready<T>(
    loading: Option<tokio::task::JoinHandle<Result<T, Error>>>,
    signals: &mut Shutdown,
    what: &str,
) -> Result<Option<T>, Error> {
    let Some(loading) = loading else {
        return Ok(None);
    };
    tokio::select! {
        loaded = loading => loaded
            .unwrap_or_else(|err| Err(Error::Speech(format!("{what} did not load: {err}"))))
            .map(Some),
        () = signals.requested() => Err(interrupted()),
    }
}

/// Cancels `run` when a signal comes, for as long as the returned guard is kept.
fn feed(mut signals: Shutdown, run: CancellationToken) -> tokio_util::sync::DropGuard {
    let guard = CancellationToken::new();
    let stopped = guard.clone();
    tokio::spawn(async move {
        tokio::select! {
            () = signals.requested() => run.cancel(),
            () = stopped.cancelled() => {}
        }
    });
    guard.drop_guard()
}

/// `job`, with a panic inside it caught as an error, so that the tear-down after it (the server,
/// the tunnel, the TwiML App put back, the browser) still runs.
async fn guarded<T>(job: impl Future<Output = Result<T, Error>>) -> Result<T, Error> {
    use futures_util::FutureExt;
    std::panic::AssertUnwindSafe(job)
        .catch_unwind()
        .await
        .unwrap_or_else(|panic| Err(Error::bug("the run", &*panic)))
}

/// Settles how `spec`'s call is placed (its scenario's `leg:`, else the run's `--leg`), with the
/// SIP Domain it calls into when through SIP.
pub fn settle_leg(spec: &mut call::CallSpec, settings: &Call) {
    let kind = spec.leg.unwrap_or(settings.leg);
    spec.leg = Some(kind);
    spec.sip_domain = match kind {
        LegKind::Sip => settings.sip.as_ref().map(|account| account.domain.clone()),
        LegKind::Browser => None,
    };
}

pub fn interrupted() -> Error {
    Error::Outcome {
        code: 130,
        message: "interrupted before the call was placed".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn panics() -> Result<(), Error> {
        panic!("index out of bounds")
    }

    #[tokio::test]
    async fn a_panic_in_the_job_is_an_error_so_that_the_tear_down_after_it_runs() {
        let err = guarded(panics()).await.unwrap_err();
        assert_eq!(err.exit_code(), crate::error::BUG);
        assert!(
            err.to_string()
                .contains("c2c failed inside the run: index out of bounds"),
            "{err}"
        );
    }
}
