//! Log lines go to standard error through `tracing`, so that standard output stays clean for
//! data (`$(c2c token)`).

use std::io::{IsTerminal, Write};
use std::sync::OnceLock;

use indicatif::MultiProgress;
use tracing_subscriber::EnvFilter;

static BARS: OnceLock<MultiProgress> = OnceLock::new();

/// The one set of live lines (spinners, bars) on standard error, when it is a terminal. Every
/// command's live lines are in it, and log lines are written above it (`AboveTheBars`): two sets
/// drawing on one terminal, or a line written through one, left copies of bars on the screen.
pub fn bars() -> Option<&'static MultiProgress> {
    std::io::stderr()
        .is_terminal()
        .then(|| BARS.get_or_init(MultiProgress::new))
}

/// Standard error, with the live lines taken down while a log line is written and drawn again
/// after it.
struct AboveTheBars;

impl Write for AboveTheBars {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.write_all(buf).map(|()| buf.len())
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        match BARS.get() {
            Some(bars) => bars.suspend(|| std::io::stderr().write_all(buf)),
            None => std::io::stderr().write_all(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}

/// `-v`/`-q` choose the filter; `RUST_LOG`, when set, overrides both.
pub fn init(verbose: u8, quiet: u8) {
    let directives = match (verbose, quiet) {
        (0, 0) => "c2c=info,warn",
        (1, _) => "c2c=debug,info",
        (v, _) if v >= 2 => "c2c=trace,debug",
        (_, 1) => "warn",
        _ => "error",
    };
    let filter = EnvFilter::try_from_env("RUST_LOG").unwrap_or_else(|_| EnvFilter::new(directives));
    let color = std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty());
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(|| AboveTheBars)
        .with_ansi(color)
        .with_target(false)
        .without_time()
        .init();
}
