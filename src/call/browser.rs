//! Headless Chromium, started with only what calls need (no extensions, no first-run work, no
//! background networking, a throwaway profile, fake media devices whose permission prompts are
//! answered yes) and spoken to over a DevTools pipe. One browser carries many calls: each is a
//! page of its own (`page`), whose events the pipe routes to it.

use std::fs::File;
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::fs::DirBuilderExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use tokio::net::unix::pipe;
use tokio::sync::OnceCell;

use super::cdp::Cdp;

const FLAGS: &[&str] = &[
    "--headless",
    "--remote-debugging-pipe",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
    "--disable-component-extensions-with-background-pages",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-sync",
    "--disable-gpu",
    "--disable-features=Translate,OptimizationHints,MediaRouter",
    // The call's audio is c2c's to hear, not the machine's speakers'.
    "--mute-audio",
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
    // Every page is a live call, though only one tab is in front: a background tab's timers
    // are held to one a second (its keys sent late, its words reported late) and its renderer
    // given less time, so a suite's calls would hear one another's silence.
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
];

/// The hosts a call's browser may look up: the page's own, Twilio's (signalling, media relays,
/// the SDK's insights), loopback's, and `reaches`. Chromium asks Google for the time, component
/// updates and the signed-in accounts whatever its flags say (the accounts request cannot be
/// turned off at all); with every other name unresolvable, none of it leaves the machine, and a
/// CI runner's browser talks to c2c's page and to Twilio alone. The rules map IP addresses too,
/// so loopback's are named (c2c's page is on 127.0.0.1); the call's media goes to the addresses
/// ICE finds, which are not looked up. A `--chrome-arg` of `--host-resolver-rules` comes later
/// and wins.
fn resolver_rules(reaches: &[String]) -> String {
    let mut rules = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE *.localhost, EXCLUDE 127.0.0.1, EXCLUDE [::1], EXCLUDE twilio.com, EXCLUDE *.twilio.com".to_owned();
    for host in reaches {
        // A host name as a URL gives it: no commas or spaces that would write another rule.
        if !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '[' | ']' | ':'))
        {
            rules.push_str(&format!(", EXCLUDE {host}"));
        }
    }
    rules
}

/// How long a browser has to close once asked.
const CLOSE_GRACE: Duration = Duration::from_secs(2);

/// How long a browser may take to answer its first DevTools command: it starts in well under a
/// second, but a cold start on a busy CI machine can take several.
const FIRST_ANSWER: Duration = Duration::from_secs(20);

#[derive(Debug, thiserror::Error)]
pub enum LaunchError {
    #[error("cannot make a profile folder for Chromium in {dir}: {err}")]
    Profile { dir: String, err: std::io::Error },
    #[error("cannot open pipes to Chromium: {0}")]
    Pipe(std::io::Error),
    #[error("cannot start {path}: {err}")]
    Spawn { path: String, err: std::io::Error },
}

pub struct Browser {
    path: PathBuf,
    /// Taken out when the browser has been reaped.
    child: Mutex<Option<Child>>,
    profile: PathBuf,
    pub cdp: Cdp,
    /// Its product and version once checked, or why it cannot be used: asked once, however many
    /// calls it carries.
    checked: OnceCell<Result<String, String>>,
    /// The tab it opened at start, found before any call opened one of its own (asked later,
    /// among calls opening tabs at once, the first "page" listed could be another call's).
    first_target: std::sync::OnceLock<String>,
    /// Whether the tab it opened at start is still free for a call.
    first_tab: AtomicBool,
}

impl Browser {
    /// Starts the browser at `path`, able to look up only `reaches` (host names; the page's own
    /// host, a stand-in for Twilio's edge), loopback and Twilio's hosts (`resolver_rules`), with
    /// the user's `extra` flags last.
    pub fn launch(
        path: &Path,
        reaches: &[String],
        extra: &[String],
    ) -> Result<Browser, LaunchError> {
        let profile = std::env::temp_dir().join(format!(
            "c2c-chrome-{}-{}",
            std::process::id(),
            crate::identity::random_text(8).unwrap_or_default()
        ));
        // Only this user may read it: the page's storage and Chromium's log are the call's.
        std::fs::DirBuilder::new()
            .mode(0o700)
            .recursive(true)
            .create(&profile)
            .map_err(|err| LaunchError::Profile {
                dir: profile.display().to_string(),
                err,
            })?;
        let log = File::create(profile.join("chrome.log")).ok();
        let (to_browser, browser_reads) = pipe::pipe().map_err(LaunchError::Pipe)?;
        let (browser_writes, from_browser) = pipe::pipe().map_err(LaunchError::Pipe)?;
        let browser_reads = browser_reads
            .into_blocking_fd()
            .map_err(LaunchError::Pipe)?;
        let browser_writes = browser_writes
            .into_blocking_fd()
            .map_err(LaunchError::Pipe)?;
        let mut command = Command::new(path);
        command
            .args(FLAGS)
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg(resolver_rules(reaches))
            .args(extra)
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log.map_or_else(Stdio::null, Stdio::from));
        // Chromium will not run as root with its sandbox (containers and CI runners often are).
        if rustix::process::geteuid().is_root() {
            command.arg("--no-sandbox");
        }
        hand_over(&mut command, &browser_reads, &browser_writes);
        let child = command.spawn().map_err(|err| LaunchError::Spawn {
            path: path.display().to_string(),
            err,
        })?;
        // The child has its own copies now; c2c's must go, or it would never see the browser's
        // end of the pipe close when the browser dies.
        drop((browser_reads, browser_writes));
        Ok(Browser {
            path: path.to_owned(),
            child: Mutex::new(Some(child)),
            profile,
            cdp: Cdp::start(to_browser, from_browser),
            checked: OnceCell::new(),
            first_target: std::sync::OnceLock::new(),
            first_tab: AtomicBool::new(true),
        })
    }

    /// Takes the tab the browser opened at start, once: its target id for the first caller
    /// only (after `ready`), until it is handed back.
    pub fn claim_first_tab(&self) -> Option<String> {
        let target = self.first_target.get()?;
        self.first_tab
            .swap(false, Ordering::SeqCst)
            .then(|| target.clone())
    }

    /// Hands the first tab back, emptied, for the next call.
    pub fn release_first_tab(&self) {
        self.first_tab.store(true, Ordering::SeqCst);
    }

    /// Waits until the browser answers, and checks it is one `c2c call` can drive: its product
    /// and version (`HeadlessChrome/156.0.8078.73`), or why not.
    pub async fn ready(&self) -> Result<&str, &str> {
        self.checked
            .get_or_init(|| self.check_version())
            .await
            .as_deref()
            .map_err(String::as_str)
    }

    /// Checks that the browser speaks the DevTools protocol and is new enough for c2c call
    /// (`browsers::OLDEST_MAJOR`); its product and version (`HeadlessChrome/156.0.8078.73`).
    async fn check_version(&self) -> Result<String, String> {
        let path = &self.path;
        let asked = self
            .cdp
            .send(None, "Browser.getVersion", serde_json::json!({}));
        let product = match tokio::time::timeout(FIRST_ANSWER, asked).await {
            Ok(Ok(version)) => version["product"].as_str().unwrap_or_default().to_owned(),
            Ok(Err(err)) => {
                return Err(format!(
                    "{} ended before it answered: {err}{}",
                    path.display(),
                    self.tail()
                ));
            }
            Err(_) => {
                return Err(format!(
                    "{} did not answer over the DevTools pipe within {} s: is it Chromium, Chrome, Edge or Brave?",
                    path.display(),
                    FIRST_ANSWER.as_secs()
                ));
            }
        };
        match crate::browsers::major_version(&product) {
            Some(major) if major >= crate::browsers::OLDEST_MAJOR => {
                let targets = self
                    .cdp
                    .send(None, "Target.getTargets", serde_json::json!({}))
                    .await;
                if let Some(first) = targets.ok().and_then(|all| {
                    all["targetInfos"]
                        .as_array()?
                        .iter()
                        .find(|t| t["type"] == "page")?["targetId"]
                        .as_str()
                        .map(str::to_owned)
                }) {
                    let _ = self.first_target.set(first);
                }
                Ok(product)
            }
            found => Err(format!(
                "{} is {}; c2c call needs version {} or newer (its new headless mode). Update it, or give another with --chrome.",
                path.display(),
                found.map_or_else(
                    || format!("{product:?}"),
                    |major| format!("version {major} ({product})")
                ),
                crate::browsers::OLDEST_MAJOR
            )),
        }
    }

    fn tail(&self) -> String {
        match self.log_tail() {
            tail if tail.is_empty() => String::new(),
            tail => format!(" ({tail})"),
        }
    }

    /// What Chromium wrote to standard error, last lines first cut: for an error message.
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(self.profile.join("chrome.log")).unwrap_or_default();
        let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
        lines[lines.len().saturating_sub(3)..].join(" | ")
    }

    /// Asks the browser to close, and makes sure it has: one that has not gone within a few
    /// seconds of being asked is killed.
    pub async fn close(&self) {
        let _ = tokio::time::timeout(
            CLOSE_GRACE,
            self.cdp.send(None, "Browser.close", serde_json::json!({})),
        )
        .await;
        let child = self
            .child
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        let Some(mut child) = child else {
            return;
        };
        let deadline = tokio::time::Instant::now() + CLOSE_GRACE;
        // Chromium takes a moment to exit after Browser.close; polled, so that no thread is
        // kept waiting on a browser that never exits.
        while matches!(child.try_wait(), Ok(None)) {
            if tokio::time::Instant::now() >= deadline {
                let _ = child.kill();
                let _ = tokio::task::spawn_blocking(move || child.wait()).await;
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let child = self
            .child
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(mut child) = child {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// Gives the child `reads` as fd 3 and `writes` as fd 4, where `--remote-debugging-pipe` looks.
fn hand_over(command: &mut Command, reads: &OwnedFd, writes: &OwnedFd) {
    let (reads, writes) = (reads.as_raw_fd(), writes.as_raw_fd());
    // SAFETY: between fork and exec only async-signal-safe calls (fcntl, dup2, close) are made,
    // and nothing is allocated. The descriptors are copied above 10 first, so that one of them
    // being 3 or 4 already cannot be overwritten before it is moved; dup2 leaves the copies at 3
    // and 4 open across exec.
    unsafe {
        command.pre_exec(move || {
            let high_reads = libc::fcntl(reads, libc::F_DUPFD_CLOEXEC, 10);
            let high_writes = libc::fcntl(writes, libc::F_DUPFD_CLOEXEC, 10);
            if high_reads < 0
                || high_writes < 0
                || libc::dup2(high_reads, 3) < 0
                || libc::dup2(high_writes, 4) < 0
            {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_pages_and_twilios_hosts_are_looked_up() {
        let rules = resolver_rules(&["edge.example".to_owned(), "x, EXCLUDE *".to_owned()]);
        assert!(rules.starts_with("--host-resolver-rules=MAP * ~NOTFOUND, "));
        assert!(rules.contains(", EXCLUDE *.twilio.com"));
        assert!(rules.ends_with(", EXCLUDE edge.example"), "{rules}");
        // A host that would write a rule of its own is left out.
        assert_eq!(rules.matches("EXCLUDE *").count(), 2, "{rules}");
    }
}
