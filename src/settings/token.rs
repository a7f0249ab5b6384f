//! `c2c token`'s settings: what to mint, or what to decode and the secret to check it with.

use std::collections::BTreeMap;

use super::{API_SECRET, IDENTITY, Origin, SettingsError, Sources};
use crate::cli::TokenArgs;
use crate::identity;
use crate::secret::Secret;
use crate::token::{MAX_TTL_SECS, Minter, VoiceGrant};

pub enum Token {
    Mint(Box<Mint>),
    Decode(Decode),
}

pub struct Mint {
    pub minter: Minter,
    /// `None` for a fresh identity.
    pub identity: Option<String>,
    pub ttl: u64,
    pub grant: VoiceGrant,
    pub json: bool,
}

pub struct Decode {
    /// `None`: read it from standard input.
    pub token: Option<String>,
    /// The API Key secret, when one is set, and where it came from.
    pub secret: Option<(Secret, Origin)>,
}

pub fn resolve(args: &TokenArgs, sources: &Sources) -> Result<Token, SettingsError> {
    let mut r = sources.resolver();
    if let Some(token) = &args.decode {
        let secret = r.optional_secret(&API_SECRET);
        let origin = r.lookup(&API_SECRET).map(|found| found.origin);
        return r.finish(Some(Token::Decode(Decode {
            token: token.clone(),
            secret: secret.zip(origin),
        })));
    }
    let minter = super::twilio::minter(&mut r);
    let identity = r.optional(&IDENTITY, |v| identity::check(v).map(|()| v.to_owned()));
    let ttl = parse_ttl(&args.ttl)
        .map_err(|why| {
            r.invalid(
                Origin::Flag("--ttl"),
                "token lifetime",
                why,
                "Use --ttl 86400 or less.",
            )
        })
        .ok();
    let mut params = BTreeMap::new();
    for param in &args.params {
        match parse_param(param) {
            Ok((key, value)) => {
                params.insert(key, value);
            }
            Err(why) => r.invalid(
                Origin::Flag("--param"),
                "call parameter",
                why,
                "Write it as --param KEY=VALUE.",
            ),
        }
    }
    let mint = minter.zip(ttl).map(|(minter, ttl)| {
        Token::Mint(Box::new(Mint {
            minter,
            identity,
            ttl,
            grant: VoiceGrant {
                incoming_allow: !args.no_incoming,
                outgoing_params: params,
            },
            json: args.json,
        }))
    });
    r.finish(mint)
}

/// Parses `--ttl`: whole seconds (`3600`) or a duration (`90m`, `2h`).
pub fn parse_ttl(text: &str) -> Result<u64, String> {
    let secs = match text.parse::<u64>() {
        Ok(secs) => secs,
        Err(_) => humantime::parse_duration(text)
            .map_err(|_| {
                format!("{text:?} is neither a number of seconds nor a duration such as 90m or 2h")
            })?
            .as_secs(),
    };
    match secs {
        0 => Err("a token must live at least one second".to_owned()),
        s if s > MAX_TTL_SECS => Err(format!(
            "{s} seconds is more than Twilio accepts: it rejects tokens valid for over 24 hours ({MAX_TTL_SECS} s)"
        )),
        s => Ok(s),
    }
}

/// Parses a repeated `--param KEY=VALUE`.
pub fn parse_param(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((key, value)) if !key.trim().is_empty() => {
            Ok((key.trim().to_owned(), value.to_owned()))
        }
        _ => Err(format!("{text:?} is not KEY=VALUE")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ttl_accepts_seconds_and_durations_within_a_day() {
        assert_eq!(parse_ttl("3600"), Ok(3600));
        assert_eq!(parse_ttl("90m"), Ok(5400));
        assert_eq!(parse_ttl("24h"), Ok(86_400));
        assert!(
            parse_ttl("86401")
                .unwrap_err()
                .contains("rejects tokens valid for over 24 hours")
        );
        assert!(parse_ttl("0").is_err());
        assert!(parse_ttl("soon").unwrap_err().contains("neither a number"));
    }

    #[test]
    fn params_are_key_value_pairs() {
        assert_eq!(parse_param("a=b=c"), Ok(("a".into(), "b=c".into())));
        assert!(parse_param("=x").is_err());
        assert!(parse_param("novalue").is_err());
    }
}
