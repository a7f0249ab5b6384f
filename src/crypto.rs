//! One crypto backend for all of c2c: ring. rustls (under ngrok and reqwest) and jsonwebtoken
//! each ask for a process-wide provider; `install` gives both ring's.
//!
//! Why not aws-lc, their default: it seeds its random generator from CPU jitter the first time
//! TLS needs randomness, about 25 ms of CPU on every c2c run that opens a tunnel or calls
//! Twilio's REST API, and it is a larger C library to build and ship.

use jsonwebtoken::crypto::{CryptoProvider, JwtSigner, JwtVerifier, KeyUtils};
use jsonwebtoken::errors::{Error, ErrorKind};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey};
use ring::hmac;
use signature::{Signer, Verifier};

/// Installs ring as the process's provider for rustls and jsonwebtoken. Idempotent: a second
/// call (a test, say) leaves the first in place.
pub fn install() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let _ = JWT.install_default();
}

/// Access Tokens are HS256, and that is all c2c signs or checks.
static JWT: CryptoProvider = CryptoProvider {
    signer_factory: |algorithm, key: &EncodingKey| {
        hs256(algorithm).map(|()| Box::new(Hs256(hmac_key(key.as_bytes()))) as Box<dyn JwtSigner>)
    },
    verifier_factory: |algorithm, key: &DecodingKey| {
        hs256(algorithm)?;
        Ok(Box::new(Hs256(hmac_key(key.try_get_as_bytes()?))) as Box<dyn JwtVerifier>)
    },
    key_utils: KeyUtils::new_unimplemented(),
};

fn hs256(algorithm: &Algorithm) -> Result<(), Error> {
    match algorithm {
        Algorithm::HS256 => Ok(()),
        _ => Err(ErrorKind::InvalidAlgorithm.into()),
    }
}

fn hmac_key(secret: &[u8]) -> hmac::Key {
    hmac::Key::new(hmac::HMAC_SHA256, secret)
}

struct Hs256(hmac::Key);

impl Signer<Vec<u8>> for Hs256 {
    fn try_sign(&self, message: &[u8]) -> Result<Vec<u8>, signature::Error> {
        Ok(hmac::sign(&self.0, message).as_ref().to_vec())
    }
}

impl Verifier<Vec<u8>> for Hs256 {
    fn verify(&self, message: &[u8], tag: &Vec<u8>) -> Result<(), signature::Error> {
        hmac::verify(&self.0, message, tag).map_err(|_| signature::Error::new())
    }
}

impl JwtSigner for Hs256 {
    fn algorithm(&self) -> Algorithm {
        Algorithm::HS256
    }
}

impl JwtVerifier for Hs256 {
    fn algorithm(&self) -> Algorithm {
        Algorithm::HS256
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::{Header, Validation};

    #[test]
    fn hs256_tokens_sign_and_verify_and_other_algorithms_are_refused() {
        install();
        let key = EncodingKey::from_secret(b"shh");
        let token =
            jsonwebtoken::encode(&Header::default(), &serde_json::json!({"a": 1}), &key).unwrap();
        // HS256 over this header and payload as Python's hmac module computes it.
        assert_eq!(
            token,
            "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJhIjoxfQ.DHaDcxoY0V7y5m8TuO5WPfisY87269G8TPP3NShyX5E"
        );
        let mut validation = Validation::new(Algorithm::HS256);
        validation.required_spec_claims.clear();
        validation.validate_exp = false;
        let good = DecodingKey::from_secret(b"shh");
        assert!(jsonwebtoken::decode::<serde_json::Value>(&token, &good, &validation).is_ok());
        let bad = DecodingKey::from_secret(b"other");
        assert!(jsonwebtoken::decode::<serde_json::Value>(&token, &bad, &validation).is_err());
        let header = Header::new(Algorithm::HS512);
        assert!(jsonwebtoken::encode(&header, &serde_json::json!({}), &key).is_err());
    }
}
