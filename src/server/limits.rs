//! How many connections the server holds at once, and how many files the process may open.
//!
//! A client that trickles its request keeps a connection, and a file descriptor, for as long as
//! the timeouts allow; a thousand of them used to exhaust the usual limit of 1,024 open files,
//! and then even the local page went unanswered. So the soft limit is raised to the hard one at
//! start, and connections from elsewhere (the tunnel, or the network with `--host 0.0.0.0`) are
//! capped; loopback clients, this machine's own, never wait behind them.

use std::net::IpAddr;
use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::Side;

/// Connections from elsewhere held at once; more are closed as they come.
pub const MAX_REMOTE: usize = 512;

pub struct Limits {
    remote: Arc<Semaphore>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            remote: Arc::new(Semaphore::new(MAX_REMOTE)),
        }
    }
}

/// Leave to serve one connection; dropping it frees its place.
pub struct Admitted {
    _place: Option<OwnedSemaphorePermit>,
}

impl Limits {
    /// `None` when the connection is to be closed: too many from elsewhere are open.
    pub fn admit(&self, side: Side, peer: IpAddr) -> Option<Admitted> {
        if side == Side::Local && peer.is_loopback() {
            return Some(Admitted { _place: None });
        }
        let place = Arc::clone(&self.remote).try_acquire_owned().ok()?;
        Some(Admitted {
            _place: Some(place),
        })
    }
}

/// Raises the soft limit on open files to the hard one, and says what it is.
#[cfg(unix)]
pub fn raise_open_files() -> Option<u64> {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let mut limit = getrlimit(Resource::Nofile);
    // `None` is unlimited; a soft limit can only be raised to a finite hard one.
    if let Some(hard) = limit.maximum
        && limit.current.is_some_and(|soft| soft < hard)
    {
        limit.current = Some(hard);
        let _ = setrlimit(Resource::Nofile, limit);
    }
    getrlimit(Resource::Nofile).current
}

#[cfg(not(unix))]
pub fn raise_open_files() -> Option<u64> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_connections_are_capped_and_loopback_ones_never_wait() {
        let limits = Limits::default();
        let far: IpAddr = "203.0.113.9".parse().unwrap();
        let held: Vec<Admitted> = (0..MAX_REMOTE)
            .map(|_| limits.admit(Side::Public, far).unwrap())
            .collect();
        assert!(limits.admit(Side::Public, far).is_none());
        assert!(limits.admit(Side::Local, far).is_none(), "--host 0.0.0.0");
        assert!(
            limits
                .admit(Side::Local, "127.0.0.1".parse().unwrap())
                .is_some()
        );
        // Through the tunnel every connection is remote, whatever its reported address.
        assert!(
            limits
                .admit(Side::Public, "127.0.0.1".parse().unwrap())
                .is_none()
        );
        drop(held);
        assert!(limits.admit(Side::Public, far).is_some());
    }

    #[cfg(unix)]
    #[test]
    fn the_open_files_limit_is_raised_to_the_hard_one() {
        let raised = raise_open_files();
        let limit = rustix::process::getrlimit(rustix::process::Resource::Nofile);
        assert_eq!(raised, limit.current);
        if limit.maximum.is_some() {
            assert_eq!(limit.current, limit.maximum);
        }
    }
}
