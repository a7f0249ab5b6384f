//! A call leg: the caller's side of one call, as a session (`session`) drives it. c2c's page in
//! headless Chromium (`page`) is one; any other caller (one with no browser, a stand-in in the
//! tests) is a session's as soon as it keeps the duties written here.

use std::fmt::Display;
use std::future::Future;
use std::time::Instant;

use super::said::Said;

/// The duties of a call leg.
///
/// - **One audio clock.** Everything the leg hears comes as `Said::Audio`, each piece with the
///   leg's clock (seconds) when it was handed over and the number of its first sample (16 kHz
///   mono, counted from the leg's start, gaps allowed); the answer (`Said::State` in
///   `Phase::InCall`) is marked on the same clock when the leg knows it. The steps listen from
///   the answer on by that clock, so a leg whose clock and samples disagree mishears.
/// - **A heartbeat.** Once it has started, a leg says something at least every two seconds
///   (`Said` of any kind, `Said::Alive` when it has nothing else; `last_word` is when): a
///   session counts a longer gap as time the leg was starved of CPU, and gives up on a leg
///   quiet for ten.
/// - **States in order.** The call's phases as they happen, with Twilio's call SID once it is
///   known; `Phase::Ended` once the call is over, whoever ended it; `Said::Gone` when the leg
///   itself is gone (it says nothing after).
/// - **Keys and sound in order.** `press` queues the keys and returns; `Said::DigitsSent` says
///   when the last has gone. `play` starts the samples (16 kHz) and returns the leg's clock at
///   which their first goes out, on the clock its audio is heard on: turn latency is measured
///   from there.
pub trait Leg: Send {
    type Error: Display + Send;

    /// What the leg says next; `Said::Gone`, at once and for ever, once it is gone.
    fn next(&mut self) -> impl Future<Output = Said> + Send;

    /// When the leg last said anything.
    fn last_word(&self) -> Instant;

    /// Presses `digits` (0-9, *, #; w a half-second pause), in order.
    fn press(&self, digits: &str) -> impl Future<Output = Result<(), Self::Error>> + Send;

    /// Starts playing `samples` (16 kHz mono) into the call; the leg's audio clock at the first.
    fn play(&self, samples: &[i16]) -> impl Future<Output = Result<f64, Self::Error>> + Send;

    /// Hangs up; the leg says `Phase::Ended` once it has.
    fn hang_up(&self) -> impl Future<Output = Result<(), Self::Error>> + Send;

    /// Done with the leg: whatever it holds is let go (the browser goes on).
    fn close(self) -> impl Future<Output = ()> + Send;
}

pub mod sip;

#[cfg(test)]
pub mod scripted;
