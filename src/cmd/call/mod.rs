//! `c2c call`: a call from headless Chromium, through c2c's own server (in process, or one
//! already running) and, with `--tunnel`, its tunnel.

mod inputs;
mod output;

use std::future::Future;
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
use crate::speech::{self, ModelSource, Size};

pub fn run(args: &CallArgs, settings: Call) -> Result<(), Error> {
    let (mut spec, outputs) = inputs::read(args, settings.speech_size)?;
    spec.signalling = signalling(&settings.serving);
    match dialled(dial_policy(&settings).as_ref(), &spec.target) {
        Ok(target) => spec.target = target,
        Err(refusal) => {
            return output::finish(&outputs, &call::refused_up_front(&spec, refusal));
        }
    }
    let placed = super::runtime()?.block_on(async {
        let (events, shown) = mpsc::unbounded_channel();
        let showing = tokio::spawn(output::show(shown));
        // The model is found (or downloaded) while the browser starts.
        let speech = (spec.hears_words() || args.transcribe).then(|| {
            tokio::spawn(speech_ready(
                settings.speech.clone(),
                vec![spec.speech_size],
            ))
        });
        let placed = place(args, settings, &mut spec, speech, events).await;
        // Every line of the call is out before its outcome.
        let _ = showing.await;
        placed
    })?;
    let report = output::keep(placed, &outputs)?;
    output::finish(&outputs, &report)
}

/// The in-process server's dial policy, loaded once (about 2 ms of the allowed countries' data),
/// so that what it would answer Twilio for a number is known at once rather than after Chromium
/// and a round trip to Twilio. A server given with --server has a policy of its own, and answers
/// for itself; a caller ID libphonenumber rejects is reported by the server, with its fix.
pub(super) fn dial_policy(settings: &Call) -> Option<DialPolicy> {
    let Serving::InProcess(InProcess { server, .. }) = &settings.serving else {
        return None;
    };
    DialPolicy::load(&server.caller_id, server.allowed.clone()).ok()
}

/// `target` as the page is to dial it (a number in E.164 form, however it was written: the page
/// places only that), or why `policy` would not dial it, in the words the page would get.
pub(super) fn dialled(policy: Option<&DialPolicy>, target: &str) -> Result<String, String> {
    if target.starts_with("client:") {
        return Ok(target.to_owned());
    }
    match policy {
        Some(policy) => policy
            .check(target)
            .map_err(|refusal| format!("c2c did not dial: {refusal}.")),
        // A server of its own (--server) answers for its policy; the number is still written
        // as the page dials it.
        None => Ok(crate::dial::e164_shape(target).unwrap_or_else(|_| target.to_owned())),
    }
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

/// The files of each speech model the calls want, found or downloaded before the calls; each
/// model loads once a call that wants it is placed, while it rings. A folder given with
/// --speech-model holds one model, which serves every call.
pub(super) async fn speech_ready(
    source: ModelSource,
    mut sizes: Vec<Size>,
) -> Result<call::Models, Error> {
    sizes.sort();
    sizes.dedup();
    let mut models = call::Models::default();
    for size in sizes {
        if let (ModelSource::Folder(_), Some(model)) = (&source, models.any()) {
            let model = Arc::clone(model);
            models.add(size, model);
            continue;
        }
        let files = speech::prepare::files(&source, size, &Progress::default())
            .await
            .map_err(Error::Speech)?;
        models.add(size, speech::Recogniser::new(source.clone(), size, files));
    }
    Ok(models)
}

/// A run of calls as `c2c call` and `c2c test` make one: the settings, Chromium's extra flags,
/// and the speech model while it is found or downloaded.
pub(super) struct Run<'a> {
    pub settings: Call,
    pub chrome_args: &'a [String],
    pub speech: Option<tokio::task::JoinHandle<Result<call::Models, Error>>>,
}

/// What a job gets: the browser every call shares, c2c's page, the run's cancellation (Ctrl-C,
/// or a tunnel that closed for good, with its reason; each call takes a child), and the speech
/// model when one was asked for.
pub(super) struct Ready {
    pub browser: Arc<Browser>,
    pub page: String,
    pub cancel: Cancel,
    pub speech: Option<call::Models>,
}

/// Runs `job` with everything its calls need: the browser started first (it takes longest),
/// c2c's server in process (with its tunnel and TwiML App change, for the whole run) or the one
/// at --server, the speech model's files. Tears everything down after, whatever the job did.
pub(super) async fn with_page<T, Job>(
    run: Run<'_>,
    job: impl FnOnce(Ready) -> Job,
) -> Result<T, Error>
where
    Job: Future<Output = Result<T, Error>>,
{
    let Run {
        settings,
        chrome_args,
        speech,
    } = run;
    let mut signals = Shutdown::listen()?;
    if let Serving::Existing { page } = &settings.serving {
        check_server(page).await?;
    }
    let browser = call::launch(&settings.chrome, &reaches(&settings.serving), chrome_args)?;
    let speech = match speech {
        None => None,
        Some(loading) => {
            let loaded = tokio::select! {
                loaded = loading => loaded.unwrap_or_else(|err| Err(Error::Speech(format!("the speech model did not load: {err}")))),
                () = signals.requested() => Err(interrupted()),
            };
            match loaded {
                Ok(model) => Some(model),
                Err(err) => {
                    browser.close().await;
                    return Err(err);
                }
            }
        }
    };
    // One token for the run: the signals cancel it, and with it every call.
    let token = CancellationToken::new();
    let done = match settings.serving {
        Serving::Existing { page } => {
            let _feeding = feed(signals, token.clone());
            let ready = Ready {
                browser: Arc::clone(&browser),
                page,
                cancel: Cancel::child_of(&token),
                speech,
            };
            guarded(job(ready)).await
        }
        Serving::InProcess(own) => in_process(&browser, own, signals, token, speech, job).await,
    };
    browser.close().await;
    done
}

/// The `--signalling` address of c2c's own server, when one is set.
pub(super) fn signalling(serving: &Serving) -> Option<String> {
    match serving {
        Serving::InProcess(own) => own.server.signalling.clone(),
        Serving::Existing { .. } => None,
    }
}

/// The host names besides Twilio's that the run's browser must look up: a `--server` page's,
/// a `--signalling` stand-in's.
fn reaches(serving: &Serving) -> Vec<String> {
    let host = |url: &str| url::Url::parse(url).ok()?.host_str().map(str::to_owned);
    match serving {
        Serving::Existing { page } => host(page).into_iter().collect(),
        Serving::InProcess(own) => own
            .server
            .signalling
            .as_deref()
            .and_then(|address| host(&format!("wss://{address}")))
            .into_iter()
            .collect(),
    }
}

async fn place(
    args: &CallArgs,
    settings: Call,
    plan: &mut CallSpec,
    speech: Option<tokio::task::JoinHandle<Result<call::Models, Error>>>,
    events: mpsc::UnboundedSender<RunEvent>,
) -> Result<Placed, Error> {
    let run = Run {
        settings,
        chrome_args: &args.caller.chrome_args,
        speech,
    };
    with_page(run, |ready| async move {
        plan.speech = ready.speech.and_then(|m| m.get(plan.speech_size));
        call::place(&ready.browser, plan, &ready.page, ready.cancel, events).await
    })
    .await
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

/// The job through c2c's own server, and with --tunnel its tunnel: the tunnel closing for good
/// ends the job's calls, with that reason.
async fn in_process<T, Job>(
    browser: &Arc<Browser>,
    own: InProcess,
    mut signals: Shutdown,
    run: CancellationToken,
    speech: Option<call::Models>,
    job: impl FnOnce(Ready) -> Job,
) -> Result<T, Error>
where
    Job: Future<Output = Result<T, Error>>,
{
    let InProcess {
        listen,
        server,
        bringup,
    } = own;
    let (listener, server, page) = super::start_server(listen, *server).await?;
    tracing::debug!("c2c's page for the calls is at {page}");
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
    let ready = Ready {
        browser: Arc::clone(browser),
        page,
        cancel: cancel.clone(),
        speech,
    };
    let serve_local = server.run(listener, Side::Local);
    let done = match &mut up {
        Some(up) => {
            let (over, job_over) = tokio::sync::oneshot::channel::<()>();
            let working = async {
                let done = guarded(job(ready)).await;
                let _ = over.send(());
                done
            };
            let alongside = async {
                tokio::select! {
                    never = serve_local => match never {},
                    _ = job_over => {},
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
            tokio::join!(working, tunnel).0
        }
        None => tokio::select! {
            done = guarded(job(ready)) => done,
            never = serve_local => match never {},
        },
    };
    server.shutdown(std::time::Duration::from_millis(500)).await;
    match up {
        Some(up) => match (done, up.tear_down(None).await) {
            (done, Ok(())) => done,
            (Err(err), Err(restore)) => {
                tracing::error!("{restore}");
                Err(err)
            }
            (Ok(_), Err(restore)) => Err(restore),
        },
        None => done,
    }
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

pub(super) fn interrupted() -> Error {
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
