//! How many calls a suite keeps in flight under `--jobs auto`: found as TCP finds its window. It
//! starts at two and doubles while every call stays healthy, then, from the first sign of
//! trouble, falls by a third and grows by one. The signs come from the calls themselves: a page
//! that went quiet past its heartbeat, or whose audio stopped coming, was starved of CPU, and a
//! recogniser seconds behind its call has more words to hear than the machine keeps up with (the
//! machine's own pressure would count work at a lower priority too, and so hold a suite back
//! beside a nice'd build that takes nothing from it). The window grows only once every call in
//! flight has started (its page loaded and its call ringing; a call listening for words, its
//! first words heard): starting a page is the heaviest part of a call, recognising words the
//! heaviest of a spoken one, and a machine that starts them slowly is one that is full.

use std::collections::HashSet;
use std::future::Future;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use tokio::sync::mpsc;

use crate::cli::Jobs;

/// Where the window starts.
const FIRST: usize = 2;
/// How long every call must stay healthy, with the window full, before it grows; and how long
/// after a cut the next may come (one overload starves many pages at once: one cut).
const CALM: Duration = Duration::from_secs(2);
/// While doubling, it grows by at most this much at once: pages starting together starve each
/// other before the first of them can say so.
const MOST_AT_ONCE: usize = 4;

/// How often an auto window looks at whether it may grow.
const LOOK: Duration = Duration::from_millis(250);

/// What a call in flight says of itself, for the window.
/// Now, on tokio's clock (which a test can pause and move on).
fn now() -> Instant {
    tokio::time::Instant::now().into_std()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Health {
    /// Its page has loaded and its call rings (or was answered, or ended); for a call that
    /// listens for words, its first words were heard.
    Started,
    /// Its page was starved of CPU, or its speech recogniser fell behind the call.
    Starved,
}

/// Runs `calls` (each by its index), as many in flight at once as `jobs` says, and returns what
/// each gave, in the order they finished. `health` brings what the calls in flight say of
/// themselves (by index); `resized` hears each new size of an auto window, and whether it was a
/// cut.
pub async fn in_window<T, F: Future<Output = T>>(
    calls: impl IntoIterator<Item = (usize, F)>,
    jobs: Jobs,
    most: usize,
    mut health: mpsc::UnboundedReceiver<(usize, Health)>,
    resized: impl Fn(usize, bool),
) -> Vec<T> {
    let mut waiting = calls.into_iter();
    let mut flying = FuturesUnordered::new();
    let mut starting: HashSet<usize> = HashSet::new();
    let mut window = match jobs {
        Jobs::Auto => Some(Window::new(most, now())),
        Jobs::Fixed(_) => None,
    };
    if let Some(window) = &window {
        resized(window.size(), false);
    }
    let mut look = tokio::time::interval(LOOK);
    look.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut done = Vec::new();
    loop {
        let size = match (&window, jobs) {
            (Some(window), _) => window.size(),
            (None, Jobs::Fixed(n)) => n,
            (None, Jobs::Auto) => most,
        };
        while flying.len() < size {
            let Some((i, call)) = waiting.next() else {
                break;
            };
            starting.insert(i);
            flying.push(async move { (i, call.await) });
        }
        if flying.is_empty() {
            return done;
        }
        tokio::select! {
            Some((i, result)) = flying.next() => {
                starting.remove(&i);
                done.push(result);
            }
            Some((i, said)) = health.recv() => match said {
                Health::Started => {
                    starting.remove(&i);
                }
                Health::Starved => {
                    if let Some(window) = &mut window {
                        let before = window.size();
                        window.starved(now());
                        if window.size() != before {
                            resized(window.size(), true);
                        }
                    }
                }
            },
            _ = look.tick() => {
                if let Some(window) = &mut window
                    && window.tick(now(), flying.len(), starting.len())
                {
                    resized(window.size(), false);
                }
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Growth {
    Doubling,
    ByOne,
}

#[derive(Debug)]
pub struct Window {
    size: usize,
    most: usize,
    growth: Growth,
    /// Since when nothing has grown or cut it.
    calm_since: Instant,
}

impl Window {
    /// A window of at most `most` calls.
    pub fn new(most: usize, now: Instant) -> Self {
        Window {
            size: FIRST.min(most),
            most: most.max(1),
            growth: Growth::Doubling,
            calm_since: now,
        }
    }

    pub fn size(&self) -> usize {
        self.size
    }

    /// A call's page was starved at `now`: the window falls by a third (once per calm period).
    pub fn starved(&mut self, now: Instant) {
        if now.saturating_duration_since(self.calm_since) < CALM && self.growth == Growth::ByOne {
            return;
        }
        self.size = (self.size * 2 / 3).max(1);
        self.growth = Growth::ByOne;
        self.calm_since = now;
    }

    /// Grows the window when it has been calm for a while, is full (`in_flight` calls), and none
    /// of them is still starting. Returns whether it grew.
    pub fn tick(&mut self, now: Instant, in_flight: usize, starting: usize) -> bool {
        let calm = now.saturating_duration_since(self.calm_since) >= CALM;
        if !calm || in_flight < self.size || starting > 0 || self.size >= self.most {
            return false;
        }
        let more = match self.growth {
            Growth::Doubling => self.size.min(MOST_AT_ONCE),
            Growth::ByOne => 1,
        };
        self.size = (self.size + more).min(self.most);
        self.calm_since = now;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(start: Instant, secs: u64) -> Instant {
        start + Duration::from_secs(secs)
    }

    #[test]
    fn it_doubles_while_calm_full_and_started_then_grows_four_at_most() {
        let start = Instant::now();
        let mut window = Window::new(40, start);
        assert_eq!(window.size(), 2);
        // Not calm long enough, not full, or a call still starting: no growth.
        assert!(!window.tick(at(start, 1), 2, 0));
        assert!(!window.tick(at(start, 2), 1, 0));
        assert!(!window.tick(at(start, 2), 2, 1));
        assert!(window.tick(at(start, 2), 2, 0));
        assert_eq!(window.size(), 4);
        assert!(window.tick(at(start, 4), 4, 0));
        assert_eq!(window.size(), 8);
        assert!(window.tick(at(start, 6), 8, 0));
        assert_eq!(window.size(), 12);
    }

    #[test]
    fn starvation_cuts_a_third_once_per_calm_period_then_it_grows_by_one() {
        let start = Instant::now();
        let mut window = Window::new(40, start);
        for secs in [2, 4, 6, 8] {
            window.tick(at(start, secs), window.size(), 0);
        }
        assert_eq!(window.size(), 16);
        window.starved(at(start, 9));
        assert_eq!(window.size(), 10);
        // The same overload, seen by more pages: no second cut.
        window.starved(at(start, 10));
        assert_eq!(window.size(), 10);
        assert!(!window.tick(at(start, 10), 10, 0));
        assert!(window.tick(at(start, 11), 10, 0));
        assert_eq!(window.size(), 11);
        // Trouble again, later: cut again.
        window.starved(at(start, 14));
        assert_eq!(window.size(), 7);
    }

    /// Calls that each take `long` and say they started at once; those in `starve` (by index)
    /// say their page was starved as they start. The most in flight at once, and each size the
    /// window took.
    async fn suite(
        jobs: Jobs,
        calls: usize,
        long: Duration,
        starve: &[usize],
    ) -> (usize, Vec<usize>) {
        use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
        let (tx, rx) = mpsc::unbounded_channel();
        let flying = AtomicUsize::new(0);
        let most_seen = AtomicUsize::new(0);
        let sizes = std::sync::Mutex::new(Vec::new());
        let work = (0..calls).map(|i| {
            let tx = tx.clone();
            let (flying, most_seen) = (&flying, &most_seen);
            let starved = starve.contains(&i);
            (i, async move {
                most_seen.fetch_max(flying.fetch_add(1, SeqCst) + 1, SeqCst);
                let _ = tx.send((i, Health::Started));
                if starved {
                    let _ = tx.send((i, Health::Starved));
                }
                tokio::time::sleep(long).await;
                flying.fetch_sub(1, SeqCst);
                i
            })
        });
        let mut done = in_window(work, jobs, 40, rx, |size, _| {
            sizes.lock().unwrap().push(size)
        })
        .await;
        done.sort_unstable();
        assert_eq!(done, (0..calls).collect::<Vec<_>>(), "every call ran once");
        (most_seen.load(SeqCst), sizes.into_inner().unwrap())
    }

    #[tokio::test(start_paused = true)]
    async fn a_fixed_window_keeps_that_many_in_flight() {
        let (most, sizes) = suite(Jobs::Fixed(3), 10, Duration::from_secs(5), &[]).await;
        assert_eq!(most, 3);
        assert!(sizes.is_empty(), "{sizes:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn an_auto_window_grows_while_calls_are_healthy_and_falls_when_one_is_starved() {
        // Long calls, all healthy: 2, 4, 8, 12, 16, 20 … at two-second steps.
        let (most, sizes) = suite(Jobs::Auto, 30, Duration::from_secs(30), &[]).await;
        assert_eq!(sizes[..5], [2, 4, 8, 12, 16]);
        assert_eq!(most, 30, "{sizes:?}");
        // The fifth call to start is starved: the window falls from 8 to 5, and grows by one.
        let (most, sizes) = suite(Jobs::Auto, 30, Duration::from_secs(30), &[4]).await;
        assert_eq!(sizes[..4], [2, 4, 8, 5], "{sizes:?}");
        assert!(sizes[4..].windows(2).all(|w| w[1] == w[0] + 1), "{sizes:?}");
        assert!(most < 30, "grew to {most} in flight despite a starved page");
    }

    #[test]
    fn it_never_passes_its_bounds() {
        let start = Instant::now();
        let mut window = Window::new(3, start);
        assert!(window.tick(at(start, 2), 2, 0));
        assert_eq!(window.size(), 3);
        assert!(!window.tick(at(start, 9), 3, 0));
        let mut window = Window::new(40, start);
        for secs in 0..5 {
            window.starved(at(start, 10 * secs));
        }
        assert_eq!(window.size(), 1);
        assert_eq!(Window::new(1, start).size(), 1);
    }
}
