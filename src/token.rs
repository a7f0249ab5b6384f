//! Twilio Access Tokens with a Voice grant: JWTs that let the browser SDK place and receive
//! calls. The header and claims follow Twilio's helper libraries field for field
//! (`twilio.jwt.access_token.AccessToken` in Python), which the cross-check tests compare with.

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::Serialize;
use serde_json::Value;

use crate::clock::rfc3339;
use crate::secret::Secret;
use crate::sid::Sid;

/// Twilio refuses tokens that live longer than a day.
pub const MAX_TTL_SECS: u64 = 24 * 60 * 60;

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("signing the token failed: {0}")]
    Sign(#[from] jsonwebtoken::errors::Error),
    #[error("the input is not a JWT: {0}. A token is three base64url parts separated by dots.")]
    Malformed(String),
}

impl From<TokenError> for crate::error::Error {
    fn from(err: TokenError) -> Self {
        match err {
            TokenError::Malformed(_) => crate::error::Error::Input(err.to_string()),
            TokenError::Sign(_) => crate::error::Error::Token(err.to_string()),
        }
    }
}

/// What an Access Token grants, beyond the identity.
#[derive(Debug, Clone, Default)]
pub struct VoiceGrant {
    pub incoming_allow: bool,
    /// Parameters Twilio adds to the webhook request of each outgoing call.
    pub outgoing_params: BTreeMap<String, String>,
}

/// Mints tokens for one account, API Key and TwiML App. Built once; minting is then cheap enough
/// to do on every `/token` request.
pub struct Minter {
    api_key: Sid,
    account_sid: Sid,
    app_sid: Sid,
    header: Header,
    key: EncodingKey,
    /// To check tokens the page says it registered with (`Minter::verify`).
    decoding: DecodingKey,
}

/// A token and the facts a caller reports about it.
#[derive(Debug, Clone)]
pub struct Minted {
    pub token: String,
    pub identity: String,
    /// Seconds since the Unix epoch.
    pub expires_at: u64,
}

impl Minted {
    /// The expiry as `2026-11-24T06:46:24Z`, as `--json` and `/token` report it.
    pub fn expires_at_rfc3339(&self) -> String {
        rfc3339(self.expires_at)
    }
}

#[derive(Serialize)]
struct Claims<'a> {
    jti: String,
    grants: Grants<'a>,
    iss: &'a str,
    exp: u64,
    nbf: u64,
    sub: &'a str,
}

#[derive(Serialize)]
struct Grants<'a> {
    identity: &'a str,
    voice: VoicePayload<'a>,
}

#[derive(Serialize)]
struct VoicePayload<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    incoming: Option<Incoming>,
    outgoing: Outgoing<'a>,
}

#[derive(Serialize)]
struct Incoming {
    allow: bool,
}

#[derive(Serialize)]
struct Outgoing<'a> {
    application_sid: &'a str,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    params: &'a BTreeMap<String, String>,
}

impl Minter {
    pub fn new(
        account_sid: Sid,
        api_key: Sid,
        api_secret: &Secret,
        app_sid: Sid,
        region: Option<&str>,
    ) -> Self {
        // The library's tests and benchmarks mint without going through `main`.
        crate::crypto::install();
        let mut header = Header::new(Algorithm::HS256);
        header.cty = Some("twilio-fpa;v=1".to_owned());
        if let Some(region) = region {
            // `twr` tells Twilio which region's edge the SDK should register with.
            header.extras.insert("twr", region);
        }
        Minter {
            api_key,
            account_sid,
            app_sid,
            header,
            key: EncodingKey::from_secret(api_secret.expose().as_bytes()),
            decoding: DecodingKey::from_secret(api_secret.expose().as_bytes()),
        }
    }

    /// The TwiML App the tokens' calls go through.
    pub fn app_sid(&self) -> &str {
        self.app_sid.as_str()
    }

    /// A token for `identity`, valid from `now` for `ttl_secs` seconds.
    pub fn mint(
        &self,
        identity: &str,
        ttl_secs: u64,
        grant: &VoiceGrant,
        now: u64,
    ) -> Result<Minted, TokenError> {
        let exp = now + ttl_secs;
        let claims = Claims {
            jti: format!("{}-{now}", self.api_key),
            grants: Grants {
                identity,
                voice: VoicePayload {
                    incoming: grant.incoming_allow.then_some(Incoming { allow: true }),
                    outgoing: Outgoing {
                        application_sid: self.app_sid.as_str(),
                        params: &grant.outgoing_params,
                    },
                },
            },
            iss: self.api_key.as_str(),
            exp,
            nbf: now,
            sub: self.account_sid.as_str(),
        };
        let token = jsonwebtoken::encode(&self.header, &claims, &self.key)?;
        Ok(Minted {
            token,
            identity: identity.to_owned(),
            expires_at: exp,
        })
    }

    /// The identity and expiry of a token this minter made, if `token` is one and is still
    /// valid at `now`; `None` for anything else.
    pub fn verify(&self, token: &str, now: u64) -> Option<(String, u64)> {
        #[derive(serde::Deserialize)]
        struct Made {
            iss: String,
            sub: String,
            exp: u64,
            grants: MadeGrants,
        }
        #[derive(serde::Deserialize)]
        struct MadeGrants {
            identity: String,
        }
        let mut validation = Validation::new(Algorithm::HS256);
        // Checked below against `now`, which the tests can set.
        validation.validate_exp = false;
        validation.required_spec_claims.clear();
        let made = jsonwebtoken::decode::<Made>(token.trim(), &self.decoding, &validation)
            .ok()?
            .claims;
        let ours = made.iss == self.api_key.as_str() && made.sub == self.account_sid.as_str();
        (ours && made.exp > now).then_some((made.grants.identity, made.exp))
    }
}

/// What `--decode` found.
#[derive(Debug)]
pub struct Decoded {
    pub header: Value,
    pub claims: Value,
    pub signature: SignatureCheck,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureCheck {
    /// No secret was available to check it with.
    NotChecked,
    Valid,
    Invalid,
}

/// Reads any JWT's header and claims; checks the HS256 signature when `secret` is given.
pub fn decode(token: &str, secret: Option<&Secret>) -> Result<Decoded, TokenError> {
    let token = token.trim();
    let parts: Vec<&str> = token.split('.').collect();
    let [header, claims, _signature] = parts.as_slice() else {
        return Err(TokenError::Malformed(format!(
            "it has {} part(s)",
            parts.len()
        )));
    };
    let header = decode_part(header, "header")?;
    let claims = decode_part(claims, "claims")?;
    let signature = match secret {
        None => SignatureCheck::NotChecked,
        Some(secret) => {
            crate::crypto::install();
            let mut validation = Validation::new(Algorithm::HS256);
            // Only the signature is in question here; expiry is reported, not enforced.
            validation.validate_exp = false;
            validation.validate_nbf = false;
            validation.required_spec_claims.clear();
            let key = DecodingKey::from_secret(secret.expose().as_bytes());
            match jsonwebtoken::decode::<Value>(token, &key, &validation) {
                Ok(_) => SignatureCheck::Valid,
                Err(_) => SignatureCheck::Invalid,
            }
        }
    };
    Ok(Decoded {
        header,
        claims,
        signature,
    })
}

fn decode_part(part: &str, name: &str) -> Result<Value, TokenError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(part.trim_end_matches('='))
        .map_err(|_| TokenError::Malformed(format!("its {name} is not base64url")))?;
    serde_json::from_slice(&bytes)
        .map_err(|_| TokenError::Malformed(format!("its {name} is not a JSON object")))
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::sid::SidKind;

    const NOW: u64 = 1_700_000_000;

    fn minter(region: Option<&str>) -> Minter {
        Minter::new(
            Sid::parse(SidKind::Account, "AC0123456789abcdef0123456789abcdef").unwrap(),
            Sid::parse(SidKind::ApiKey, "SK0123456789abcdef0123456789abcdef").unwrap(),
            &Secret::new("shh"),
            Sid::parse(SidKind::Application, "AP0123456789abcdef0123456789abcdef").unwrap(),
            region,
        )
    }

    #[test]
    fn claims_match_twilios_access_token_layout() {
        let grant = VoiceGrant {
            incoming_allow: true,
            outgoing_params: BTreeMap::from([("campaign".into(), "spring".into())]),
        };
        let minted = minter(None).mint("alice", 600, &grant, NOW).unwrap();
        assert_eq!(minted.expires_at, NOW + 600);
        let decoded = decode(&minted.token, Some(&Secret::new("shh"))).unwrap();
        assert_eq!(decoded.signature, SignatureCheck::Valid);
        assert_eq!(
            decoded.header,
            serde_json::json!({"typ": "JWT", "alg": "HS256", "cty": "twilio-fpa;v=1"})
        );
        assert_eq!(
            decoded.claims,
            serde_json::json!({
                "jti": format!("SK0123456789abcdef0123456789abcdef-{NOW}"),
                "iss": "SK0123456789abcdef0123456789abcdef",
                "sub": "AC0123456789abcdef0123456789abcdef",
                "nbf": NOW,
                "exp": NOW + 600,
                "grants": {
                    "identity": "alice",
                    "voice": {
                        "incoming": {"allow": true},
                        "outgoing": {
                            "application_sid": "AP0123456789abcdef0123456789abcdef",
                            "params": {"campaign": "spring"}
                        }
                    }
                }
            })
        );
    }

    #[test]
    fn region_goes_into_the_header_and_no_incoming_drops_the_grant() {
        let minted = minter(Some("ie1"))
            .mint("bob", 60, &VoiceGrant::default(), NOW)
            .unwrap();
        let decoded = decode(&minted.token, None).unwrap();
        assert_eq!(decoded.signature, SignatureCheck::NotChecked);
        assert_eq!(decoded.header["twr"], "ie1");
        assert_eq!(
            decoded.claims["grants"]["voice"],
            serde_json::json!({"outgoing": {"application_sid": "AP0123456789abcdef0123456789abcdef"}})
        );
    }

    #[test]
    fn verify_accepts_only_live_tokens_this_minter_made() {
        let minter = minter(None);
        let minted = minter
            .mint("tab1", 60, &VoiceGrant::default(), NOW)
            .unwrap();
        assert_eq!(
            minter.verify(&minted.token, NOW),
            Some(("tab1".to_owned(), NOW + 60))
        );
        assert_eq!(minter.verify(&minted.token, NOW + 60), None, "expired");
        let other = Minter::new(
            Sid::parse(SidKind::Account, "AC0123456789abcdef0123456789abcdef").unwrap(),
            Sid::parse(SidKind::ApiKey, "SK0123456789abcdef0123456789abcdef").unwrap(),
            &Secret::new("another secret"),
            Sid::parse(SidKind::Application, "AP0123456789abcdef0123456789abcdef").unwrap(),
            None,
        );
        let forged = other.mint("tab1", 60, &VoiceGrant::default(), NOW).unwrap();
        assert_eq!(minter.verify(&forged.token, NOW), None, "another secret");
        assert_eq!(minter.verify("not a token", NOW), None);
    }

    #[test]
    fn a_wrong_secret_is_reported_as_an_invalid_signature() {
        let minted = minter(None)
            .mint("a", 60, &VoiceGrant::default(), NOW)
            .unwrap();
        let decoded = decode(&minted.token, Some(&Secret::new("other"))).unwrap();
        assert_eq!(decoded.signature, SignatureCheck::Invalid);
    }

    #[test]
    fn malformed_tokens_say_what_is_wrong() {
        let err = decode("abc", None).unwrap_err().to_string();
        assert!(err.contains("it has 1 part(s)"), "{err}");
        let err = decode("!!.e30.x", None).unwrap_err().to_string();
        assert!(err.contains("its header is not base64url"), "{err}");
        let err = decode("e30.bm90IGpzb24.x", None).unwrap_err().to_string();
        assert!(err.contains("its claims is not a JSON object"), "{err}");
    }
}
