//! `c2c serve`'s settings: where to listen, what the server answers and to whom, and the
//! tunnel's bring-up with `--tunnel`.

use std::net::{IpAddr, SocketAddr};

use super::tunnel::{self, Bringup, BringupAsk};
use super::{
    ALLOW_COUNTRY, AUTH_TOKEN, CALLER_ID, HOST, Origin, PORT, PUBLIC_URL, Resolver, SIGNALLING,
    SettingsError, Sources, TOKEN_RATE, TOKEN_TTL,
};
use crate::cli::{DEFAULT_TOKEN_RATE, DEFAULT_TOKEN_TTL, ServeArgs};
use crate::dial::{self, Allowed};
use crate::identity;
use crate::secret::Secret;
use crate::token::Minter;

pub struct Serve {
    pub listen: SocketAddr,
    /// `--open`: open the page in the default browser once ready.
    pub open: bool,
    pub server: Server,
    /// `--tunnel`.
    pub bringup: Option<Bringup>,
}

/// What the server answers, and to whom.
pub struct Server {
    pub minter: Minter,
    pub token_ttl: u64,
    /// E.164.
    pub caller_id: String,
    /// Where the caller ID was set, for the error when libphonenumber rejects it.
    pub caller_id_origin: Origin,
    /// Empty: the caller ID's country.
    pub allowed: Vec<Allowed>,
    /// Checks webhook signatures; without it public webhooks are refused.
    pub auth_token: Option<Secret>,
    /// `--insecure-unsigned-webhooks`.
    pub insecure_unsigned: bool,
    /// `--share`: the password that opens the page and /token to the public side.
    pub share_password: Option<Secret>,
    /// The page places a call as it opens only with `autocall=` this key, made afresh each run:
    /// a link in an e-mail or a chat (which a browser opens as `Sec-Fetch-Site: none`, like an
    /// address typed by hand) cannot carry it.
    pub autocall_key: Secret,
    /// Tokens per minute per client; 0 for no limit.
    pub token_rate: u32,
    /// What Twilio signs, when it is known before the tunnel opens (`--public-url`).
    pub public_url: Option<String>,
    /// `--signalling`: the page's SDK connects there instead of to Twilio.
    pub signalling: Option<String>,
    /// The SIP Domain whose calls `/voice` dials for (`c2c configure --sip`).
    pub sip_domain: Option<String>,
}

pub fn resolve(args: &ServeArgs, sources: &Sources) -> Result<Serve, SettingsError> {
    let mut r = sources.resolver();
    let server = server(&mut r, args.share, args.insecure_unsigned_webhooks);
    let host = r.require(&HOST, |v| {
        v.parse::<IpAddr>()
            .map_err(|_| format!("{v:?} is not an IP address"))
    });
    let port = r.require(&PORT, |v| {
        v.parse::<u16>()
            .map_err(|_| format!("{v:?} is not a port number"))
    });
    let bringup = if args.tunnel {
        let plan = BringupAsk {
            force: args.bringup.force,
            voice_path: "/voice".to_owned(),
            status_path: Some("/status".to_owned()),
            // ngrok's edge can check Twilio's signatures too, but then nothing else gets
            // through, and --share means the page must.
            verify_twilio: server
                .as_ref()
                .and_then(|s| s.auth_token.clone())
                .filter(|_| !args.share),
            forwards_to: "c2c serve".to_owned(),
        };
        tunnel::bringup(&mut r, plan).map(Some)
    } else {
        Some(None)
    };
    let serve = match (host, port, server, bringup) {
        (Some(host), Some(port), Some(server), Some(bringup)) => Some(Serve {
            listen: SocketAddr::new(host, port),
            open: args.open,
            server,
            bringup,
        }),
        _ => None,
    };
    r.finish(serve)
}

/// What the server answers: `serve`'s, and `call`'s in-process one (which has no `--share`, no
/// `--insecure-unsigned-webhooks` and the defaults for the token flags it does not show).
pub(super) fn server(r: &mut Resolver, share: bool, insecure_unsigned: bool) -> Option<Server> {
    let minter = super::twilio::minter(r);
    let caller_id = r.require(&CALLER_ID, dial::e164_shape);
    let caller_id_origin = r.lookup(&CALLER_ID).map(|found| found.origin);
    let auth_token = r.optional_secret(&AUTH_TOKEN);
    // `call` shows neither flag: it takes serve's defaults, read from the same text.
    let token_rate = r
        .optional(&TOKEN_RATE, token_rate)
        .or_else(|| token_rate(DEFAULT_TOKEN_RATE).ok())
        .unwrap_or_default();
    let token_ttl = r
        .optional(&TOKEN_TTL, page_token_ttl)
        .or_else(|| page_token_ttl(DEFAULT_TOKEN_TTL).ok())
        .unwrap_or_default();
    let public_url = r.optional(&PUBLIC_URL, super::twilio::web_address);
    // The page's SDK sends its Access Token there.
    let signalling = r.endpoint(
        &SIGNALLING,
        signalling_address,
        |address| is_twilio_host(address),
        super::twilio::NOT_TWILIO,
    );
    let allowed = allowed_countries(r);
    let sip_domain = r.optional(&super::SIP_DOMAIN, super::sip::domain_name);
    let autocall_key = match random_secret() {
        Ok(key) => key,
        Err(why) => {
            r.missing("key for autocall", why);
            return None;
        }
    };
    let share_password = match share {
        true => match random_secret() {
            Ok(password) => Some(password),
            Err(why) => {
                r.missing("password for --share", why);
                return None;
            }
        },
        false => None,
    };
    Some(Server {
        minter: minter?,
        token_ttl,
        caller_id: caller_id?,
        caller_id_origin: caller_id_origin?,
        allowed,
        auth_token,
        insecure_unsigned,
        share_password,
        autocall_key,
        token_rate,
        public_url,
        signalling,
        sip_domain,
    })
}

fn token_rate(text: &str) -> Result<u32, String> {
    text.parse::<u32>()
        .map_err(|_| format!("{text:?} is not a whole number"))
}

/// `--signalling`: where the SDK connects instead of Twilio, `HOST[:PORT]` as its `chunderw`
/// option takes it (it adds `wss://` and `/signal`).
fn signalling_address(text: &str) -> Result<String, String> {
    let (host, port) = match text.rsplit_once(':') {
        Some((host, port)) if !host.ends_with(']') || host.starts_with('[') => (host, Some(port)),
        _ => (text, None),
    };
    if host.is_empty()
        || !host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '[' | ']' | ':'))
    {
        return Err(format!("{text:?} is not HOST or HOST:PORT"));
    }
    if let Some(port) = port {
        port.parse::<u16>()
            .map_err(|_| format!("{port:?} in {text:?} is not a port number"))?;
    }
    Ok(text.to_owned())
}

/// Whether `HOST[:PORT]` is one of Twilio's own hosts.
fn is_twilio_host(address: &str) -> bool {
    super::twilio::is_twilio(&format!("https://{address}"))
}

/// `--token-ttl`: a token's lifetime as `c2c token --ttl` reads it, but long enough for the page to
/// use it: the SDK asks for a fresh one 10 s before the old one expires.
fn page_token_ttl(text: &str) -> Result<u64, String> {
    match super::token::parse_ttl(text)? {
        secs if secs < MIN_PAGE_TTL_SECS => Err(format!(
            "{secs} seconds is too short: the page renews its token 10 s before expiry, so it needs at least {MIN_PAGE_TTL_SECS} s"
        )),
        secs => Ok(secs),
    }
}

const MIN_PAGE_TTL_SECS: u64 = 20;

/// 20 characters of 5 bits: a password (or key) nobody guesses through the tunnel.
fn random_secret() -> Result<Secret, String> {
    identity::random_text(20)
        .map(Secret::new)
        .map_err(|err| format!("c2c could not make one: the system has no randomness ({err})."))
}

/// `--allow-country`: empty for the caller ID's country.
pub fn allowed_countries(r: &mut Resolver) -> Vec<Allowed> {
    r.optional(&ALLOW_COUNTRY, |v| {
        v.split(',')
            .filter(|c| !c.trim().is_empty())
            .map(dial::parse_allowed)
            .collect::<Result<Vec<_>, _>>()
    })
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::signalling_address;

    #[test]
    fn the_token_defaults_read_as_settings() {
        assert_eq!(super::token_rate(crate::cli::DEFAULT_TOKEN_RATE), Ok(60));
        assert_eq!(
            super::page_token_ttl(crate::cli::DEFAULT_TOKEN_TTL),
            Ok(3600)
        );
    }

    #[test]
    fn signalling_addresses_are_a_host_and_maybe_a_port() {
        for good in [
            "edge.example",
            "127.0.0.1:9443",
            "[::1]:9443",
            "voice-js.staging.example:443",
        ] {
            assert_eq!(signalling_address(good).as_deref(), Ok(good));
        }
        for bad in [
            "wss://edge.example",
            "edge.example/signal",
            "edge:port",
            "",
            "a b",
        ] {
            assert!(signalling_address(bad).is_err(), "{bad}");
        }
    }
}
