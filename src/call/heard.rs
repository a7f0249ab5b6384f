//! What the page heard, and when: its audio, placed on the page's audio clock.

use std::time::{Duration, Instant};

use super::audio::RATE;

/// How far ahead of real time the page may be with its audio (its first pieces come in a burst).
const AHEAD: f64 = 1.0;

/// Everything the page heard, timed where it was captured: on the page's audio clock, the clock
/// the answer is marked on too (a piece can reach c2c well after it was heard, and early media
/// such as ringback must not count as heard after the answer).
///
/// The page numbers its samples from the first (`position`) and says what its clock read when
/// it handed each piece over. A piece is handed over once captured, so its end was captured no
/// later than that: the earliest such bound over all pieces is where sample 0 was captured (the
/// anchor), and every piece, those already here included, is placed from it. One piece handed
/// over late (the page busy as the call starts) no longer shifts all that follows.
#[derive(Default)]
pub struct Heard {
    samples: Vec<i16>,
    /// Each piece: the page's number for its first sample, and its index in `samples`.
    pieces: Vec<(u64, usize)>,
    /// Where sample 0 was captured on the audio clock (seconds), from the piece handed over
    /// soonest.
    anchor: Option<f64>,
    /// The instant sample 0 would have reached c2c, from the piece that came fastest: with the
    /// anchor, how this process's clock maps onto the page's.
    zero: Option<Instant>,
    /// When the first piece arrived: no more audio than real time allows since then is taken.
    first: Option<Instant>,
    /// Samples refused for coming faster than real time.
    pub refused: usize,
}

impl Heard {
    /// Takes a piece that arrived at `arrived`, that the page handed over when its audio clock
    /// read `handed`, and whose first sample is the page's sample number `position`.
    pub fn push(&mut self, arrived: Instant, handed: f64, position: u64, pcm: &[i16]) {
        let rate = f64::from(RATE);
        let end = (position + pcm.len() as u64) as f64 / rate;
        self.anchor = Some(self.anchor.map_or(handed - end, |a| a.min(handed - end)));
        let first = *self.first.get_or_insert(arrived);
        let due = (arrived.duration_since(first).as_secs_f64() + AHEAD) * rate;
        let room = (due as usize).saturating_sub(self.samples.len());
        let taken = &pcm[..pcm.len().min(room)];
        self.refused += pcm.len() - taken.len();
        if taken.is_empty() {
            return;
        }
        if let Some(zero) = Duration::try_from_secs_f64(end)
            .ok()
            .and_then(|end| arrived.checked_sub(end))
        {
            self.zero = Some(self.zero.map_or(zero, |z| z.min(zero)));
        }
        self.pieces.push((position, self.samples.len()));
        self.samples.extend_from_slice(taken);
    }

    /// How far the audio that has come reaches on the page's audio clock; `None` before any.
    pub fn covered(&self) -> Option<f64> {
        let (position, index) = *self.pieces.last()?;
        let taken = self.samples.len() - index;
        Some(self.anchor? + (position + taken as u64) as f64 / f64::from(RATE))
    }

    pub fn all(&self) -> &[i16] {
        &self.samples
    }

    /// Everything heard, handed over once the call is done.
    pub fn take(&mut self) -> Vec<i16> {
        std::mem::take(&mut self.samples)
    }

    /// `at` on the page's audio clock.
    pub fn clock_at(&self, at: Instant) -> f64 {
        match (self.anchor, self.zero) {
            (Some(anchor), Some(zero)) => anchor + at.saturating_duration_since(zero).as_secs_f64(),
            _ => 0.0,
        }
    }

    /// The samples captured at `clock` (on the page's audio clock) or later.
    pub fn since(&self, clock: f64) -> &[i16] {
        self.between(clock, f64::INFINITY)
    }

    /// The samples captured from `from` until `until` (on the page's audio clock).
    pub fn between(&self, from: f64, until: f64) -> &[i16] {
        let start = self.index_at(from);
        let end = self.index_at(until).max(start);
        &self.samples[start..end]
    }

    /// The index of the first sample captured at `clock` or later.
    fn index_at(&self, clock: f64) -> usize {
        let anchor = self.anchor.unwrap_or(0.0);
        let captured = |position: u64| anchor + position as f64 / f64::from(RATE);
        let Some(i) = self
            .pieces
            .iter()
            .rposition(|(position, _)| captured(*position) <= clock)
        else {
            return 0;
        };
        let (position, index) = self.pieces[i];
        let end = self.pieces.get(i + 1).map_or(self.samples.len(), |p| p.1);
        if clock.is_infinite() {
            return end;
        }
        let offset = ((clock - captured(position)) * f64::from(RATE)).round() as usize;
        (index + offset).min(end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heard_audio_is_timed_where_it_was_captured() {
        let mut heard = Heard::default();
        let start = Instant::now();
        // Two pieces of 0.1 s, samples 0 and 1600, handed over as the page's clock read 1.1 s
        // and 1.2 s, the second arriving late: where a step starts is told by the page's clock,
        // not by arrival.
        heard.push(start, 1.1, 0, &vec![1; 1600]);
        heard.push(
            start + Duration::from_millis(300),
            1.2,
            1600,
            &vec![2; 1600],
        );
        assert_eq!(heard.since(1.1), &vec![2; 1600][..]);
        assert_eq!(heard.since(1.15).len(), 800, "cut inside a piece");
        assert_eq!(heard.since(0.5).len(), 3200);
        assert!(heard.since(5.0).is_empty());
        assert_eq!(
            heard.between(1.05, 1.15).len(),
            1600,
            "a window across both"
        );
        // This process's clock maps onto the page's by the piece that came fastest.
        assert!((heard.clock_at(start) - 1.1).abs() < 1e-6);
        // What has come reaches 0.2 s past where sample 0 was captured (1.0 s).
        assert!((heard.covered().unwrap() - 1.2).abs() < 1e-6);
        assert_eq!(Heard::default().covered(), None);
    }

    #[test]
    fn a_piece_handed_over_late_does_not_shift_what_came_before_it() {
        let mut heard = Heard::default();
        let start = Instant::now();
        // The first piece is handed over 0.3 s after it was captured (the page was busy), the
        // second at once: both are placed from the second, the first one too.
        heard.push(start, 1.4, 0, &vec![1; 1600]);
        heard.push(
            start + Duration::from_millis(100),
            1.2,
            1600,
            &vec![2; 1600],
        );
        assert_eq!(heard.since(1.1), &vec![2; 1600][..]);
        assert_eq!(heard.since(1.0).len(), 3200);
    }

    #[test]
    fn no_more_audio_than_real_time_allows_is_taken() {
        let mut heard = Heard::default();
        let start = Instant::now();
        // 52 MB pushed within a second: a page that is not c2c's.
        for i in 0..100 {
            heard.push(
                start + Duration::from_millis(i * 10),
                0.0,
                i * 16_000,
                &vec![7; 16_000],
            );
        }
        let taken = heard.all().len();
        assert!(taken <= 2 * RATE as usize + 160, "{taken} samples taken");
        assert!(heard.refused > 90 * 16_000);
    }
}
