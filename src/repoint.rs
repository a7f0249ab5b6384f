//! Pointing the TwiML App's Voice URL at c2c for the length of a run, and putting it back; the
//! same for c2c's SIP Domain, when there is one, so that SIP calls reach the run too.
//!
//! The guard: an app whose Voice URL points somewhere c2c did not set (a deployed app, a
//! colleague's server) is left alone unless the user says `--force`.

use std::path::{Path, PathBuf};

use crate::state_file::{self, Record, StateError};
use crate::twilio_api::{ApiError, Application, Client, VoiceSettings};

#[derive(Debug, thiserror::Error)]
pub enum RepointError {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error("{0}. c2c keeps it there to put the TwiML App back; check the folder's permissions.")]
    State(#[from] StateError),
    #[error(
        "The TwiML App {app} sends calls to {url}, which c2c did not set. Pass --force to use the app anyway (c2c puts that URL back when it exits), or use another TwiML App."
    )]
    NotOurs { app: String, url: String },
    #[error(
        "Another c2c (process {pid}) is using the TwiML App {app}, and puts back its own record of the app when it exits. Stop it first (Ctrl-C), or use another TwiML App."
    )]
    Busy { app: String, pid: u32 },
    #[error(
        "Nothing to put back: no c2c run left the TwiML App {app} changed (no state file in {dir})."
    )]
    NothingToRestore { app: String, dir: String },
}

/// What a run points at itself: the TwiML App, or c2c's SIP Domain. Each is recorded under its
/// SID, so a record says which it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pointed {
    App(String),
    Domain(String),
}

impl Pointed {
    pub fn of_sid(sid: &str) -> Pointed {
        match sid.starts_with("SD") {
            true => Pointed::Domain(sid.to_owned()),
            false => Pointed::App(sid.to_owned()),
        }
    }

    pub fn sid(&self) -> &str {
        match self {
            Pointed::App(sid) | Pointed::Domain(sid) => sid,
        }
    }

    /// Sends its calls as `voice` says (a Domain has no status callback of its own here).
    async fn write(&self, client: &Client, voice: &VoiceSettings) -> Result<(), ApiError> {
        match self {
            Pointed::App(sid) => client.update_voice(sid, voice).await.map(drop),
            Pointed::Domain(sid) => client
                .set_domain_voice(sid, &voice.voice_url, &voice.voice_method)
                .await
                .map(drop),
        }
    }
}

/// What the app will be changed from: decided, before any change, from the app as it is now
/// and the record a previous run may have left.
#[derive(Debug, PartialEq, Eq)]
pub struct Starting {
    /// What a restore puts back.
    pub previous: VoiceSettings,
    /// Set when a previous run died without putting the app back.
    pub left_behind_by: Option<u32>,
}

pub fn plan(
    app: &Application,
    record: Option<Record>,
    ours: &str,
    force: bool,
) -> Result<Starting, RepointError> {
    plan_for(&app.sid, &app.voice, record, ours, force)
}

/// `plan`, for whatever has the Voice settings `current` (an app's, a Domain's).
pub fn plan_for(
    sid: &str,
    current: &VoiceSettings,
    record: Option<Record>,
    ours: &str,
    force: bool,
) -> Result<Starting, RepointError> {
    if let Some(record) = record {
        if record.owner_is_running() {
            return Err(RepointError::Busy {
                app: sid.to_owned(),
                pid: record.pid,
            });
        }
        if current.voice_url == record.ours {
            // Still as the dead run left it: what it replaced is what this run must put back.
            return Ok(Starting {
                previous: record.previous,
                left_behind_by: Some(record.pid),
            });
        }
    }
    let url = &current.voice_url;
    if !url.is_empty() && url != ours && !force {
        return Err(RepointError::NotOurs {
            app: sid.to_owned(),
            url: url.clone(),
        });
    }
    Ok(Starting {
        previous: current.clone(),
        left_behind_by: None,
    })
}

/// An app (or Domain) c2c has re-pointed; `restore` puts it back.
pub struct Repointed {
    dir: PathBuf,
    pointed: Pointed,
    previous: VoiceSettings,
    /// The settings as c2c set them.
    ours: VoiceSettings,
}

impl Repointed {
    /// Records what to put back, then points the app at `ours`.
    pub async fn apply(
        client: &Client,
        dir: PathBuf,
        pointed: Pointed,
        plan: Starting,
        ours: VoiceSettings,
    ) -> Result<Self, RepointError> {
        let repointed = Repointed {
            dir,
            pointed,
            previous: plan.previous,
            ours,
        };
        // Saved first: if c2c dies during the update, the record still says what to put back.
        repointed.save()?;
        match repointed.pointed.write(client, &repointed.ours).await {
            Ok(()) => Ok(repointed),
            Err(err) => {
                // Refused: nothing changed, so nothing is left to put back. Otherwise (no answer)
                // the change may have gone through, and the record lets a later run undo it.
                if matches!(err, ApiError::Refused(_)) {
                    state_file::remove(&repointed.dir, repointed.pointed.sid())?;
                }
                Err(err.into())
            }
        }
    }

    fn save(&self) -> Result<(), StateError> {
        state_file::save(
            &self.dir,
            &Record {
                app_sid: self.pointed.sid().to_owned(),
                previous: self.previous.clone(),
                ours: self.ours.voice_url.clone(),
                pid: std::process::id(),
            },
        )
    }

    pub fn app_sid(&self) -> &str {
        self.pointed.sid()
    }

    pub fn previous(&self) -> &VoiceSettings {
        &self.previous
    }

    pub fn ours(&self) -> &VoiceSettings {
        &self.ours
    }

    /// Points the app at new settings (the tunnel's URL changed), keeping what to put back.
    pub async fn follow(
        &mut self,
        client: &Client,
        ours: VoiceSettings,
    ) -> Result<(), RepointError> {
        self.ours = ours;
        self.save()?;
        self.pointed.write(client, &self.ours).await?;
        Ok(())
    }

    /// Puts the app back as it was; the record stays when that fails, for `--restore`.
    pub async fn restore(self, client: &Client) -> Result<VoiceSettings, RepointError> {
        self.pointed.write(client, &self.previous).await?;
        state_file::remove(&self.dir, self.pointed.sid())?;
        Ok(self.previous)
    }
}

/// Refuses when a running c2c holds the app: it would put its own record back on exit and undo
/// whatever is changed meanwhile (`c2c configure --url`, say).
pub fn ensure_free(dir: &Path, app_sid: &str) -> Result<(), RepointError> {
    match state_file::load(dir, app_sid)? {
        Some(record) if record.owner_is_running() => Err(RepointError::Busy {
            app: app_sid.to_owned(),
            pid: record.pid,
        }),
        _ => Ok(()),
    }
}

/// `c2c configure --restore`: puts back what a dead run left changed. `dry_run` only says what.
pub async fn restore_left_behind(
    client: &Client,
    dir: PathBuf,
    app_sid: &str,
    dry_run: bool,
) -> Result<Record, RepointError> {
    let Some(record) = state_file::load(&dir, app_sid)? else {
        return Err(RepointError::NothingToRestore {
            app: app_sid.to_owned(),
            dir: dir.display().to_string(),
        });
    };
    if record.owner_is_running() {
        return Err(RepointError::Busy {
            app: app_sid.to_owned(),
            pid: record.pid,
        });
    }
    if !dry_run {
        Pointed::of_sid(app_sid)
            .write(client, &record.previous)
            .await?;
        state_file::remove(&dir, app_sid)?;
    }
    Ok(record)
}

/// The SIP Domains a dead run left pointing at its tunnel: their SIDs, for `--restore`.
pub fn domains_left_behind(dir: &Path) -> Vec<String> {
    state_file::sids(dir)
        .into_iter()
        .filter(|sid| matches!(Pointed::of_sid(sid), Pointed::Domain(_)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(voice_url: &str) -> Application {
        Application {
            sid: "AP1".into(),
            friendly_name: "dev".into(),
            voice: VoiceSettings::posting_to(voice_url, ""),
        }
    }

    fn record(pid: u32, ours: &str) -> Record {
        Record {
            app_sid: "AP1".into(),
            previous: VoiceSettings::posting_to("https://original.example/voice", ""),
            ours: ours.into(),
            pid,
        }
    }

    const DEAD: u32 = u32::MAX - 1;
    const NEW: &str = "https://new.ngrok.app/voice";

    #[test]
    fn an_empty_app_or_our_own_url_is_taken_without_force() {
        assert_eq!(
            plan(&app(""), None, NEW, false).unwrap().previous,
            app("").voice
        );
        assert!(plan(&app(NEW), None, NEW, false).is_ok());
    }

    #[test]
    fn a_url_c2c_did_not_set_needs_force() {
        let err = plan(&app("https://prod.example/voice"), None, NEW, false).unwrap_err();
        assert!(
            err.to_string()
                .contains("sends calls to https://prod.example/voice, which c2c did not set"),
            "{err}"
        );
        let forced = plan(&app("https://prod.example/voice"), None, NEW, true).unwrap();
        assert_eq!(forced.previous.voice_url, "https://prod.example/voice");
    }

    #[test]
    fn a_run_that_died_hands_over_the_original_settings() {
        let stale = "https://stale.ngrok.app/voice";
        let plan = plan(&app(stale), Some(record(DEAD, stale)), NEW, false).unwrap();
        assert_eq!(plan.previous.voice_url, "https://original.example/voice");
        assert_eq!(plan.left_behind_by, Some(DEAD));
    }

    #[test]
    fn a_record_the_app_no_longer_matches_is_stale() {
        // Someone re-pointed the app since: their URL is the one to guard and put back.
        let err = plan(
            &app("https://someone.example/voice"),
            Some(record(DEAD, "https://stale.ngrok.app/voice")),
            NEW,
            false,
        )
        .unwrap_err();
        assert!(matches!(err, RepointError::NotOurs { .. }), "{err}");
    }

    #[test]
    fn a_running_owner_keeps_the_app() {
        let mut owner = std::process::Command::new("sleep")
            .arg("5")
            .spawn()
            .unwrap();
        let err = plan(&app(NEW), Some(record(owner.id(), NEW)), NEW, true).unwrap_err();
        let _ = owner.kill();
        let _ = owner.wait();
        assert!(
            matches!(err, RepointError::Busy { pid, .. } if pid == owner.id()),
            "{err}"
        );
    }
}
