//! Twilio Access Tokens with a Voice grant: JWTs that let the browser SDK place and receive
//! calls. The header and claims follow Twilio's helper libraries field for field
//! (`twilio.jwt.access_token.AccessToken` in Python), which the cross-check tests compare with.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::Serialize;
use serde_json::Value;

use crate::secret::Secret;
use crate::sid::Sid;

/// Twilio refuses tokens that live longer than a day.
pub const MAX_TTL_SECS: u64 = 24 * 60 * 60;
pub const DEFAULT_TTL_SECS: u64 = 60 * 60;
/// Twilio's limit on a client identity's length.
const MAX_IDENTITY_LEN: usize = 121;

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("signing the token failed: {0}")]
    Sign(#[from] jsonwebtoken::errors::Error),
    #[error("the input is not a JWT: {0}. A token is three base64url parts separated by dots.")]
    Malformed(String),
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

/// Seconds since the Unix epoch, now.
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Seconds since the Unix epoch as an RFC 3339 UTC time.
pub fn rfc3339(secs: u64) -> String {
    humantime::format_rfc3339_seconds(UNIX_EPOCH + Duration::from_secs(secs)).to_string()
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
        }
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
}

/// Checks an identity against what Twilio's Voice SDK and `<Client>` dialling accept.
pub fn check_identity(identity: &str) -> Result<(), String> {
    if identity.is_empty() {
        return Err("it is empty".to_owned());
    }
    if identity.len() > MAX_IDENTITY_LEN {
        return Err(format!(
            "it is {} characters long, and Twilio allows {MAX_IDENTITY_LEN}",
            identity.len()
        ));
    }
    match identity
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "_-.".contains(*c)))
    {
        Some(c) => Err(format!(
            "it contains {c:?}, and calls to a browser identity work reliably only with letters, digits, _, - and ."
        )),
        None => Ok(()),
    }
}

/// A readable identity that differs from run to run and from tab to tab, such as
/// `browser-k3f9xq`.
pub fn fresh_identity() -> String {
    // Identities are labels, not secrets: without an entropy source a fixed suffix will do.
    format!(
        "browser-{}",
        random_text(6).unwrap_or_else(|_| "aaaaaa".to_owned())
    )
}

/// `len` random characters that survive being read aloud or copied by hand (no 0/o, 1/l);
/// five bits of entropy each.
pub fn random_text(len: usize) -> Result<String, getrandom::Error> {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
    let mut bytes = vec![0u8; len];
    random_bytes(&mut bytes)?;
    Ok(bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect())
}

/// Bytes drawn from the OS's generator at a time, per thread.
const RANDOM_POOL: usize = 512;

/// Fills `out` from the OS's generator through a per-thread pool: one system call per 512 bytes
/// instead of one per token, which `GET /token` under load notices. No byte is handed out twice.
fn random_bytes(out: &mut [u8]) -> Result<(), getrandom::Error> {
    thread_local! {
        static POOL: std::cell::RefCell<([u8; RANDOM_POOL], usize)> =
            const { std::cell::RefCell::new(([0; RANDOM_POOL], RANDOM_POOL)) };
    }
    if out.len() > RANDOM_POOL {
        return getrandom::fill(out);
    }
    POOL.with_borrow_mut(|(pool, used)| {
        if RANDOM_POOL - *used < out.len() {
            getrandom::fill(pool)?;
            *used = 0;
        }
        let taken = &mut pool[*used..*used + out.len()];
        out.copy_from_slice(taken);
        taken.fill(0);
        *used += out.len();
        Ok(())
    })
}

/// Parses `--ttl`: whole seconds (`3600`) or a duration (`90m`, `2h`).
pub fn parse_ttl(text: &str) -> Result<u64, String> {
    let secs = match text.parse::<u64>() {
        Ok(secs) => secs,
        Err(_) => humantime::parse_duration(text)
            .map_err(|_| {
                format!("{text:?} is neither a number of seconds nor a duration such as 90m or 2h")
            })?
            .as_secs(),
    };
    match secs {
        0 => Err("a token must live at least one second".to_owned()),
        s if s > MAX_TTL_SECS => Err(format!(
            "{s} seconds is more than Twilio accepts: it rejects tokens valid for over 24 hours ({MAX_TTL_SECS} s)"
        )),
        s => Ok(s),
    }
}

/// Parses a repeated `--param KEY=VALUE`.
pub fn parse_param(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((key, value)) if !key.trim().is_empty() => {
            Ok((key.trim().to_owned(), value.to_owned()))
        }
        _ => Err(format!("{text:?} is not KEY=VALUE")),
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

    #[test]
    fn pooled_random_bytes_never_repeat_across_refills() {
        // 6 bytes at a time through several 512-byte refills: a byte handed out twice, or a
        // pool not refilled, would show as equal draws.
        let draws: std::collections::HashSet<[u8; 6]> = (0..1000)
            .map(|_| {
                let mut draw = [0u8; 6];
                random_bytes(&mut draw).unwrap();
                draw
            })
            .collect();
        assert_eq!(draws.len(), 1000);
        let mut big = vec![0u8; RANDOM_POOL + 1];
        random_bytes(&mut big).unwrap();
        assert!(big.iter().any(|b| *b != 0));
    }

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

    #[test]
    fn ttl_accepts_seconds_and_durations_within_a_day() {
        assert_eq!(parse_ttl("3600"), Ok(3600));
        assert_eq!(parse_ttl("90m"), Ok(5400));
        assert_eq!(parse_ttl("24h"), Ok(86_400));
        assert!(
            parse_ttl("86401")
                .unwrap_err()
                .contains("rejects tokens valid for over 24 hours")
        );
        assert!(parse_ttl("0").is_err());
        assert!(parse_ttl("soon").unwrap_err().contains("neither a number"));
    }

    #[test]
    fn identities_are_checked_and_fresh_ones_pass_and_differ() {
        assert!(check_identity("alice_01.b-c").is_ok());
        assert!(check_identity("").is_err());
        assert!(check_identity("a b").unwrap_err().contains("' '"));
        assert!(check_identity(&"x".repeat(122)).is_err());
        let (a, b) = (fresh_identity(), fresh_identity());
        assert!(check_identity(&a).is_ok());
        assert!(a.starts_with("browser-") && a.len() == 14);
        assert_ne!(a, b);
    }

    #[test]
    fn params_are_key_value_pairs() {
        assert_eq!(parse_param("a=b=c"), Ok(("a".into(), "b=c".into())));
        assert!(parse_param("=x").is_err());
        assert!(parse_param("novalue").is_err());
    }
}
