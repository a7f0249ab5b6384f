//! The telephone's audio as the SIP leg carries it: G.711 µ-law (PCMU) at 8 kHz, which Twilio's
//! SIP interface speaks, to and from the 16 kHz c2c's steps hear and say.
//!
//! The rate changes by two use one half-band low-pass filter: going down it keeps what would
//! fold back into the telephone band out; going up it takes away the image between 4 and 8 kHz
//! that a sample-and-zero doubling leaves (which the recogniser and the tone steps would hear).

/// The telephone's rate, and the samples in one 20 ms packet at it.
pub const RATE: u32 = 8000;
pub const FRAME: usize = 160;

const BIAS: i32 = 0x84;
const CLIP: i32 = 32635;

/// One sample in µ-law (ITU-T G.711).
pub fn encode(sample: i16) -> u8 {
    let mut s = i32::from(sample).clamp(-CLIP, CLIP);
    let sign = if s < 0 { 0x80 } else { 0 };
    if s < 0 {
        s = -s;
    }
    s += BIAS;
    let mut exponent = 7;
    let mut mask = 0x4000;
    while s & mask == 0 && exponent > 0 {
        exponent -= 1;
        mask >>= 1;
    }
    let mantissa = (s >> (exponent + 3)) & 0x0f;
    !(sign | (exponent << 4) | mantissa) as u8
}

/// One µ-law byte as a sample.
pub fn decode(byte: u8) -> i16 {
    let u = i32::from(!byte);
    let magnitude = ((((u & 0x0f) << 3) + BIAS) << ((u & 0x70) >> 4)) - BIAS;
    (if u & 0x80 != 0 { -magnitude } else { magnitude }) as i16
}

/// A half-band low-pass (cut at a quarter of the higher rate), windowed sinc: every other tap
/// but the middle one is zero, so the filter costs half its length.
const TAPS: usize = 31;

fn taps() -> &'static [f32; TAPS] {
    static TAPS_: std::sync::OnceLock<[f32; TAPS]> = std::sync::OnceLock::new();
    TAPS_.get_or_init(|| {
        let mid = (TAPS / 2) as f32;
        let mut h = [0f32; TAPS];
        for (n, tap) in h.iter_mut().enumerate() {
            let x = n as f32 - mid;
            let sinc = match x == 0.0 {
                true => 0.5,
                false => (std::f32::consts::PI * x / 2.0).sin() / (std::f32::consts::PI * x),
            };
            // Blackman window.
            let w = 2.0 * std::f32::consts::PI * n as f32 / (TAPS - 1) as f32;
            *tap = sinc * (0.42 - 0.5 * w.cos() + 0.08 * (2.0 * w).cos());
        }
        let sum: f32 = h.iter().sum();
        h.map(|t| t / sum)
    })
}

/// Filters a 16 kHz stream, keeping the last samples of one call to the next so that pieces
/// join without a click.
#[derive(Default)]
struct HalfBand {
    history: Vec<f32>,
}

impl HalfBand {
    fn filter(&mut self, input: impl Iterator<Item = f32>) -> Vec<f32> {
        let h = taps();
        if self.history.is_empty() {
            self.history = vec![0.0; TAPS - 1];
        }
        let mut out = Vec::new();
        for x in input {
            self.history.push(x);
            let window = &self.history[self.history.len() - TAPS..];
            out.push(window.iter().zip(h.iter()).map(|(a, b)| a * b).sum());
        }
        let keep = self.history.len() - (TAPS - 1);
        self.history.drain(..keep);
        out
    }
}

fn to_i16(x: f32) -> i16 {
    x.round().clamp(f32::from(i16::MIN), f32::from(i16::MAX)) as i16
}

/// 16 kHz to 8 kHz, one stream (what c2c says into the call).
#[derive(Default)]
pub struct Down {
    filter: HalfBand,
    /// Whether the next filtered sample is kept (every other one is).
    odd: bool,
}

impl Down {
    pub fn push(&mut self, samples: &[i16]) -> Vec<i16> {
        let filtered = self.filter.filter(samples.iter().map(|&s| f32::from(s)));
        let mut out = Vec::with_capacity(filtered.len() / 2 + 1);
        for y in filtered {
            if !self.odd {
                out.push(to_i16(y));
            }
            self.odd = !self.odd;
        }
        out
    }
}

/// 8 kHz to 16 kHz, one stream (what c2c hears).
#[derive(Default)]
pub struct Up {
    filter: HalfBand,
}

impl Up {
    pub fn push(&mut self, samples: &[i16]) -> Vec<i16> {
        // A sample and a zero each, then the filter (twice the gain, for the zeros).
        let doubled = samples.iter().flat_map(|&s| [2.0 * f32::from(s), 0.0]);
        self.filter
            .filter(doubled)
            .into_iter()
            .map(to_i16)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(hz: f64, rate: u32, seconds: f64, amplitude: f64) -> Vec<i16> {
        let n = (f64::from(rate) * seconds) as usize;
        (0..n)
            .map(|i| {
                (amplitude * (2.0 * std::f64::consts::PI * hz * i as f64 / f64::from(rate)).sin())
                    as i16
            })
            .collect()
    }

    fn rms(samples: &[i16]) -> f64 {
        (samples.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>() / samples.len() as f64).sqrt()
    }

    #[test]
    fn mu_law_matches_g711s_table() {
        // Values of ITU-T G.711's µ-law table (and of the stand-in edge's media.js).
        assert_eq!(decode(0xff), 0);
        assert_eq!(decode(0x7f), 0);
        assert_eq!(decode(0x00), -32124);
        assert_eq!(decode(0x80), 32124);
        assert_eq!(encode(0), 0xff);
        assert_eq!(encode(32767), 0x80);
        assert_eq!(encode(-32768), 0x00);
        // Every byte survives a round trip.
        for byte in 0..=255u8 {
            let again = encode(decode(byte));
            assert_eq!(decode(again), decode(byte), "{byte:#x}");
        }
        // And a sample comes back within µ-law's step at its size.
        for s in [-20000i16, -1000, -100, -5, 5, 100, 1000, 20000] {
            let back = decode(encode(s));
            assert!(
                (i32::from(back) - i32::from(s)).abs() <= i32::from(s).abs() / 16 + 8,
                "{s} -> {back}"
            );
        }
    }

    #[test]
    fn the_telephone_band_passes_both_ways_and_what_is_above_it_does_not() {
        // 1 kHz passes down and back up at its level.
        let down = Down::default().push(&tone(1000.0, 16000, 0.5, 8000.0));
        assert_eq!(down.len(), 4000);
        assert!((rms(&down[200..]) / (8000.0 / 2f64.sqrt()) - 1.0).abs() < 0.05);
        let up = Up::default().push(&down);
        assert_eq!(up.len(), 8000);
        assert!((rms(&up[400..]) / (8000.0 / 2f64.sqrt()) - 1.0).abs() < 0.05);
        // 6 kHz at 16 kHz would fold to 2 kHz at 8 kHz: the filter keeps it out.
        let folded = Down::default().push(&tone(6000.0, 16000, 0.5, 8000.0));
        assert!(
            rms(&folded[200..]) < 8000.0 * 0.02,
            "{}",
            rms(&folded[200..])
        );
        // Doubling 1 kHz leaves no image at 7 kHz.
        let up = Up::default().push(&tone(1000.0, 8000, 0.5, 8000.0));
        let image = crate::call::audio::tone_share(&up[400..], 7000.0);
        let kept = crate::call::audio::tone_share(&up[400..], 1000.0);
        assert!(kept > 0.95 && image < 0.01, "image {image}, tone {kept}");
    }

    #[test]
    fn pieces_join_as_one_stream() {
        let whole = tone(700.0, 16000, 0.2, 8000.0);
        let at_once = Down::default().push(&whole);
        let mut down = Down::default();
        let in_pieces: Vec<i16> = whole.chunks(333).flat_map(|c| down.push(c)).collect();
        assert_eq!(at_once, in_pieces);
    }
}
