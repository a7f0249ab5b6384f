//! Why a number is not dialled: for the log, and in words for the caller.

use std::fmt;

/// Why a number is not dialled. `Display` is for the log; `spoken` for the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    Unreadable,
    Invalid { e164: String },
    Country { e164: String, region: String },
    Costly { e164: String, kind: &'static str },
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Unreadable => f.write_str("the number cannot be read as a phone number"),
            Refusal::Invalid { e164 } => write!(f, "{e164} is not a valid number"),
            Refusal::Country { e164, region } => write!(
                f,
                "{e164} is in {region}, which the dial policy does not allow (add it with --allow-country)"
            ),
            Refusal::Costly { e164, kind } => write!(f, "{e164} is a {kind} number"),
        }
    }
}

impl Refusal {
    pub fn spoken(&self) -> &'static str {
        match self {
            Refusal::Unreadable | Refusal::Invalid { .. } => {
                "Sorry, that is not a phone number this phone can call. Please check it and try again."
            }
            Refusal::Country { .. } => "Sorry, this phone is not allowed to call that country.",
            Refusal::Costly { .. } => "Sorry, this phone does not call premium rate numbers.",
        }
    }
}
