//! Routing: which path answers what, to whom. Every response is short plain text unless it is
//! a page, a token or TwiML.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Instant;

use hyper::body::Incoming;
use hyper::header::{ALLOW, HOST, HeaderValue, WWW_AUTHENTICATE};
use hyper::{HeaderMap, Method, Request, StatusCode, Uri};

use super::access::{self, Trust};
use super::respond::{Resp, json, text};
use super::webhook::{self, Hook};
use super::{App, Side, assets, logged, token};

pub async fn handle(app: &Arc<App>, side: Side, peer: IpAddr, request: Request<Incoming>) -> Resp {
    let started = Instant::now();
    let method = request.method().clone();
    // Only when asked for (-v): at the default level a flood of requests is not a flood of lines.
    let path =
        tracing::enabled!(tracing::Level::DEBUG).then(|| logged::value(request.uri().path()));
    let trust = access::judge(side, peer, request.headers());
    let mut response = if request.headers().get_all(HOST).iter().nth(1).is_some() {
        // RFC 9112 3.2: a request with more than one Host is answered 400.
        text(
            StatusCode::BAD_REQUEST,
            "The request has more than one Host.",
        )
    } else {
        route(app, side, trust, peer, request).await
    };
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
    if let Some(path) = path {
        tracing::debug!(
            "{method} {path} {} {:.1} ms{via}",
            response.status().as_u16(),
            started.elapsed().as_secs_f64() * 1000.0
        );
    }
    response
}

/// What answers a path: one of Twilio's webhooks, whose rules are their own (signatures, see
/// `webhook_auth`), or the page's side, for local clients and `--share`.
enum Route {
    Webhook(Hook),
    Page(PageRoute),
}

enum PageRoute {
    Page,
    Asset(String),
    Token,
    Registered,
    Health,
    /// `/calls/CA…`: how that call ended.
    Outcome(String),
}

async fn route(
    app: &Arc<App>,
    side: Side,
    trust: Trust,
    peer: IpAddr,
    request: Request<Incoming>,
) -> Resp {
    // The route table: each path, what answers it, and the methods it takes.
    let path = request.uri().path();
    let (route, allowed): (Route, &[Method]) = match path {
        "/" | "/index.html" => (Route::Page(PageRoute::Page), &[Method::GET, Method::HEAD]),
        "/token" => (Route::Page(PageRoute::Token), &[Method::GET]),
        "/registered" => (Route::Page(PageRoute::Registered), &[Method::POST]),
        "/voice" => (Route::Webhook(Hook::Voice), &[Method::POST]),
        "/dial-status" => (Route::Webhook(Hook::DialStatus), &[Method::POST]),
        "/status" => (Route::Webhook(Hook::Status), &[Method::POST]),
        "/healthz" => (Route::Page(PageRoute::Health), &[Method::GET, Method::HEAD]),
        p => match (p.strip_prefix("/assets/"), p.strip_prefix("/calls/")) {
            (Some(asset), _) => (
                Route::Page(PageRoute::Asset(asset.to_owned())),
                &[Method::GET, Method::HEAD],
            ),
            (_, Some(sid)) => (
                Route::Page(PageRoute::Outcome(sid.to_owned())),
                &[Method::GET],
            ),
            _ => return text(StatusCode::NOT_FOUND, "Not found."),
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
    match route {
        Route::Webhook(hook) => webhook::answer(app, trust, hook, request).await,
        Route::Page(route) => page_side(app, side, trust, peer, route, request).await,
    }
}

/// The page's side: local clients (or `--share`'s), and only for c2c's own page.
async fn page_side(
    app: &Arc<App>,
    side: Side,
    trust: Trust,
    peer: IpAddr,
    route: PageRoute,
    request: Request<Incoming>,
) -> Resp {
    if let Some(refused) = check_page_access(app, trust, request.uri(), request.headers()) {
        return refused;
    }
    if let Some(refused) = check_site(&route, &request) {
        return refused;
    }
    if let Some(refused) = check_autocall(app, &route, request.uri()) {
        return refused;
    }
    match route {
        PageRoute::Page => assets::serve("index.html", request.headers()).unwrap_or_else(|| {
            text(
                StatusCode::NOT_FOUND,
                "This c2c was built without its page.",
            )
        }),
        PageRoute::Asset(asset) => assets::serve(&asset, request.headers())
            .unwrap_or_else(|| text(StatusCode::NOT_FOUND, "Not found.")),
        PageRoute::Token => {
            let client = access::client_ip(side, peer, request.headers());
            token::answer(app, client, &request)
        }
        PageRoute::Registered => token::registered(app, request).await,
        PageRoute::Health => text(StatusCode::OK, "ok"),
        PageRoute::Outcome(sid) => outcome(app, &sid),
    }
}

/// How call `sid` ended, as JSON, or 404 while c2c knows nothing more than the page does;
/// `sip/CALL-ID`: the CallSid of the SIP call with that Call-ID (`{"callSid": …}`).
fn outcome(app: &App, sid: &str) -> Resp {
    if let Some(sip_call_id) = sid.strip_prefix("sip/") {
        return match app.outcomes.sip_call(sip_call_id, Instant::now()) {
            Some(call_sid) => json(&serde_json::json!({ "callSid": call_sid })),
            None => text(StatusCode::NOT_FOUND, "c2c knows nothing of that SIP call."),
        };
    }
    let Some(outcome) = app.outcomes.get(sid, Instant::now()) else {
        return text(StatusCode::NOT_FOUND, "c2c knows nothing of that call.");
    };
    json(&outcome)
}

/// The page, its files and /token: local clients, or public ones with `--share`'s password.
fn check_page_access(app: &App, trust: Trust, uri: &Uri, headers: &HeaderMap) -> Option<Resp> {
    match trust {
        Trust::Local if access::host_is_local(uri, headers) => None,
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

/// A page that places a call as it opens only with this run's key (`App::autocall_key`).
fn check_autocall(app: &App, route: &PageRoute, uri: &Uri) -> Option<Resp> {
    if !matches!(route, PageRoute::Page) {
        return None;
    }
    let given = uri.query().and_then(|query| {
        form_urlencoded::parse(query.as_bytes())
            .find(|(name, _)| name == "autocall")
            .map(|(_, value)| value.into_owned())
    })?;
    let key = app.autocall_key.expose().as_bytes();
    // In constant time, so that the answer's timing says nothing about how much was right.
    if bool::from(subtle::ConstantTimeEq::ct_eq(given.as_bytes(), key)) {
        return None;
    }
    Some(text(
        StatusCode::FORBIDDEN,
        "This address would place a call as the page opens, which needs the autocall key c2c serve printed at start (a link from elsewhere cannot carry it). Open the page without autocall and press Call, or use the address c2c serve printed.",
    ))
}

/// Tokens, and a call placed as the page opens, only for c2c's own page: another site the user
/// visits can make the browser ask for either (an image tag will do), and must not get them.
fn check_site(route: &PageRoute, request: &Request<Incoming>) -> Option<Resp> {
    let autocall = || {
        request.uri().query().is_some_and(|query| {
            form_urlencoded::parse(query.as_bytes()).any(|(name, _)| name == "autocall")
        })
    };
    let guarded = match route {
        PageRoute::Token | PageRoute::Registered | PageRoute::Outcome(_) => true,
        PageRoute::Page => autocall(),
        _ => false,
    };
    (guarded && access::from_another_site(request.uri(), request.headers())).then(|| {
        text(
            StatusCode::FORBIDDEN,
            "c2c answers this only to its own page, not to requests another site makes. Open http://127.0.0.1:<port>/ yourself.",
        )
    })
}
