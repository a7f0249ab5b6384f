//! A file in c2c's model cache is used only while it is still what was downloaded: a truncated
//! runtime library would crash c2c with SIGBUS, with no message. Each file is checked against its
//! pin (SHA-256) the first time it is used, and after that by its size and modification time,
//! which a stamp in the folder keeps, so that a call pays for hashing only after a change. A file
//! that no longer matches is removed, and the download fetches it again.

use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::time::UNIX_EPOCH;

use ring::digest::{Context, SHA256};

use super::model::Archive;

/// The stamp: a line per checked file, `name size mtime-in-nanoseconds`.
const STAMP: &str = ".verified";

/// Removes from `dir` every pinned file that no longer matches its pin; keeps the stamp of those
/// that do.
pub fn drop_changed(dir: &Path, archives: &[&Archive]) -> std::io::Result<()> {
    let stamp = std::fs::read_to_string(dir.join(STAMP)).unwrap_or_default();
    let mut checked = String::new();
    for member in archives.iter().flat_map(|a| a.members) {
        let path = dir.join(member.name);
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        let nanos = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        let line = format!("{} {} {nanos}", member.name, meta.len());
        if stamp.lines().any(|l| l == line) || sha256(&path)? == member.sha256 {
            checked.push_str(&line);
            checked.push('\n');
        } else {
            tracing::warn!(
                "{} in c2c's model cache is not the file c2c downloaded (changed or cut short): downloading it again",
                path.display()
            );
            std::fs::remove_file(&path)?;
        }
    }
    if checked != stamp {
        std::fs::write(dir.join(STAMP), checked)?;
    }
    Ok(())
}

pub fn sha256(path: &Path) -> std::io::Result<String> {
    let mut file = File::open(path)?;
    let mut hash = Context::new(&SHA256);
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        hash.update(&buffer[..n]);
    }
    Ok(hash
        .finish()
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::speech::model::Member;

    const HELLO: &str = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

    static ARCHIVE: Archive = Archive {
        what: "a test",
        url: "https://example.invalid/a.tgz",
        size: 5,
        sha256: HELLO,
        members: &[Member {
            inside: "a",
            name: "tokenizer.json",
            sha256: HELLO,
        }],
    };

    #[test]
    fn a_file_cut_short_is_removed_and_a_whole_one_is_checked_once() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("tokenizer.json");
        std::fs::write(&file, "hello").unwrap();
        drop_changed(dir.path(), &[&ARCHIVE]).unwrap();
        assert!(file.is_file());
        let stamp = std::fs::read_to_string(dir.path().join(STAMP)).unwrap();
        assert!(stamp.starts_with("tokenizer.json 5 "), "{stamp}");
        std::fs::write(&file, "hell").unwrap();
        drop_changed(dir.path(), &[&ARCHIVE]).unwrap();
        assert!(
            !file.exists(),
            "a file cut short is removed, to be fetched again"
        );
    }
}
