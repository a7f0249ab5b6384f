//! The one-command bring-up shared by `serve --tunnel` and `tunnel`: open the tunnel while reading
//! the TwiML App, point the app (and c2c's SIP Domain, when there is one) at the tunnel, serve
//! until stopped, and on the way out put them back and close the tunnel.

use std::net::IpAddr;
use std::time::Duration;

use ngrok::EndpointConn;

use crate::error::Error;
use crate::progress::Progress;
use crate::repoint::{self, RepointError, Repointed};
use crate::settings::ngrok::Ngrok;
use crate::settings::tunnel::{Bringup, Target};
use crate::settings::twilio::Rest;
use crate::shutdown::Shutdown;
use crate::state_file;
use crate::tunnel::{self, Tunnel};
use crate::twilio_api::{Application, Client, VoiceSettings};

/// The app's settings for a tunnel at `url`: calls to its voice path, and progress to its
/// status path when the command has one (otherwise the app's status callback stays as it is).
fn voice_settings(target: &Target, url: &str, current: &VoiceSettings) -> VoiceSettings {
    let voice_url = format!("{url}{}", target.voice_path);
    match &target.status_path {
        Some(status) => VoiceSettings::posting_to(&voice_url, &format!("{url}{status}")),
        None => current.calling(&voice_url),
    }
}

/// A tunnel that is up, with the app pointed at it.
pub struct Up {
    pub tunnel: Tunnel,
    client: Client,
    repointed: Repointed,
    /// c2c's SIP Domain, when it could be pointed at the tunnel too.
    domain: Option<Repointed>,
    target: Target,
    /// Whether a tunnel that dropped and did not come back ends the run (`c2c call`: its call
    /// cannot finish without Twilio's callbacks) or is only reported (`serve`, which the agent
    /// may still reconnect).
    ends_when_gone: bool,
}

/// Opens the tunnel and points the app at it. `Ok(None)` when `stop` came before anything
/// changed; once the app is being repointed, a stop waits until `Up` can put it back.
pub async fn bring_up(bringup: Bringup, stop: &mut Shutdown) -> Result<Option<Up>, Error> {
    let Bringup {
        target,
        rest,
        ngrok,
    } = bringup;
    let record = state_file::load(&target.state_dir, &target.app_sid)
        .map_err(|err| Error::Failed(err.to_string()))?;
    let progress = Progress::default();
    let opened = tokio::select! {
        opened = open_and_read(&progress, ngrok, rest, &target.app_sid) => opened?,
        () = stop.requested() => {
            tracing::info!("stopped before the tunnel was up; the TwiML App is unchanged");
            return Ok(None);
        }
    };
    let (tunnel, client, app) = opened;
    let ours = voice_settings(&target, tunnel.url(), &app.voice);
    let plan = match repoint::plan(&app, record, &ours.voice_url, target.force) {
        Ok(plan) => plan,
        Err(err) => {
            tunnel.close().await;
            return Err(repoint_error(err));
        }
    };
    if let Some(pid) = plan.left_behind_by {
        tracing::warn!(
            "a c2c run (process {pid}) left the TwiML App pointing at its tunnel; this run puts back what it replaced ({})",
            describe(&plan.previous.voice_url)
        );
    }
    let pointing = progress.start("Pointing the TwiML App at the tunnel");
    let applied = Repointed::apply(
        &client,
        target.state_dir.clone(),
        repoint::Pointed::App(target.app_sid.clone()),
        plan,
        ours,
    )
    .await;
    let repointed = match applied {
        Ok(repointed) => {
            pointing.done(format!(
                "{} -> {}",
                describe(&repointed.previous().voice_url),
                repointed.ours().voice_url
            ));
            repointed
        }
        Err(err) => {
            pointing.failed();
            tunnel.close().await;
            return Err(repoint_error(err));
        }
    };
    let domain = match &target.sip_domain {
        Some(name) => point_domain(&client, &target, name, &repointed, &progress).await,
        None => None,
    };
    Ok(Some(Up {
        tunnel,
        client,
        repointed,
        domain,
        target,
        ends_when_gone: false,
    }))
}

/// Points c2c's SIP Domain where the app now sends calls, so that SIP calls reach this run too.
/// Never fails the run, which the browser's calls need no Domain for: a Domain that cannot be
/// pointed is said, and its calls go where they went.
async fn point_domain(
    client: &Client,
    target: &Target,
    name: &str,
    app: &Repointed,
    progress: &Progress,
) -> Option<Repointed> {
    let pointing = progress.start(format!("Pointing the SIP Domain {name} at the tunnel"));
    match repoint_domain(client, target, name, app).await {
        Ok((previous, repointed)) => {
            pointing.done(format!(
                "{} -> {}",
                describe(&previous),
                repointed.ours().voice_url
            ));
            Some(repointed)
        }
        Err(why) => {
            pointing.failed();
            tracing::warn!("SIP calls do not reach this run: {why}");
            None
        }
    }
}

/// `point_domain`'s work: what the Domain sent calls to before, and the Domain re-pointed; or
/// why it was not.
async fn repoint_domain(
    client: &Client,
    target: &Target,
    name: &str,
    app: &Repointed,
) -> Result<(String, Repointed), String> {
    let domains = client.domains().await.map_err(|err| err.to_string())?;
    let domain = domains
        .into_iter()
        .find(|d| d.domain_name == name)
        .ok_or_else(|| {
            format!(
                "TWILIO_SIP_DOMAIN is {name}, which is not one of the account's SIP Domains (run c2c configure --sip)"
            )
        })?;
    let current = VoiceSettings::posting_to(domain.voice_url.as_deref().unwrap_or_default(), "");
    let ours = current.calling(&app.ours().voice_url);
    // `configure --sip` points the Domain where the app sends calls: following the app, it is
    // c2c's to point wherever the app now goes.
    let follows = current.voice_url == app.previous().voice_url;
    let record = state_file::load(&target.state_dir, &domain.sid).map_err(|err| err.to_string())?;
    let plan = repoint::plan_for(
        &domain.sid,
        &current,
        record,
        &ours.voice_url,
        target.force || follows,
    )
    .map_err(|err| match err {
        RepointError::NotOurs { url, .. } => format!(
            "the SIP Domain {name} sends calls to {url}, which c2c did not set (pass --force to point it here too)"
        ),
        RepointError::Busy { pid, .. } => {
            format!("another c2c (process {pid}) holds the SIP Domain {name}")
        }
        err => err.to_string(),
    })?;
    let previous = plan.previous.voice_url.clone();
    let pointed = repoint::Pointed::Domain(domain.sid.clone());
    let repointed = Repointed::apply(client, target.state_dir.clone(), pointed, plan, ours)
        .await
        .map_err(|err| err.to_string())?;
    Ok((previous, repointed))
}

/// Opens the tunnel while reading the app: the two are independent, so together they take as
/// long as the slower one. The tunnel is closed again when the app cannot be read.
async fn open_and_read(
    progress: &Progress,
    ngrok: Ngrok,
    rest: Rest,
    app_sid: &str,
) -> Result<(Tunnel, Client, Application), Error> {
    let opening = progress.start("Opening the ngrok tunnel");
    let reading = progress.start(format!("Reading the TwiML App {app_sid}"));
    let (tunnel, app) = tokio::join!(
        async {
            let result = tunnel::open(ngrok).await;
            match &result {
                Ok(tunnel) => opening.done(tunnel.url()),
                Err(_) => opening.failed(),
            }
            result.map_err(|err| Error::Remote(err.to_string()))
        },
        async {
            let result = read_app(rest, app_sid).await;
            match &result {
                Ok((_, app)) => reading.done(describe(&app.voice.voice_url)),
                Err(_) => reading.failed(),
            }
            result
        }
    );
    match (tunnel, app) {
        (Ok(tunnel), Ok((client, app))) => Ok((tunnel, client, app)),
        // Offline, both fail: say so once for each.
        (Err(ngrok), Err(twilio)) => Err(Error::Remote(format!(
            "neither ngrok nor Twilio could be used:\n  - ngrok: {ngrok}\n  - Twilio: {twilio}"
        ))),
        (Err(err), Ok(_)) => Err(err),
        (Ok(tunnel), Err(err)) => {
            tunnel.close().await;
            Err(err)
        }
    }
}

/// Builds the REST client off the runtime's threads (it reads the system's CA certificates,
/// tens of milliseconds of disk and parsing, while the tunnel opens), then reads the app with it.
async fn read_app(rest: Rest, app_sid: &str) -> Result<(Client, Application), Error> {
    let client = tokio::task::spawn_blocking(move || rest.client())
        .await
        .map_err(|err| Error::Failed(format!("starting the HTTP client failed: {err}")))??;
    let app = client
        .application(app_sid)
        .await
        .map_err(|err| Error::Remote(err.to_string()))?;
    Ok((client, app))
}

impl Up {
    pub fn app_sid(&self) -> &str {
        self.repointed.app_sid()
    }

    /// Where the app sends calls now.
    pub fn voice_url(&self) -> &str {
        &self.repointed.ours().voice_url
    }

    /// Hands each connection through the tunnel to `serve` until `stop`, or until the tunnel
    /// closes for good (the error returned); after a reconnect follows the tunnel to its new
    /// address (`moved` hears of it). `alongside` runs meanwhile (a local listener, say).
    pub async fn serve_until_stopped(
        &mut self,
        stop: impl Future<Output = ()>,
        alongside: impl Future<Output = ()>,
        serve: impl FnMut(EndpointConn, IpAddr),
        moved: impl FnMut(&str),
    ) -> Option<Error> {
        tokio::select! {
            () = stop => None,
            () = alongside => None,
            failure = self.run(serve, moved) => Some(failure),
        }
    }

    async fn run(
        &mut self,
        mut serve: impl FnMut(EndpointConn, IpAddr),
        mut moved: impl FnMut(&str),
    ) -> Error {
        let mut reconnects = self.tunnel.reconnects();
        loop {
            tokio::select! {
                accepted = self.tunnel.accept() => match accepted {
                    Some((conn, peer)) => serve(conn, peer),
                    None => {
                        return Error::Remote(
                            "the ngrok tunnel closed and did not come back. Start c2c again.".to_owned(),
                        )
                    }
                },
                () = reconnects.next() => match self.follow().await {
                    Ok(Some(url)) => moved(&url),
                    Ok(None) => {}
                    Err(gone) if self.ends_when_gone => return gone,
                    Err(gone) => tracing::error!("{gone}"),
                },
            }
        }
    }

    /// A tunnel that drops and does not come back ends `serve_until_stopped` with that failure.
    pub fn end_when_gone(&mut self) {
        self.ends_when_gone = true;
    }

    /// After the session reconnected: follows the tunnel to its new address, if it has one.
    /// `Ok(Some(url))` when the address changed; `Err` when the tunnel did not come back.
    async fn follow(&mut self) -> Result<Option<String>, Error> {
        // The session needs a moment to come back; ask a few times before giving up.
        let mut wait = Duration::from_millis(250);
        let url = loop {
            match self.tunnel.refresh().await {
                Ok(Some(url)) => break url,
                Ok(None) => return Ok(None),
                Err(err) if wait > Duration::from_secs(8) => {
                    return Err(Error::Remote(format!(
                        "the ngrok tunnel dropped and did not come back ({err})"
                    )));
                }
                Err(_) => {
                    tokio::time::sleep(wait).await;
                    wait *= 2;
                }
            }
        };
        let ours = voice_settings(&self.target, &url, self.repointed.ours());
        if ours.voice_url == self.voice_url() {
            return Ok(None);
        }
        let voice_url = ours.voice_url.clone();
        match self.repointed.follow(&self.client, ours).await {
            Ok(()) => tracing::info!(
                "the tunnel's address changed; the TwiML App now sends calls to {voice_url}"
            ),
            Err(err) => tracing::error!("{}", repoint_error(err)),
        }
        if let Some(domain) = &mut self.domain {
            let ours = domain.ours().calling(&voice_url);
            match domain.follow(&self.client, ours).await {
                Ok(()) => tracing::info!("the SIP Domain now sends calls to {voice_url}"),
                Err(err) => tracing::error!("{}", repoint_error(err)),
            }
        }
        Ok(Some(url))
    }

    /// Puts the app back and closes the tunnel: the one tear-down of `serve` and `tunnel`.
    /// `failure` is what ended the run, if anything did; it is reported before a failed restore.
    pub async fn tear_down(self, failure: Option<Error>) -> Result<(), Error> {
        let progress = Progress::default();
        let restoring = progress.start(format!("Putting back the TwiML App {}", self.app_sid()));
        let restoring_domain = self.domain.as_ref().map(|domain| {
            progress.start(format!("Putting back the SIP Domain {}", domain.app_sid()))
        });
        let (result, domain) = tokio::join!(self.repointed.restore(&self.client), async {
            match self.domain {
                Some(domain) => Some(domain.restore(&self.client).await),
                None => None,
            }
        });
        self.tunnel.close().await;
        let mut restored = match result {
            Ok(previous) => {
                restoring.done(describe(&previous.voice_url));
                Ok(())
            }
            Err(err) => {
                restoring.failed();
                Err(Error::Remote(format!(
                    "could not put back the TwiML App's Voice URL: {err} Run `c2c configure --restore` once Twilio is reachable."
                )))
            }
        };
        match (domain, restoring_domain) {
            (Some(Ok(previous)), Some(shown)) => shown.done(describe(&previous.voice_url)),
            (Some(Err(err)), Some(shown)) => {
                shown.failed();
                let why = format!(
                    "could not put back the SIP Domain's Voice URL: {err} Run `c2c configure --restore` once Twilio is reachable."
                );
                match &restored {
                    Ok(()) => restored = Err(Error::Remote(why)),
                    Err(_) => tracing::error!("{why}"),
                }
            }
            _ => {}
        }
        match (failure, restored) {
            (Some(failure), Err(restore)) => {
                tracing::error!("{restore}");
                Err(failure)
            }
            (Some(failure), Ok(())) => Err(failure),
            (None, restored) => restored,
        }
    }
}

/// A Voice URL as a person reads it.
pub fn describe(voice_url: &str) -> String {
    if voice_url.is_empty() {
        "(no Voice URL)".to_owned()
    } else {
        voice_url.to_owned()
    }
}

pub fn repoint_error(err: RepointError) -> Error {
    match err {
        RepointError::NotOurs { .. } | RepointError::Busy { .. } => Error::Input(err.to_string()),
        RepointError::Api(_) => Error::Remote(err.to_string()),
        RepointError::State(_) | RepointError::NothingToRestore { .. } => {
            Error::Failed(err.to_string())
        }
    }
}
