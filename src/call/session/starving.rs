//! How long c2c's page went without CPU, read from its own words: once started it says something
//! at least every two seconds (driver.js's heartbeat), so a longer gap between two of its words is
//! time the page, or c2c reading it, was starved of. A machine busy with other work at a lower
//! priority (a nice'd build) starves nothing and shows no gap, where the machine's CPU pressure
//! would say it is under load all the time.

use std::time::{Duration, Instant};

/// The page's heartbeat: the longest a healthy page goes without a word.
const HEARTBEAT: Duration = Duration::from_secs(2);
/// The longest gap a healthy page leaves between two words: its heartbeat and a second of
/// scheduling slack.
const BEAT_LATE: Duration = Duration::from_secs(3);

/// In a call the page hands over audio every 43 to 128 ms: this long without a word, it was
/// held up, too briefly to lose a step's judgement but enough to say the machine is full.
const AUDIO_LATE: Duration = Duration::from_millis(500);

/// How recent a starved stretch must be to explain the Voice SDK losing its connection: the
/// SDK's signalling gives up a few seconds after its socket stops answering.
const LATELY: Duration = Duration::from_secs(10);

#[derive(Debug, Default)]
pub struct Starving {
    /// When the page last said a word.
    last_word: Option<Instant>,
    /// The time lost so far: each gap's length past `BEAT_LATE`.
    lost: Duration,
    /// When the last gap past `BEAT_LATE` ended.
    last_gap: Option<Instant>,
}

impl Starving {
    /// The page said something at `now` (`in_call`: while its audio flows). Returns how long it
    /// had been quiet when that was longer than a healthy page is.
    pub fn word(&mut self, now: Instant, in_call: bool) -> Option<Duration> {
        let quiet = self
            .last_word
            .and_then(|last| now.checked_duration_since(last));
        self.last_word = Some(now);
        let quiet = quiet?;
        if let Some(late) = quiet.checked_sub(BEAT_LATE).filter(|late| !late.is_zero()) {
            self.lost += late;
            self.last_gap = Some(now);
        }
        let expected = if in_call { AUDIO_LATE } else { BEAT_LATE };
        (quiet > expected).then_some(quiet)
    }

    /// The time the page lost to starvation since its first word.
    pub fn lost(&self) -> Duration {
        self.lost
    }

    /// Whether the page has been quiet past its heartbeat at `now`: a gap that may be starvation
    /// under way, whose length its next word tells.
    pub fn silent(&self, now: Instant) -> bool {
        self.last_word
            .and_then(|last| now.checked_duration_since(last))
            .is_some_and(|quiet| quiet > HEARTBEAT)
    }

    /// Whether the page was starved within the last ten seconds before `now`.
    pub fn lately(&self, now: Instant) -> bool {
        self.last_gap
            .and_then(|gap| now.checked_duration_since(gap))
            .is_some_and(|since| since <= LATELY)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: f64) -> Duration {
        Duration::from_secs_f64(s)
    }

    #[test]
    fn a_page_on_its_heartbeat_loses_nothing() {
        let start = Instant::now();
        let mut starving = Starving::default();
        for beat in 0..10 {
            let said = starving.word(start + secs(2.0 * f64::from(beat)) + secs(0.5), false);
            assert_eq!(said, None);
        }
        assert_eq!(starving.lost(), Duration::ZERO);
        assert!(!starving.lately(start + secs(20.0)));
        assert!(!starving.silent(start + secs(20.0)));
        assert!(starving.silent(start + secs(20.6)));
    }

    #[test]
    fn the_time_past_a_late_beat_is_lost_and_said_for_ten_seconds() {
        let start = Instant::now();
        let mut starving = Starving::default();
        starving.word(start, false);
        starving.word(start + secs(2.0), false);
        // Silent for 7 s: 4 s of it lost.
        assert_eq!(starving.word(start + secs(9.0), false), Some(secs(7.0)));
        starving.word(start + secs(10.0), false);
        // And once more, 1.5 s.
        starving.word(start + secs(14.5), false);
        assert_eq!(starving.lost(), secs(5.5));
        assert!(starving.lately(start + secs(24.0)));
        assert!(!starving.lately(start + secs(25.0)));
    }

    #[test]
    fn in_a_call_half_a_second_without_audio_is_said_though_nothing_is_lost() {
        let start = Instant::now();
        let mut starving = Starving::default();
        starving.word(start, true);
        assert_eq!(starving.word(start + secs(0.1), true), None);
        assert_eq!(starving.word(start + secs(0.7), true), Some(secs(0.6)));
        assert_eq!(starving.lost(), Duration::ZERO);
    }
}
