//! Text from a scenario file or its name, shown on one line: a file name or a step may hold a
//! newline or an escape sequence, which would forge a line of the summary or a progress line, or
//! redraw the terminal. Control characters are shown escaped (`\n`, `\u{1b}`), and a name that is
//! not UTF-8 is shown lossily, never dropped.

use std::borrow::Cow;
use std::path::Path;

/// `text` with each control character escaped as Rust writes it.
pub fn one_line(text: &str) -> Cow<'_, str> {
    if !text.contains(char::is_control) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| match c.is_control() {
                true => c.escape_debug().to_string(),
                false => c.to_string(),
            })
            .collect(),
    )
}

/// A path as `one_line` shows text.
pub fn path(path: &Path) -> String {
    one_line(&path.to_string_lossy()).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_shown_escaped_on_one_line() {
        assert_eq!(one_line("menu.yaml"), "menu.yaml");
        assert_eq!(
            one_line("a\nb.yaml  3  3  0\u{1b}[2J"),
            "a\\nb.yaml  3  3  0\\u{1b}[2J"
        );
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let name = std::ffi::OsStr::from_bytes(b"caf\xe9.yaml");
            assert_eq!(path(Path::new(name)), "caf\u{fffd}.yaml");
        }
    }
}
