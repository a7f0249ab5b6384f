//! The record of a TwiML App (or SIP Domain) that a running c2c has re-pointed: what to put back,
//! and who changed it. Written before the change and removed after the restore, so that a c2c that dies in
//! between (SIGKILL, a power cut) leaves enough for the next run, or `c2c configure --restore`.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::twilio_api::VoiceSettings;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// The TwiML App's SID, or the SIP Domain's (`SD…`).
    pub app_sid: String,
    /// The app's settings before c2c changed them: what a restore puts back.
    pub previous: VoiceSettings,
    /// The Voice URL c2c set: while the app still has it, nobody else changed the app since.
    pub ours: String,
    pub pid: u32,
}

impl Record {
    /// Whether the c2c that wrote this record still runs (and is not this process).
    pub fn owner_is_running(&self) -> bool {
        self.pid != std::process::id() && process_is_running(self.pid)
    }
}

/// Where the records live: `$XDG_STATE_HOME/c2c` on Linux, the local data folder elsewhere.
pub fn dir() -> Option<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "c2c")?;
    Some(
        dirs.state_dir()
            .unwrap_or_else(|| dirs.data_local_dir())
            .to_owned(),
    )
}

fn path(dir: &Path, app_sid: &str) -> PathBuf {
    dir.join(format!("voice-url-{app_sid}.json"))
}

#[derive(Debug, thiserror::Error)]
#[error("{action} {path}: {why}")]
pub struct StateError {
    action: &'static str,
    path: String,
    why: String,
}

fn failed(action: &'static str, path: &Path, why: impl ToString) -> StateError {
    StateError {
        action,
        path: path.display().to_string(),
        why: why.to_string(),
    }
}

/// The record for `app_sid`, if a c2c run left one.
pub fn load(dir: &Path, app_sid: &str) -> Result<Option<Record>, StateError> {
    let path = path(dir, app_sid);
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|err| failed("cannot read the c2c state file", &path, err)),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(failed("cannot read the c2c state file", &path, err)),
    }
}

/// Writes `record` whole or not at all (a temporary file renamed over the old one).
pub fn save(dir: &Path, record: &Record) -> Result<(), StateError> {
    let path = path(dir, &record.app_sid);
    std::fs::create_dir_all(dir).map_err(|err| failed("cannot create", dir, err))?;
    let json =
        serde_json::to_vec_pretty(record).map_err(|err| failed("cannot write", &path, err))?;
    let temporary = path.with_extension("json.tmp");
    std::fs::write(&temporary, json).map_err(|err| failed("cannot write", &temporary, err))?;
    std::fs::rename(&temporary, &path).map_err(|err| failed("cannot write", &path, err))
}

/// The SIDs of the records in `dir`.
pub fn sids(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut sids: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            let sid = name.strip_prefix("voice-url-")?.strip_suffix(".json")?;
            let shaped = sid.len() == 34 && sid.chars().all(|c| c.is_ascii_alphanumeric());
            shaped.then(|| sid.to_owned())
        })
        .collect();
    sids.sort();
    sids
}

pub fn remove(dir: &Path, app_sid: &str) -> Result<(), StateError> {
    let path = path(dir, app_sid);
    match std::fs::remove_file(&path) {
        Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
            Err(failed("cannot remove", &path, err))
        }
        _ => Ok(()),
    }
}

#[cfg(target_os = "linux")]
fn process_is_running(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

#[cfg(all(unix, not(target_os = "linux")))]
fn process_is_running(pid: u32) -> bool {
    std::process::Command::new("kill")
        .args(["-0", &pid.to_string()])
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// Without a cheap check, a record is taken as left behind: `--restore` then acts on it.
#[cfg(not(unix))]
fn process_is_running(_pid: u32) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(pid: u32) -> Record {
        Record {
            app_sid: "AP1".into(),
            previous: VoiceSettings::posting_to("https://old.example/voice", ""),
            ours: "https://new.ngrok.app/voice".into(),
            pid,
        }
    }

    #[test]
    fn saves_loads_and_removes_a_record() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(load(dir.path(), "AP1").unwrap(), None);
        save(dir.path(), &record(1)).unwrap();
        assert_eq!(load(dir.path(), "AP1").unwrap(), Some(record(1)));
        remove(dir.path(), "AP1").unwrap();
        remove(dir.path(), "AP1").unwrap();
        assert_eq!(load(dir.path(), "AP1").unwrap(), None);
    }

    #[test]
    fn a_record_of_this_process_or_a_dead_one_has_no_running_owner() {
        assert!(!record(std::process::id()).owner_is_running());
        assert!(!record(u32::MAX - 1).owner_is_running());
    }
}
