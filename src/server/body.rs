//! Request bodies, read within bounds of size and time: a client that announces a huge body or
//! trickles one in must not hold a connection (and a file descriptor) for long.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::header::CONTENT_LENGTH;
use hyper::{HeaderMap, StatusCode};

use super::respond::{Resp, text};

/// Twilio's webhook requests are a few kilobytes; anything this big is not one.
const MAX_BODY_BYTES: usize = 64 * 1024;
/// Twilio sends its few kilobytes at once; a body still trickling in after this is held open on
/// purpose (the header timeout does not cover the body).
const BODY_TIMEOUT: Duration = Duration::from_secs(10);

/// The body, read within `BODY_TIMEOUT` and up to `MAX_BODY_BYTES`. A body announced as larger
/// is refused before any of it is read, so a client that expects `100 Continue` never gets it.
pub async fn read(headers: &HeaderMap, body: Incoming) -> Result<Bytes, Resp> {
    let too_large = || {
        text(
            StatusCode::PAYLOAD_TOO_LARGE,
            "The body is larger than 64 KiB; Twilio's never are.",
        )
    };
    let announced = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if announced.is_some_and(|length| length > MAX_BODY_BYTES as u64) {
        return Err(too_large());
    }
    let read = Limited::new(body, MAX_BODY_BYTES).collect();
    match tokio::time::timeout(BODY_TIMEOUT, read).await {
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
        Ok(Err(err))
            if err
                .downcast_ref::<http_body_util::LengthLimitError>()
                .is_some() =>
        {
            Err(too_large())
        }
        Ok(Err(_)) => Err(text(StatusCode::BAD_REQUEST, "The body could not be read.")),
        Err(_) => Err(text(
            StatusCode::REQUEST_TIMEOUT,
            "The body took too long to arrive.",
        )),
    }
}
