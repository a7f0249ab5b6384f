//! Where the speech model is: a folder the user prepared (`--speech-model`), or c2c's cache,
//! filled on first use from the package registries (`download`), every file pinned by SHA-256.
//!
//! The files are the ones measured for c2c (ONNX Runtime 1.32 and one of two Moonshine models):
//! tiny (8-bit) from Moonshine AI's npm package, or base from Moonshine AI's PyPI package (in
//! ONNX Runtime's own format); the tokenizer, which both share, from Useful Sensors' PyPI
//! package; the runtime from Microsoft's PyPI wheel for this platform. All are MIT-licensed.

use std::path::{Path, PathBuf};

/// A folder's worth of speech model: what `moonshine` loads.
#[derive(Debug, Clone)]
pub struct ModelFiles {
    pub dir: PathBuf,
    pub encoder: PathBuf,
    pub decoder: PathBuf,
    pub tokenizer: PathBuf,
    pub runtime: PathBuf,
}

pub const ENCODER: &str = "encoder_model.onnx";
pub const DECODER: &str = "decoder_model_merged.onnx";
/// The same two in ONNX Runtime's own format, as Moonshine base comes.
const ENCODER_ORT: &str = "encoder_model.ort";
const DECODER_ORT: &str = "decoder_model_merged.ort";
pub const TOKENIZER: &str = "tokenizer.json";

/// The runtime library's name as c2c saves it; a folder the user made may keep the wheel's
/// versioned name (`libonnxruntime.so.1.32.0`).
#[cfg(target_os = "macos")]
pub const RUNTIME: &str = "libonnxruntime.dylib";
#[cfg(windows)]
pub const RUNTIME: &str = "onnxruntime.dll";
#[cfg(not(any(target_os = "macos", windows)))]
pub const RUNTIME: &str = "libonnxruntime.so";

/// Which Moonshine recognises the far end's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Size {
    /// 30 MB, about a twentieth of real time on two cores: the default.
    #[default]
    Tiny,
    /// 63 MB more, about six times slower: reads fast and accented voices better.
    Base,
}

impl Size {
    pub const ALL: [Size; 2] = [Size::Tiny, Size::Base];

    /// As the command line and scenario files write it.
    pub fn name(self) -> &'static str {
        match self {
            Size::Tiny => "tiny",
            Size::Base => "base",
        }
    }

    pub fn parse(text: &str) -> Result<Size, String> {
        Size::ALL
            .into_iter()
            .find(|s| s.name() == text.trim())
            .ok_or_else(|| format!("{text:?} is neither tiny nor base"))
    }

    /// For people: "Moonshine tiny".
    pub fn title(self) -> &'static str {
        match self {
            Size::Tiny => "Moonshine tiny",
            Size::Base => "Moonshine base",
        }
    }

    /// The cache folder's name: a new pin is a new folder, so an old cache is never half-used.
    fn cache_name(self) -> &'static str {
        match self {
            Size::Tiny => "moonshine-tiny-q8-ort-1.32.0",
            Size::Base => "moonshine-base-cpp-0.1.4-ort-1.32.0",
        }
    }

    fn archive(self) -> &'static Archive {
        match self {
            Size::Tiny => &TINY,
            Size::Base => &BASE,
        }
    }
}

impl ModelFiles {
    /// The files in `dir`, or the names of those it lacks.
    pub fn in_folder(dir: &Path) -> Result<ModelFiles, Vec<&'static str>> {
        let mut missing = Vec::new();
        let mut file = |name: &'static str| {
            let path = dir.join(name);
            if !path.is_file() {
                missing.push(name);
            }
            path
        };
        // Either format, the model's own (ONNX) first.
        let mut either = |name: &'static str, other: &str| {
            let path = dir.join(other);
            if path.is_file() { path } else { file(name) }
        };
        let encoder = either(ENCODER, ENCODER_ORT);
        let decoder = either(DECODER, DECODER_ORT);
        let tokenizer = file(TOKENIZER);
        let runtime = runtime_in(dir);
        if runtime.is_none() {
            missing.push(RUNTIME);
        }
        match (missing.is_empty(), runtime) {
            (true, Some(runtime)) => Ok(ModelFiles {
                dir: dir.to_owned(),
                encoder,
                decoder,
                tokenizer,
                runtime,
            }),
            _ => Err(missing),
        }
    }
}

/// ONNX Runtime's library in `dir`: c2c's name for it, or the one its release gave it.
fn runtime_in(dir: &Path) -> Option<PathBuf> {
    let exact = dir.join(RUNTIME);
    if exact.is_file() {
        return Some(exact);
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| {
            path.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(is_runtime_name)
        })
        .collect();
    found.sort();
    found.into_iter().next()
}

fn is_runtime_name(name: &str) -> bool {
    let Some(rest) = name.strip_prefix("libonnxruntime") else {
        return name.eq_ignore_ascii_case("onnxruntime.dll");
    };
    // Not libonnxruntime_providers_shared.so: the runtime itself, maybe versioned.
    (rest.starts_with(".so") || rest.ends_with(".dylib")) && !rest.starts_with('_')
}

/// Where c2c keeps the models it downloads, a folder each.
pub fn cache_root() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "c2c").map(|dirs| dirs.cache_dir().join("speech"))
}

/// The folder in the cache for `size`.
pub fn cache_folder(root: &Path, size: Size) -> PathBuf {
    root.join(size.cache_name())
}

/// An archive on a registry and the files c2c takes from it.
#[derive(Debug)]
pub struct Archive {
    /// Who publishes it, for the progress bar and errors.
    pub what: &'static str,
    pub url: &'static str,
    pub size: u64,
    pub sha256: &'static str,
    pub members: &'static [Member],
}

#[derive(Debug)]
pub struct Member {
    /// Its path inside the archive.
    pub inside: &'static str,
    /// Its name in the model folder.
    pub name: &'static str,
    pub sha256: &'static str,
}

impl Archive {
    pub fn is_zip(&self) -> bool {
        self.url.ends_with(".whl")
    }
}

const TINY: Archive = Archive {
    what: "Moonshine tiny (npm @moonshine-ai/moonshine-js 0.1.29)",
    url: "https://registry.npmjs.org/@moonshine-ai/moonshine-js/-/moonshine-js-0.1.29.tgz",
    size: 21_514_347,
    sha256: "864e17a00ed494857c71693e835306fa038e0f82002c76e3056d67d574e1c2d8",
    members: &[
        Member {
            inside: "package/dist/model/tiny/quantized/encoder_model.onnx",
            name: ENCODER,
            sha256: "c6fc4b7bc5af75c0591fd157a1f3829b533d18e9769a888fd95a62e470dd4f4a",
        },
        Member {
            inside: "package/dist/model/tiny/quantized/decoder_model_merged.onnx",
            name: DECODER,
            sha256: "eed87831c3a6103534aae7d47a5d485025c659a1323901513961c39fe8a1a367",
        },
    ],
};

/// The same model files whatever the platform: the wheel is only their box.
const BASE: Archive = Archive {
    what: "Moonshine base (PyPI moonshine-cpp 0.1.4)",
    url: "https://files.pythonhosted.org/packages/8f/97/c4093d9b122310ed6a5a21e86852b0818f7b4efe63cf3c01993dba56df46/moonshine_cpp-0.1.4-py3-none-manylinux2014_x86_64.whl",
    size: 54_645_697,
    sha256: "f7afc662bdd3ef98815ee3b940438b456e77d5a77cea5396ed9c572785412ebd",
    members: &[
        Member {
            inside: "moonshine_cpp-0.1.4.data/purelib/moonshine_cpp/models/base-en/encoder_model.ort",
            name: ENCODER_ORT,
            sha256: "9d1a19e044cbf89a207723d1adb667de89a5671a1e3e611b8ebe721b2c31219c",
        },
        Member {
            inside: "moonshine_cpp-0.1.4.data/purelib/moonshine_cpp/models/base-en/decoder_model_merged.ort",
            name: DECODER_ORT,
            sha256: "370e0c1f161d68dc1c2264c1a82024fb123380da3b73f47f05531d1e8d3308c3",
        },
    ],
};

const TOKENS: Archive = Archive {
    what: "Moonshine's tokenizer (PyPI useful-moonshine-onnx 20251121)",
    url: "https://files.pythonhosted.org/packages/73/44/f6151edd6defc96b25664579c037274109ff4d93191b561e0a321d82eda4/useful_moonshine_onnx-20251121-py3-none-any.whl",
    size: 729_305,
    sha256: "b4189b0d7dc8064d567fd0b5d5ce78634be290b0a3a3274ab80ad11c46d531a2",
    members: &[Member {
        inside: "moonshine_onnx/assets/tokenizer.json",
        name: TOKENIZER,
        sha256: "b68b995a58b3373db6c4f46864a9db50cd1333d086150ffa2c1096581ede9c10",
    }],
};

#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
const RUNTIME_ARCHIVE: Option<Archive> = Some(Archive {
    what: "ONNX Runtime 1.32.0 (PyPI onnxruntime, Linux x86_64)",
    url: "https://files.pythonhosted.org/packages/1d/46/e6f356c9539d2eed44126de3421a81e217da2ad91b22dc11b379cb1e384f/onnxruntime-1.32.0-cp311-cp311-manylinux_2_28_x86_64.whl",
    size: 27_773_237,
    sha256: "5a34fc4dfeb5a7b4a74c95dcba1e773d722abda720b474edf1b0c419dc6d163d",
    members: &[Member {
        inside: "onnxruntime/capi/libonnxruntime.so.1.32.0",
        name: RUNTIME,
        sha256: "6c1585d1bbf45b0712ea4a21b705c5fcb4ba04ff2e30f1fbf81a49faf658638f",
    }],
});

#[cfg(all(target_os = "linux", target_arch = "aarch64"))]
const RUNTIME_ARCHIVE: Option<Archive> = Some(Archive {
    what: "ONNX Runtime 1.32.0 (PyPI onnxruntime, Linux aarch64)",
    url: "https://files.pythonhosted.org/packages/b7/30/103820b32e9dc1d1fcfc5b519fd2de5bd699d25a25895caf5d726350d1b5/onnxruntime-1.32.0-cp311-cp311-manylinux_2_28_aarch64.whl",
    size: 23_195_070,
    sha256: "2303372a85299b6757b0e11e1cbf13e410ddf7e10c37f4b37e99d1c90e7daf7c",
    members: &[Member {
        inside: "onnxruntime/capi/libonnxruntime.so.1.32.0",
        name: RUNTIME,
        sha256: "49852228a93995158b2a813d4df487d47a1b76b0eaa894507ef49e91b6d7954a",
    }],
});

#[cfg(all(target_os = "macos", target_arch = "aarch64"))]
const RUNTIME_ARCHIVE: Option<Archive> = Some(Archive {
    what: "ONNX Runtime 1.32.0 (PyPI onnxruntime, macOS arm64)",
    url: "https://files.pythonhosted.org/packages/b7/5d/50be370b540a6cb9ea173503f5418e8315dfe5757400ad7720542d348b94/onnxruntime-1.32.0-cp311-cp311-macosx_14_0_arm64.whl",
    size: 22_506_162,
    sha256: "366b9e53d07812cc5c92822cecf7563b76a8a0f32ba3bb8dd232a206ac3bcb6c",
    members: &[Member {
        inside: "onnxruntime/capi/libonnxruntime.1.32.0.dylib",
        name: RUNTIME,
        sha256: "fa585fabbea65b823b9a8f7e27d46aee3989d1be7e36b528203d3a1fd613aae7",
    }],
});

/// Microsoft publishes no 1.32 wheel for Intel Macs, and `c2c call` does not run on Windows:
/// there the user gives a folder.
#[cfg(not(any(
    all(
        target_os = "linux",
        any(target_arch = "x86_64", target_arch = "aarch64")
    ),
    all(target_os = "macos", target_arch = "aarch64")
)))]
const RUNTIME_ARCHIVE: Option<Archive> = None;

/// What c2c downloads for `size` on this platform, or `None` where it has no runtime to fetch.
pub fn archives(size: Size) -> Option<[&'static Archive; 3]> {
    const RUNTIME_PINNED: &Option<Archive> = &RUNTIME_ARCHIVE;
    RUNTIME_PINNED
        .as_ref()
        .map(|runtime| [size.archive(), &TOKENS, runtime])
}

/// ONNX Runtime's archive for this platform, which the voice loads too.
pub fn runtime_archive() -> Option<&'static Archive> {
    const RUNTIME_PINNED: &Option<Archive> = &RUNTIME_ARCHIVE;
    RUNTIME_PINNED.as_ref()
}

/// The total size of what c2c downloads for `size`, for the messages.
pub fn download_size(size: Size) -> u64 {
    archives(size).map_or(0, |a| a.iter().map(|a| a.size).sum())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_lacking_files_names_them_and_a_versioned_runtime_counts() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(ENCODER), b"x").unwrap();
        let missing = ModelFiles::in_folder(dir.path()).unwrap_err();
        assert_eq!(missing, vec![DECODER, TOKENIZER, RUNTIME]);

        for name in [DECODER, TOKENIZER] {
            std::fs::write(dir.path().join(name), b"x").unwrap();
        }
        std::fs::write(dir.path().join("libonnxruntime_providers_shared.so"), b"x").unwrap();
        assert!(ModelFiles::in_folder(dir.path()).is_err());
        std::fs::write(dir.path().join("libonnxruntime.so.1.32.0"), b"x").unwrap();
        let files = ModelFiles::in_folder(dir.path()).unwrap();
        assert!(files.runtime.ends_with("libonnxruntime.so.1.32.0"));
    }

    #[test]
    fn runtime_names_are_the_runtime_itself() {
        for yes in [
            "libonnxruntime.so",
            "libonnxruntime.so.1.32.0",
            "libonnxruntime.1.32.0.dylib",
            "onnxruntime.dll",
        ] {
            assert!(is_runtime_name(yes), "{yes}");
        }
        for no in [
            "libonnxruntime_providers_shared.so",
            "onnxruntime.py",
            "libfoo.so",
        ] {
            assert!(!is_runtime_name(no), "{no}");
        }
    }
}
