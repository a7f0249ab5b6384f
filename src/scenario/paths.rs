//! The paths a scenario file names (`play:`, `record:`, a `play` step's file) come from a cloned
//! repository: they are read from the file's own folder, are never absolute, and never lead out
//! of the suite's folder, by `..` or through a symbolic link. Paths typed as flags stay free.

use std::path::{Component, Path, PathBuf};

/// A path as the file writes it, joined to the file's folder `dir`: refused when it is empty,
/// absolute, or holds a control character (a newline in a path could forge a line of a report).
pub fn from_file(key: &str, written: &str, dir: &Path) -> Result<PathBuf, String> {
    let path = Path::new(written);
    if written.trim().is_empty() {
        return Err(format!("{key}: the path is empty"));
    }
    if written.chars().any(char::is_control) {
        return Err(format!(
            "{key}: {written:?} holds a control character: name the file plainly"
        ));
    }
    if path.is_absolute()
        || path.has_root()
        || matches!(path.components().next(), Some(Component::Prefix(_)))
    {
        return Err(format!(
            "{key}: {written:?} is absolute: a scenario's files are named from its own folder (such as sounds/prompt.wav)"
        ));
    }
    Ok(dir.join(path))
}

/// What the path is for: what may be read, and what will be written.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Use {
    Read,
    Write,
}

/// Whether `path` (from `from_file`) stays inside `root`, the folder given to `c2c test` or the
/// scenario's own folder for `c2c call --scenario`, with every link followed. A path whose
/// folder does not exist is left to the reader or writer to report.
pub fn inside(key: &str, path: &Path, root: &Path, used: Use) -> Result<(), String> {
    let shown = path.display();
    let root = match root.as_os_str().is_empty() {
        true => Path::new("."),
        false => root,
    };
    let root = std::fs::canonicalize(root).map_err(|err| {
        format!(
            "{key}: {shown}: cannot read the folder {}: {err}",
            root.display()
        )
    })?;
    if used == Use::Write
        && path
            .symlink_metadata()
            .is_ok_and(|m| m.file_type().is_symlink())
    {
        return Err(format!(
            "{key}: {shown} is a symbolic link: c2c writes a recording only as a file of its own; remove the link"
        ));
    }
    let folder = || {
        let folder = path.parent().filter(|p| !p.as_os_str().is_empty());
        std::fs::canonicalize(folder.unwrap_or(Path::new(".")))
    };
    // A file to read is followed to where it really is; one that is missing (or to be written)
    // is judged by its folder.
    let real = match used {
        Use::Read => std::fs::canonicalize(path).or_else(|_| folder()),
        Use::Write => folder(),
    };
    match real {
        Ok(real) if !real.starts_with(&root) => Err(format!(
            "{key}: {shown} leads out of {}: a scenario's files stay inside its suite's folder",
            root.display()
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_names_its_paths_from_its_folder_plainly() {
        let dir = Path::new("suite");
        assert_eq!(
            from_file("play", "sounds/a.wav", dir).unwrap(),
            PathBuf::from("suite/sounds/a.wav")
        );
        for (written, says) in [
            ("/etc/passwd", "is absolute"),
            ("", "empty"),
            ("a\n[[ATTACHMENT|/etc/hostname]].wav", "control character"),
        ] {
            let why = from_file("record", written, dir).unwrap_err();
            assert!(why.starts_with("record: ") && why.contains(says), "{why}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn no_path_leads_out_of_the_suite_by_dots_or_links() {
        let outside = tempfile::tempdir().unwrap();
        let top = tempfile::tempdir().unwrap();
        let suite = top.path().join("suite");
        std::fs::create_dir_all(suite.join("billing")).unwrap();
        std::fs::create_dir_all(suite.join("sounds")).unwrap();
        std::fs::write(suite.join("sounds/hello.wav"), b"RIFF").unwrap();
        std::fs::write(outside.path().join("secret.wav"), b"RIFF").unwrap();
        std::fs::write(top.path().join("beside.wav"), b"RIFF").unwrap();
        std::os::unix::fs::symlink(outside.path(), suite.join("out")).unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret.wav"), suite.join("heard.wav"))
            .unwrap();
        let billing = suite.join("billing");
        let path = |written: &str| from_file("play", written, &billing).unwrap();

        // Up to the suite's folder and into a sibling is still inside.
        inside("play", &path("../sounds/hello.wav"), &suite, Use::Read).unwrap();
        inside("record", &path("heard-1.wav"), &suite, Use::Write).unwrap();
        for (written, used, says) in [
            ("../../beside.wav", Use::Read, "leads out of"),
            ("../../beside.wav", Use::Write, "leads out of"),
            ("../out/secret.wav", Use::Read, "leads out of"),
            ("../out/heard.wav", Use::Write, "leads out of"),
            ("../heard.wav", Use::Write, "is a symbolic link"),
        ] {
            let why = inside("record", &path(written), &suite, used).unwrap_err();
            assert!(why.contains(says), "{written}: {why}");
        }
    }
}
