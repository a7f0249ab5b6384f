//! How c2c listens to what the page heard (16 kHz mono PCM, looked at 40 ms at a time for
//! loudness, sound or silence, and for the strength of one frequency, Goertzel), and WAV files
//! in and out. What was heard, and when, is `heard`.

use std::path::Path;

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

#[derive(Debug, thiserror::Error)]
pub enum WavError {
    #[error("{path} is not a WAV file c2c can read: {err}")]
    Read { path: String, err: hound::Error },
    #[error("{path} is a WAV file c2c does not play: {why}")]
    Unfit { path: String, why: String },
    #[error("cannot write {path}: {err}")]
    Write { path: String, err: hound::Error },
}

/// The rates c2c reads (telephone audio is 8 kHz; a studio file 48 kHz): anything outside is a
/// broken or hostile header, and a rate of 1 would have the resampler make 16,000 samples of each.
const RATES: std::ops::RangeInclusive<u32> = 8_000..=48_000;
/// The longest sound c2c plays into a call: a prompt or an utterance is seconds long.
pub const LONGEST_SOUND: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// Why a WAV header is not one c2c plays, from the header alone, before any sample is read.
fn unfit(spec: hound::WavSpec, frames: u32) -> Option<String> {
    use hound::SampleFormat::{Float, Int};
    let seconds = f64::from(frames) / f64::from(spec.sample_rate.max(1));
    if !RATES.contains(&spec.sample_rate) {
        Some(format!(
            "its sample rate is {} Hz (c2c plays 8000 to 48000 Hz)",
            spec.sample_rate
        ))
    } else if !(1..=2).contains(&spec.channels) {
        Some(format!(
            "it has {} channels (c2c plays mono or stereo)",
            spec.channels
        ))
    } else if !matches!(
        (spec.sample_format, spec.bits_per_sample),
        (Int, 8 | 16 | 24 | 32) | (Float, 32)
    ) {
        Some(format!(
            "its samples are {}-bit {} (c2c plays 8, 16, 24 or 32-bit PCM, or 32-bit float)",
            spec.bits_per_sample,
            if spec.sample_format == Float {
                "float"
            } else {
                "PCM"
            }
        ))
    } else if seconds > LONGEST_SOUND.as_secs_f64() {
        Some(format!(
            "it lasts {:.0} minutes (c2c plays at most {})",
            seconds / 60.0,
            humantime::format_duration(LONGEST_SOUND)
        ))
    } else {
        None
    }
}

/// A WAV file as 16 kHz mono: channels mixed, other rates resampled (linearly, enough for a
/// prompt or a tone on a phone line). Its header is checked first (`unfit`).
pub fn read_wav(path: &Path) -> Result<Vec<i16>, WavError> {
    let failed = |err| WavError::Read {
        path: path.display().to_string(),
        err,
    };
    let mut reader = hound::WavReader::open(path).map_err(failed)?;
    let spec = reader.spec();
    if let Some(why) = unfit(spec, reader.duration()) {
        return Err(WavError::Unfit {
            path: path.display().to_string(),
            why,
        });
    }
    let channels = usize::from(spec.channels);
    let raw: Vec<f64> = match spec.sample_format {
        hound::SampleFormat::Float => reader
            .samples::<f32>()
            .map(|s| s.map(f64::from))
            .collect::<Result<_, _>>()
            .map_err(failed)?,
        hound::SampleFormat::Int => {
            let scale = f64::from(1u32 << (spec.bits_per_sample - 1));
            reader
                .samples::<i32>()
                .map(|s| s.map(|v| f64::from(v) / scale))
                .collect::<Result<_, _>>()
                .map_err(failed)?
        }
    };
    let mono: Vec<f64> = raw
        .chunks(channels)
        .map(|frame| frame.iter().sum::<f64>() / frame.len() as f64)
        .collect();
    Ok(resample(&mono, spec.sample_rate)
        .into_iter()
        .map(|v| (v * 32768.0).round().clamp(-32768.0, 32767.0) as i16)
        .collect())
}

fn resample(samples: &[f64], from: u32) -> Vec<f64> {
    if from == RATE || samples.is_empty() {
        return samples.to_vec();
    }
    let step = f64::from(from) / f64::from(RATE);
    let count = (samples.len() as f64 / step) as usize;
    (0..count)
        .map(|i| {
            let at = i as f64 * step;
            let (index, fraction) = (at as usize, at.fract());
            let next = samples.get(index + 1).copied().unwrap_or(samples[index]);
            samples[index] * (1.0 - fraction) + next * fraction
        })
        .collect()
}

/// Writes `samples` to `path` as a new file put in place with a rename: a link or a file already
/// at `path` is replaced, never written through (a recording's path may come from a scenario in
/// a cloned repository).
pub fn write_wav(path: &Path, samples: &[i16]) -> Result<(), WavError> {
    write_channels(path, &[samples])
}

/// Two channels, `left` and `right` (the shorter padded with silence), written as `write_wav`
/// writes one.
pub fn write_stereo(path: &Path, left: &[i16], right: &[i16]) -> Result<(), WavError> {
    write_channels(path, &[left, right])
}

fn write_channels(path: &Path, channels: &[&[i16]]) -> Result<(), WavError> {
    static WRITTEN: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let failed = |err| WavError::Write {
        path: path.display().to_string(),
        err,
    };
    let spec = hound::WavSpec {
        channels: channels.len() as u16,
        sample_rate: RATE,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let n = WRITTEN.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let part = folder.join(format!(".{name}.{}-{n}.part", std::process::id()));
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&part)
        .map_err(|err| failed(hound::Error::IoError(err)))?;
    let written = (|| {
        let mut writer = hound::WavWriter::new(std::io::BufWriter::new(file), spec)?;
        let frames = channels.iter().map(|c| c.len()).max().unwrap_or(0);
        for i in 0..frames {
            for channel in channels {
                writer.write_sample(channel.get(i).copied().unwrap_or(0))?;
            }
        }
        writer.finalize()?;
        std::fs::rename(&part, path).map_err(hound::Error::IoError)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&part);
    }
    written.map_err(failed)
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

    #[test]
    fn wav_files_round_trip_and_other_rates_are_resampled() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.wav");
        let samples = tone(800.0, 0.5, RATE as usize / 2);
        write_wav(&path, &samples).unwrap();
        assert!(
            read_wav(&path).unwrap() == samples,
            "a 16 kHz file reads back as written"
        );

        let stereo = dir.path().join("b.wav");
        let spec = hound::WavSpec {
            channels: 2,
            sample_rate: 48_000,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut writer = hound::WavWriter::create(&stereo, spec).unwrap();
        for i in 0..48_000 {
            let v = (0.5
                * 32767.0
                * (2.0 * std::f64::consts::PI * 800.0 * f64::from(i) / 48_000.0).sin())
                as i16;
            writer.write_sample(v).unwrap();
            writer.write_sample(v).unwrap();
        }
        writer.finalize().unwrap();
        let read = read_wav(&stereo).unwrap();
        assert_eq!(read.len(), RATE as usize);
        assert!(tone_near(&read[1000..1000 + FRAME], 800.0).is_some());
        assert!(read_wav(&dir.path().join("missing.wav")).is_err());
    }

    /// A WAV file's bytes as a hostile file would write them: a header that says what it likes
    /// (`data` bytes of samples, of which `present` are there).
    fn wav_bytes(rate: u32, channels: u16, bits: u16, data: u32, present: usize) -> Vec<u8> {
        let block = channels * bits.div_ceil(8).max(1);
        let mut b = Vec::new();
        b.extend_from_slice(b"RIFF");
        b.extend_from_slice(&(36 + data).to_le_bytes());
        b.extend_from_slice(b"WAVEfmt ");
        b.extend_from_slice(&16u32.to_le_bytes());
        b.extend_from_slice(&1u16.to_le_bytes());
        b.extend_from_slice(&channels.to_le_bytes());
        b.extend_from_slice(&rate.to_le_bytes());
        b.extend_from_slice(&(rate.saturating_mul(u32::from(block))).to_le_bytes());
        b.extend_from_slice(&block.to_le_bytes());
        b.extend_from_slice(&bits.to_le_bytes());
        b.extend_from_slice(b"data");
        b.extend_from_slice(&data.to_le_bytes());
        b.extend(std::iter::repeat_n(0u8, present));
        b
    }

    #[test]
    fn a_header_that_would_size_a_huge_read_is_refused_before_the_samples() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("odd.wav");
        for (rate, channels, bits, data, says) in [
            (1, 1, 16, 20_000, "sample rate is 1 Hz"),
            (0, 1, 16, 20_000, "sample rate is 0 Hz"),
            (96_000, 1, 16, 200, "sample rate is 96000 Hz"),
            (16_000, 6, 16, 1200, "6 channels"),
            // Claims six hours: refused from the header, before any sample is read.
            (48_000, 2, 16, u32::MAX - 67, "lasts 373 minutes"),
        ] {
            std::fs::write(&path, wav_bytes(rate, channels, bits, data, 2000)).unwrap();
            let why = read_wav(&path).unwrap_err().to_string();
            assert!(why.contains(says), "{rate} Hz: {why}");
        }
        std::fs::write(&path, wav_bytes(8_000, 2, 16, 32_000, 32_000)).unwrap();
        assert_eq!(read_wav(&path).unwrap().len(), RATE as usize);
    }

    #[cfg(unix)]
    #[test]
    fn a_recording_replaces_a_link_rather_than_writing_through_it() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("precious.txt");
        std::fs::write(&target, "keep me").unwrap();
        let link = dir.path().join("heard.wav");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        write_wav(&link, &[0; 160]).unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me");
        assert!(!link.symlink_metadata().unwrap().file_type().is_symlink());
        assert_eq!(read_wav(&link).unwrap().len(), 160);
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 2, "no part file is left behind");
    }
}
