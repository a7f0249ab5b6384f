//! The model made ready before a call is placed: found in the folder the user gave, or in c2c's
//! cache (downloaded there on first use); then loaded when a call first needs it. Every way this
//! can fail is one line that names the folder or the download and says what to do.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use super::model::{self, ModelFiles, Size};
use super::moonshine::Moonshine;
use super::{download, verified};
use crate::progress::Progress;

/// Where the model comes from.
#[derive(Debug, Clone)]
pub enum ModelSource {
    /// `--speech-model`: a folder the user prepared; c2c never downloads into it.
    Folder(PathBuf),
    /// c2c's cache (a folder a model), filled from the registries (or `mirror`, a test hook)
    /// when empty.
    Cache {
        root: PathBuf,
        mirror: Option<String>,
    },
}

/// Whether the model is there, for `c2c doctor`.
#[derive(Debug)]
pub enum Readiness {
    Ready(ModelFiles),
    /// Not downloaded yet: the first speech step fetches this many bytes.
    NotYet(u64),
    /// No download for this platform, and no folder given.
    NoDownload,
    /// The folder given lacks these files.
    Lacks(PathBuf, Vec<&'static str>),
}

impl ModelSource {
    /// Whether `size` is ready: a folder given holds one model, whatever its size.
    pub fn readiness(&self, size: Size) -> Readiness {
        match self {
            ModelSource::Folder(dir) => match ModelFiles::in_folder(dir) {
                Ok(files) => Readiness::Ready(files),
                Err(missing) => Readiness::Lacks(dir.clone(), missing),
            },
            ModelSource::Cache { root, .. } => {
                match ModelFiles::in_folder(&model::cache_folder(root, size)) {
                    Ok(files) => Readiness::Ready(files),
                    Err(_) if model::archives(size).is_none() => Readiness::NoDownload,
                    Err(_) => Readiness::NotYet(model::download_size(size)),
                }
            }
        }
    }

    /// What the model is called in messages.
    pub fn title(&self, size: Size) -> String {
        match self {
            ModelSource::Folder(dir) => format!("the speech model in {}", dir.display()),
            ModelSource::Cache { .. } => size.title().to_owned(),
        }
    }
}

/// The files of `size` (of the folder given, whatever its size), downloading them first if
/// this is the cache's first use.
pub async fn files(
    source: &ModelSource,
    size: Size,
    progress: &Progress,
) -> Result<ModelFiles, String> {
    match source {
        ModelSource::Folder(dir) => ModelFiles::in_folder(dir).map_err(|missing| {
            format!(
                "--speech-model {}: the folder lacks {} (it needs the model's three files and ONNX Runtime's library; README: Speech says where to get them).",
                dir.display(),
                missing.join(", "),
            )
        }),
        ModelSource::Cache { root, mirror } => {
            let dir = &model::cache_folder(root, size);
            // What is cached is used only while it is what was downloaded.
            if let Some(archives) = model::archives(size) {
                let folder = dir.clone();
                tokio::task::spawn_blocking(move || verified::drop_changed(&folder, &archives))
                    .await
                    .map_err(|e| e.to_string())?
                    .map_err(|e| {
                        format!(
                            "cannot check c2c's speech model in {}: {e}. Remove the folder, and c2c downloads the model again.",
                            dir.display()
                        )
                    })?;
            }
            match ModelFiles::in_folder(dir) {
                Ok(files) => Ok(files),
                Err(_) => download::fetch(dir, size, mirror.as_deref(), progress)
                    .await
                    .map_err(|e| e.to_string()),
            }
        }
    }
}

/// The model, loaded once for every call of a run: on a thread of its own once a call has been
/// placed (`load_beside`; it takes half a second of both cores, which Chromium needs more while
/// it starts, and the call rings meanwhile), or by the first call that needs it.
pub struct Recogniser {
    source: ModelSource,
    /// For messages: "Moonshine base".
    title: String,
    files: ModelFiles,
    loaded: OnceLock<Result<Mutex<Moonshine>, String>>,
    /// Whether `load_beside` has started loading it.
    loading: AtomicBool,
}

impl Recogniser {
    pub fn new(source: ModelSource, size: Size, files: ModelFiles) -> Arc<Recogniser> {
        Arc::new(Recogniser {
            title: source.title(size),
            source,
            files,
            loaded: OnceLock::new(),
            loading: AtomicBool::new(false),
        })
    }

    /// The loaded model, loading it now if no call has; why it cannot be used otherwise.
    pub fn get(&self) -> Result<&Mutex<Moonshine>, &str> {
        self.loaded
            .get_or_init(|| {
                let fix = match &self.source {
                    ModelSource::Folder(_) => {
                        "check the files in --speech-model's folder (README: Speech)".to_owned()
                    }
                    ModelSource::Cache { .. } => format!(
                        "delete {} and run again to download it anew",
                        self.files.dir.display()
                    ),
                };
                Moonshine::load(&self.files).map(Mutex::new).map_err(|err| {
                    format!("the speech model cannot be used: {err}. To fix it, {fix}.")
                })
            })
            .as_ref()
            .map_err(String::as_str)
    }

    /// Starts loading on a thread of its own, if no call has yet; `get` waits for it.
    pub fn load_beside(self: &Arc<Self>) {
        if self.loading.swap(true, Ordering::AcqRel) {
            return;
        }
        let model = Arc::clone(self);
        std::thread::spawn(move || {
            let _ = model.get();
        });
    }

    pub fn folder(&self) -> &std::path::Path {
        &self.files.dir
    }

    pub fn title(&self) -> &str {
        &self.title
    }
}
