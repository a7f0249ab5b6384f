//! How a call is told to stop: a cancellation token, a child of the run's (which the signals
//! cancel), and why, when it is not an interruption. Anything that watches the call (the tunnel
//! it needs, say) ends it with its reason; Ctrl-C ends them all.

use std::sync::{Arc, OnceLock};

use tokio_util::sync::CancellationToken;

#[derive(Clone, Default)]
pub struct Cancel {
    token: CancellationToken,
    why: Arc<OnceLock<String>>,
}

impl Cancel {
    /// A call's cancellation, ended with the run's `parent` too.
    pub fn child_of(parent: &CancellationToken) -> Self {
        Cancel {
            token: parent.child_token(),
            why: Arc::default(),
        }
    }

    /// Ends the call for `why` (the first reason given is kept).
    pub fn end(&self, why: impl Into<String>) {
        let _ = self.why.set(why.into());
        self.token.cancel();
    }

    pub async fn cancelled(&self) {
        self.token.cancelled().await;
    }

    /// Why the call was ended; `None` for an interruption (Ctrl-C) or while it goes on.
    pub fn why(&self) -> Option<&str> {
        self.why.get().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_is_kept_and_the_run_ends_every_call() {
        let run = CancellationToken::new();
        let (a, b) = (Cancel::child_of(&run), Cancel::child_of(&run));
        a.end("the tunnel closed");
        a.end("something later");
        assert_eq!(a.why(), Some("the tunnel closed"));
        assert!(a.token.is_cancelled() && !b.token.is_cancelled());
        run.cancel();
        assert!(b.token.is_cancelled());
        assert_eq!(b.why(), None, "an interruption");
    }
}
