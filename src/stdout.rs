//! What c2c prints on standard output. A reader that stops early (`c2c token | head -c 20`,
//! `c2c completions fish | head -1`) closes the pipe: that is the reader's choice, so the rest is
//! dropped quietly instead of ending in a panic, as `println!` would.

use std::io::{ErrorKind, Write};

use crate::error::Error;

/// Writes `text` and a newline.
pub fn line(text: impl std::fmt::Display) -> Result<(), Error> {
    write(format!("{text}\n").as_bytes())
}

/// Writes `bytes` as they are.
pub fn write(bytes: &[u8]) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(err) if err.kind() != ErrorKind::BrokenPipe => Err(Error::Failed(format!(
            "cannot write to standard output: {err}"
        ))),
        _ => Ok(()),
    }
}
