//! Log lines go to standard error through `tracing`, so that standard output stays clean for
//! data (`$(c2c token)`).

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

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
        .with_writer(std::io::stderr)
        .with_ansi(color)
        .with_target(false)
        .without_time()
        .init();
}
