//! Routing: which path answers what, to whom. Every response is short plain text unless it is
//! a page, a token or TwiML.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{
    ALLOW, CACHE_CONTROL, CONTENT_TYPE, HOST, HeaderValue, RETRY_AFTER, WWW_AUTHENTICATE,
};
use hyper::{HeaderMap, Method, Request, Response, StatusCode};

use super::access::{self, Trust};
use super::{App, Side, assets, voice};
use crate::signature;
use crate::token::{self, VoiceGrant};

/// Twilio's webhook requests are a few kilobytes; anything this big is not one.
const MAX_BODY_BYTES: usize = 64 * 1024;

type Resp = Response<Full<Bytes>>;

pub async fn handle(app: &Arc<App>, side: Side, peer: IpAddr, request: Request<Incoming>) -> Resp {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let trust = access::judge(side, peer, request.headers());
    let mut response = route(app, trust, peer, request).await;
    let headers = response.headers_mut();
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
    headers.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    let via = if trust == Trust::Public {
        " (public)"
    } else {
        ""
    };
    tracing::info!(
        "{method} {path} {} {:.1} ms{via}",
        response.status().as_u16(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    response
}

enum Route {
    Page,
    Asset(String),
    Token,
    Voice,
    Status,
    Health,
}

fn text(status: StatusCode, message: &str) -> Resp {
    let mut response = Response::new(Full::new(Bytes::from(format!("{message}\n"))));
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

async fn route(app: &Arc<App>, trust: Trust, peer: IpAddr, request: Request<Incoming>) -> Resp {
    let path = request.uri().path();
    let (route, allowed): (Route, &[Method]) = match path {
        "/" | "/index.html" => (Route::Page, &[Method::GET, Method::HEAD]),
        "/token" => (Route::Token, &[Method::GET]),
        "/voice" => (Route::Voice, &[Method::POST]),
        "/status" => (Route::Status, &[Method::POST]),
        "/healthz" => (Route::Health, &[Method::GET, Method::HEAD]),
        p => match p.strip_prefix("/assets/") {
            Some(asset) => (Route::Asset(asset.to_owned()), &[Method::GET, Method::HEAD]),
            None => return text(StatusCode::NOT_FOUND, "Not found."),
        },
    };
    if !allowed.contains(request.method()) {
        let allow: Vec<&str> = allowed.iter().map(Method::as_str).collect();
        let mut response = text(
            StatusCode::METHOD_NOT_ALLOWED,
            &format!("Use {}.", allow.join(" or ")),
        );
        if let Ok(value) = HeaderValue::from_str(&allow.join(", ")) {
            response.headers_mut().insert(ALLOW, value);
        }
        return response;
    }
    if let Route::Voice | Route::Status = route {
        return webhook(app, trust, matches!(route, Route::Voice), request).await;
    }
    if let Some(refused) = check_page_access(app, trust, request.headers()) {
        return refused;
    }
    match route {
        Route::Page => assets::serve("index.html", request.headers()).unwrap_or_else(|| {
            text(
                StatusCode::NOT_FOUND,
                "This c2c was built without its page.",
            )
        }),
        Route::Asset(asset) => assets::serve(&asset, request.headers())
            .unwrap_or_else(|| text(StatusCode::NOT_FOUND, "Not found.")),
        Route::Token => token(app, trust, peer, &request),
        Route::Health => text(StatusCode::OK, "ok"),
        Route::Voice | Route::Status => text(StatusCode::NOT_FOUND, "Not found."),
    }
}

/// The page, its files and /token: local clients, or public ones with `--share`'s password.
fn check_page_access(app: &App, trust: Trust, headers: &HeaderMap) -> Option<Resp> {
    match trust {
        Trust::Local if access::host_is_local(headers) => None,
        Trust::Local => Some(text(
            StatusCode::FORBIDDEN,
            "c2c answers local requests only under localhost or an IP address (a guard against DNS rebinding). Open http://127.0.0.1:<port>/ instead.",
        )),
        Trust::Public => match &app.share_password {
            Some(password) if access::has_share_password(password, headers) => None,
            Some(_) => {
                let mut response = text(
                    StatusCode::UNAUTHORIZED,
                    "This c2c is shared with a password; ask whoever runs it.",
                );
                response.headers_mut().insert(
                    WWW_AUTHENTICATE,
                    HeaderValue::from_static("Basic realm=\"c2c\""),
                );
                Some(response)
            }
            None => Some(text(
                StatusCode::FORBIDDEN,
                "This c2c serves its page and tokens only on the machine it runs on.",
            )),
        },
    }
}

fn token(app: &App, trust: Trust, peer: IpAddr, request: &Request<Incoming>) -> Resp {
    let client = if trust == Trust::Public {
        access::client_ip(peer, request.headers())
    } else {
        peer
    };
    if let Err(wait) = app.token_limit.check(client, Instant::now()) {
        let secs = wait.as_secs() + 1;
        let mut response = text(
            StatusCode::TOO_MANY_REQUESTS,
            &format!("Too many tokens asked for; try again in {secs} s."),
        );
        response.headers_mut().insert(RETRY_AFTER, secs.into());
        return response;
    }
    let asked = request.uri().query().and_then(|query| {
        form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == "identity")
            .map(|(_, v)| v.into_owned())
    });
    let identity = match asked {
        Some(identity) if !identity.is_empty() => match token::check_identity(&identity) {
            Ok(()) => identity,
            Err(why) => {
                return text(
                    StatusCode::BAD_REQUEST,
                    &format!("The identity is not valid: {why}."),
                );
            }
        },
        _ => token::fresh_identity(),
    };
    let now = token::unix_now();
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

/// `/voice` and `/status`: signed by Twilio when they come from outside.
async fn webhook(app: &Arc<App>, trust: Trust, is_voice: bool, request: Request<Incoming>) -> Resp {
    let (parts, body) = request.into_parts();
    let body = match Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(err)
            if err
                .downcast_ref::<http_body_util::LengthLimitError>()
                .is_some() =>
        {
            return text(
                StatusCode::PAYLOAD_TOO_LARGE,
                "The body is larger than 64 KiB; Twilio's never are.",
            );
        }
        Err(_) => return text(StatusCode::BAD_REQUEST, "The body could not be read."),
    };
    let is_form = parts
        .headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        });
    let params = if is_form {
        match parse_form(&body) {
            Some(params) => params,
            None => return text(StatusCode::BAD_REQUEST, "The form is malformed."),
        }
    } else {
        Vec::new()
    };
    let raw_body = (!is_form).then_some(&body[..]);
    if let Err(refusal) = check_signature(app, trust, &parts, &params, raw_body) {
        tracing::warn!("refused {} from outside: {refusal}", parts.uri.path());
        return text(
            StatusCode::FORBIDDEN,
            "The X-Twilio-Signature is missing or not valid.",
        );
    }
    if !is_form {
        return text(
            StatusCode::BAD_REQUEST,
            "Expected an application/x-www-form-urlencoded body.",
        );
    }
    if !is_voice {
        tracing::info!("{}", voice::status_line(&params));
        return Response::builder()
            .status(StatusCode::NO_CONTENT)
            .body(Full::new(Bytes::new()))
            .unwrap_or_else(|_| text(StatusCode::NO_CONTENT, ""));
    }
    app.load_policy().await;
    let answer = voice::answer(app, &params, token::unix_now());
    if answer.dialled {
        tracing::info!("{}", answer.log);
    } else {
        tracing::warn!("{}", answer.log);
    }
    let mut response = Response::new(Full::new(Bytes::from(answer.twiml)));
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/xml; charset=utf-8"),
    );
    response
}

/// Strict `application/x-www-form-urlencoded`: UTF-8, and every `%` followed by two hex digits.
fn parse_form(body: &[u8]) -> Option<Vec<(String, String)>> {
    let text = std::str::from_utf8(body).ok()?;
    let bytes = text.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'%'
            && !(bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
        {
            return None;
        }
    }
    let mut params = Vec::new();
    for (name, value) in form_urlencoded::parse(bytes) {
        if name.contains('\u{FFFD}') || value.contains('\u{FFFD}') {
            return None;
        }
        params.push((name.into_owned(), value.into_owned()));
    }
    Some(params)
}

/// `Ok` when the webhook may be answered; otherwise why not, for the log.
fn check_signature(
    app: &App,
    trust: Trust,
    parts: &hyper::http::request::Parts,
    params: &[(String, String)],
    raw_body: Option<&[u8]>,
) -> Result<(), String> {
    let header = parts
        .headers
        .get("x-twilio-signature")
        .and_then(|v| v.to_str().ok());
    let path_and_query = parts.uri.path_and_query().map_or("/", |pq| pq.as_str());
    let public_url = app
        .public_url()
        .map(|base| format!("{base}{path_and_query}"));
    // Local clients are trusted as they are for /token; this is what makes
    // `curl -d To=… localhost:5000/voice` work while developing.
    let unsigned_ok = trust == Trust::Local || app.insecure_unsigned;
    let (Some(auth_token), Some(signature)) = (&app.auth_token, header) else {
        return match (unsigned_ok, &app.auth_token) {
            (true, _) => Ok(()),
            (false, None) => Err(
                "no Auth Token is set, so signatures cannot be checked (set TWILIO_AUTH_TOKEN)"
                    .into(),
            ),
            (false, Some(_)) => Err("no X-Twilio-Signature header".into()),
        };
    };
    let mut urls = Vec::new();
    urls.extend(public_url);
    if let (Trust::Local, Some(host)) =
        (trust, parts.headers.get(HOST).and_then(|v| v.to_str().ok()))
    {
        urls.push(format!("http://{host}{path_and_query}"));
    }
    if urls.is_empty() {
        return Err(
            "the public URL is not known, so the signed URL cannot be rebuilt (pass --public-url)"
                .into(),
        );
    }
    let settings = parts
        .headers
        .get("x-twilio-webhooks-signature-settings")
        .and_then(|v| v.to_str().ok());
    let valid = urls.iter().any(|url| {
        signature::is_valid(
            auth_token,
            &signature::Signed {
                url,
                params,
                raw_body,
                signature,
                settings,
            },
        )
    });
    if valid {
        Ok(())
    } else {
        Err(format!(
            "the X-Twilio-Signature does not match {} with the Auth Token",
            urls.join(" or ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_are_parsed_strictly() {
        let params = parse_form(b"To=%2B15551234567&From=client%3Aalice&Note=h%C3%A9+llo").unwrap();
        assert_eq!(params[0], ("To".into(), "+15551234567".into()));
        assert_eq!(params[2], ("Note".into(), "hé llo".into()));
        assert!(parse_form(b"To=%zz").is_none());
        assert!(parse_form(b"To=%2").is_none());
        assert!(parse_form(b"To=%FF").is_none());
        assert!(parse_form(&[0xff, 0xfe]).is_none());
        assert_eq!(parse_form(b"").unwrap(), vec![]);
    }
}
