//! The one-command bring-up shared by `serve --tunnel` and `tunnel`: open the tunnel while reading
//! the TwiML App, point the app at the tunnel, and on the way out put it back.

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use ngrok::EndpointConn;

use crate::error::Error;
use crate::progress::Progress;
use crate::repoint::{self, RepointError, Repointed};
use crate::state_file;
use crate::tunnel::{self, Tunnel};
use crate::twilio_api::{Application, Client, VoiceSettings};

use super::remote::ClientSettings;
use super::shutdown::Shutdown;

/// Everything a bring-up needs, gathered from the settings.
pub struct Launch {
    pub target: Target,
    pub client: ClientSettings,
    pub tunnel: tunnel::Options,
}

pub struct Target {
    pub app_sid: String,
    pub state_dir: PathBuf,
    pub force: bool,
    /// Where on the tunnel's URL calls go (`/voice`).
    pub voice_path: String,
    /// Where call progress goes (`/status`); `None` leaves the app's status callback as it is.
    pub status_path: Option<String>,
}

impl Target {
    fn settings(&self, url: &str, current: &VoiceSettings) -> VoiceSettings {
        let voice_url = format!("{url}{}", self.voice_path);
        match &self.status_path {
            Some(status) => VoiceSettings::posting_to(&voice_url, &format!("{url}{status}")),
            None => current.calling(&voice_url),
        }
    }
}

pub struct Up {
    pub tunnel: Tunnel,
    client: Client,
    pub repointed: Repointed,
    pub target: Target,
    /// The app's settings as c2c set them.
    pub settings: VoiceSettings,
}

/// Opens the tunnel and points the app at it. `Ok(None)` when `stop` came before anything
/// changed; once the app is being repointed, a stop waits until `Up` can put it back.
pub async fn bring_up(launch: Launch, stop: &mut Shutdown) -> Result<Option<Up>, Error> {
    let Launch {
        target,
        client,
        tunnel: options,
    } = launch;
    let record = state_file::load(&target.state_dir, &target.app_sid)
        .map_err(|err| Error::Failed(err.to_string()))?;
    let progress = Progress::default();
    let opening = progress.start("Opening the ngrok tunnel");
    let reading = progress.start(format!("Reading the TwiML App {}", target.app_sid));
    // The two are independent; together they take as long as the slower one. The REST client is
    // built on the way to the app, while the tunnel opens: it reads the system's CA
    // certificates, tens of milliseconds of disk and parsing.
    let both = async {
        tokio::join!(
            async {
                let result = tunnel::open(options).await;
                match &result {
                    Ok(tunnel) => opening.done(tunnel.url()),
                    Err(_) => opening.failed(),
                }
                result.map_err(|err| Error::Remote(err.to_string()))
            },
            async {
                let result = read_app(client, &target.app_sid).await;
                match &result {
                    Ok((_, app)) => reading.done(describe(&app.voice.voice_url)),
                    Err(_) => reading.failed(),
                }
                result
            }
        )
    };
    let (tunnel, app) = tokio::select! {
        both = both => both,
        () = stop.requested() => {
            tracing::info!("stopped before the tunnel was up; the TwiML App is unchanged");
            return Ok(None);
        }
    };
    let (tunnel, (client, app)) = match (tunnel, app) {
        (Ok(tunnel), Ok(read)) => (tunnel, read),
        (Err(err), _) => return Err(err),
        (Ok(tunnel), Err(err)) => {
            tunnel.close().await;
            return Err(err);
        }
    };
    let settings = target.settings(tunnel.url(), &app.voice);
    let plan = match repoint::plan(&app, record, &settings.voice_url, target.force) {
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
    let repointed = match Repointed::apply(
        &client,
        target.state_dir.clone(),
        &target.app_sid,
        plan,
        &settings,
    )
    .await
    {
        Ok(repointed) => {
            pointing.done(format!(
                "{} -> {}",
                describe(&repointed.previous().voice_url),
                settings.voice_url
            ));
            repointed
        }
        Err(err) => {
            pointing.failed();
            tunnel.close().await;
            return Err(repoint_error(err));
        }
    };
    Ok(Some(Up {
        tunnel,
        client,
        repointed,
        target,
        settings,
    }))
}

/// Builds the REST client off the runtime's threads, then reads the app with it.
async fn read_app(client: ClientSettings, app_sid: &str) -> Result<(Client, Application), Error> {
    let client = tokio::task::spawn_blocking(move || client.build())
        .await
        .map_err(|err| Error::Failed(format!("starting the HTTP client failed: {err}")))??;
    let app = client
        .application(app_sid)
        .await
        .map_err(|err| Error::Remote(err.to_string()))?;
    Ok((client, app))
}

impl Up {
    /// Hands each connection through the tunnel to `serve`, and after a reconnect follows the
    /// tunnel to its new address (`moved` hears of it). Returns only if the tunnel closes for good.
    pub async fn run(
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
                () = reconnects.next() => {
                    if let Some(url) = self.follow().await {
                        moved(&url);
                    }
                }
            }
        }
    }

    /// After the session reconnected: follows the tunnel to its new address, if it has one.
    /// `Some(url)` when the address changed.
    async fn follow(&mut self) -> Option<String> {
        // The session needs a moment to come back; ask a few times before giving up.
        let mut wait = Duration::from_millis(250);
        let url = loop {
            match self.tunnel.refresh().await {
                Ok(url) => break url?,
                Err(err) if wait > Duration::from_secs(8) => {
                    tracing::error!("the tunnel did not come back: {err}");
                    return None;
                }
                Err(_) => {
                    tokio::time::sleep(wait).await;
                    wait *= 2;
                }
            }
        };
        let settings = self.target.settings(&url, &self.settings);
        if settings.voice_url == self.settings.voice_url {
            return None;
        }
        match self.repointed.follow(&self.client, &settings).await {
            Ok(()) => tracing::info!(
                "the tunnel's address changed; the TwiML App now sends calls to {}",
                settings.voice_url
            ),
            Err(err) => tracing::error!("{}", repoint_error(err)),
        }
        self.settings = settings;
        Some(url)
    }

    /// Puts the app back and closes the tunnel.
    pub async fn tear_down(self) -> Result<(), Error> {
        let progress = Progress::default();
        let restoring = progress.start(format!(
            "Putting back the TwiML App {}",
            self.target.app_sid
        ));
        let result = self.repointed.restore(&self.client).await;
        self.tunnel.close().await;
        match result {
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
