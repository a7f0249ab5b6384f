//! The Twilio settings several commands share: the Access Token's account, key and app, the
//! REST client's credentials and address, and the folder where c2c records what it changed.

use std::path::PathBuf;
use std::time::Duration;

use super::{
    ACCOUNT_SID, API_BASE, API_KEY, API_SECRET, APP_SID, AUTH_TOKEN, EDGE, MONITOR_BASE, REGION,
    Resolver, TWILIO_TIMEOUT, VOICE_BASE,
};
use crate::error::Error;
use crate::sid::{Sid, SidKind};
use crate::state_file;
use crate::token::Minter;
use crate::twilio_api::{self, Client, Credentials};

/// The settings every Access Token needs, made into a `Minter`; `None` when one is missing or
/// invalid (each such problem is recorded in `r`, all of them, before giving up).
pub fn minter(r: &mut Resolver) -> Option<Minter> {
    let account_sid = r.require_sid(&ACCOUNT_SID, SidKind::Account);
    let api_key = r.require_sid(&API_KEY, SidKind::ApiKey);
    let api_secret = r.require_secret(&API_SECRET);
    let app_sid = r.require_sid(&APP_SID, SidKind::Application);
    let region = r.optional(&REGION, region);
    Some(Minter::new(
        account_sid?,
        api_key?,
        &api_secret?,
        app_sid?,
        region.as_deref(),
    ))
}

/// What the REST client is made from.
#[derive(Clone)]
pub struct Rest {
    hosts: twilio_api::Hosts,
    account_sid: String,
    credentials: Credentials,
    timeout: Duration,
}

impl Rest {
    /// The API Key SID, when the REST calls are signed with one (not the Auth Token).
    pub fn api_key(&self) -> Option<&str> {
        match &self.credentials {
            Credentials::ApiKey { sid, .. } => Some(sid),
            Credentials::AuthToken(_) => None,
        }
    }

    pub fn account_sid(&self) -> &str {
        &self.account_sid
    }

    /// The client. Failing here is not a settings problem (the TLS backend would not start).
    pub fn client(self) -> Result<Client, Error> {
        Client::new(self.hosts, self.account_sid, self.credentials, self.timeout).map_err(|err| {
            Error::Failed(format!(
                "cannot start the HTTP client for Twilio's REST API: {}",
                twilio_api::root_cause(&err)
            ))
        })
    }
}

/// The REST client's settings; `None` when something is missing (recorded in `r`).
pub fn rest(r: &mut Resolver) -> Option<Rest> {
    let account_sid = r.require_sid(&ACCOUNT_SID, SidKind::Account);
    let api_key = r.optional(&API_KEY, |v| {
        Sid::parse(SidKind::ApiKey, v).map_err(|e| e.to_string())
    });
    let api_secret = r.optional_secret(&API_SECRET);
    let auth_token = r.optional_secret(&AUTH_TOKEN);
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
    let region = r.optional(&REGION, region);
    let edge = r.optional(&EDGE, edge);
    let mut base =
        |setting| r.endpoint(setting, endpoint_address, |url| is_twilio(url), NOT_TWILIO);
    let api_base = base(&API_BASE);
    let voice_base = base(&VOICE_BASE);
    let monitor_base = base(&MONITOR_BASE);
    let timeout = r
        .optional(&TWILIO_TIMEOUT, |v| match v.parse::<u64>() {
            Ok(secs) if secs > 0 => Ok(Duration::from_secs(secs)),
            _ => Err(format!("{v:?} is not a whole number of seconds above 0")),
        })
        .unwrap_or(twilio_api::DEFAULT_TIMEOUT);
    let mut hosts = twilio_api::hosts(api_base.as_deref(), region.as_deref(), edge.as_deref());
    // Each host apart, for a proxy or a mock that serves only one of them.
    if let Some(voice) = voice_base {
        hosts.voice = voice.trim_end_matches('/').to_owned();
    }
    if let Some(monitor) = monitor_base {
        hosts.monitor = monitor.trim_end_matches('/').to_owned();
    }
    Some(Rest {
        hosts,
        account_sid: account_sid?.as_str().to_owned(),
        credentials: credentials?,
        timeout,
    })
}

/// Twilio's processing regions (Twilio Regions): each names a host, `api.EDGE.REGION.twilio.com`,
/// and the region the page's SDK registers in.
const REGIONS: &[&str] = &["us1", "ie1", "au1", "jp1"];
/// Twilio's edge locations, public and Interconnect, as its SDKs and hosts name them.
const EDGES: &[&str] = &[
    "ashburn",
    "dublin",
    "frankfurt",
    "sao-paulo",
    "singapore",
    "sydney",
    "tokyo",
    "umatilla",
    "roaming",
    "ashburn-ix",
    "frankfurt-ix",
    "london-ix",
    "san-jose-ix",
    "singapore-ix",
    "sydney-ix",
    "tokyo-ix",
];

/// `--region`: one of Twilio's, so that a typo (or a `.env` with a host in it) cannot end up in
/// a host name or a token.
fn region(v: &str) -> Result<String, String> {
    one_of(v, REGIONS, "region")
}

fn edge(v: &str) -> Result<String, String> {
    one_of(v, EDGES, "edge location")
}

fn one_of(v: &str, known: &[&str], what: &str) -> Result<String, String> {
    let lower = v.to_ascii_lowercase();
    if known.contains(&lower.as_str()) {
        Ok(lower)
    } else {
        Err(format!(
            "{v:?} is not a Twilio {what}; Twilio's are {}",
            known.join(", ")
        ))
    }
}

/// What the warning for an address that is not Twilio's says it is not.
pub const NOT_TWILIO: &str = "not Twilio's own";

/// An `https://` address, or `http://` on this machine (a proxy or a stand-in of the user's
/// own): anywhere else, plain HTTP would show the credentials c2c sends to whoever is on the way.
pub fn endpoint_address(v: &str) -> Result<String, String> {
    let url = web_address(v)?;
    match url.strip_prefix("http://") {
        Some(rest) if !is_loopback_authority(rest) => Err(format!(
            "{v:?} is plain http:// to another machine; use https://, or http:// only to 127.0.0.1 or localhost"
        )),
        _ => Ok(url),
    }
}

/// Whether `rest` (what follows `http://`) names this machine: a loopback address or localhost.
fn is_loopback_authority(rest: &str) -> bool {
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return false;
    }
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority.split(':').next().unwrap_or_default(),
    };
    let host = host.to_ascii_lowercase();
    host == "localhost"
        || host.ends_with(".localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Whether `url` is one of Twilio's own hosts, over https.
pub fn is_twilio(url: &str) -> bool {
    url.strip_prefix("https://")
        .map(|rest| rest.split(['/', ':', '?', '#']).next().unwrap_or_default())
        .is_some_and(|host| host == "twilio.com" || host.ends_with(".twilio.com"))
}

/// An `https://` (or, for proxies and tests, `http://`) address.
pub fn web_address(v: &str) -> Result<String, String> {
    if v.starts_with("https://") || v.starts_with("http://") {
        Ok(v.to_owned())
    } else {
        Err(format!(
            "{v:?} is not a web address: it must start with https:// (or http://)"
        ))
    }
}

pub fn app_sid(r: &mut Resolver) -> Option<String> {
    r.require_sid(&APP_SID, SidKind::Application)
        .map(|sid| sid.as_str().to_owned())
}

/// Where c2c records the TwiML App settings it replaced.
pub fn state_dir(r: &mut Resolver) -> Option<PathBuf> {
    let dir = state_file::dir();
    if dir.is_none() {
        r.missing(
            "folder for c2c's state",
            "c2c keeps a record of what it changes there (no home directory was found). Set HOME, or XDG_STATE_HOME.".to_owned(),
        );
    }
    dir
}
