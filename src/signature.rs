//! `X-Twilio-Signature` validation, as Twilio documents it and its helper libraries do it:
//! HMAC (SHA-1 with the Auth Token, unless `X-Twilio-Webhooks-Signature-Settings` names
//! another algorithm) over the full URL Twilio requested, followed by each POST parameter's name
//! and value, names sorted and each name's distinct values sorted; base64.
//!
//! Twilio is not consistent about writing the port in the URL it signs, so a signature is
//! accepted for the URL with the port removed or with the scheme's default port added, as the
//! helper libraries do. JSON bodies are signed through the `bodySHA256` query parameter instead.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ring::{digest, hmac};

use crate::secret::Secret;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    Sha1,
    Sha256,
}

impl Algorithm {
    /// The algorithm that `X-Twilio-Webhooks-Signature-Settings` names
    /// (`key=…,algorithm=HMAC_SHA256`); SHA-1 when the header or its `algorithm` is absent,
    /// `None` for an algorithm c2c does not know.
    pub fn from_settings_header(header: Option<&str>) -> Option<Self> {
        let named = header.unwrap_or_default().split(',').find_map(|part| {
            let (name, value) = part.split_once('=')?;
            (name.trim() == "algorithm" && !value.trim().is_empty()).then(|| value.trim())
        });
        match named.map(str::to_ascii_uppercase).as_deref() {
            None | Some("HMAC_SHA1") => Some(Algorithm::Sha1),
            Some("HMAC_SHA256") => Some(Algorithm::Sha256),
            Some(_) => None,
        }
    }

    fn hmac(self) -> hmac::Algorithm {
        match self {
            Algorithm::Sha1 => hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY,
            Algorithm::Sha256 => hmac::HMAC_SHA256,
        }
    }
}

/// A webhook request as far as its signature is concerned.
#[derive(Debug)]
pub struct Signed<'a> {
    /// The full public URL Twilio requested, query string included.
    pub url: &'a str,
    /// The form parameters; ignored for a body signed through `bodySHA256`.
    pub params: &'a [(String, String)],
    /// The raw body when it is not a form (JSON).
    pub raw_body: Option<&'a [u8]>,
    /// The `X-Twilio-Signature` header.
    pub signature: &'a str,
    /// The `X-Twilio-Webhooks-Signature-Settings` header.
    pub settings: Option<&'a str>,
}

/// The string Twilio signs.
fn payload(url: &str, params: &[(String, String)]) -> String {
    let mut sorted: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    sorted.sort_unstable();
    sorted.dedup();
    let mut text = String::from(url);
    for (name, value) in sorted {
        text.push_str(name);
        text.push_str(value);
    }
    text
}

/// Whether `request` carries a valid signature made with `key`.
pub fn is_valid(key: &Secret, request: &Signed<'_>) -> bool {
    let Some(algorithm) = Algorithm::from_settings_header(request.settings) else {
        return false;
    };
    let Ok(claimed) = STANDARD.decode(request.signature.trim()) else {
        return false;
    };
    let params = match request.raw_body {
        Some(body) => {
            let query = request.url.split_once('?').map_or("", |(_, q)| q);
            let Some((_, claimed_hash)) =
                form_urlencoded::parse(query.as_bytes()).find(|(name, _)| name == "bodySHA256")
            else {
                // A body that is not a form is signed only through its hash.
                return false;
            };
            let hash = digest::digest(&digest::SHA256, body);
            if !hex(hash.as_ref()).eq_ignore_ascii_case(claimed_hash.trim()) {
                return false;
            }
            &[][..]
        }
        None => request.params,
    };
    let key = hmac::Key::new(algorithm.hmac(), key.expose().as_bytes());
    [without_port(request.url), with_port(request.url)]
        .iter()
        .any(|url| hmac::verify(&key, payload(url, params).as_bytes(), &claimed).is_ok())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `scheme://`, the authority, and the rest (path, query) of a URL, as written.
fn split(url: &str) -> Option<(&str, &str, &str)> {
    let (scheme, rest) = url.split_once("://")?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    Some((scheme, &rest[..end], &rest[end..]))
}

/// The position of the `:` before the port in an authority, if it has a port.
fn port_colon(authority: &str) -> Option<usize> {
    let host_start = authority.rfind('@').map_or(0, |at| at + 1);
    let colon = authority.rfind(':').filter(|&c| c > host_start)?;
    let after_bracket = authority[host_start..]
        .rfind(']')
        .is_none_or(|b| host_start + b < colon);
    let port = &authority[colon + 1..];
    (after_bracket && !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit())).then_some(colon)
}

/// The URL exactly as written, less its port.
pub fn without_port(url: &str) -> String {
    match split(url) {
        Some((scheme, authority, rest)) => match port_colon(authority) {
            Some(colon) => format!("{scheme}://{}{rest}", &authority[..colon]),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

/// The URL exactly as written, with the scheme's default port when it names none.
pub fn with_port(url: &str) -> String {
    match split(url) {
        Some((scheme, authority, rest)) if port_colon(authority).is_none() => {
            let port = if scheme.eq_ignore_ascii_case("https") {
                443
            } else {
                80
            };
            format!("{scheme}://{authority}:{port}{rest}")
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The signature Twilio would send for `url` and `params`.
    fn compute(
        key: &Secret,
        algorithm: Algorithm,
        url: &str,
        params: &[(String, String)],
    ) -> String {
        let key = hmac::Key::new(algorithm.hmac(), key.expose().as_bytes());
        STANDARD.encode(hmac::sign(&key, payload(url, params).as_bytes()).as_ref())
    }

    fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn signed<'a>(url: &'a str, params: &'a [(String, String)], signature: &'a str) -> Signed<'a> {
        Signed {
            url,
            params,
            raw_body: None,
            signature,
            settings: None,
        }
    }

    // The example in Twilio's webhook security documentation.
    const DOC_URL: &str = "https://mycompany.com/myapp.php?foo=1&bar=2";
    const DOC_TOKEN: &str = "12345";

    fn doc_params() -> Vec<(String, String)> {
        params(&[
            ("CallSid", "CA1234567890ABCDE"),
            ("Caller", "+12349013030"),
            ("Digits", "1234"),
            ("From", "+12349013030"),
            ("To", "+18005551212"),
        ])
    }

    #[test]
    fn matches_twilios_documented_example() {
        let sig = compute(
            &Secret::new(DOC_TOKEN),
            Algorithm::Sha1,
            DOC_URL,
            &doc_params(),
        );
        assert_eq!(sig, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
        assert!(is_valid(
            &Secret::new(DOC_TOKEN),
            &signed(DOC_URL, &doc_params(), &sig)
        ));
    }

    #[test]
    fn tampering_with_anything_fails() {
        let key = Secret::new(DOC_TOKEN);
        let sig = compute(&key, Algorithm::Sha1, DOC_URL, &doc_params());
        let mut changed = doc_params();
        changed[4].1 = "+19005551212".into();
        assert!(!is_valid(&key, &signed(DOC_URL, &changed, &sig)));
        assert!(!is_valid(
            &key,
            &signed("https://mycompany.com/other", &doc_params(), &sig)
        ));
        assert!(!is_valid(
            &Secret::new("other"),
            &signed(DOC_URL, &doc_params(), &sig)
        ));
        assert!(!is_valid(
            &key,
            &signed(DOC_URL, &doc_params(), "not base64!")
        ));
        assert!(!is_valid(&key, &signed(DOC_URL, &doc_params(), "")));
    }

    #[test]
    fn the_port_may_be_written_or_not() {
        let key = Secret::new(DOC_TOKEN);
        let with = "https://example.com:443/voice";
        let without = "https://example.com/voice";
        let sig_with = compute(&key, Algorithm::Sha1, with, &[]);
        let sig_without = compute(&key, Algorithm::Sha1, without, &[]);
        for url in [with, without] {
            assert!(is_valid(&key, &signed(url, &[], &sig_with)), "{url}");
            assert!(is_valid(&key, &signed(url, &[], &sig_without)), "{url}");
        }
    }

    #[test]
    fn port_handling_keeps_the_rest_of_the_url_as_written() {
        assert_eq!(
            without_port("https://h.io:8443/a?b=c:1"),
            "https://h.io/a?b=c:1"
        );
        assert_eq!(
            with_port("https://h.io/a?b=c:1"),
            "https://h.io:443/a?b=c:1"
        );
        assert_eq!(with_port("http://h.io"), "http://h.io:80");
        assert_eq!(with_port("http://[::1]/v"), "http://[::1]:80/v");
        assert_eq!(without_port("http://[::1]:5000/v"), "http://[::1]/v");
        assert_eq!(without_port("https://u:pw@h.io/x"), "https://u:pw@h.io/x");
        assert_eq!(with_port("https://u:pw@h.io/x"), "https://u:pw@h.io:443/x");
        assert_eq!(without_port("not a url"), "not a url");
    }

    #[test]
    fn repeated_keys_are_sorted_and_deduplicated_like_the_helper_libraries() {
        let a = params(&[("b", "2"), ("a", "y"), ("a", "x"), ("a", "x")]);
        assert_eq!(payload("u", &a), "uaxayb2");
    }

    #[test]
    fn json_bodies_are_signed_through_their_hash() {
        let key = Secret::new(DOC_TOKEN);
        let body = br#"{"property": "value", "boolean": true}"#;
        let hash = "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";
        let url = format!("https://mycompany.com/myapp?bodySHA256={hash}");
        let sig = compute(&key, Algorithm::Sha1, &url, &[]);
        let request = Signed {
            url: &url,
            params: &[],
            raw_body: Some(body),
            signature: &sig,
            settings: None,
        };
        assert!(is_valid(&key, &request));
        let other = Signed {
            raw_body: Some(b"{}"),
            ..request
        };
        assert!(!is_valid(&key, &other));
        let unhashed = Signed {
            url: "https://mycompany.com/myapp",
            raw_body: Some(body),
            ..other
        };
        assert!(!is_valid(&key, &unhashed));
    }

    #[test]
    fn the_settings_header_chooses_the_algorithm() {
        assert_eq!(Algorithm::from_settings_header(None), Some(Algorithm::Sha1));
        let header = "key=webhooks_sharedkey_1,algorithm=HMAC_SHA256";
        assert_eq!(
            Algorithm::from_settings_header(Some(header)),
            Some(Algorithm::Sha256)
        );
        assert_eq!(
            Algorithm::from_settings_header(Some("algorithm=HMAC_MD5")),
            None
        );
        let key = Secret::new("shared");
        let params = doc_params();
        let sig = compute(&key, Algorithm::Sha256, DOC_URL, &params);
        let request = Signed {
            settings: Some(header),
            ..signed(DOC_URL, &params, &sig)
        };
        assert!(is_valid(&key, &request));
        assert!(!is_valid(
            &key,
            &Signed {
                settings: None,
                ..request
            }
        ));
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(256))]

            #[test]
            fn any_request_is_judged_without_panicking(
                url in ".{0,80}",
                params in proptest::collection::vec((".{0,12}", ".{0,12}"), 0..6),
                signature in ".{0,40}",
                settings in proptest::option::of(".{0,30}"),
                body in proptest::option::of(proptest::collection::vec(any::<u8>(), 0..64)),
            ) {
                let params: Vec<(String, String)> = params;
                let _ = is_valid(&Secret::new("k"), &Signed {
                    url: &url,
                    params: &params,
                    raw_body: body.as_deref(),
                    signature: &signature,
                    settings: settings.as_deref(),
                });
            }

            #[test]
            fn a_signature_fits_its_request_and_no_other(
                path in "[a-z/]{0,20}",
                params in proptest::collection::btree_map("[A-Za-z]{1,8}", ".{0,16}", 1..6),
                changed in any::<proptest::sample::Index>(),
            ) {
                let key = Secret::new("auth-token");
                let url = format!("https://c2c.example/{path}");
                let params: Vec<(String, String)> = params.into_iter().collect();
                let sig = compute(&key, Algorithm::Sha1, &url, &params);
                prop_assert!(is_valid(&key, &signed(&url, &params, &sig)));
                let mut tampered = params.clone();
                let (_, value) = &mut tampered[changed.index(params.len())];
                value.push('x');
                prop_assert!(!is_valid(&key, &signed(&url, &tampered, &sig)));
                prop_assert!(!is_valid(&Secret::new("other"), &signed(&url, &params, &sig)));
            }
        }
    }
}
