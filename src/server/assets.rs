//! The embedded page and its files (`assets/`, compiled into the binary by rust-embed).
//!
//! Each file gets an `ETag` from its content hash, so a reload costs a 304. The page and app
//! files are `no-cache` (always revalidated, so a new c2c shows its new page); the vendored SDK
//! carries its version in its name and is cached for good. Text files are gzipped once, on first
//! request, when the client accepts it.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex, PoisonError};

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{
    ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, ETAG, HeaderValue,
    IF_NONE_MATCH, VARY,
};
use hyper::{HeaderMap, Response, StatusCode};

#[derive(rust_embed::Embed)]
#[folder = "assets/"]
struct Files;

static GZIPPED: LazyLock<Mutex<HashMap<String, Bytes>>> = LazyLock::new(Default::default);

/// Below this, gzip saves less than its own headers cost.
const GZIP_MIN_BYTES: usize = 1024;

fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json" | "map") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("wav") => "audio/wav",
        Some("txt" | "md") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn compressible(content_type: &str) -> bool {
    content_type.starts_with("text/")
        || content_type == "application/json"
        || content_type == "image/svg+xml"
}

fn gzip(data: &[u8]) -> Bytes {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing into a Vec cannot fail.
    let _ = encoder.write_all(data);
    Bytes::from(encoder.finish().unwrap_or_default())
}

fn gzipped(path: &str, data: &[u8]) -> Bytes {
    if let Some(done) = GZIPPED
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get(path)
    {
        return done.clone();
    }
    let compressed = gzip(data);
    GZIPPED
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(path.to_owned(), compressed.clone());
    compressed
}

fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.split(';');
            let name = parts.next().unwrap_or_default().trim();
            let refused = parts.any(|p| matches!(p.trim(), "q=0" | "q=0.0" | "q=0.00" | "q=0.000"));
            (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
        })
}

/// The response for the embedded file at `path` (relative to `assets/`), if there is one.
pub fn serve(path: &str, request: &HeaderMap) -> Option<Response<Full<Bytes>>> {
    let file = Files::get(path)?;
    let hash = file.metadata.sha256_hash();
    let etag = format!(
        "\"{}\"",
        hash[..12]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    let cache = if path.starts_with("vendor/") {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let content_type = content_type(path);

    let builder = Response::builder()
        .header(ETAG, &etag)
        .header(CACHE_CONTROL, cache)
        .header(VARY, "Accept-Encoding");
    let not_modified = request
        .get(IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| {
            tags.split(',')
                .any(|tag| tag.trim() == etag || tag.trim() == "*")
        });
    if not_modified {
        return builder
            .status(StatusCode::NOT_MODIFIED)
            .body(Full::new(Bytes::new()))
            .ok();
    }
    let data = file.data;
    let builder = builder.header(CONTENT_TYPE, HeaderValue::from_static(content_type));
    if compressible(content_type) && data.len() >= GZIP_MIN_BYTES && accepts_gzip(request) {
        let body = gzipped(path, &data);
        return builder
            .header(CONTENT_ENCODING, "gzip")
            .body(Full::new(body))
            .ok();
    }
    let body = match data {
        std::borrow::Cow::Borrowed(bytes) => Bytes::from_static(bytes),
        std::borrow::Cow::Owned(bytes) => Bytes::from(bytes),
    };
    builder.body(Full::new(body)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gzip_is_chosen_by_accept_encoding() {
        let mut h = HeaderMap::new();
        assert!(!accepts_gzip(&h));
        h.insert(ACCEPT_ENCODING, HeaderValue::from_static("br, gzip;q=0.8"));
        assert!(accepts_gzip(&h));
        h.insert(ACCEPT_ENCODING, HeaderValue::from_static("gzip;q=0, br"));
        assert!(!accepts_gzip(&h));
    }

    #[test]
    fn types_follow_the_extension() {
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(
            content_type("vendor/twilio-voice-2.18.5.min.js"),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(content_type("sounds/dtmf1.wav"), "audio/wav");
        assert!(!compressible(content_type("sounds/dtmf1.wav")));
        assert_eq!(content_type("x.unknown"), "application/octet-stream");
    }
}
