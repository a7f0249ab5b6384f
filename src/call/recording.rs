//! A call's recording: what the page heard (16 kHz mono) and, when c2c played or said anything,
//! what it sent, on the same clock, kept as WAV when asked for.

use std::path::Path;

use super::heard;
use super::report::Report;
use crate::wav::{self, write_wav};

/// A call that ended: its report, everything the page heard (16 kHz mono), and, when c2c played
/// or said anything, what it sent, on the same clock.
pub struct Placed {
    pub report: Report,
    pub heard: Vec<i16>,
    pub sent: Option<Vec<i16>>,
}

impl Placed {
    /// Keeps what the page heard in `path` (WAV), when asked for, and names it in the report:
    /// mono, or, when c2c spoke, played or said anything, c2c on the left and the far end on the
    /// right, so that a turn can be replayed and measured by other tools.
    pub fn record(&mut self, path: Option<&Path>) -> Result<(), wav::WavError> {
        if let Some(path) = path {
            match &self.sent {
                Some(sent) => wav::write_stereo(path, sent, &self.heard)?,
                None => write_wav(path, &self.heard)?,
            }
            self.report.recording = Some(path.to_owned());
        }
        Ok(())
    }
}

/// What c2c sent, placed on the recording of what it heard (`Heard::timeline`): each piece
/// from the moment it began, on the same clock.
pub(super) fn sent_beside(
    heard: &heard::Heard,
    length: usize,
    said: &[(f64, std::sync::Arc<[i16]>)],
) -> Vec<i16> {
    let mut sent = vec![0i16; length];
    for (first, samples) in said {
        let at = heard.timeline_index(*first);
        // A leg's clock for its own sound is its word: one that points far past the recording
        // (an hour on) places nothing.
        if at > length + 60 * usize::try_from(super::audio::RATE).unwrap_or(16_000) {
            continue;
        }
        if sent.len() < at + samples.len() {
            sent.resize(at + samples.len(), 0);
        }
        sent[at..at + samples.len()].copy_from_slice(samples);
    }
    sent
}
