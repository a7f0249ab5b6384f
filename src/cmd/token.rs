//! `c2c token`: mint an Access Token, or decode one.

use std::io::{IsTerminal, Read};
use std::time::Duration;

use serde_json::json;

use crate::clock;
use crate::error::Error;
use crate::identity;
use crate::settings::token::{Decode, Mint, Token};
use crate::stdout;
use crate::token::{self, SignatureCheck};

pub fn run(settings: Token) -> Result<(), Error> {
    match settings {
        Token::Mint(mint) => self::mint(*mint),
        Token::Decode(decode) => self::decode(decode),
    }
}

fn mint(settings: Mint) -> Result<(), Error> {
    let identity = settings.identity.unwrap_or_else(identity::fresh);
    let minted =
        settings
            .minter
            .mint(&identity, settings.ttl, &settings.grant, clock::unix_now())?;
    let expires_at = clock::rfc3339(minted.expires_at);
    if settings.json {
        let out =
            json!({"token": minted.token, "identity": minted.identity, "expires_at": expires_at});
        stdout::line(out)?;
    } else {
        stdout::line(&minted.token)?;
    }
    tracing::info!("token for identity {identity}, valid until {expires_at}");
    Ok(())
}

fn decode(settings: Decode) -> Result<(), Error> {
    let text = match settings.token {
        // A file's name is the file's token (`--decode token.txt`, as people type it).
        Some(name) if std::path::Path::new(&name).is_file() => read_file(&name)?,
        Some(token) => token,
        None => read_stdin()?,
    };
    let (secret, secret_origin) = settings.secret.unzip();
    let decoded = token::decode(&text, secret.as_ref())?;
    let out = json!({"header": decoded.header, "claims": decoded.claims});
    stdout::line(serde_json::to_string_pretty(&out).unwrap_or_default())?;

    for (name, claim) in [("valid from", "nbf"), ("expires", "exp")] {
        if let Some(time) = decoded.claims[claim].as_u64() {
            say(&format!(
                "{name}: {} ({})",
                clock::rfc3339(time),
                relative(time)
            ));
        }
    }
    match (decoded.signature, secret_origin) {
        (SignatureCheck::Valid, Some(origin)) => {
            say(&format!(
                "signature: valid for the API Key secret from {origin}"
            ));
            Ok(())
        }
        (SignatureCheck::Invalid, Some(origin)) => Err(Error::Failed(format!(
            "signature: does not match the API Key secret from {origin}; the token was signed with another secret, or altered"
        ))),
        _ => {
            say(
                "signature: not verified (no API Key secret given: set TWILIO_API_SECRET to check it)",
            );
            Ok(())
        }
    }
}

/// A line on standard error that a closed standard error does not turn into a panic.
fn say(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// The token in the file `name`: a token is a few kilobytes, so no more is read.
fn read_file(name: &str) -> Result<String, Error> {
    let file = std::fs::File::open(name)
        .map_err(|err| Error::Input(format!("--decode {name}: cannot read it: {err}")))?;
    let mut text = String::new();
    file.take(64 * 1024)
        .read_to_string(&mut text)
        .map_err(|err| Error::Input(format!("--decode {name}: cannot read it: {err}")))?;
    Ok(text)
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
    let now = clock::unix_now();
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
