//! Moonshine (tiny or base) through ONNX Runtime: the encoder over the 16 kHz samples, then greedy
//! decoding with the merged decoder and its key/value cache. The runtime is a shared library
//! loaded when the first model is, from the folder the model is in (`model`): c2c itself links
//! none of it, so it stays one file and builds from the registries alone.

use std::borrow::Cow;
use std::path::Path;
use std::sync::OnceLock;

use ort::session::{Session, SessionInputValue};
use ort::value::{DynValue, Tensor};

use super::model::ModelFiles;
use super::vocab::Vocab;

const START: i64 = 1;
const END: usize = 2;
/// Moonshine's own bound is six tokens a second of audio, which cuts fast numbers short ("forty
/// two dollars ten"); the end token stops it well before this, unless the decoder loops.
const TOKENS_PER_SECOND: f64 = 10.0;

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("ONNX Runtime ({path}) cannot be loaded: {why}")]
    Runtime { path: String, why: String },
    #[error("{file} is not a model ONNX Runtime can load: {why}")]
    Model { file: String, why: String },
    #[error("{file} is not a tokenizer c2c can read: {why}")]
    Tokenizer { file: String, why: String },
    #[error("recognition failed: {0}")]
    Run(#[from] ort::Error),
}

pub struct Moonshine {
    encoder: Session,
    decoder: Session,
    vocab: Vocab,
    /// The cache's input and output names, in the decoder's order.
    past: Vec<String>,
    present: Vec<String>,
    /// Each cache entry's heads and their width: the model's own (tiny 8 of 36, base 8 of 52).
    heads: usize,
    head_dim: usize,
}

/// ONNX Runtime is loaded once per process; the first path wins.
static RUNTIME: OnceLock<Result<(), String>> = OnceLock::new();

pub(crate) fn load_runtime(path: &Path) -> Result<(), EngineError> {
    RUNTIME
        .get_or_init(|| {
            ort::init_from(path)
                .map(|env| {
                    env.with_name("c2c").commit();
                })
                .map_err(|e| e.to_string())
        })
        .clone()
        .map_err(|why| EngineError::Runtime {
            path: path.display().to_string(),
            why,
        })
}

pub(crate) fn session(path: &Path) -> Result<Session, EngineError> {
    let model = |why: ort::Error| EngineError::Model {
        file: path.display().to_string(),
        why: why.to_string(),
    };
    // Two threads: these machines have two cores, and Chromium needs its share while a call
    // is being recognised.
    Session::builder()
        .and_then(|b| b.with_intra_threads(2).map_err(Into::into))
        .map_err(model)?
        .commit_from_file(path)
        .map_err(model)
}

impl Moonshine {
    pub fn load(files: &ModelFiles) -> Result<Moonshine, EngineError> {
        load_runtime(&files.runtime)?;
        let json = std::fs::read(&files.tokenizer).map_err(|e| EngineError::Tokenizer {
            file: files.tokenizer.display().to_string(),
            why: e.to_string(),
        })?;
        let vocab = Vocab::parse(&json).map_err(|e| EngineError::Tokenizer {
            file: files.tokenizer.display().to_string(),
            why: e.to_string(),
        })?;
        let encoder = session(&files.encoder)?;
        let decoder = session(&files.decoder)?;
        // The decoder's layers, heads and their width, from its cache inputs: tiny has 6
        // layers, base 8.
        let not_moonshine = |why: String| EngineError::Model {
            file: files.decoder.display().to_string(),
            why: format!("{why}: is it a Moonshine merged decoder?"),
        };
        let inputs = decoder.inputs();
        let layers = (0..)
            .take_while(|i| {
                let name = format!("past_key_values.{i}.decoder.key");
                inputs.iter().any(|input| input.name() == name)
            })
            .count();
        let shape: Vec<i64> = inputs
            .iter()
            .find(|input| input.name() == "past_key_values.0.decoder.key")
            .and_then(|input| input.dtype().tensor_shape())
            .map(|shape| shape.to_vec())
            .ok_or_else(|| not_moonshine("it has no input past_key_values.0.decoder.key".into()))?;
        let (heads, head_dim) = match shape.as_slice() {
            [_, heads, _, dim] if *heads > 0 && *dim > 0 => (*heads as usize, *dim as usize),
            _ => {
                return Err(not_moonshine(format!(
                    "its key/value cache has the shape {shape:?}"
                )));
            }
        };
        let names = |prefix: &str| {
            (0..layers)
                .flat_map(|i| {
                    ["decoder", "encoder"].into_iter().flat_map(move |part| {
                        ["key", "value"].map(move |kv| format!("{prefix}.{i}.{part}.{kv}"))
                    })
                })
                .collect::<Vec<_>>()
        };
        let past = names("past_key_values");
        let present = names("present");
        if let Some(missing) = past
            .iter()
            .find(|n| !inputs.iter().any(|input| input.name() == n.as_str()))
        {
            return Err(not_moonshine(format!("it has no input {missing}")));
        }
        Ok(Moonshine {
            encoder,
            decoder,
            vocab,
            past,
            present,
            heads,
            head_dim,
        })
    }

    /// The words in `audio` (16 kHz mono, -1..1).
    pub fn transcribe(&mut self, audio: &[f32]) -> Result<String, EngineError> {
        let seconds = audio.len() as f64 / 16_000.0;
        let max_tokens = (seconds * TOKENS_PER_SECOND) as usize + 8;
        let input = Tensor::from_array(([1usize, audio.len()], audio.to_vec()))?;
        let mut encoded = self.encoder.run(ort::inputs!["input_values" => input])?;
        let hidden = encoded
            .remove("last_hidden_state")
            .ok_or_else(|| ort::Error::new("the encoder gave no last_hidden_state"))?;
        drop(encoded);

        let mut cache: Vec<DynValue> = (0..self.past.len())
            .map(|_| {
                Tensor::<f32>::from_array((
                    [0usize, self.heads, 1, self.head_dim],
                    Vec::<f32>::new(),
                ))
                .map(Into::into)
            })
            .collect::<Result<_, _>>()?;
        let mut tokens: Vec<u32> = Vec::new();
        let mut next = START;
        for step in 0..max_tokens {
            let ids = Tensor::from_array(([1usize, 1], vec![next]))?;
            let branch = Tensor::from_array(([1usize], vec![step > 0]))?;
            let mut inputs: Vec<(Cow<str>, SessionInputValue)> = vec![
                ("input_ids".into(), ids.into()),
                ("encoder_hidden_states".into(), (&hidden).into()),
                ("use_cache_branch".into(), branch.into()),
            ];
            inputs.extend(
                self.past
                    .iter()
                    .zip(&cache)
                    .map(|(name, value)| (Cow::from(name.as_str()), value.into())),
            );
            let mut out = self.decoder.run(inputs)?;
            let logits = out
                .remove("logits")
                .ok_or_else(|| ort::Error::new("the decoder gave no logits"))?;
            let (_, scores) = logits.try_extract_tensor::<f32>()?;
            let vocab = scores.len().min(32_768);
            let last = &scores[scores.len() - vocab..];
            let best = last
                .iter()
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(b.1))
                .map_or(END, |(i, _)| i);
            if best == END {
                break;
            }
            tokens.push(best as u32);
            next = best as i64;
            // The encoder's part of the cache is made once, on the first step; the decoder's
            // grows with every token.
            for (i, name) in self.present.iter().enumerate() {
                if (step == 0 || name.contains(".decoder."))
                    && let Some(value) = out.remove(name.as_str())
                {
                    cache[i] = value;
                }
            }
        }
        Ok(self.vocab.decode(&tokens))
    }
}
