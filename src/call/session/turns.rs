//! Turns: how soon the far end answers c2c. When c2c has spoken, played or pressed, the step that
//! listens next measures the far end's turn latency at the caller's ear: from c2c's last sample
//! out to the first sound of the reply, both on the page's audio clock (so the network's delay
//! both ways and the page's jitter buffer are in it, as a caller hears it).

use super::Session;
use crate::call::audio::{RATE, rms};
use crate::call::leg::Leg;

/// Onsets are looked for 10 ms at a time.
const LOOK: usize = RATE as usize / 100;
/// A reply is sound that lasts: this many looks in a row above the sound threshold (50 ms), so a
/// click or a packet's noise is no reply.
const LASTS: usize = 5;
/// Louder than this (RMS, full scale 1) is sound: -40 dBFS, as the listeners count it.
const SOUND: f64 = 0.01;

impl<L: Leg> Session<'_, L> {
    /// c2c's last sample of speech, sound or keys went out at `clock` (the page's audio clock):
    /// the far end's turn begins.
    pub(super) fn spoke_until(&mut self, clock: f64) {
        self.spoke = Some(clock);
    }

    /// The far end's reply after c2c last spoke, as far as it has been heard: seconds after c2c's
    /// last sample. Taken once: the turn is the step's that listened first.
    pub(super) fn take_turn(&mut self) -> Option<f64> {
        let spoke = self.spoke.take()?;
        let heard = self.lived.heard.between(spoke, f64::INFINITY);
        onset(heard).map(|sample| sample as f64 / f64::from(RATE))
    }
}

/// Where the first lasting sound in `samples` begins (its sample).
pub fn onset(samples: &[i16]) -> Option<usize> {
    let loud: Vec<bool> = samples
        .chunks_exact(LOOK)
        .map(|look| rms(look) >= SOUND)
        .collect();
    loud.windows(LASTS)
        .position(|run| run.iter().all(|&l| l))
        .map(|look| look * LOOK)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call::leg::scripted::{silence, tone};

    #[test]
    fn a_reply_begins_where_lasting_sound_does_and_a_click_is_none() {
        let mut audio = silence(700);
        audio[3_000] = 30_000;
        audio.extend(tone(440.0, 500));
        let at = onset(&audio).unwrap() as f64 / f64::from(RATE);
        assert!((at - 0.7).abs() <= 0.011, "{at}");
        assert_eq!(onset(&silence(1_000)), None);
        assert_eq!(onset(&tone(440.0, 30)), None);
    }
}
