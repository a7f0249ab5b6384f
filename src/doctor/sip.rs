//! The SIP Domain `c2c configure --sip` made: still the account's, sending its calls somewhere,
//! challenging them against a list that holds c2c's credential, whose password c2c has. Checked
//! only once a Domain is set up: the browser needs none of it.

use super::{Check, Status};
use crate::settings::doctor::Doctor;
use crate::twilio_api::Client;

const NAME: &str = "SIP Domain";
const FIX: &str = "Run c2c configure --sip: it makes what is missing.";

pub async fn check(settings: &Doctor, client: &Client) -> Vec<Check> {
    let account = match &settings.sip {
        Ok(account) => account,
        Err(why) => return vec![Check::new(NAME, Status::Fail, why.clone(), "")],
    };
    let Some(name) = &account.domain else {
        return Vec::new();
    };
    let fail = |found: String| vec![Check::new(NAME, Status::Fail, found, FIX)];
    let read = |err: crate::twilio_api::ApiError| {
        vec![Check::new(
            NAME,
            Status::Fail,
            format!("{name} cannot be read"),
            err.to_string(),
        )]
    };
    let domain = match client.domains().await {
        Ok(domains) => domains.into_iter().find(|d| &d.domain_name == name),
        Err(err) => return read(err),
    };
    let Some(domain) = domain else {
        return fail(format!("{name} is not one of the account's SIP Domains"));
    };
    // Twilio refuses plain RTP to a Domain with Secure Media on, and SRTP to one without.
    let srtp = account.media == crate::call::SipMedia::Srtp;
    if domain.secure != srtp {
        let (is, fix) = match domain.secure {
            true => (
                "on, and c2c's calls would be plain RTP",
                "Set sip_media = \"srtp\" in c2c's config file (or C2C_SIP_MEDIA=srtp): SRTP, over TLS.",
            ),
            false => (
                "off, and c2c's calls would be SRTP",
                "Leave sip_media unset (plain RTP), or turn the Domain's Secure Media on in the Twilio Console.",
            ),
        };
        return vec![Check::new(
            NAME,
            Status::Fail,
            format!("{name}'s Secure Media is {is}: Twilio refuses every such call"),
            fix,
        )];
    }
    let (mappings, lists) = tokio::join!(client.call_mappings(&domain), client.credential_lists());
    let (mappings, lists) = match (mappings, lists) {
        (Ok(m), Ok(l)) => (m, l),
        (Err(err), _) | (_, Err(err)) => return read(err),
    };
    let mapped: Vec<_> = lists
        .into_iter()
        .filter(|l| mappings.iter().any(|m| m.sid == l.sid))
        .collect();
    if mapped.is_empty() {
        return fail(format!(
            "{name} challenges calls against no Credential List: Twilio refuses every call to it"
        ));
    }
    let username = account.username.as_deref().unwrap_or("c2c");
    let mut holds = false;
    for list in &mapped {
        match client.credentials(&list.sid).await {
            Ok(credentials) => holds |= credentials.iter().any(|c| c.username == username),
            Err(err) => return read(err),
        }
    }
    if !holds {
        return fail(format!(
            "{name}'s Credential Lists hold no credential {username:?}"
        ));
    }
    if account.password.is_none() {
        return vec![Check::new(
            NAME,
            Status::Fail,
            format!("c2c has no password for {username:?} (Twilio never shows it again)"),
            "Run c2c configure --sip: it gives the credential a new one and keeps it.",
        )];
    }
    let left_behind = settings
        .state_dir
        .as_deref()
        .and_then(|dir| crate::state_file::load(dir, &domain.sid).ok().flatten())
        .filter(|record| !record.owner_is_running())
        .filter(|record| domain.voice_url.as_deref() == Some(record.ours.as_str()));
    if let Some(record) = left_behind {
        return vec![Check::new(
            NAME,
            Status::Warn,
            format!(
                "{name} sends calls to {}, a tunnel a c2c run left behind",
                record.ours
            ),
            "Run c2c configure --restore to put back what it replaced, or start c2c serve --tunnel.",
        )];
    }
    match domain.voice_url.as_deref().filter(|url| !url.is_empty()) {
        None => vec![Check::new(
            NAME,
            Status::Warn,
            format!("{name} sends its calls nowhere"),
            "Set TWILIO_TWIML_APP_SID and run c2c configure --sip again: the Domain sends calls where the app does.",
        )],
        Some(url) => vec![Check::ok(
            NAME,
            format!("{name} sends calls to {url}, challenged for {username:?}"),
        )],
    }
}
