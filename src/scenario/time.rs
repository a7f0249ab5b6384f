//! Durations as scenarios and flags write them (`2s`, `500ms`, `1m`, a bare number of seconds),
//! within a range that no clock they are added to can overflow, and how long an answered call
//! may last.

use std::time::Duration;

/// The longest duration c2c takes anywhere (a step, a timeout, `--hangup-after`): a day. Longer
/// is a typo or a hostile file, and would overflow the clocks it is added to.
pub const LONGEST: Duration = Duration::from_secs(24 * 60 * 60);

/// `2s`, `500ms`, `1m`; a bare number is seconds; from 0 to `LONGEST`.
pub fn duration(text: &str) -> Result<Duration, String> {
    let parsed = match text.trim().parse::<f64>() {
        Ok(seconds) if seconds.is_nan() || seconds < 0.0 => None,
        // Compared before it is made a Duration, which panics past u64::MAX seconds.
        Ok(seconds) => Some(match seconds <= LONGEST.as_secs_f64() {
            true => Duration::from_secs_f64(seconds),
            false => LONGEST + Duration::from_secs(1),
        }),
        Err(_) => humantime::parse_duration(text.trim()).ok(),
    };
    match parsed {
        Some(d) if d <= LONGEST => Ok(d),
        Some(_) => Err(format!(
            "{text:?} is longer than a day: durations run from 0 to 24h"
        )),
        None => Err(format!("{text:?} is not a duration such as 2s or 500ms")),
    }
}

/// How long an answered call lasts when nothing says otherwise: one with no steps would stay up
/// until the far end hangs up (billed minutes, a stuck CI job).
pub const LONGEST_CALL: Duration = Duration::from_secs(10 * 60);

/// When c2c hangs up an answered call, whatever its steps are doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HangUpAfter {
    /// `LONGEST_CALL`: nothing said.
    #[default]
    Default,
    /// `--hangup-after` or `hangup-after:`.
    After(Duration),
    /// `none`: only the steps or the far end end the call.
    Never,
}

impl HangUpAfter {
    /// `2m`, `90s`, or `none`.
    pub fn parse(text: &str) -> Result<HangUpAfter, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "none" | "never" => Ok(HangUpAfter::Never),
            _ => time_limit(text)
                .map(HangUpAfter::After)
                .map_err(|why| format!("{why} (or none, for no limit)")),
        }
    }

    pub fn after(self) -> Option<Duration> {
        match self {
            HangUpAfter::Default => Some(LONGEST_CALL),
            HangUpAfter::After(after) => Some(after),
            HangUpAfter::Never => None,
        }
    }
}

/// A timeout or a limit on a call: a `duration` above zero.
pub fn time_limit(text: &str) -> Result<Duration, String> {
    match duration(text)? {
        d if d.is_zero() => Err(format!(
            "{text:?} is no time at all: write it as 30s, 2m or 1m30s"
        )),
        d => Ok(d),
    }
}
