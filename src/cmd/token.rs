//! `c2c token`: mint an Access Token, or decode one.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Read};
use std::time::Duration;

use clap::ArgMatches;
use serde_json::json;

use crate::cli::TokenArgs;
use crate::config::{self, Files, Origin, Resolver};
use crate::error::Error;
use crate::token::{self, SignatureCheck, VoiceGrant};

pub fn run(args: &TokenArgs, matches: &ArgMatches, files: &Files) -> Result<(), Error> {
    match &args.decode {
        Some(token) => decode(token.as_deref(), matches, files),
        None => mint(args, matches, files),
    }
}

fn mint(args: &TokenArgs, matches: &ArgMatches, files: &Files) -> Result<(), Error> {
    let mut settings = Resolver::new(matches, files);
    let minter = super::resolve_minter(&mut settings);
    let identity = settings.optional(&config::IDENTITY, |v| {
        token::check_identity(v).map(|()| v.to_owned())
    });
    let ttl = token::parse_ttl(&args.ttl)
        .map_err(|why| {
            settings.invalid(
                Origin::Flag("--ttl"),
                "token lifetime",
                why,
                "Use --ttl 86400 or less.",
            )
        })
        .ok();
    let mut params = BTreeMap::new();
    for param in &args.params {
        match token::parse_param(param) {
            Ok((key, value)) => {
                params.insert(key, value);
            }
            Err(why) => settings.invalid(
                Origin::Flag("--param"),
                "call parameter",
                why,
                "Write it as --param KEY=VALUE.",
            ),
        }
    }
    let (Some(minter), Some(ttl)) = (minter, ttl) else {
        return Err(settings.into_error().into());
    };
    settings.finish()?;

    let identity = identity.unwrap_or_else(token::fresh_identity);
    let grant = VoiceGrant {
        incoming_allow: !args.no_incoming,
        outgoing_params: params,
    };
    let minted = minter.mint(&identity, ttl, &grant, token::unix_now())?;
    let expires_at = token::rfc3339(minted.expires_at);
    if args.json {
        let out =
            json!({"token": minted.token, "identity": minted.identity, "expires_at": expires_at});
        println!("{out}");
    } else {
        println!("{}", minted.token);
    }
    tracing::info!("token for identity {identity}, valid until {expires_at}");
    Ok(())
}

fn decode(token: Option<&str>, matches: &ArgMatches, files: &Files) -> Result<(), Error> {
    let text = match token {
        Some(token) => token.to_owned(),
        None => read_stdin()?,
    };
    let mut settings = Resolver::new(matches, files);
    let secret = settings.optional_secret(&config::API_SECRET);
    let secret_origin = settings
        .lookup(&config::API_SECRET)
        .map(|found| found.origin);
    let decoded = token::decode(&text, secret.as_ref())?;
    let out = json!({"header": decoded.header, "claims": decoded.claims});
    println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());

    for (name, claim) in [("valid from", "nbf"), ("expires", "exp")] {
        if let Some(time) = decoded.claims[claim].as_u64() {
            eprintln!("{name}: {} ({})", token::rfc3339(time), relative(time));
        }
    }
    match (decoded.signature, secret_origin) {
        (SignatureCheck::Valid, Some(origin)) => {
            eprintln!("signature: valid for the API Key secret from {origin}");
            Ok(())
        }
        (SignatureCheck::Invalid, Some(origin)) => Err(Error::Failed(format!(
            "signature: does not match the API Key secret from {origin}; the token was signed with another secret, or altered"
        ))),
        _ => {
            eprintln!(
                "signature: not verified (no API Key secret given: set TWILIO_API_SECRET to check it)"
            );
            Ok(())
        }
    }
}

fn read_stdin() -> Result<String, Error> {
    let mut stdin = std::io::stdin();
    if stdin.is_terminal() {
        return Err(Error::Input(
            "--decode needs a token: pass it (c2c token --decode TOKEN) or pipe it in (c2c token --decode < token.txt)".into(),
        ));
    }
    let mut text = String::new();
    stdin
        .read_to_string(&mut text)
        .map_err(|err| Error::Input(format!("cannot read the token from standard input: {err}")))?;
    if text.trim().is_empty() {
        return Err(Error::Input(
            "standard input is empty; --decode expects a token there".into(),
        ));
    }
    Ok(text)
}

fn relative(secs: u64) -> String {
    let now = token::unix_now();
    if secs == now {
        "now".to_owned()
    } else if secs > now {
        format!(
            "in {}",
            humantime::format_duration(Duration::from_secs(secs - now))
        )
    } else {
        format!(
            "{} ago",
            humantime::format_duration(Duration::from_secs(now - secs))
        )
    }
}
