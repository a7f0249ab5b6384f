//! `GET /token`: an Access Token for the page, rate-limited per client.

use std::net::IpAddr;
use std::time::Instant;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{CACHE_CONTROL, CONTENT_TYPE, HeaderValue, RETRY_AFTER};
use hyper::{Request, Response, StatusCode};

use super::App;
use super::routes::{Resp, text};
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
    app.identities
        .record(&minted.identity, minted.expires_at, now);
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
    }
    let body = serde_json::to_vec(&Body {
        identity: &minted.identity,
        token: &minted.token,
        expires_at: minted.expires_at_rfc3339(),
        caller_id: &app.caller_id,
    })
    .unwrap_or_default();
    let mut response = Response::new(Full::new(Bytes::from(body)));
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
