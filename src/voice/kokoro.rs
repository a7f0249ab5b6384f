//! Kokoro-82M through ONNX Runtime (the runtime the recogniser loads): phonemes into tokens by
//! the model's own table, a voice's style for that many tokens, and 24 kHz audio out, made 16 kHz
//! for the call. Deterministic: the same text is the same audio, so a cached phrase is the phrase.

use std::collections::HashMap;
use std::path::Path;

use ort::session::Session;
use ort::value::Tensor;

use super::files::VoiceFiles;
use super::phonemes::Lexicon;

/// The model's output rate.
const MODEL_RATE: u32 = 24_000;
/// The most tokens Kokoro takes at once, and the rows of a voice's style table.
const MOST_TOKENS: usize = 510;
const STYLE: usize = 256;

pub struct Kokoro {
    session: Session,
    vocab: HashMap<char, i64>,
    lexicon: Lexicon,
    files: VoiceFiles,
    /// Each voice's style table, read once.
    styles: HashMap<String, Vec<f32>>,
}

impl Kokoro {
    pub fn load(files: &VoiceFiles) -> Result<Kokoro, String> {
        Kokoro::with_lexicon(files, Lexicon::load(&files.gold, &files.silver)?)
    }

    /// The model, reading with `lexicon` (already loaded).
    pub fn with_lexicon(files: &VoiceFiles, lexicon: Lexicon) -> Result<Kokoro, String> {
        crate::speech::moonshine::load_runtime(&files.runtime).map_err(|e| e.to_string())?;
        let session = crate::speech::moonshine::session(&files.model).map_err(|e| e.to_string())?;
        let table = std::fs::read(&files.vocab).map_err(|e| e.to_string())?;
        let vocab = vocab(&table).map_err(|why| {
            format!(
                "{} is not Kokoro's token table: {why}",
                files.vocab.display()
            )
        })?;
        Ok(Kokoro {
            session,
            vocab,
            lexicon,
            files: files.clone(),
            styles: HashMap::new(),
        })
    }

    /// `text` said by `voice` at `speed` (1 is the voice's own), as 16 kHz samples.
    pub fn say(&mut self, text: &str, voice: &str, speed: f32) -> Result<Vec<i16>, String> {
        let phonemes = self.lexicon.phonemes(text);
        self.say_phonemes(&phonemes, voice, speed)
    }

    /// `phonemes` (as `Lexicon::phonemes` writes them) said by `voice` at `speed`.
    pub fn say_phonemes(
        &mut self,
        phonemes: &str,
        voice: &str,
        speed: f32,
    ) -> Result<Vec<i16>, String> {
        let tokens: Vec<i64> = phonemes
            .chars()
            .filter_map(|c| self.vocab.get(&c).copied())
            .collect();
        if !self.styles.contains_key(voice) {
            let table = read_style(&self.files.voice(voice))?;
            self.styles.insert(voice.to_owned(), table);
        }
        let style_table = &self.styles[voice];
        let mut audio: Vec<f32> = Vec::new();
        for chunk in chunks(&tokens, self.space()) {
            let row = chunk.len().min(MOST_TOKENS - 1);
            let style = style_table[row * STYLE..(row + 1) * STYLE].to_vec();
            let mut ids = Vec::with_capacity(chunk.len() + 2);
            ids.push(0);
            ids.extend_from_slice(chunk);
            ids.push(0);
            let run = |session: &mut Session| -> Result<Vec<f32>, ort::Error> {
                let outputs = session.run(ort::inputs![
                    "tokens" => Tensor::from_array(([1usize, ids.len()], ids.clone()))?,
                    "style" => Tensor::from_array(([1usize, STYLE], style.clone()))?,
                    "speed" => Tensor::from_array(([1usize], vec![speed]))?,
                ])?;
                let (_, samples) = outputs["audio"].try_extract_tensor::<f32>()?;
                Ok(samples.to_vec())
            };
            audio.extend(run(&mut self.session).map_err(|e| format!("Kokoro failed: {e}"))?);
        }
        Ok(to_call(&audio, MODEL_RATE))
    }

    fn space(&self) -> i64 {
        self.vocab.get(&' ').copied().unwrap_or(16)
    }
}

/// Kokoro's table: `{"vocab": {"a": 43, ...}}`, a character each.
fn vocab(json: &[u8]) -> Result<HashMap<char, i64>, String> {
    #[derive(serde::Deserialize)]
    struct Table {
        vocab: HashMap<String, i64>,
    }
    let table: Table = serde_json::from_slice(json).map_err(|e| e.to_string())?;
    Ok(table
        .vocab
        .into_iter()
        .filter_map(|(k, v)| {
            let mut chars = k.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => Some((c, v)),
                _ => None,
            }
        })
        .collect())
}

/// A voice: 510 styles of 256 floats (little-endian), one for each length of input.
fn read_style(path: &Path) -> Result<Vec<f32>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if bytes.len() != MOST_TOKENS * STYLE * 4 {
        return Err(format!(
            "{} is not a Kokoro voice ({} bytes)",
            path.display(),
            bytes.len()
        ));
    }
    Ok(bytes
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect())
}

/// Tokens in pieces Kokoro takes, cut at a space where one is long.
fn chunks(tokens: &[i64], space: i64) -> Vec<&[i64]> {
    let mut out = Vec::new();
    let mut rest = tokens;
    while rest.len() > MOST_TOKENS - 2 {
        let limit = MOST_TOKENS - 2;
        let cut = rest[..limit]
            .iter()
            .rposition(|&t| t == space)
            .filter(|&i| i > 0)
            .unwrap_or(limit);
        out.push(&rest[..cut]);
        rest = &rest[cut..];
    }
    if !rest.is_empty() {
        out.push(rest);
    }
    out
}

/// `audio` at `rate` as the call's 16 kHz samples: low-passed under the new Nyquist frequency
/// first (a phone line keeps nothing above 4 kHz anyway), then the silent ends trimmed, so that
/// what c2c says starts and ends with the voice.
pub fn to_call(audio: &[f32], rate: u32) -> Vec<i16> {
    let call = f64::from(crate::call::audio::RATE);
    // Three passes of a one-pole low-pass at 7 kHz: enough against aliasing at 16 kHz.
    let alpha = {
        let dt = 1.0 / f64::from(rate);
        let rc = 1.0 / (2.0 * std::f64::consts::PI * 7_000.0);
        dt / (rc + dt)
    };
    let mut filtered: Vec<f64> = audio.iter().map(|&s| f64::from(s)).collect();
    for _ in 0..3 {
        let mut last = 0.0;
        for s in &mut filtered {
            last += alpha * (*s - last);
            *s = last;
        }
    }
    let step = f64::from(rate) / call;
    let count = (filtered.len() as f64 / step) as usize;
    let samples: Vec<i16> = (0..count)
        .map(|i| {
            let at = i as f64 * step;
            let (index, fraction) = (at as usize, at.fract());
            let next = filtered.get(index + 1).copied().unwrap_or(filtered[index]);
            let v = filtered[index] * (1.0 - fraction) + next * fraction;
            (v * 32767.0).round().clamp(-32768.0, 32767.0) as i16
        })
        .collect();
    trim(samples)
}

/// Without the silence at either end, so that what c2c says starts and ends with the voice; but
/// with all of its sound, hiss included, and a moment of each edge's fading: cut where the line's
/// band goes quiet, "sales" lost both its "s" and was heard as "fail", "yes" as "yeah". A reply
/// is still timed from where the line's band goes quiet (`call::line::spoken`).
pub fn trim(samples: Vec<i16>) -> Vec<i16> {
    let audible = crate::call::line::audible(&samples);
    if audible.is_empty() {
        return Vec::new();
    }
    let start = audible.start.saturating_sub(FADING);
    let end = (audible.end + FADING).min(samples.len());
    samples[start..end].to_vec()
}

/// Kept beyond the first and last sound: 30 ms.
const FADING: usize = crate::call::audio::RATE as usize * 3 / 100;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_input_is_cut_at_a_space_within_what_kokoro_takes() {
        let mut tokens = vec![43i64; 300];
        tokens.push(16);
        tokens.extend(vec![44; 400]);
        let pieces = chunks(&tokens, 16);
        assert_eq!(pieces.len(), 2);
        assert_eq!(pieces[0].len(), 300);
        assert!(pieces.iter().all(|p| p.len() <= MOST_TOKENS - 2));
        assert_eq!(pieces.iter().map(|p| p.len()).sum::<usize>(), tokens.len());
    }

    #[test]
    fn a_tone_keeps_its_pitch_and_the_quiet_ends_go_but_not_a_hiss() {
        let rate = 24_000;
        let tone = |hz: f32, level: f32, samples: usize| {
            (0..samples).map(move |i| {
                level * (2.0 * std::f32::consts::PI * hz * i as f32 / rate as f32).sin()
            })
        };
        let mut audio = vec![0.0f32; 2_400];
        audio.extend(tone(440.0, 0.5, 24_000));
        // An "s": sound the phone line carries little of, and the word's last.
        audio.extend(tone(7_000.0, 0.3, 3_600));
        audio.extend(vec![0.0f32; 4_800]);
        let call = to_call(&audio, rate);
        let seconds = call.len() as f64 / 16_000.0;
        assert!((seconds - 1.21).abs() <= 0.02, "{seconds}");
        let hz = crate::call::audio::dominant(&call[1_000..5_000]).unwrap();
        assert!((hz - 440.0).abs() < 9.0, "{hz}");
        let spoken = crate::call::line::spoken(&call);
        assert!(
            spoken.end < call.len() - 2_000,
            "{spoken:?} of {}",
            call.len()
        );
    }
}
