//! The browsers a run's calls share: one, started before anything else (it takes longest), and
//! another each time every one open carries as many calls as a Chromium can. A browser plays
//! through at most 50 audio output streams and each page holds two (driver.js), so it carries
//! 25 calls; a suite of more at once gets a second browser, and a third, transparently.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::call::{self, Browser};
use crate::error::Error;

/// Calls one browser carries at once.
pub const CALLS_A_BROWSER: usize = 25;

pub struct Browsers {
    /// Calls a browser carries: `CALLS_A_BROWSER`.
    carries: usize,
    chrome: PathBuf,
    reaches: Vec<String>,
    extra: Vec<String>,
    open: tokio::sync::Mutex<Vec<Open>>,
}

/// A browser open, and how many calls it carries now.
struct Open {
    browser: Arc<Browser>,
    carried: Arc<AtomicUsize>,
}

/// A browser lent to one call: its place is given back when the call drops it.
pub struct Lent {
    pub browser: Arc<Browser>,
    carried: Arc<AtomicUsize>,
}

impl Drop for Lent {
    fn drop(&mut self) {
        self.carried.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Browsers {
    /// Starts the first browser at `chrome`, able to look up only `reaches` (besides loopback
    /// and Twilio's hosts), with Chromium's `extra` flags; the others start the same way.
    pub fn start(chrome: PathBuf, reaches: Vec<String>, extra: Vec<String>) -> Result<Self, Error> {
        Self::carrying(CALLS_A_BROWSER, chrome, reaches, extra)
    }

    fn carrying(
        carries: usize,
        chrome: PathBuf,
        reaches: Vec<String>,
        extra: Vec<String>,
    ) -> Result<Self, Error> {
        let first = call::launch(&chrome, &reaches, &extra)?;
        Ok(Browsers {
            carries,
            chrome,
            reaches,
            extra,
            open: tokio::sync::Mutex::new(vec![Open {
                browser: first,
                carried: Arc::default(),
            }]),
        })
    }

    /// A browser with room for one more call: the first open one that has it, or a new one.
    pub async fn lend(&self) -> Result<Lent, Error> {
        let mut open = self.open.lock().await;
        let room = open
            .iter()
            .find(|o| o.carried.load(Ordering::SeqCst) < self.carries);
        let (browser, carried) = match room {
            Some(o) => (Arc::clone(&o.browser), Arc::clone(&o.carried)),
            None => {
                tracing::info!(
                    "{} calls at once: starting browser number {} ({} calls a browser)",
                    open.len() * self.carries + 1,
                    open.len() + 1,
                    self.carries
                );
                let browser = call::launch(&self.chrome, &self.reaches, &self.extra)?;
                let carried = Arc::new(AtomicUsize::new(0));
                open.push(Open {
                    browser: Arc::clone(&browser),
                    carried: Arc::clone(&carried),
                });
                (browser, carried)
            }
        };
        carried.fetch_add(1, Ordering::SeqCst);
        Ok(Lent { browser, carried })
    }

    pub async fn close(&self) {
        let open = std::mem::take(&mut *self.open.lock().await);
        futures_util::future::join_all(open.iter().map(|o| o.browser.close())).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Browsers {
        async fn count(&self) -> usize {
            self.open.lock().await.len()
        }
    }

    #[tokio::test]
    async fn past_what_the_browsers_carry_another_starts_and_a_freed_place_is_used_again() {
        let chrome = crate::browsers::find(&crate::browsers::Layout::this_machine())
            .expect("Chromium is installed (scripts/setup)");
        let browsers = Browsers::carrying(2, chrome, Vec::new(), Vec::new()).unwrap();
        let one = browsers.lend().await.unwrap();
        let two = browsers.lend().await.unwrap();
        assert!(Arc::ptr_eq(&one.browser, &two.browser));
        assert_eq!(browsers.count().await, 1);
        let three = browsers.lend().await.unwrap();
        assert!(!Arc::ptr_eq(&one.browser, &three.browser));
        assert_eq!(browsers.count().await, 2);
        // A call over: its place in the first browser is free again.
        drop(two);
        let four = browsers.lend().await.unwrap();
        assert!(Arc::ptr_eq(&one.browser, &four.browser));
        assert_eq!(browsers.count().await, 2);
        // Both answer as browsers do.
        assert!(one.browser.ready().await.is_ok());
        assert!(three.browser.ready().await.is_ok());
        browsers.close().await;
    }
}
