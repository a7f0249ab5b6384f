//! The responses c2c writes itself, for every handler to use: short plain text, JSON that no cache
//! keeps, and an empty answer. A leaf: it knows nothing of routes or handlers.

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{CACHE_CONTROL, CONTENT_TYPE, HeaderValue};
use hyper::{Response, StatusCode};

pub type Resp = Response<Full<Bytes>>;

/// `message` and a newline, as plain text.
pub fn text(status: StatusCode, message: &str) -> Resp {
    let mut response = Response::new(Full::new(Bytes::from(format!("{message}\n"))));
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

/// `value` as JSON that no cache keeps: a token, a call's outcome.
pub fn json(value: &impl serde::Serialize) -> Resp {
    let body = serde_json::to_vec(value).unwrap_or_default();
    let mut response = Response::new(Full::new(Bytes::from(body)));
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// 204: done, nothing to say.
pub fn no_content() -> Resp {
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = StatusCode::NO_CONTENT;
    response
}
