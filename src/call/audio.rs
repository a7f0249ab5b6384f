//! How c2c listens to what the page heard (16 kHz mono PCM, looked at 40 ms at a time for
//! loudness, sound or silence, and for the strength of one frequency, Goertzel). What was heard,
//! and when, is `heard`; WAV files in and out, `wav`.

/// The rate the page sends and c2c records at: telephone audio needs no more.
pub const RATE: u32 = 16_000;
/// One look at the audio: 40 ms, so that a frequency is told apart within 25 Hz.
pub const FRAME: usize = (RATE as usize) / 25;
/// Louder than this (RMS, full scale 1) is sound: -40 dBFS.
const SOUND: f64 = 0.01;
/// Quieter than this is silence: -50 dBFS, well above a digital line's noise.
const SILENCE: f64 = 0.003;
/// A frequency is "the tone" when it holds at least this share of a frame's energy.
const TONE_SHARE: f64 = 0.5;

/// How a frame sounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loudness {
    Sound,
    Silence,
    /// Between the two thresholds: neither counts.
    Faint,
}

pub fn rms(frame: &[i16]) -> f64 {
    if frame.is_empty() {
        return 0.0;
    }
    let sum: f64 = frame
        .iter()
        .map(|&s| (f64::from(s) / 32768.0).powi(2))
        .sum();
    (sum / frame.len() as f64).sqrt()
}

pub fn loudness(frame: &[i16]) -> Loudness {
    match rms(frame) {
        level if level >= SOUND => Loudness::Sound,
        level if level < SILENCE => Loudness::Silence,
        _ => Loudness::Faint,
    }
}

/// The share of `frame`'s energy at `hz` (1 for a pure tone there, 0 for none of it).
pub fn tone_share(frame: &[i16], hz: f64) -> f64 {
    let energy: f64 = frame.iter().map(|&s| f64::from(s).powi(2)).sum();
    if energy == 0.0 {
        return 0.0;
    }
    // Half a bin either side as well: a tone between two bins is not lost to leakage.
    let bin = f64::from(RATE) / frame.len() as f64;
    [hz - bin / 2.0, hz, hz + bin / 2.0]
        .iter()
        .map(|&f| 2.0 * goertzel_power(frame, f) / (frame.len() as f64 * energy))
        .fold(0.0, f64::max)
}

fn goertzel_power(frame: &[i16], hz: f64) -> f64 {
    let coefficient = 2.0 * (2.0 * std::f64::consts::PI * hz / f64::from(RATE)).cos();
    let (mut s1, mut s2) = (0.0, 0.0);
    for &x in frame {
        let s0 = f64::from(x) + coefficient * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    s1 * s1 + s2 * s2 - coefficient * s1 * s2
}

/// How far a tone may be from the frequency asked for: 2%, as the README says.
pub const TOLERANCE: f64 = 0.02;

/// The frequency of the tone in `frame` when it is one near `hz` (within `TOLERANCE`): sound,
/// mostly at one frequency, measured to a fraction of a hertz.
pub fn tone_near(frame: &[i16], hz: f64) -> Option<f64> {
    if loudness(frame) != Loudness::Sound {
        return None;
    }
    // Look a little wider than the tolerance, so that a tone just outside it is measured as
    // outside, not as the nearest frequency inside.
    let measured = peak(
        frame,
        hz * (1.0 - 2.0 * TOLERANCE),
        hz * (1.0 + 2.0 * TOLERANCE),
    )?;
    ((measured - hz).abs() <= hz * TOLERANCE && tone_share(frame, measured) >= TONE_SHARE)
        .then_some(measured)
}

/// The strongest frequency in `frame` between 100 Hz and 4 kHz: for saying what was heard
/// instead of an expected tone.
pub fn dominant(frame: &[i16]) -> Option<f64> {
    if loudness(frame) != Loudness::Sound {
        return None;
    }
    peak(frame, 100.0, 4000.0)
}

/// What `samples` sound like, for saying what was heard instead of what was expected: "sound,
/// mostly 800 Hz" (the frequency strongest in most of its frames), or "only silence".
pub fn describe(samples: &[i16]) -> String {
    let mut counts: Vec<(u32, usize)> = Vec::new();
    for hz in samples.chunks_exact(FRAME).filter_map(dominant) {
        let hz = hz.round() as u32;
        match counts.iter_mut().find(|(f, _)| *f == hz) {
            Some((_, n)) => *n += 1,
            None => counts.push((hz, 1)),
        }
    }
    match counts.iter().max_by_key(|(_, n)| *n) {
        Some((hz, _)) => format!("sound, mostly {hz} Hz"),
        None => "only silence".to_owned(),
    }
}

/// Where between `low` and `high` Hz `frame` is strongest: a coarse search, then a fine one
/// around the best. A 40 ms frame's peak sits at the tone's frequency (its spectrum is the
/// window's, centred there), so it is found to well under a hertz.
fn peak(frame: &[i16], low: f64, high: f64) -> Option<f64> {
    let strongest = |from: f64, to: f64, step: f64| {
        let count = ((to - from) / step).ceil() as usize;
        (0..=count)
            .map(|i| (from + i as f64 * step).min(to))
            .map(|hz| (hz, goertzel_power(frame, hz)))
            .max_by(|a, b| a.1.total_cmp(&b.1))
    };
    let (coarse, _) = strongest(low, high, 5.0)?;
    let (fine, _) = strongest((coarse - 5.0).max(low), (coarse + 5.0).min(high), 0.25)?;
    Some(fine)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(hz: f64, amplitude: f64, len: usize) -> Vec<i16> {
        (0..len)
            .map(|i| {
                (amplitude
                    * 32767.0
                    * (2.0 * std::f64::consts::PI * hz * i as f64 / f64::from(RATE)).sin())
                    as i16
            })
            .collect()
    }

    #[test]
    fn a_tone_is_told_by_its_frequency_within_two_percent() {
        let frame = tone(1000.0, 0.3, FRAME);
        assert!(tone_near(&frame, 1000.0).is_some());
        assert!(tone_near(&frame, 1015.0).is_some(), "1.5% off");
        assert!(tone_near(&frame, 1100.0).is_none());
        assert!(tone_near(&frame, 440.0).is_none());
        assert_eq!(dominant(&frame).map(f64::round), Some(1000.0));
        // A tone between two analysis bins still counts.
        assert!(tone_near(&tone(712.0, 0.3, FRAME), 712.0).is_some());
    }

    #[test]
    fn the_tolerance_is_what_the_readme_says_and_the_frequency_is_measured() {
        let frame = tone(1333.0, 0.3, FRAME);
        for (asked, passes) in [
            (1333.0, true),
            (1310.0, true),  // -1.7%
            (1358.0, true),  // +1.9%
            (1300.0, false), // -2.5%
            (1290.0, false), // -3.2%
            (1380.0, false), // +3.5%
        ] {
            let heard = tone_near(&frame, asked);
            assert_eq!(heard.is_some(), passes, "{asked} Hz: {heard:?}");
            if let Some(hz) = heard {
                assert!((hz - 1333.0).abs() < 1.0, "measured {hz} Hz");
            }
        }
    }

    #[test]
    fn two_tones_at_once_are_neither_alone_and_noise_is_no_tone() {
        let mixed: Vec<i16> = tone(440.0, 0.2, FRAME)
            .iter()
            .zip(tone(1000.0, 0.2, FRAME))
            .map(|(a, b)| a + b)
            .collect();
        assert!(tone_near(&mixed, 1000.0).is_none() || tone_share(&mixed, 1000.0) < 0.6);
        let mut seed = 12345u32;
        let noise: Vec<i16> = (0..FRAME)
            .map(|_| {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                ((seed >> 16) as i16) / 4
            })
            .collect();
        assert_eq!(loudness(&noise), Loudness::Sound);
        assert!(tone_near(&noise, 1000.0).is_none());
    }

    #[test]
    fn loudness_has_a_gap_between_sound_and_silence() {
        assert_eq!(loudness(&tone(500.0, 0.1, FRAME)), Loudness::Sound);
        assert_eq!(loudness(&tone(500.0, 0.002, FRAME)), Loudness::Silence);
        assert_eq!(loudness(&tone(500.0, 0.008, FRAME)), Loudness::Faint);
        assert_eq!(loudness(&[]), Loudness::Silence);
    }
}
