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
use crate::twilio_api::{Client, VoiceSettings};

use super::shutdown::Shutdown;

pub struct Target {
    pub client: Client,
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
            None => VoiceSettings {
                voice_url,
                voice_method: "POST".to_owned(),
                ..current.clone()
            },
        }
    }
}

pub struct Up {
    pub tunnel: Tunnel,
    pub repointed: Repointed,
    pub target: Target,
    /// The app's settings as c2c set them.
    pub settings: VoiceSettings,
}

/// Opens the tunnel and points the app at it. `Ok(None)` when `stop` came before anything
/// changed; once the app is being repointed, a stop waits until `Up` can put it back.
pub async fn bring_up(
    target: Target,
    options: tunnel::Options,
    stop: &mut Shutdown,
) -> Result<Option<Up>, Error> {
    let progress = Progress::default();
    let opening = progress.start("Opening the ngrok tunnel");
    let reading = progress.start(format!("Reading the TwiML App {}", target.app_sid));
    // The two are independent; together they take as long as the slower one.
    let both = async {
        tokio::join!(
            async {
                let result = tunnel::open(options).await;
                match &result {
                    Ok(tunnel) => opening.done(tunnel.url()),
                    Err(_) => opening.failed(),
                }
                result
            },
            async {
                let result = target.client.application(&target.app_sid).await;
                match &result {
                    Ok(app) => reading.done(describe(&app.voice.voice_url)),
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
    let (tunnel, app) = match (tunnel, app) {
        (Ok(tunnel), Ok(app)) => (tunnel, app),
        (Err(err), _) => return Err(Error::Remote(err.to_string())),
        (Ok(tunnel), Err(err)) => {
            tunnel.close().await;
            return Err(Error::Remote(err.to_string()));
        }
    };
    let settings = target.settings(tunnel.url(), &app.voice);
    let record = state_file::load(&target.state_dir, &target.app_sid)
        .map_err(|err| Error::Failed(err.to_string()))?;
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
        &target.client,
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
        repointed,
        target,
        settings,
    }))
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
        match self.repointed.follow(&self.target.client, &settings).await {
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
        let result = self.repointed.restore(&self.target.client).await;
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
