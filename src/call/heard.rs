//! What the page heard, and when: its audio, placed on the page's audio clock.

use std::time::{Duration, Instant};

use super::audio::RATE;

/// How far ahead of real time the page may be with its audio (its first pieces come in a burst).
const AHEAD: f64 = 1.0;
/// A piece whose capture this much later than its run's samples allow (seconds; two of the
/// page's blocks) may start a new run: the page was starved and dropped what it could not hand
/// over.
const DROPPED: f64 = 0.25;
/// A new run is sure once this much audio (seconds) after it has stayed late: a piece merely
/// handed over late is followed by ones on time.
const CONFIRM: f64 = 0.5;

/// Everything the page heard, timed where it was captured: on the page's audio clock, the clock
/// the answer is marked on too (a piece can reach c2c well after it was heard, and early media
/// such as ringback must not count as heard after the answer).
///
/// The page numbers its samples from the first (`position`) and says what its clock read when
/// it handed each piece over. A piece is handed over once captured, so its end was captured no
/// later than that: the earliest such bound over all pieces is where sample 0 was captured (the
/// anchor), and every piece, those already here included, is placed from it. One piece handed
/// over late (the page busy as the call starts) no longer shifts all that follows.
///
/// A page starved of CPU drops the audio it could not hand over (its processor clears it), and
/// numbers on from where it was: the pieces after such a gap were captured later than their
/// numbers say. Pieces whose bounds stay late by more than a moment start a new run, with an
/// anchor of its own, so that what follows a gap is placed where it was captured.
#[derive(Default)]
pub struct Heard {
    samples: Vec<i16>,
    /// Each piece: the page's number for its first sample, its index in `samples`, and its run.
    pieces: Vec<(u64, usize, usize)>,
    /// Each run's anchor: where its sample 0 would have been captured on the audio clock
    /// (seconds), from its piece handed over soonest. The first run's is the call's.
    runs: Vec<f64>,
    /// A run that may be starting: its first piece (an index into `pieces`), that piece's
    /// position, and the earliest bound since.
    pending: Option<(usize, u64, f64)>,
    /// The instant sample 0 would have reached c2c, from the piece that came fastest: with the
    /// anchor, how this process's clock maps onto the page's.
    zero: Option<Instant>,
    /// When the first piece arrived: no more audio than real time allows since then is taken.
    first: Option<Instant>,
    /// When the last piece arrived: no recording is longer than real time allows either.
    last: Option<Instant>,
    /// Samples refused for coming faster than real time.
    pub refused: usize,
}

impl Heard {
    /// Takes a piece that arrived at `arrived`, that the page handed over when its audio clock
    /// read `handed`, and whose first sample is the page's sample number `position`.
    pub fn push(&mut self, arrived: Instant, handed: f64, position: u64, pcm: &[i16]) {
        let rate = f64::from(RATE);
        let end = (position + pcm.len() as u64) as f64 / rate;
        let run = self.place(handed - end, position, end);
        let first = *self.first.get_or_insert(arrived);
        self.last = Some(self.last.map_or(arrived, |last| last.max(arrived)));
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
        self.pieces.push((position, self.samples.len(), run));
        self.samples.extend_from_slice(taken);
    }

    /// The run of a piece whose capture ended no later than `bound` after its sample 0, and
    /// which ends at `end` (seconds of samples): this run, with its anchor moved earlier when
    /// the bound says so, or a new one once pieces have stayed late for `CONFIRM`.
    fn place(&mut self, bound: f64, position: u64, end: f64) -> usize {
        let Some(&anchor) = self.runs.last() else {
            self.runs.push(bound);
            return 0;
        };
        let run = self.runs.len() - 1;
        let floor = match run {
            0 => f64::NEG_INFINITY,
            _ => self.runs[run - 1],
        };
        if bound <= anchor + DROPPED {
            self.runs[run] = anchor.min(bound).max(floor);
            self.pending = None;
            return run;
        }
        let (since, start, earliest) = self.pending.unwrap_or((self.pieces.len(), position, bound));
        let earliest = earliest.min(bound);
        if end - start as f64 / f64::from(RATE) < CONFIRM {
            self.pending = Some((since, start, earliest));
            return run;
        }
        // Samples were dropped before piece `since`: it and those after it are a run of their own.
        self.pending = None;
        self.runs.push(earliest.max(anchor));
        for piece in &mut self.pieces[since..] {
            piece.2 = run + 1;
        }
        run + 1
    }

    /// How far the audio that has come reaches on the page's audio clock; `None` before any.
    pub fn covered(&self) -> Option<f64> {
        let (position, index, run) = *self.pieces.last()?;
        let taken = self.samples.len() - index;
        Some(self.runs[run] + (position + taken as u64) as f64 / f64::from(RATE))
    }

    /// How much of the page's audio from `from` to `until` (its clock) never came, as far as
    /// any has come: what a starved page dropped.
    pub fn dropped(&self, from: f64, until: f64) -> f64 {
        let (Some(covered), Some(&(position, _, run))) = (self.covered(), self.pieces.first())
        else {
            return 0.0;
        };
        let from = from.max(self.runs[run] + position as f64 / f64::from(RATE));
        let until = until.min(covered);
        let heard = self.between(from, until).len() as f64 / f64::from(RATE);
        (until - from - heard).max(0.0)
    }

    pub fn all(&self) -> &[i16] {
        &self.samples
    }

    /// Everything heard, each piece where it was captured on the page's audio clock, with
    /// silence where a starved page dropped audio: a recording whose time is the call's, so
    /// that a turn measured in it is the turn c2c reported (a recording of the samples alone
    /// was shorter than the call by what was dropped, and a turn in it shorter too).
    pub fn timeline(&self) -> Vec<i16> {
        let mut out = Vec::with_capacity(self.samples.len());
        // No longer than the audio took to come (and the page's head start): what a page or far
        // end says of its own clock cannot make a recording of an hour's silence.
        let longest = match (self.first, self.last) {
            (Some(first), Some(last)) => {
                ((last.duration_since(first).as_secs_f64() + AHEAD) * f64::from(RATE)) as usize
            }
            _ => 0,
        }
        .max(self.samples.len());
        for (i, &(position, index, run)) in self.pieces.iter().enumerate() {
            let end = self.pieces.get(i + 1).map_or(self.samples.len(), |p| p.1);
            let at = self.timeline_index(self.runs[run] + position as f64 / f64::from(RATE));
            let room = longest.saturating_sub(end - index);
            if at > out.len() {
                out.resize(at.min(room).max(out.len()), 0);
            }
            out.extend_from_slice(&self.samples[index..end]);
        }
        out
    }

    /// Where `clock` (the page's audio clock) falls in `timeline`.
    pub fn timeline_index(&self, clock: f64) -> usize {
        let Some(&(position, _, run)) = self.pieces.first() else {
            return 0;
        };
        let origin = self.runs[run] + position as f64 / f64::from(RATE);
        ((clock - origin) * f64::from(RATE)).round().max(0.0) as usize
    }

    /// `at` on the page's audio clock.
    pub fn clock_at(&self, at: Instant) -> f64 {
        // The first run's anchor: `zero` is from the pieces that came fastest, which a later run
        // (late by what was dropped) never is.
        match (self.runs.first(), self.zero) {
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
    pub fn index_at(&self, clock: f64) -> usize {
        // Runs' anchors never go back, so capture times rise with the pieces.
        let captured =
            |position: u64, run: usize| self.runs[run] + position as f64 / f64::from(RATE);
        let Some(i) = self
            .pieces
            .iter()
            .rposition(|&(position, _, run)| captured(position, run) <= clock)
        else {
            return 0;
        };
        let (position, index, run) = self.pieces[i];
        let end = self.pieces.get(i + 1).map_or(self.samples.len(), |p| p.1);
        if clock.is_infinite() {
            return end;
        }
        let offset = ((clock - captured(position, run)) * f64::from(RATE)).round() as usize;
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

    #[test]
    fn a_clock_that_leaps_cannot_make_a_recording_longer_than_the_call() {
        let mut heard = Heard::default();
        let start = Instant::now();
        heard.push(start, 0.1, 0, &[1; 1_600]);
        // Half a second later, a piece that says it was captured an hour on.
        for i in 0..40 {
            let at = start + Duration::from_millis(500 + 10 * i);
            heard.push(at, 3_600.0 + i as f64, 57_600_000 + i * 1_600, &[2; 1_600]);
        }
        let timeline = heard.timeline();
        // Seconds (what real time and the page's head start allow, and what was heard), not an
        // hour of silence.
        assert!(timeline.len() <= 4 * RATE as usize, "{}", timeline.len());
        assert_eq!(&timeline[..1_600], &[1; 1_600][..]);
    }

    #[test]
    fn audio_after_a_gap_the_page_dropped_is_placed_where_it_was_captured() {
        let mut heard = Heard::default();
        let start = Instant::now();
        let piece = 1_600; // 0.1 s
        let push = |heard: &mut Heard, at_ms: u64, position: u64, value: i16| {
            let handed = at_ms as f64 / 1000.0;
            heard.push(
                start + Duration::from_millis(at_ms),
                handed,
                position,
                &vec![value; piece],
            );
        };
        // One second on time (sample 0 captured at 0.0 s), then the page is starved for a
        // second and drops it: its numbers go on from 16,000 while the clock reads 2.1 s.
        for i in 0..10 {
            push(&mut heard, (i + 1) * 100, i * piece as u64, 1);
        }
        for i in 10..20 {
            push(&mut heard, (i + 11) * 100, i * piece as u64, 2);
        }
        // What came after the gap was captured from 2.0 s on, not from 1.0 s.
        assert!(
            heard.between(1.05, 1.95).is_empty(),
            "nothing was heard in the gap"
        );
        assert_eq!(heard.between(2.0, 3.0), &vec![2; 10 * piece][..]);
        assert_eq!(heard.between(0.0, 1.0), &vec![1; 10 * piece][..]);
        assert!((heard.covered().unwrap() - 3.0).abs() < 1e-6);
        assert!(
            (heard.dropped(0.5, 2.5) - 1.0).abs() < 1e-3,
            "{}",
            heard.dropped(0.5, 2.5)
        );
        assert!(heard.dropped(2.0, 3.0) < 1e-3);
        // The clock of this process still maps onto the page's from the first second.
        assert!((heard.clock_at(start + Duration::from_millis(2500)) - 2.5).abs() < 1e-6);
        // A recording keeps the call's time: the dropped second is silence in it, and what
        // came after it is where the clock says.
        let timeline = heard.timeline();
        assert_eq!(timeline.len(), 3 * RATE as usize);
        assert_eq!(&timeline[..10 * piece], &vec![1; 10 * piece][..]);
        assert!(timeline[10 * piece..20 * piece].iter().all(|&s| s == 0));
        assert_eq!(&timeline[20 * piece..], &vec![2; 10 * piece][..]);
        assert_eq!(heard.timeline_index(2.0), 2 * RATE as usize);
    }

    #[test]
    fn pieces_handed_over_late_in_a_burst_start_no_new_run() {
        let mut heard = Heard::default();
        let start = Instant::now();
        let piece = 1_600;
        // On time for a second, then four pieces handed over together 0.4 s late, then on time.
        for i in 0..10u64 {
            heard.push(
                start + Duration::from_millis((i + 1) * 100),
                (i + 1) as f64 / 10.0,
                i * piece as u64,
                &vec![1; piece],
            );
        }
        for i in 10..14u64 {
            heard.push(
                start + Duration::from_millis(1_800),
                1.8,
                i * piece as u64,
                &vec![2; piece],
            );
        }
        for i in 14..20u64 {
            heard.push(
                start + Duration::from_millis((i + 1) * 100),
                (i + 1) as f64 / 10.0,
                i * piece as u64,
                &vec![3; piece],
            );
        }
        assert_eq!(heard.between(1.0, 1.4), &vec![2; 4 * piece][..]);
        assert_eq!(heard.between(1.4, 2.0), &vec![3; 6 * piece][..]);
        assert!((heard.covered().unwrap() - 2.0).abs() < 1e-6);
    }
}
