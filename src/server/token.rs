//! `GET /token`: an Access Token for the page, rate-limited per client; `POST /registered`: the
//! page says its Device registered with one, and from then on incoming calls ring it.

use std::net::IpAddr;
use std::time::Instant;

use hyper::body::Incoming;
use hyper::header::{CONTENT_TYPE, RETRY_AFTER};
use hyper::{Request, StatusCode};

use super::respond::{Resp, json, no_content, text};
use super::state::AllTaken;
use super::{App, body};
use crate::clock;
use crate::identity;
use crate::token::{Minted, VoiceGrant};

/// A token for the page; `client` is who the rate limit counts.
pub fn answer(app: &App, client: IpAddr, request: &Request<Incoming>) -> Resp {
    if let Err(wait) = app.token_limit.check(client, Instant::now()) {
        let secs = wait.as_secs() + 1;
        let mut response = text(
            StatusCode::TOO_MANY_REQUESTS,
            &format!("Too many tokens asked for; try again in {secs} s."),
        );
        response.headers_mut().insert(RETRY_AFTER, secs.into());
        return response;
    }
    let identity = match asked_identity(request) {
        Ok(identity) => identity,
        Err(why) => {
            return text(
                StatusCode::BAD_REQUEST,
                &format!("The identity is not valid: {why}."),
            );
        }
    };
    let now = clock::unix_now();
    let grant = VoiceGrant {
        incoming_allow: true,
        ..VoiceGrant::default()
    };
    let minted = match app.minter.mint(&identity, app.token_ttl, &grant, now) {
        Ok(minted) => minted,
        Err(err) => {
            tracing::error!("minting a token failed: {err}");
            return text(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Minting the token failed; see c2c's log.",
            );
        }
    };
    json_body(app, &minted)
}

/// `?identity=NAME` when it is valid, a fresh identity when none is asked for.
fn asked_identity(request: &Request<Incoming>) -> Result<String, String> {
    let asked = request.uri().query().and_then(|query| {
        form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == "identity")
            .map(|(_, v)| v.into_owned())
    });
    match asked {
        Some(identity) if !identity.is_empty() => identity::check(&identity).map(|()| identity),
        _ => Ok(identity::fresh()),
    }
}

fn json_body(app: &App, minted: &Minted) -> Resp {
    #[derive(serde::Serialize)]
    struct Body<'a> {
        identity: &'a str,
        token: &'a str,
        expires_at: String,
        /// The page reads numbers typed without `+` as in the caller ID's country, which is
        /// also the country the dial policy allows by default.
        caller_id: &'a str,
        /// `--signalling`, for the Device's `chunderw` option; absent: Twilio's own.
        #[serde(skip_serializing_if = "Option::is_none")]
        signalling: Option<&'a str>,
        /// What the dial policy calls (`US`, `+44`), so that the page can say before a call
        /// that c2c would refuse it; empty when the policy could not be built.
        allowed: Vec<String>,
    }
    let allowed = app.policy().map_or_else(
        |_| Vec::new(),
        |policy| policy.allowed().iter().map(ToString::to_string).collect(),
    );
    json(&Body {
        identity: &minted.identity,
        token: &minted.token,
        expires_at: minted.expires_at_rfc3339(),
        caller_id: &app.caller_id,
        signalling: app.signalling.as_deref(),
        allowed,
    })
}

/// `POST /registered` with `{"token": …}`: the page's Device registered with Twilio using this
/// token, so calls to the caller ID should ring its identity until the token expires. Only a
/// token c2c made counts, and only once a page holds it: tokens minted and never used (by curl,
/// a benchmark, another tab that closed) do not push the real tabs out of the ten that ring.
pub async fn registered(app: &App, request: Request<Incoming>) -> Resp {
    #[derive(serde::Deserialize)]
    struct Registered {
        token: String,
    }
    let (parts, body) = request.into_parts();
    // JSON, which a browser sends for another site only after a preflight that c2c never grants.
    let is_json = parts
        .headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("application/json"));
    if !is_json {
        return text(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Send {\"token\": …} as application/json.",
        );
    }
    let body = match body::read(&parts.headers, body).await {
        Ok(body) => body,
        Err(refused) => return refused,
    };
    let now = clock::unix_now();
    let verified = serde_json::from_slice::<Registered>(&body)
        .ok()
        .and_then(|registered| app.minter.verify(&registered.token, now));
    match verified {
        Some((identity, expires_at)) => match app.identities.record(&identity, expires_at, now) {
            Ok(()) => {
                tracing::debug!("{identity} registered: calls to the caller ID ring it");
                no_content()
            }
            Err(AllTaken) => text(
                StatusCode::CONFLICT,
                "Ten pages are registered already, the most a call rings; this one will ring once one of their tokens expires.",
            ),
        },
        None => text(
            StatusCode::BAD_REQUEST,
            "That is not a live token from this c2c.",
        ),
    }
}
