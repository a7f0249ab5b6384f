//! What goes into the log from a request. Anyone on the internet writes these values (through the
//! tunnel), so each is shown quoted when it holds anything but the characters of phone numbers,
//! SIDs, identities and paths (a newline would forge a log line), cut short (a 64 KB query would make a
//! 64 KB line), and refusals are logged at a bounded rate (a flood of forged webhooks would
//! otherwise flood the terminal).

use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// The longest value shown whole.
const MAX_CHARS: usize = 80;

/// `value` as it can safely stand in a log line (a request's path too: never its query).
pub fn value(value: &str) -> String {
    let plain = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+:_-.@/".contains(c));
    let cut: String = value.chars().take(MAX_CHARS).collect();
    let more = if cut.len() < value.len() { "…" } else { "" };
    if plain {
        format!("{cut}{more}")
    } else {
        format!("{cut:?}{more}")
    }
}

/// Lets through at most `BURST` lines per `WINDOW`, and says how many it held back.
pub struct Throttle {
    state: Mutex<Window>,
}

struct Window {
    started: Instant,
    logged: u32,
    held_back: u64,
}

const BURST: u32 = 10;
const WINDOW: Duration = Duration::from_secs(60);

impl Default for Throttle {
    fn default() -> Self {
        Throttle {
            state: Mutex::new(Window {
                started: Instant::now(),
                logged: 0,
                held_back: 0,
            }),
        }
    }
}

impl Throttle {
    /// `Some(n)` when a line may be logged now, `n` being how many were held back before it;
    /// `None` when this one is to be held back.
    pub fn admit(&self, now: Instant) -> Option<u64> {
        let mut window = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if now.saturating_duration_since(window.started) >= WINDOW {
            window.started = now;
            window.logged = 0;
        }
        if window.logged >= BURST {
            window.held_back += 1;
            return None;
        }
        window.logged += 1;
        Some(std::mem::take(&mut window.held_back))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_quoted_when_they_could_forge_a_line_and_cut_when_long() {
        assert_eq!(value("client:alice"), "client:alice");
        assert_eq!(value("+14155552671"), "+14155552671");
        assert_eq!(value("CA0123"), "CA0123");
        assert_eq!(
            value("x\n2026-01-01 INFO forged"),
            r#""x\n2026-01-01 INFO forged""#
        );
        assert_eq!(value(""), r#""""#);
        let long = value(&"a".repeat(65_536));
        assert!(long.len() < 100 && long.ends_with('…'), "{long}");
    }

    #[test]
    fn a_flood_is_logged_in_part_and_then_counted() {
        let throttle = Throttle::default();
        let t0 = Instant::now();
        for _ in 0..BURST {
            assert_eq!(throttle.admit(t0), Some(0));
        }
        for _ in 0..500 {
            assert_eq!(throttle.admit(t0), None);
        }
        assert_eq!(throttle.admit(t0 + WINDOW), Some(500));
    }
}
