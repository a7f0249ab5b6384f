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

/// A duration as people read one: `5.3s` under a minute, whole seconds above (`1m 30s`), never
/// `5s 300ms`.
pub fn duration(d: std::time::Duration) -> String {
    if d < std::time::Duration::from_secs(60) && d.subsec_millis() != 0 {
        let text = format!("{:.1}", d.as_secs_f64());
        return format!("{}s", text.trim_end_matches(".0"));
    }
    humantime::format_duration(std::time::Duration::from_secs(
        d.as_secs_f64().round() as u64
    ))
    .to_string()
}

/// A path as `one_line` shows text.
pub fn path(path: &Path) -> String {
    one_line(&path.to_string_lossy()).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_people_write_them() {
        use std::time::Duration;
        assert_eq!(duration(Duration::from_millis(5300)), "5.3s");
        assert_eq!(duration(Duration::from_secs(30)), "30s");
        assert_eq!(duration(Duration::from_millis(10_040)), "10s");
        assert_eq!(duration(Duration::from_millis(90_400)), "1m 30s");
    }

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
