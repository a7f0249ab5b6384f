//! Ctrl-C, SIGTERM and SIGHUP, listened for from the moment a long-running command starts.
//!
//! A handler installed only when c2c first waits for a signal leaves a window in which the
//! default action kills the process outright: a SIGTERM just after the TwiML App was repointed
//! would then leave it pointing at a dead tunnel. Installed up front, a signal that arrives
//! early is held until c2c is ready to act on it.

use crate::error::Error;

pub struct Shutdown {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
    /// The terminal c2c runs in closed (an SSH session dropped, a tab closed).
    #[cfg(unix)]
    hangup: tokio::signal::unix::Signal,
    #[cfg(windows)]
    ctrl_c: tokio::signal::windows::CtrlC,
}

impl Shutdown {
    /// Installs the handlers; must run inside the runtime.
    pub fn listen() -> Result<Self, Error> {
        let failed =
            |err: std::io::Error| Error::Failed(format!("cannot listen for Ctrl-C: {err}"));
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Shutdown {
                interrupt: signal(SignalKind::interrupt()).map_err(failed)?,
                terminate: signal(SignalKind::terminate()).map_err(failed)?,
                hangup: signal(SignalKind::hangup()).map_err(failed)?,
            })
        }
        #[cfg(windows)]
        {
            Ok(Shutdown {
                ctrl_c: tokio::signal::windows::ctrl_c().map_err(failed)?,
            })
        }
    }

    /// Resolves once Ctrl-C, SIGTERM or SIGHUP has arrived, including one that came before the
    /// call.
    pub async fn requested(&mut self) {
        #[cfg(unix)]
        let received = tokio::select! {
            received = self.interrupt.recv() => received,
            received = self.terminate.recv() => received,
            received = self.hangup.recv() => received,
        };
        #[cfg(windows)]
        let received = self.ctrl_c.recv().await;
        if received.is_none() {
            // The signal driver is gone, so no signal can come any more.
            std::future::pending::<()>().await;
        }
    }
}
