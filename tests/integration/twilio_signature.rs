//! X-Twilio-Signature as Twilio computes it (its security docs, and `RequestValidator` in its
//! helper libraries), written apart from c2c's own `signature` module on another HMAC
//! implementation, so that a mistake there cannot hide in the tests that sign with this.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha1::Sha1;

use crate::fixtures::AUTH_TOKEN;

/// The signature of a form POSTed to `url`, signed with the test account's Auth Token.
pub fn sign(url: &str, params: &[(&str, &str)]) -> String {
    sign_with(AUTH_TOKEN, url, params)
}

/// HMAC-SHA1 with `auth_token` over the URL followed by each parameter's name and value, sorted
/// by name.
fn sign_with(auth_token: &str, url: &str, params: &[(&str, &str)]) -> String {
    let mut sorted = params.to_vec();
    sorted.sort();
    let mut mac = Hmac::<Sha1>::new_from_slice(auth_token.as_bytes()).expect("any key length");
    mac.update(url.as_bytes());
    for (name, value) in sorted {
        mac.update(name.as_bytes());
        mac.update(value.as_bytes());
    }
    STANDARD.encode(mac.finalize().into_bytes())
}

#[test]
fn matches_twilios_documented_example() {
    // From Twilio's webhook security page, with its example Auth Token.
    let params = [
        ("CallSid", "CA1234567890ABCDE"),
        ("Caller", "+12349013030"),
        ("Digits", "1234"),
        ("From", "+12349013030"),
        ("To", "+18005551212"),
    ];
    assert_eq!(
        sign_with(
            "12345",
            "https://mycompany.com/myapp.php?foo=1&bar=2",
            &params
        ),
        "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
    );
}
