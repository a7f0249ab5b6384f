//! The checks that need no Twilio, so that they are made when it is out of reach: where the ngrok
//! authtoken comes from, the browser `c2c call` drives, the speech model, the voice.

use std::time::Duration;

use super::{Check, Status};
use crate::settings::doctor::Doctor;
use crate::speech::Readiness;

/// Where the ngrok authtoken comes from: `serve --tunnel` needs one.
pub fn ngrok(settings: &Doctor) -> Check {
    match &settings.ngrok {
        Ok(source) => Check::ok("ngrok authtoken", format!("from {source}")),
        Err(why) => Check::new(
            "ngrok authtoken",
            Status::Warn,
            "none found: c2c serve --tunnel needs one",
            why.clone(),
        ),
    }
}

/// The browser `c2c call` would drive, and its version from its own `--version`.
pub async fn browser(settings: &Doctor) -> Check {
    const NAME: &str = "browser";
    let path = match &settings.browser {
        Ok(path) => path,
        Err(why) => {
            return Check::new(
                NAME,
                Status::Warn,
                "none found: c2c call needs one",
                why.clone(),
            );
        }
    };
    let asked = tokio::process::Command::new(path)
        .arg("--version")
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .output();
    let said = match tokio::time::timeout(Duration::from_secs(10), asked).await {
        Ok(Ok(output)) => String::from_utf8_lossy(&output.stdout).trim().to_owned(),
        _ => String::new(),
    };
    let shown = path.display();
    let chromium_based = ["Chrom", "Edge", "Brave"].iter().any(|n| said.contains(n));
    match crate::browsers::major_version(&said) {
        Some(major) if chromium_based && major >= crate::browsers::OLDEST_MAJOR => {
            Check::ok(NAME, format!("c2c call would use {shown} ({said})"))
        }
        Some(major) if chromium_based => Check::new(
            NAME,
            Status::Warn,
            format!("c2c call would use {shown}, version {major}: too old"),
            format!(
                "Update it to version {} or newer, or give another with --chrome.",
                crate::browsers::OLDEST_MAJOR
            ),
        ),
        _ => Check::new(
            NAME,
            Status::Warn,
            format!(
                "c2c call would use {shown}, which did not say it is Chromium, Chrome, Edge or Brave"
            ),
            "Give a Chromium-based browser with --chrome (or CHROME_PATH).",
        ),
    }
}

/// Whether `c2c call`'s speech steps can run: the model is there and loads (about half a
/// second, beside the REST round trips), or will be downloaded on first use.
pub async fn speech(settings: &Doctor) -> Check {
    const NAME: &str = "speech";
    let (source, size) = match &settings.speech {
        Ok((source, size)) => (source.clone(), *size),
        Err(why) => return Check::new(NAME, Status::Warn, "no model folder", why.clone()),
    };
    let given = matches!(source, crate::speech::ModelSource::Folder(_));
    match source.readiness(size) {
        Readiness::Ready(files) => {
            let loaded = tokio::task::spawn_blocking(move || {
                let model = crate::speech::Recogniser::new(source, size, files);
                model.get().map(|_| ()).map_err(str::to_owned)?;
                Ok::<_, String>((model.title().to_owned(), model.folder().to_owned()))
            })
            .await;
            match loaded {
                Ok(Ok((title, dir))) => Check::ok(
                    NAME,
                    if given {
                        format!("ready: {title} loads")
                    } else {
                        format!("ready: {title} loads from {}", dir.display())
                    },
                ),
                Ok(Err(why)) => Check::new(NAME, Status::Fail, "the model does not load", why),
                Err(err) => Check::new(
                    NAME,
                    Status::Fail,
                    "the model does not load",
                    err.to_string(),
                ),
            }
        }
        Readiness::NotYet(bytes) => Check::ok(
            NAME,
            format!(
                "{} not downloaded yet: the first call with a speech step fetches it ({:.0} MB)",
                size.title(),
                bytes as f64 / 1e6
            ),
        ),
        Readiness::NoDownload => Check::new(
            NAME,
            Status::Warn,
            "c2c has no ONNX Runtime to download for this platform",
            "Give a model folder with --speech-model or C2C_SPEECH_MODEL (README: Speech).",
        ),
        Readiness::Lacks(dir, missing) => Check::new(
            NAME,
            Status::Fail,
            format!("{} lacks {}", dir.display(), missing.join(", ")),
            "Put the model's files and ONNX Runtime's library there (README: Speech), or unset C2C_SPEECH_MODEL for c2c's own download.",
        ),
    }
}

/// Whether `say` steps can speak: c2c's voice downloaded (or not yet), and the machine's own
/// synthesiser for `voice=system`. Not loaded: the model takes a second of both cores, and a
/// downloaded voice is checked against its pins before every use anyway.
pub fn voice() -> Check {
    const NAME: &str = "voice";
    let system = match crate::voice::system::found() {
        Some(program) => format!("voice=system would use {program}"),
        None => "no synthesiser for voice=system (say, flite, text2wave, espeak-ng)".to_owned(),
    };
    let cached = crate::voice::cache_root()
        .map(|root| crate::voice::files::cache_folder(&root))
        .filter(|dir| crate::voice::files::is_whole(dir));
    match (cached, crate::speech::model::runtime_archive()) {
        (Some(dir), _) => Check::ok(
            NAME,
            format!("ready: Kokoro-82M in {}; {system}", dir.display()),
        ),
        (None, Some(_)) => Check::ok(
            NAME,
            format!(
                "Kokoro-82M not downloaded yet: the first say step fetches it ({:.0} MB); {system}",
                crate::voice::files::download_size() as f64 / 1e6
            ),
        ),
        (None, None) if crate::voice::system::found().is_some() => Check::ok(
            NAME,
            format!("c2c's voice has no ONNX Runtime for this platform; {system}"),
        ),
        (None, None) => Check::new(
            NAME,
            Status::Warn,
            "no voice: c2c has no ONNX Runtime for this platform, and no synthesiser is installed",
            "Install one for voice=system (macOS has say; Debian: apt-get install flite), or play WAV files.",
        ),
    }
}
