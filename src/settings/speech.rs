//! Where `c2c call` (and `c2c doctor`) find the speech model: `--speech-model` (a folder the user
//! prepared; it holds a library c2c loads, so it is never read from a `.env`), else c2c's cache.

use std::path::PathBuf;

use super::{Resolver, SPEECH, SPEECH_MIRROR, SPEECH_MODEL};
use crate::speech::{ModelSource, Size, model};

/// `--speech`: the model a call uses unless its scenario says.
pub fn size(r: &mut Resolver) -> Size {
    r.optional(&SPEECH, Size::parse).unwrap_or_default()
}

pub fn source(r: &mut Resolver) -> Option<ModelSource> {
    let mirror = r.optional(&SPEECH_MIRROR, super::twilio::endpoint_address);
    // Never read from a `.env` (the catalog marks it an endpoint): the folder holds a library
    // c2c loads.
    if r.lookup(&SPEECH_MODEL).is_some() {
        return r
            .optional(&SPEECH_MODEL, |v| {
                let dir = PathBuf::from(v);
                dir.is_dir()
                    .then_some(dir)
                    .ok_or_else(|| format!("{v:?} is not a folder"))
            })
            .map(ModelSource::Folder);
    }
    match model::cache_root() {
        Some(root) => Some(ModelSource::Cache { root, mirror }),
        None => {
            r.missing(
                "speech model folder",
                "c2c has no cache folder here (no home folder): give one with --speech-model (README: Speech).".to_owned(),
            );
            None
        }
    }
}
