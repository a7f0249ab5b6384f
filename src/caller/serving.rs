//! c2c's server for a run's pages: the one at --server, checked; or one in this process, with
//! its tunnel and the TwiML App pointed at it for the whole run (`bring_up`), put back after.

use std::future::Future;
use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use super::{Legs, Ready, feed, guarded, interrupted};
use crate::bring_up;
use crate::call::{self, Cancel};
use crate::error::Error;
use crate::server::Side;
use crate::settings::call::{InProcess, Serving};
use crate::shutdown::Shutdown;

/// Whether anything answers at the --server address: a refused connection is known at once and
/// is not a failed call.
pub(super) async fn check_server(page: &str) -> Result<(), Error> {
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

/// The `--signalling` address of c2c's own server, when one is set.
pub fn signalling(serving: &Serving) -> Option<String> {
    match serving {
        Serving::InProcess(own) => own.server.signalling.clone(),
        Serving::Existing { .. } => None,
    }
}

/// The host names besides Twilio's that the run's browser must look up: a `--server` page's,
/// a `--signalling` stand-in's.
pub(super) fn reaches(serving: &Serving) -> Vec<String> {
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

/// The job through c2c's own server, and with --tunnel its tunnel: the tunnel closing for good
/// ends the job's calls, with that reason.
pub(super) async fn in_process<T, Job>(
    legs: &Arc<Legs>,
    own: InProcess,
    mut signals: Shutdown,
    run: CancellationToken,
    (speech, voice): (Option<call::Models>, Option<Arc<crate::voice::Speaker>>),
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
    let (listener, server, page) = crate::server::start(listen, *server)
        .await
        .map_err(Error::Failed)?;
    tracing::debug!("c2c's page for the calls is at {page}");
    // Twilio asks the TwiML App's Voice URL what to do: without a tunnel or a public address
    // that is not this c2c (unless a stand-in edge, --signalling, plays Twilio).
    let app = server.app();
    if bringup.is_none() && app.public_url().is_none() && app.signalling.is_none() {
        tracing::warn!(
            "Twilio cannot reach this c2c's webhook, so the call follows {}. Add --tunnel, or --server with a c2c serve that Twilio reaches.",
            legs.asked()
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
        legs: Arc::clone(legs),
        page,
        cancel: cancel.clone(),
        speech,
        voice,
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
