//! The SIP Domain and the credential c2c calls it with, as `c2c configure --sip` keeps them in
//! c2c's config file. The Domain must be Twilio's (`….sip.twilio.com`): a `.env` in a cloned
//! repository cannot send c2c's calls, or its credential's challenges, anywhere else.

use super::{Resolver, SIP_DOMAIN, SIP_MEDIA, SIP_PASSWORD, SIP_USERNAME};
use crate::call::SipMedia;
use crate::secret::Secret;

/// What is kept; each may be missing before the first `c2c configure --sip`.
#[derive(Debug, Default, Clone)]
pub struct SipAccount {
    pub domain: Option<String>,
    pub username: Option<String>,
    pub password: Option<Secret>,
    /// The sound c2c's calls would use (`--sip-media`, its default plain RTP).
    pub media: SipMedia,
}

pub fn account(r: &mut Resolver) -> SipAccount {
    SipAccount {
        domain: r.optional(&SIP_DOMAIN, domain_name),
        username: r.optional(&SIP_USERNAME, username),
        password: r.optional(&SIP_PASSWORD, |v| {
            password(v.trim()).map(|()| Secret::new(v.trim()))
        }),
        media: r.optional(&SIP_MEDIA, SipMedia::parse).unwrap_or_default(),
    }
}

/// What the SIP leg calls with: each of the three, or a problem for each one missing, with how
/// to make it (`c2c configure --sip`).
pub fn required(r: &mut Resolver) -> Option<(String, String, Secret)> {
    let domain = r.require(&SIP_DOMAIN, domain_name);
    let name = r.require(&SIP_USERNAME, username);
    let secret = r.require(&SIP_PASSWORD, |v| {
        password(v.trim()).map(|()| Secret::new(v.trim()))
    });
    Some((domain?, name?, secret?))
}

/// A SIP Domain's name as Twilio gives them: `NAME.sip.twilio.com`, or with a region
/// (`NAME.sip.ie1.twilio.com`); lower case.
pub fn domain_name(text: &str) -> Result<String, String> {
    let name = text.trim().to_ascii_lowercase();
    let label = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    let labels: Vec<&str> = name.split('.').collect();
    let twilio = match labels.as_slice() {
        [first, "sip", "twilio", "com"] => label(first),
        [first, "sip", region, "twilio", "com"] => label(first) && label(region),
        _ => false,
    };
    match twilio {
        true => Ok(name),
        // Not echoed: a secret pasted into the wrong variable must not be printed.
        false => Err("it is not a Twilio SIP Domain: it must be NAME.sip.twilio.com".to_owned()),
    }
}

/// Twilio's rule for a credential's username: at most 32 characters.
fn username(text: &str) -> Result<String, String> {
    let name = text.trim();
    match !name.is_empty()
        && name.len() <= 32
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    {
        true => Ok(name.to_owned()),
        false => Err("1 to 32 letters, digits, '-', '_' or '.'".to_owned()),
    }
}

/// Twilio's rule for a credential's password: 12 characters or more, with an upper-case letter,
/// a lower-case letter and a digit.
pub fn password(text: &str) -> Result<(), String> {
    let strong = text.len() >= 12
        && text.chars().any(|c| c.is_ascii_uppercase())
        && text.chars().any(|c| c.is_ascii_lowercase())
        && text.chars().any(|c| c.is_ascii_digit());
    match strong {
        true => Ok(()),
        false => Err(
            "it is not a password Twilio takes: 12 characters or more, with upper and lower case and a digit".to_owned(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_twilios_sip_domains_are_taken() {
        assert_eq!(
            domain_name(" C2C-ab12.sip.twilio.com ").unwrap(),
            "c2c-ab12.sip.twilio.com"
        );
        assert!(domain_name("c2c.sip.ie1.twilio.com").is_ok());
        for other in [
            "sip.example.com",
            "c2c.sip.twilio.com.example.com",
            "evil.com/c2c.sip.twilio.com",
            "a.b.sip.twilio.com",
            ".sip.twilio.com",
            "sip:c2c@c2c.sip.twilio.com",
            "-x.sip.twilio.com",
        ] {
            assert!(domain_name(other).is_err(), "{other}");
        }
    }

    #[test]
    fn usernames_and_passwords_follow_twilios_rules() {
        assert!(username("c2c").is_ok());
        assert!(username(&"x".repeat(33)).is_err());
        assert!(username("a b").is_err());
        assert!(password("Abcdefghijk1").is_ok());
        for weak in [
            "Abcdefghij1",
            "abcdefghijk1",
            "ABCDEFGHIJK1",
            "Abcdefghijkl",
        ] {
            assert!(password(weak).is_err(), "{weak}");
        }
    }
}
