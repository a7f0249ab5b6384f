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
