//! Twilio resource identifiers: two letters that name the kind, then 32 hex digits.

use std::fmt;

/// Whether `text` is a CallSid as Twilio writes them, `CA` and 32 hex digits: the only shape of
/// SID that requests and pages hand c2c (and that c2c puts in a path or keeps).
pub fn is_call_sid(text: &str) -> bool {
    text.len() == 34 && text.starts_with("CA") && text[2..].bytes().all(|b| b.is_ascii_hexdigit())
}

/// The kinds of SID c2c reads from its settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SidKind {
    Account,
    ApiKey,
    Application,
}

impl SidKind {
    pub fn prefix(self) -> &'static str {
        match self {
            SidKind::Account => "AC",
            SidKind::ApiKey => "SK",
            SidKind::Application => "AP",
        }
    }

    pub fn noun(self) -> &'static str {
        match self {
            SidKind::Account => "an Account SID",
            SidKind::ApiKey => "an API Key SID",
            SidKind::Application => "a TwiML App SID",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Sid(String);

/// Why a value is not a SID of the expected kind. The message never repeats the value itself:
/// a user who pasted a secret into the wrong variable must not see it echoed to their terminal.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SidError {
    #[error("it is empty")]
    Empty,
    #[error("it starts with {found:?}, and {} starts with {}", .kind.noun(), .kind.prefix())]
    WrongPrefix { kind: SidKind, found: String },
    #[error("it is {len} characters long, and {} is 34 ({} and 32 hex digits)", .kind.noun(), .kind.prefix())]
    WrongLength { kind: SidKind, len: usize },
    #[error("after {} it must have only hex digits (0-9, a-f)", .kind.prefix())]
    NotHex { kind: SidKind },
}

impl Sid {
    pub fn parse(kind: SidKind, value: &str) -> Result<Self, SidError> {
        let value = value.trim();
        if value.is_empty() {
            return Err(SidError::Empty);
        }
        let prefix: String = value.chars().take(2).collect();
        if !prefix.eq_ignore_ascii_case(kind.prefix()) {
            return Err(SidError::WrongPrefix {
                kind,
                found: prefix,
            });
        }
        let len = value.chars().count();
        if len != 34 {
            return Err(SidError::WrongLength { kind, len });
        }
        if !value[2..].bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(SidError::NotHex { kind });
        }
        // Twilio writes the prefix in capitals and the digits in lower case; so do we, so that a
        // SID compares equal however the user typed it.
        Ok(Sid(format!(
            "{}{}",
            kind.prefix(),
            value[2..].to_ascii_lowercase()
        )))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Sid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "AC0123456789abcdef0123456789abcdef";

    #[test]
    fn accepts_a_well_formed_sid_and_normalises_case() {
        let sid = Sid::parse(SidKind::Account, " ac0123456789ABCDEF0123456789abcdef ").unwrap();
        assert_eq!(sid.as_str(), GOOD);
    }

    #[test]
    fn names_what_is_wrong() {
        assert_eq!(Sid::parse(SidKind::Account, ""), Err(SidError::Empty));
        let wrong_kind = Sid::parse(SidKind::ApiKey, GOOD).unwrap_err();
        assert_eq!(
            wrong_kind.to_string(),
            "it starts with \"AC\", and an API Key SID starts with SK"
        );
        let short = Sid::parse(SidKind::Account, "AC123").unwrap_err();
        assert_eq!(
            short.to_string(),
            "it is 5 characters long, and an Account SID is 34 (AC and 32 hex digits)"
        );
        let not_hex = Sid::parse(SidKind::Application, "APzz23456789abcdef0123456789abcdef");
        assert_eq!(
            not_hex,
            Err(SidError::NotHex {
                kind: SidKind::Application
            })
        );
    }

    #[test]
    fn errors_do_not_repeat_the_value() {
        let secret_like = "SKsupersecretvaluethatwaspastedhere";
        let err = Sid::parse(SidKind::ApiKey, secret_like).unwrap_err();
        assert!(!err.to_string().contains("supersecret"));
    }

    #[test]
    fn multibyte_input_does_not_panic() {
        assert!(Sid::parse(SidKind::Account, "ACé0123456789abcdef0123456789abcde").is_err());
        assert!(Sid::parse(SidKind::Account, "é").is_err());
    }
}
