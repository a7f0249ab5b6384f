//! The errors a command ends with, and the exit status each one maps to.

/// The exit status of a run in which c2c itself failed: sysexits' EX_SOFTWARE.
pub const BUG: u8 = 70;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Settings missing or invalid, as `settings` phrased them; `typed` when each was a value
    /// typed on the command line (a usage error rather than a setting to fix).
    #[error("{message}")]
    Settings { message: String, typed: bool },
    /// Input given on the command line or standard input that is not a setting.
    #[error("{0}")]
    Input(String),
    /// An Access Token could not be signed.
    #[error("{0}")]
    Token(String),
    /// Twilio or ngrok refused, or could not be reached.
    #[error("{0}")]
    Remote(String),
    /// The browser `c2c call` would drive cannot be used (too old, not Chromium-based).
    #[error("{0}")]
    Browser(String),
    /// The speech model is missing, cannot be downloaded, or cannot be loaded.
    #[error("{0}")]
    Speech(String),
    /// The c2c server `c2c call --server` names could not be reached.
    #[error("{0}")]
    Server(String),
    /// Anything else that stopped the command, already phrased for the user.
    #[error("{0}")]
    Failed(String),
    /// c2c itself failed (a panic, caught): a bug, reported with what was still done.
    #[error("{0}")]
    Bug(String),
    /// How a scripted call ended, when it is not a plain success: its own exit status.
    #[error("{message}")]
    Outcome { code: u8, message: String },
}

impl Error {
    /// A panic caught in `during`, as the error a command ends with.
    pub fn bug(during: &str, panic: &(dyn std::any::Any + Send)) -> Error {
        let what = panic_message(panic);
        Error::Bug(format!(
            "c2c failed inside {during}: {what} (a bug in c2c: please report it)"
        ))
    }

    /// The exit status, as the README documents it.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Failed(_) | Error::Token(_) => 1,
            Error::Input(_) => 2,
            Error::Settings { typed: true, .. } => 2,
            Error::Settings { .. } | Error::Browser(_) | Error::Speech(_) => 3,
            Error::Remote(_) => 4,
            Error::Server(_) => 9,
            Error::Bug(_) => BUG,
            Error::Outcome { code, .. } => *code,
        }
    }
}

/// What a panic said, when it said it in words.
pub fn panic_message(panic: &(dyn std::any::Any + Send)) -> &str {
    panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("a panic")
}
