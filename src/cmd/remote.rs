//! Settings for what c2c reaches over the network: the Twilio REST client and the ngrok tunnel.

use std::path::PathBuf;
use std::time::Duration;

use crate::config::{self, Origin, Resolver};
use crate::error::Error;
use crate::ngrok_agent;
use crate::secret::Secret;
use crate::sid::{Sid, SidKind};
use crate::state_file;
use crate::tunnel;
use crate::twilio_api::{self, Client, Credentials};

use super::bring_up::{Launch, Target};

/// What the REST client is made from, once every setting checked out.
pub struct ClientSettings {
    base: String,
    account_sid: String,
    credentials: Credentials,
    timeout: Duration,
}

impl ClientSettings {
    /// The client. Failing here is not a settings problem (the TLS backend would not start).
    pub fn build(self) -> Result<Client, Error> {
        Client::new(self.base, self.account_sid, self.credentials, self.timeout).map_err(|err| {
            Error::Failed(format!(
                "cannot start the HTTP client for Twilio's REST API: {}",
                twilio_api::root_cause(&err)
            ))
        })
    }
}

/// The REST client's settings; `None` when something is missing (recorded in `r`).
pub fn resolve_client(r: &mut Resolver) -> Option<ClientSettings> {
    let account_sid = r.require_sid(&config::ACCOUNT_SID, SidKind::Account);
    let api_key = r.optional(&config::API_KEY, |v| {
        Sid::parse(SidKind::ApiKey, v).map_err(|e| e.to_string())
    });
    let api_secret = r.optional_secret(&config::API_SECRET);
    let auth_token = r.optional_secret(&config::AUTH_TOKEN);
    let credentials = match (api_key, api_secret, auth_token) {
        (Some(key), Some(secret), _) => Some(Credentials::ApiKey {
            sid: key.as_str().to_owned(),
            secret,
        }),
        (_, _, Some(token)) => Some(Credentials::AuthToken(token)),
        _ => {
            r.missing(
                "API Key and its secret (or the Auth Token)",
                "Twilio's REST API needs them: set TWILIO_API_KEY and TWILIO_API_SECRET (Console > Account > API keys & tokens), or TWILIO_AUTH_TOKEN.".to_owned(),
            );
            None
        }
    };
    let region = r.optional(&config::REGION, |v| Ok(v.to_owned()));
    let edge = r.optional(&config::EDGE, |v| Ok(v.to_owned()));
    let api_base = r.optional(&config::API_BASE, |v| {
        if v.starts_with("https://") || v.starts_with("http://") {
            Ok(v.to_owned())
        } else {
            Err(format!("{v:?} does not start with https://"))
        }
    });
    let timeout = match std::env::var("C2C_TWILIO_TIMEOUT") {
        Ok(secs) => match secs.trim().parse::<u64>() {
            Ok(secs) if secs > 0 => Duration::from_secs(secs),
            _ => {
                r.invalid(
                    Origin::Env("C2C_TWILIO_TIMEOUT"),
                    "Twilio timeout",
                    format!("{secs:?} is not a whole number of seconds above 0"),
                    "Use a number of seconds such as 20.",
                );
                twilio_api::DEFAULT_TIMEOUT
            }
        },
        Err(_) => twilio_api::DEFAULT_TIMEOUT,
    };
    Some(ClientSettings {
        base: twilio_api::base_url(api_base.as_deref(), region.as_deref(), edge.as_deref()),
        account_sid: account_sid?.as_str().to_owned(),
        credentials: credentials?,
        timeout,
    })
}

/// What every tunnel bring-up reads from the settings.
pub struct TunnelSettings {
    client: ClientSettings,
    app_sid: String,
    authtoken: Secret,
    domain: Option<String>,
}

/// `None` when something is missing (recorded in `r`).
pub fn resolve_tunnel(r: &mut Resolver) -> Option<TunnelSettings> {
    let client = resolve_client(r);
    let app_sid = require_app_sid(r);
    let authtoken = resolve_authtoken(r);
    let domain = resolve_domain(r);
    Some(TunnelSettings {
        client: client?,
        app_sid: app_sid?,
        authtoken: authtoken?,
        domain,
    })
}

/// How one command brings the tunnel up, beyond the settings.
pub struct Plan {
    pub force: bool,
    pub voice_path: String,
    pub status_path: Option<String>,
    pub verify_twilio: Option<Secret>,
    pub forwards_to: String,
}

impl TunnelSettings {
    /// Called once the settings are known to be complete: finding the state folder can fail.
    pub fn launch(self, plan: Plan) -> Result<Launch, Error> {
        Ok(Launch {
            target: Target {
                app_sid: self.app_sid,
                state_dir: state_dir()?,
                force: plan.force,
                voice_path: plan.voice_path,
                status_path: plan.status_path,
            },
            client: self.client,
            tunnel: tunnel::Options {
                authtoken: self.authtoken,
                domain: self.domain,
                verify_twilio: plan.verify_twilio,
                forwards_to: plan.forwards_to,
                test_edge: test_edge()?,
            },
        })
    }
}

/// The offline stand-in for ngrok's service, when the tests name one.
fn test_edge() -> Result<Option<tunnel::TestEdge>, Error> {
    let Some(addr) = std::env::var("C2C_NGROK_TEST_EDGE")
        .ok()
        .filter(|v| !v.is_empty())
    else {
        return Ok(None);
    };
    let path = std::env::var("C2C_NGROK_TEST_CA").unwrap_or_default();
    let ca_pem = std::fs::read(&path).map_err(|err| {
        Error::Failed(format!(
            "C2C_NGROK_TEST_EDGE needs C2C_NGROK_TEST_CA, the stand-in's CA certificate: cannot read {path:?} ({err})"
        ))
    })?;
    Ok(Some(tunnel::TestEdge { addr, ca_pem }))
}

pub fn require_app_sid(r: &mut Resolver) -> Option<String> {
    r.require_sid(&config::APP_SID, SidKind::Application)
        .map(|sid| sid.as_str().to_owned())
}

/// The ngrok authtoken, highest first: `--authtoken`, `NGROK_AUTHTOKEN` (also from .env), the
/// ngrok agent's config file, c2c's config file.
fn resolve_authtoken(r: &mut Resolver) -> Option<Secret> {
    let found = r.lookup(&config::NGROK_AUTHTOKEN);
    let from_c2c_config = matches!(found.as_ref().map(|f| &f.origin), Some(Origin::File(..)));
    if let Some(found) = &found
        && !from_c2c_config
    {
        return Some(Secret::new(found.value.trim()));
    }
    let paths = ngrok_agent::config_paths();
    match ngrok_agent::authtoken(&paths) {
        Ok(Some((token, path))) => {
            tracing::debug!("using the ngrok authtoken in {}", path.display());
            return Some(token);
        }
        Ok(None) => {}
        Err(why) => {
            r.missing("ngrok authtoken", why);
            return None;
        }
    }
    if let Some(found) = found {
        return Some(Secret::new(found.value.trim()));
    }
    let places: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    r.missing(
        "ngrok authtoken",
        format!(
            "c2c looked in --authtoken, NGROK_AUTHTOKEN (environment and .env), the ngrok agent's config ({}) and ngrok_authtoken in c2c's config file. Get a token at https://dashboard.ngrok.com/get-started/your-authtoken and set NGROK_AUTHTOKEN.",
            places.join(", ")
        ),
    );
    None
}

fn resolve_domain(r: &mut Resolver) -> Option<String> {
    r.optional(&config::NGROK_DOMAIN, |v| {
        let domain = v
            .trim_start_matches("https://")
            .trim_end_matches('/')
            .to_owned();
        if domain.is_empty() || domain.contains('/') || domain.contains(' ') {
            Err(format!("{v:?} is not a domain name"))
        } else {
            Ok(domain)
        }
    })
}

pub fn state_dir() -> Result<PathBuf, Error> {
    state_file::dir().ok_or_else(|| {
        Error::Failed(
            "c2c cannot find a folder to keep its state in (no home directory). Set HOME, or XDG_STATE_HOME.".to_owned(),
        )
    })
}
