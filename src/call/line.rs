//! What a telephone line carries of c2c's sound: the band under 3.4 kHz. A caller's last word can
//! end in a hiss (the "s" of "balance") that is mostly above it, which the line drops, so the far
//! end hears c2c stop talking before that hiss ends: turns are timed from where speech ends in the
//! band the line carries, by the loudness c2c's listeners count as sound.

use super::audio::{RATE, rms};

/// Looked at 10 ms at a time.
const LOOK: usize = RATE as usize / 100;
/// Sound, as the listeners count it: -40 dBFS.
const SOUND: f64 = 0.01;
/// Any sound at all: -60 dBFS, the quiet end of a word's hiss as it fades.
const AUDIBLE: f64 = 0.001;
/// The top of the telephone band.
const TOP: f64 = 3_400.0;

/// `samples` (16 kHz) as the line carries them: low-passed at 3.4 kHz (two second-order
/// Butterworth sections).
pub fn band(samples: &[i16]) -> Vec<f64> {
    let w = std::f64::consts::TAU * TOP / f64::from(RATE);
    let alpha = w.sin() / std::f64::consts::SQRT_2;
    let cos = w.cos();
    let a0 = 1.0 + alpha;
    let b = [
        (1.0 - cos) / 2.0 / a0,
        (1.0 - cos) / a0,
        (1.0 - cos) / 2.0 / a0,
    ];
    let a = [-2.0 * cos / a0, (1.0 - alpha) / a0];
    let mut out: Vec<f64> = samples.iter().map(|&s| f64::from(s)).collect();
    for _ in 0..2 {
        let (mut x1, mut x2, mut y1, mut y2) = (0.0, 0.0, 0.0, 0.0);
        for s in &mut out {
            let x = *s;
            let y = b[0] * x + b[1] * x1 + b[2] * x2 - a[0] * y1 - a[1] * y2;
            (x2, x1, y2, y1) = (x1, x, y1, y);
            *s = y;
        }
    }
    out
}

/// Where the sound the line carries begins and ends in `samples` (a range of samples; empty for
/// none).
pub fn spoken(samples: &[i16]) -> std::ops::Range<usize> {
    let carried: Vec<i16> = band(samples)
        .into_iter()
        .map(|v| v.round().clamp(-32768.0, 32767.0) as i16)
        .collect();
    sounding(&carried, SOUND)
}

/// Where any sound begins and ends in `samples`, in the whole band: a word's hiss ("s", "f") is
/// sound here though the line carries little of it, and what it does carry is the word's edge.
pub fn audible(samples: &[i16]) -> std::ops::Range<usize> {
    sounding(samples, AUDIBLE)
}

fn sounding(samples: &[i16], threshold: f64) -> std::ops::Range<usize> {
    let loud: Vec<bool> = samples
        .chunks(LOOK)
        .map(|look| rms(look) >= threshold)
        .collect();
    match (loud.iter().position(|&l| l), loud.iter().rposition(|&l| l)) {
        (Some(first), Some(last)) => first * LOOK..((last + 1) * LOOK).min(samples.len()),
        _ => 0..0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call::leg::scripted::{silence, tone};

    #[test]
    fn a_hiss_above_the_band_is_not_what_the_far_end_hears_last() {
        let mut sound = silence(100);
        sound.extend(tone(500.0, 400));
        sound.extend(tone(6_000.0, 150));
        sound.extend(silence(200));
        let spoken = spoken(&sound);
        let ms = |samples: usize| samples * 1000 / RATE as usize;
        assert_eq!(ms(spoken.start), 100);
        assert!(
            (ms(spoken.end) as i64 - 500).abs() <= 10,
            "{}",
            ms(spoken.end)
        );
        assert_eq!(super::spoken(&silence(300)), 0..0);
        let audible = audible(&sound);
        assert_eq!((ms(audible.start), ms(audible.end)), (100, 650));
    }
}
