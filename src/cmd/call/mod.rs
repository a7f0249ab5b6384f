//! `c2c call`: a call from headless Chromium, through c2c's own server (in process, or one
//! already running) and, with `--tunnel`, its tunnel.

mod inputs;
mod output;

use std::sync::Arc;

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::bring_up;
use crate::call::{self, Browser, CallSpec, Cancel, Placed, RunEvent};
use crate::cli::CallArgs;
use crate::dial::DialPolicy;
use crate::error::Error;
use crate::progress::Progress;
use crate::server::Side;
use crate::settings::call::{Call, InProcess, Serving};
use crate::shutdown::Shutdown;
use crate::speech::{self, ModelSource};

pub fn run(args: &CallArgs, settings: Call) -> Result<(), Error> {
    let (mut spec, outputs) = inputs::read(args)?;
    if let Some(refusal) = refused_by_policy(&settings, &spec) {
        return output::finish(&outputs, &call::refused_up_front(&spec, refusal));
    }
    let placed = super::runtime()?.block_on(async {
        let (events, shown) = mpsc::unbounded_channel();
        let showing = tokio::spawn(output::show(shown));
        // The model is found (or downloaded) while the browser starts.
        let speech = (spec.hears_words() || args.transcribe)
            .then(|| tokio::spawn(speech_ready(settings.speech.clone())));
        let placed = place(args, settings, &mut spec, speech, events).await;
        // Every line of the call is out before its outcome.
        let _ = showing.await;
        placed
    })?;
    let report = output::keep(placed, &outputs)?;
    output::finish(&outputs, &report)
}

/// What the in-process server would answer Twilio for this number, known at once (about 2 ms of
/// loading the allowed countries' data) rather than after Chromium and a round trip to Twilio.
/// A server given with --server has a policy of its own, and answers for itself.
fn refused_by_policy(settings: &Call, plan: &CallSpec) -> Option<String> {
    let Serving::InProcess(InProcess { server, .. }) = &settings.serving else {
        return None;
    };
    if plan.target.starts_with("client:") {
        return None;
    }
    // A caller ID libphonenumber rejects is reported by the server, with its fix.
    let policy = DialPolicy::load(&server.caller_id, server.allowed.clone()).ok()?;
    policy
        .check(&plan.target)
        .err()
        .map(|refusal| format!("c2c did not dial: {refusal}."))
}

/// Whether anything answers at the --server address: a refused connection is known at once and
/// is not a failed call.
async fn check_server(page: &str) -> Result<(), Error> {
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(5))
        .build()
        .map_err(|err| Error::Failed(format!("cannot start an HTTP client: {err}")))?;
    match client.get(page).send().await {
        Ok(_) => Ok(()),
        Err(err) => Err(Error::Server(format!(
            "nothing answers at {page} ({}): start c2c serve there, or give --server the address c2c serve printed",
            crate::twilio_api::root_cause(&err)
        ))),
    }
}

/// The speech model's files, found or downloaded before the call; the model itself loads once
/// the call is placed, while it rings.
async fn speech_ready(source: ModelSource) -> Result<call::Model, Error> {
    let files = speech::prepare::files(&source, &Progress::default())
        .await
        .map_err(Error::Speech)?;
    Ok(speech::Recogniser::new(source, files))
}

async fn place(
    args: &CallArgs,
    settings: Call,
    plan: &mut CallSpec,
    speech: Option<tokio::task::JoinHandle<Result<call::Model, Error>>>,
    events: mpsc::UnboundedSender<RunEvent>,
) -> Result<Placed, Error> {
    let mut signals = Shutdown::listen()?;
    if let Serving::Existing { page } = &settings.serving {
        check_server(page).await?;
    }
    // The browser takes longest to be ready, so it starts first.
    let browser = call::launch(&settings.chrome, &args.chrome_args)?;
    if let Some(loading) = speech {
        let loaded = tokio::select! {
            loaded = loading => loaded.unwrap_or_else(|err| Err(Error::Speech(format!("the speech model did not load: {err}")))),
            () = signals.requested() => Err(interrupted()),
        };
        match loaded {
            Ok(model) => plan.speech = Some(model),
            Err(err) => {
                browser.close().await;
                return Err(err);
            }
        }
    }
    let plan: &CallSpec = plan;
    // One token for the run: the signals cancel it, and with it the call (its child).
    let run = CancellationToken::new();
    let report = match settings.serving {
        Serving::Existing { page } => {
            let _feeding = feed(signals, run.clone());
            call::place(&browser, plan, &page, Cancel::child_of(&run), events).await
        }
        Serving::InProcess(own) => in_process(&browser, plan, own, signals, run, events).await,
    };
    browser.close().await;
    report
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

/// The call through c2c's own server, and with --tunnel its tunnel: the tunnel closing for good
/// ends the call, with that reason.
async fn in_process(
    browser: &Arc<Browser>,
    plan: &CallSpec,
    own: InProcess,
    mut signals: Shutdown,
    run: CancellationToken,
    events: mpsc::UnboundedSender<RunEvent>,
) -> Result<Placed, Error> {
    let InProcess {
        listen,
        server,
        bringup,
    } = own;
    let (listener, server, page) = super::start_server(listen, *server).await?;
    tracing::debug!("c2c's page for the call is at {page}");
    // Twilio asks the TwiML App's Voice URL what to do: without a tunnel or a public address
    // that is not this c2c (unless a stand-in edge, --signalling, plays Twilio).
    let app = server.app();
    if bringup.is_none() && app.public_url().is_none() && app.signalling.is_none() {
        tracing::warn!(
            "Twilio cannot reach this c2c's webhook, so the call follows the TwiML App's current Voice URL. Add --tunnel, or --server with a c2c serve that Twilio reaches."
        );
    }
    let mut up = match bringup {
        Some(bringup) => match bring_up::bring_up(*bringup, &mut signals).await? {
            Some(up) => {
                server.app().set_public_url(up.tunnel.url());
                Some(up)
            }
            None => return Err(interrupted()),
        },
        None => None,
    };
    let _feeding = feed(signals, run.clone());
    let cancel = Cancel::child_of(&run);
    if let Some(up) = &mut up {
        up.end_when_gone();
    }
    let serve_local = server.run(listener, Side::Local);
    let report = match &mut up {
        Some(up) => {
            let (over, call_over) = tokio::sync::oneshot::channel::<()>();
            let placed = async {
                let report = call::place(browser, plan, &page, cancel.clone(), events).await;
                let _ = over.send(());
                report
            };
            let alongside = async {
                tokio::select! {
                    never = serve_local => match never {},
                    _ = call_over => {},
                }
            };
            let tunnel = async {
                let failure = up
                    .serve_until_stopped(
                        run.cancelled(),
                        alongside,
                        |conn, peer| server.accept(conn, Side::Public, peer),
                        |url| server.app().set_public_url(url),
                    )
                    .await;
                if let Some(failure) = &failure {
                    cancel.end(format!("Twilio can no longer reach this c2c: {failure}"));
                }
                failure
            };
            tokio::join!(placed, tunnel).0
        }
        None => tokio::select! {
            report = call::place(browser, plan, &page, cancel, events) => report,
            never = serve_local => match never {},
        },
    };
    server.shutdown(std::time::Duration::from_millis(500)).await;
    match up {
        Some(up) => match (report, up.tear_down(None).await) {
            (report, Ok(())) => report,
            (Err(err), Err(restore)) => {
                tracing::error!("{restore}");
                Err(err)
            }
            (Ok(_), Err(restore)) => Err(restore),
        },
        None => report,
    }
}

fn interrupted() -> Error {
    Error::Outcome {
        code: 130,
        message: "interrupted before the call was placed".to_owned(),
    }
}
