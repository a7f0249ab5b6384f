//! The model's first use: each pinned archive fetched into the cache folder with a progress bar,
//! its SHA-256 checked, the files c2c needs taken out of it (each checked too), then moved into
//! place one by one. A file is in the folder only once it is whole and matches its pin. An
//! interrupted download keeps the archives already in place and fetches the rest again from
//! their start (its part file is removed, whether it failed, stalled or was stopped with
//! Ctrl-C); two c2c runs never share a part file.

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use ring::digest::{Context, SHA256};

use super::model::{self, Archive, Member, ModelFiles, Size};
use crate::progress::Progress;

/// What a set of archives is for, in the messages: the speech model, or the voice.
#[derive(Debug, Clone, Copy)]
pub struct Purpose {
    /// "the speech model"
    pub name: &'static str,
    /// What to do when the registries cannot be reached, or serve something else.
    pub otherwise: &'static str,
}

pub const SPEECH: Purpose = Purpose {
    name: "the speech model",
    otherwise: "get the files yourself and give their folder with --speech-model (README: Speech)",
};

#[derive(Debug, thiserror::Error)]
pub enum DownloadError {
    #[error(
        "cannot download {what} from {host}: {why}. c2c fetches {} ({mb:.0} MB) once, on first use: connect this machine and run again, or {}.",
        purpose.name,
        purpose.otherwise
    )]
    Unreachable {
        what: &'static str,
        host: String,
        why: String,
        mb: f64,
        purpose: Purpose,
    },
    #[error(
        "{what} from {url} does not match the SHA-256 c2c pins for it (got {got}): it was changed on the way or on the server, and nothing of it was kept. Run again; if it persists, {}.",
        purpose.otherwise
    )]
    Checksum {
        what: &'static str,
        url: String,
        got: String,
        purpose: Purpose,
    },
    #[error("{what} from {url} has no {inside}: nothing of it was kept.")]
    NotInArchive {
        what: &'static str,
        url: String,
        inside: &'static str,
    },
    #[error(
        "cannot write to c2c's cache in {dir}: {why}. Free some space or make the folder writable."
    )]
    Write { dir: String, why: String },
    #[error(
        "c2c has no ONNX Runtime to download for this platform: get the model files and ONNX Runtime yourself and give their folder with --speech-model (README: Speech)."
    )]
    NoRuntime,
}

/// Fetches what `size` needs and `dir` lacks, and returns the folder's files. `mirror`
/// replaces the registries' scheme and host (tests serve the archives from loopback).
pub async fn fetch(
    dir: &Path,
    size: Size,
    mirror: Option<&str>,
    progress: &Progress,
) -> Result<ModelFiles, DownloadError> {
    let archives = model::archives(size).ok_or(DownloadError::NoRuntime)?;
    fetch_archives(dir, &archives, SPEECH, mirror, progress).await?;
    ModelFiles::in_folder(dir).map_err(|missing| DownloadError::Write {
        dir: dir.display().to_string(),
        why: format!("{} missing after the download", missing.join(", ")),
    })
}

/// Fetches into `dir` each of `archives` whose files `dir` lacks.
pub async fn fetch_archives(
    dir: &Path,
    archives: &[&'static Archive],
    purpose: Purpose,
    mirror: Option<&str>,
    progress: &Progress,
) -> Result<(), DownloadError> {
    let mb = archives.iter().map(|a| a.size).sum::<u64>() as f64 / 1e6;
    let write = |e: std::io::Error| DownloadError::Write {
        dir: dir.display().to_string(),
        why: e.to_string(),
    };
    std::fs::create_dir_all(dir).map_err(write)?;
    crate::crypto::install();
    let client = client(STALLED).map_err(|e| DownloadError::Unreachable {
        what: archives[0].what,
        host: String::new(),
        why: e.to_string(),
        mb,
        purpose,
    })?;
    for &archive in archives {
        if archive.members.iter().all(|m| dir.join(m.name).is_file()) {
            continue;
        }
        let url = address(archive.url, mirror);
        let part = PartFile(dir.join(format!(
            ".{}.{}.part",
            file_name(archive.url),
            std::process::id()
        )));
        let got = download(&client, archive, &url, &part.0, (mb, purpose), progress).await;
        let got = match got {
            Ok(()) => {
                let (dir, part_path, url) = (dir.to_owned(), part.0.clone(), url.clone());
                tokio::task::spawn_blocking(move || {
                    unpack(archive, &url, &part_path, &dir, purpose)
                })
                .await
                .unwrap_or_else(|e| {
                    Err(DownloadError::Write {
                        dir: String::new(),
                        why: e.to_string(),
                    })
                })
            }
            Err(e) => Err(e),
        };
        drop(part);
        got?;
    }
    Ok(())
}

/// How long a download may send nothing before c2c gives up on it.
const STALLED: std::time::Duration = std::time::Duration::from_secs(30);

fn client(stalled: std::time::Duration) -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .connect_timeout(std::time::Duration::from_secs(10))
        // A registry that connects and then sends nothing is given up on, not waited for.
        .read_timeout(stalled)
        .build()
}

/// A part file, removed however its download ends: done, failed, or dropped half-way because
/// the run was stopped.
struct PartFile(PathBuf);

impl Drop for PartFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn address(url: &str, mirror: Option<&str>) -> String {
    match (mirror, url::Url::parse(url)) {
        (Some(base), Ok(parsed)) => format!("{}{}", base.trim_end_matches('/'), parsed.path()),
        _ => url.to_owned(),
    }
}

fn file_name(url: &str) -> &str {
    url.rsplit('/').next().unwrap_or("archive")
}

async fn download(
    client: &reqwest::Client,
    archive: &'static Archive,
    url: &str,
    part: &Path,
    (mb, purpose): (f64, Purpose),
    progress: &Progress,
) -> Result<(), DownloadError> {
    let unreachable = |why: String| DownloadError::Unreachable {
        purpose,
        what: archive.what,
        host: url::Url::parse(url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_else(|| url.to_owned()),
        why,
        mb,
    };
    let write = |e: std::io::Error| DownloadError::Write {
        dir: part
            .parent()
            .map(|p| p.display().to_string())
            .unwrap_or_default(),
        why: e.to_string(),
    };
    let step = progress.sized(format!("Downloading {}", archive.what), archive.size);
    let mut response = match client.get(url).send().await {
        Ok(r) if r.status().is_success() => r,
        Ok(r) => {
            step.failed();
            return Err(unreachable(format!("the server answered {}", r.status())));
        }
        Err(e) => {
            step.failed();
            return Err(unreachable(cause(&e)));
        }
    };
    let mut file = File::create(part).map_err(write)?;
    let mut hash = Context::new(&SHA256);
    let mut size = 0u64;
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                hash.update(&chunk);
                size += chunk.len() as u64;
                step.advance(chunk.len() as u64);
                if let Err(e) = file.write_all(&chunk) {
                    step.failed();
                    return Err(write(e));
                }
                // A server that sends more than the pinned size is not sending the pinned file.
                if size > archive.size {
                    break;
                }
            }
            Ok(None) => break,
            Err(e) => {
                step.failed();
                return Err(unreachable(cause(&e)));
            }
        }
    }
    let got = hex(hash.finish().as_ref());
    if got != archive.sha256 {
        step.failed();
        return Err(DownloadError::Checksum {
            what: archive.what,
            url: url.to_owned(),
            got,
            purpose,
        });
    }
    step.done(format!("{:.1} MB", size as f64 / 1e6));
    Ok(())
}

/// The innermost cause of a request's failure: "connection refused", not "error sending request".
fn cause(e: &reqwest::Error) -> String {
    let mut source: &dyn std::error::Error = e;
    while let Some(inner) = source.source() {
        source = inner;
    }
    source.to_string()
}

/// Takes the archive's members out into `dir`, each checked against its pin.
fn unpack(
    archive: &'static Archive,
    url: &str,
    path: &Path,
    dir: &Path,
    purpose: Purpose,
) -> Result<(), DownloadError> {
    let write = |e: std::io::Error| DownloadError::Write {
        dir: dir.display().to_string(),
        why: e.to_string(),
    };
    let missing = |inside| DownloadError::NotInArchive {
        what: archive.what,
        url: url.to_owned(),
        inside,
    };
    let file = File::open(path).map_err(write)?;
    let mut taken = Vec::new();
    if archive.is_zip() {
        let mut zip = zip::ZipArchive::new(file).map_err(|_| missing(archive.members[0].inside))?;
        for member in archive.members {
            let entry = zip
                .by_name(member.inside)
                .map_err(|_| missing(member.inside))?;
            taken.push(take(archive, url, member, entry, (dir, purpose))?);
        }
    } else {
        let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(file));
        for entry in tar.entries().map_err(write)? {
            let entry = entry.map_err(write)?;
            let name = entry.path().map_err(write)?.to_string_lossy().into_owned();
            if let Some(member) = archive.members.iter().find(|m| m.inside == name) {
                taken.push(take(archive, url, member, entry, (dir, purpose))?);
            }
        }
        if let Some(member) = archive
            .members
            .iter()
            .find(|m| !taken.iter().any(|(_, t)| std::ptr::eq(*t, *m)))
        {
            return Err(missing(member.inside));
        }
    }
    for (part, member) in taken {
        std::fs::rename(&part.0, dir.join(member.name)).map_err(write)?;
    }
    Ok(())
}

/// Copies one member to a part file beside its place, checking it as it goes.
fn take(
    archive: &'static Archive,
    url: &str,
    member: &'static Member,
    mut from: impl Read,
    (dir, purpose): (&Path, Purpose),
) -> Result<(PartFile, &'static Member), DownloadError> {
    let write = |e: std::io::Error| DownloadError::Write {
        dir: dir.display().to_string(),
        why: e.to_string(),
    };
    let part = PartFile(dir.join(format!(".{}.{}.part", member.name, std::process::id())));
    let mut to = File::create(&part.0).map_err(write)?;
    let mut hash = Context::new(&SHA256);
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        let n = from.read(&mut buffer).map_err(write)?;
        if n == 0 {
            break;
        }
        hash.update(&buffer[..n]);
        to.write_all(&buffer[..n]).map_err(write)?;
    }
    let got = hex(hash.finish().as_ref());
    if got != member.sha256 {
        return Err(DownloadError::Checksum {
            what: archive.what,
            url: format!("{url} ({})", member.inside),
            got,
            purpose,
        });
    }
    Ok((part, member))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A registry on loopback that answers a request's headers, sends a few bytes of the body,
    /// then nothing more.
    async fn stalling_registry() -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                tokio::spawn(async move {
                    use tokio::io::{AsyncReadExt, AsyncWriteExt};
                    let mut request = [0u8; 4096];
                    let _ = socket.read(&mut request).await;
                    let _ = socket
                        .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\nRIFF")
                        .await;
                    tokio::time::sleep(std::time::Duration::from_secs(60)).await;
                });
            }
        });
        format!("http://{address}")
    }

    #[tokio::test]
    async fn a_download_that_stalls_is_given_up_on() {
        let registry = stalling_registry().await;
        let dir = tempfile::tempdir().unwrap();
        let part = dir.path().join(".a.part");
        let client = client(std::time::Duration::from_millis(500)).unwrap();
        let archive = model::archives(Size::Tiny).unwrap()[1];
        let started = std::time::Instant::now();
        let got = download(
            &client,
            archive,
            &registry,
            &part,
            (1.0, SPEECH),
            &Progress::default(),
        )
        .await;
        assert!(
            matches!(got, Err(DownloadError::Unreachable { .. })),
            "{got:?}"
        );
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }

    #[tokio::test]
    async fn a_download_stopped_half_way_leaves_no_part_file() {
        let registry = stalling_registry().await;
        let dir = tempfile::tempdir().unwrap();
        // Ctrl-C drops the download where it stands.
        let stopped = tokio::time::timeout(
            std::time::Duration::from_millis(700),
            fetch(
                dir.path(),
                Size::Tiny,
                Some(&registry),
                &Progress::default(),
            ),
        )
        .await;
        assert!(stopped.is_err(), "it was still downloading");
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }

    #[test]
    fn a_mirror_keeps_the_registry_path() {
        assert_eq!(
            address(
                "https://registry.npmjs.org/@a/b/-/b-1.tgz",
                Some("http://127.0.0.1:9/")
            ),
            "http://127.0.0.1:9/@a/b/-/b-1.tgz"
        );
        assert_eq!(address("https://x.org/p", None), "https://x.org/p");
    }
}
