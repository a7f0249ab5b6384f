//! `c2c serve`'s settings: where to listen, what the server answers and to whom, and the
//! tunnel's bring-up with `--tunnel`.

use std::net::{IpAddr, SocketAddr};

use super::tunnel::{self, Bringup, Plan};
use super::{
    ALLOW_COUNTRY, AUTH_TOKEN, CALLER_ID, HOST, Origin, PORT, PUBLIC_URL, Resolver, SettingsError,
    Sources, TOKEN_RATE, TOKEN_TTL,
};
use crate::cli::ServeArgs;
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
    /// Tokens per minute per client; 0 for no limit.
    pub token_rate: u32,
    /// What Twilio signs, when it is known before the tunnel opens (`--public-url`).
    pub public_url: Option<String>,
}

pub fn resolve(args: &ServeArgs, sources: &Sources) -> Result<Serve, SettingsError> {
    let mut r = sources.resolver();
    let server = server(args, &mut r);
    let host = r.require(&HOST, |v| {
        v.parse::<IpAddr>()
            .map_err(|_| format!("{v:?} is not an IP address"))
    });
    let port = r.require(&PORT, |v| {
        v.parse::<u16>()
            .map_err(|_| format!("{v:?} is not a port number"))
    });
    let bringup = if args.tunnel {
        let plan = Plan {
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

fn server(args: &ServeArgs, r: &mut Resolver) -> Option<Server> {
    let minter = super::twilio::minter(r);
    let caller_id = r.require(&CALLER_ID, dial::e164_shape);
    let caller_id_origin = r.lookup(&CALLER_ID).map(|found| found.origin);
    let auth_token = r.optional_secret(&AUTH_TOKEN);
    let token_rate = r.require(&TOKEN_RATE, |v| {
        v.parse::<u32>()
            .map_err(|_| format!("{v:?} is not a whole number"))
    });
    let token_ttl = r.require(&TOKEN_TTL, page_token_ttl);
    let public_url = r.optional(&PUBLIC_URL, super::twilio::web_address);
    let allowed = allowed_countries(r);
    let share_password = match args.share {
        true => match share_password() {
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
        token_ttl: token_ttl?,
        caller_id: caller_id?,
        caller_id_origin: caller_id_origin?,
        allowed,
        auth_token,
        insecure_unsigned: args.insecure_unsigned_webhooks,
        share_password,
        token_rate: token_rate?,
        public_url,
    })
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

/// 20 characters of 5 bits: a password nobody guesses through the tunnel.
fn share_password() -> Result<Secret, String> {
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
