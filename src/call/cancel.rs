//! How a call is told to stop: a cancellation token, a child of the run's (which the signals
//! cancel), and why, when it is not an interruption. Anything that watches the call (the tunnel
//! it needs, say) ends it with its reason; Ctrl-C ends them all.

use std::sync::{Arc, OnceLock};

use tokio_util::sync::CancellationToken;

#[derive(Clone, Default)]
pub struct Cancel {
    token: CancellationToken,
    why: Arc<OnceLock<String>>,
    /// The reason of the `Cancel` this one is a child of (a suite's, which a dead tunnel ends).
    inherited: Option<Arc<OnceLock<String>>>,
}

impl Cancel {
    /// A call's cancellation, ended with the run's `parent` too.
    pub fn child_of(parent: &CancellationToken) -> Self {
        Cancel {
            token: parent.child_token(),
            why: Arc::default(),
            inherited: None,
        }
    }

    /// A call's cancellation, ended with this one and for its reason (one call of a suite).
    pub fn child(&self) -> Self {
        Cancel {
            token: self.token.child_token(),
            why: Arc::default(),
            inherited: Some(Arc::clone(&self.why)),
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
        self.why
            .get()
            .or_else(|| self.inherited.as_ref().and_then(|why| why.get()))
            .map(String::as_str)
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

    #[test]
    fn a_suites_reason_ends_each_of_its_calls_with_it() {
        let run = CancellationToken::new();
        let suite = Cancel::child_of(&run);
        let (a, b) = (suite.child(), suite.child());
        a.end("its page crashed");
        assert!(!b.token.is_cancelled());
        suite.end("the tunnel closed");
        assert!(b.token.is_cancelled());
        assert_eq!(b.why(), Some("the tunnel closed"));
        assert_eq!(a.why(), Some("its page crashed"));
    }
}
