//! WAV files in and out: a sound to play, read whatever its rate and channels (its header
//! checked first: it comes with untrusted scenario files), as the call's 16 kHz mono; a recording,
//! mono or two channels, written whole or not at all.

use std::path::Path;

use crate::call::audio::RATE;

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
    use crate::call::audio::{FRAME, tone_near};

    fn tone(hz: f64, ms: u64) -> Vec<i16> {
        let len = RATE as usize * ms as usize / 1000;
        (0..len)
            .map(|i| {
                let t = i as f64 / f64::from(RATE);
                (16_000.0 * (std::f64::consts::TAU * hz * t).sin()) as i16
            })
            .collect()
    }

    #[test]
    fn wav_files_round_trip_and_other_rates_are_resampled() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.wav");
        let samples = tone(800.0, 500);
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
