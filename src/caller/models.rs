//! The speech models a run's calls listen with, found (or downloaded) before the calls.

use std::sync::Arc;

use crate::call;
use crate::error::Error;
use crate::progress::Progress;
use crate::speech::{self, ModelSource, Size};

/// The files of each speech model the calls want, found or downloaded before the calls; each
/// model loads once a call that wants it is placed, while it rings. A folder given with
/// --speech-model holds one model, which serves every call.
pub async fn speech_ready(
    source: ModelSource,
    mut sizes: Vec<Size>,
) -> Result<call::Models, Error> {
    sizes.sort();
    sizes.dedup();
    let mut models = call::Models::default();
    for size in sizes {
        if let (ModelSource::Folder(_), Some(model)) = (&source, models.any()) {
            let model = Arc::clone(model);
            models.add(size, model);
            continue;
        }
        let files = speech::prepare::files(&source, size, &Progress::default())
            .await
            .map_err(Error::Speech)?;
        models.add(size, speech::Recogniser::new(source.clone(), size, files));
    }
    Ok(models)
}

/// c2c's voice for the calls' `say` steps: its files found (or downloaded, with a progress bar)
/// before the calls, then every phrase synthesised on a thread of its own beside them, each
/// ready before its step needs it or awaited there. The registries' mirror (a test hook) is the
/// speech model's.
pub async fn voice_ready(
    speech: ModelSource,
    phrases: Vec<crate::voice::Say>,
) -> Result<Arc<crate::voice::Speaker>, Error> {
    use crate::voice::{self, Voice};
    voice::check_run(&phrases).map_err(Error::Input)?;
    let root = voice::cache_root().ok_or_else(|| {
        Error::Speech(
            "c2c has no cache folder here (no home folder) for its voice: use voice=system, or play a WAV file".to_owned(),
        )
    })?;
    let said = root.join("said");
    let kokoro = phrases.iter().any(|p| matches!(p.voice, Voice::Kokoro(_)));
    let files = match kokoro {
        false => None,
        true => {
            let mirror = match &speech {
                ModelSource::Cache { mirror, .. } => mirror.clone(),
                ModelSource::Folder(_) => None,
            };
            let dir = voice::files::cache_folder(&root);
            let progress = Progress::default();
            Some(
                voice::files::ready(&dir, mirror.as_deref(), &progress)
                    .await
                    .map_err(Error::Speech)?,
            )
        }
    };
    Ok(voice::Speaker::start(files, Some(said), phrases))
}
