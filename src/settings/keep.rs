//! Keeps values c2c made in its config file: `c2c configure --sip`'s Domain and credential. The
//! file is only added to (a key c2c reads is never rewritten, a comment never lost), created if
//! missing, and readable by its owner alone, since it holds a password.

use std::io::Write;
use std::path::Path;

/// Adds `key = "value"` lines for `values` to the config file at `path`. The file holds top-level
/// keys only (c2c refuses tables), so a line added at its end is a key of its own.
pub fn add_to_config(path: &Path, values: &[(&str, &str)]) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let before = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(err) => return Err(err),
    };
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    #[cfg(unix)]
    file.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
    let mut text = String::new();
    if !before.is_empty() && !before.ends_with('\n') {
        text.push('\n');
    }
    text.push_str("# Made by `c2c configure --sip`.\n");
    for (key, value) in values {
        let quoted = toml::Value::String((*value).to_owned()).to_string();
        text.push_str(&format!("{key} = {quoted}\n"));
    }
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_added_after_what_was_there_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c2c/config.toml");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, "# mine\ncaller_id = \"+15005550006\"").unwrap();
        add_to_config(
            &path,
            &[
                ("sip_domain", "c2c-x.sip.twilio.com"),
                ("sip_password", "a\"b\\c"),
            ],
        )
        .unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with("# mine\ncaller_id = \"+15005550006\"\n"),
            "{text}"
        );
        let table: toml::Table = text.parse().unwrap();
        assert_eq!(table["sip_password"].as_str(), Some("a\"b\\c"));
        assert_eq!(table["caller_id"].as_str(), Some("+15005550006"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
