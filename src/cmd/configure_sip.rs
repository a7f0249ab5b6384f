//! `c2c configure --sip`: the account's side of calling through a SIP Domain. Makes what is
//! missing and finds what is there, by name, so that running it twice makes nothing twice: a
//! Credential List named c2c, c2c's credential in it, a SIP Domain that sends its calls where
//! the TwiML App does, and the mapping that makes the Domain challenge calls against the list.
//! What Twilio never shows again (the password) is kept in c2c's config file.

use std::path::PathBuf;

use serde_json::{Value, json};

use crate::error::Error;
use crate::secret::Secret;
use crate::settings::sip::SipAccount;
use crate::twilio_api::Client;
use crate::twilio_api::sip::Domain;

/// The friendly name of what c2c makes, by which a later run finds it.
const NAME: &str = "c2c";
/// c2c's username in its list, unless the config file names another.
const USERNAME: &str = "c2c";

pub struct Plan<'a> {
    pub client: &'a Client,
    pub kept: SipAccount,
    pub config: Option<PathBuf>,
    /// The TwiML App whose Voice URL a new Domain takes.
    pub app_sid: Option<String>,
    pub dry_run: bool,
}

/// What was found or made, a line each, and the same as JSON.
pub struct Done {
    pub lines: Vec<String>,
    pub json: Value,
}

pub async fn run(plan: Plan<'_>) -> Result<Done, Error> {
    let Plan {
        client,
        kept,
        config,
        app_sid,
        dry_run,
    } = plan;
    let remote = |err: crate::twilio_api::ApiError| Error::Remote(err.to_string());
    let mut lines = Vec::new();
    let mut to_keep: Vec<(&str, String)> = Vec::new();
    let (made, would) = ("made", "would make");
    let verb = if dry_run { would } else { made };

    let list = match client
        .credential_lists()
        .await
        .map_err(remote)?
        .into_iter()
        .find(|l| l.friendly_name == NAME)
    {
        Some(list) => {
            lines.push(format!("Credential List {} ({NAME:?}): found", list.sid));
            Some(list.sid)
        }
        None if dry_run => {
            lines.push(format!("Credential List {NAME:?}: {would}"));
            None
        }
        None => {
            let list = client.create_credential_list(NAME).await.map_err(remote)?;
            lines.push(format!("Credential List {} ({NAME:?}): {made}", list.sid));
            Some(list.sid)
        }
    };

    let username = kept.username.clone().unwrap_or_else(|| USERNAME.to_owned());
    if kept.username.is_none() {
        to_keep.push(("sip_username", username.clone()));
    }
    let existing = match &list {
        Some(list) => client
            .credentials(list)
            .await
            .map_err(remote)?
            .into_iter()
            .find(|c| c.username == username),
        None => None,
    };
    // The password: the one kept, or a new one, which Twilio is then given.
    let password = match &kept.password {
        Some(password) => password.clone(),
        None => {
            let made = generated_password()?;
            to_keep.push(("sip_password", made.expose().to_owned()));
            made
        }
    };
    match (&list, existing, kept.password.is_some()) {
        (_, Some(_), true) => lines.push(format!(
            "credential {username:?}: found (its password is the one in the config file)"
        )),
        (Some(list), Some(credential), false) => {
            if !dry_run {
                client
                    .set_password(list, &credential, password.expose())
                    .await
                    .map_err(remote)?;
            }
            let verb = if dry_run { "would be given" } else { "given" };
            lines.push(format!(
                "credential {username:?}: found, {verb} a new password (the old one was not kept here)"
            ));
        }
        (Some(list), None, _) if !dry_run => {
            client
                .create_credential(list, &username, password.expose())
                .await
                .map_err(remote)?;
            lines.push(format!("credential {username:?}: {made}"));
        }
        _ => lines.push(format!("credential {username:?}: {would}")),
    }

    let voice_url = match &app_sid {
        Some(sid) => Some(
            client
                .application(sid)
                .await
                .map_err(remote)?
                .voice
                .voice_url,
        )
        .filter(|url| !url.is_empty()),
        None => None,
    };
    let domains = client.domains().await.map_err(remote)?;
    let found = match &kept.domain {
        Some(name) => domains.into_iter().find(|d| &d.domain_name == name),
        None => domains
            .into_iter()
            .find(|d| d.friendly_name.as_deref() == Some(NAME)),
    };
    let domain: Option<Domain> = match found {
        // A Domain that sends its calls nowhere is pointed where the app sends them.
        Some(domain) if !dry_run && is_empty(&domain.voice_url) && voice_url.is_some() => {
            let url = voice_url.as_deref().unwrap_or_default();
            let domain = client.point_domain(&domain, url).await.map_err(remote)?;
            lines.push(format!(
                "SIP Domain {} ({}): found, now sends calls to {url}",
                domain.domain_name, domain.sid
            ));
            Some(domain)
        }
        Some(domain) => {
            lines.push(format!(
                "SIP Domain {} ({}): found, calls go to {}",
                domain.domain_name,
                domain.sid,
                shown_url(domain.voice_url.as_deref())
            ));
            Some(domain)
        }
        None => {
            let name = match &kept.domain {
                Some(name) => name.clone(),
                None => format!("{NAME}-{}.sip.twilio.com", random_label()?),
            };
            let domain = match dry_run {
                true => None,
                false => Some(
                    client
                        .create_domain(&name, NAME, voice_url.as_deref())
                        .await
                        .map_err(remote)?,
                ),
            };
            lines.push(format!(
                "SIP Domain {name}: {verb}, calls go to {}",
                shown_url(voice_url.as_deref())
            ));
            domain
        }
    };
    if let Some(domain) = &domain
        && kept.domain.as_deref() != Some(domain.domain_name.as_str())
    {
        to_keep.push(("sip_domain", domain.domain_name.clone()));
    }

    let mapped = match (&domain, &list) {
        (Some(domain), Some(list)) => client
            .call_mappings(domain)
            .await
            .map_err(remote)?
            .iter()
            .any(|m| &m.sid == list),
        _ => false,
    };
    match (&domain, &list) {
        _ if mapped => lines.push("the Domain challenges calls against the list: found".to_owned()),
        (Some(domain), Some(list)) if !dry_run => {
            client.map_for_calls(domain, list).await.map_err(remote)?;
            lines.push(format!(
                "the Domain challenges calls against the list: {made}"
            ));
        }
        _ => lines.push(format!(
            "the Domain challenges calls against the list: {would}"
        )),
    }

    let kept_in = keep(&to_keep, config.as_deref(), dry_run)?;
    if let Some(line) = &kept_in {
        lines.push(line.clone());
    }
    let json = json!({
        "credential_list": list,
        "username": username,
        "domain": domain.as_ref().map(|d| &d.domain_name),
        "domain_sid": domain.as_ref().map(|d| &d.sid),
        "voice_url": domain.as_ref().and_then(|d| d.voice_url.clone()).or(voice_url),
        "mapped": mapped || (domain.is_some() && list.is_some() && !dry_run),
        "kept": to_keep.iter().map(|(k, _)| *k).collect::<Vec<_>>(),
        "config_file": config,
        "dry_run": dry_run,
    });
    Ok(Done { lines, json })
}

/// Writes what a later run (and the SIP leg) needs into the config file; says where.
fn keep(
    values: &[(&str, String)],
    config: Option<&std::path::Path>,
    dry_run: bool,
) -> Result<Option<String>, Error> {
    if values.is_empty() {
        return Ok(None);
    }
    let keys: Vec<&str> = values.iter().map(|(k, _)| *k).collect();
    let Some(path) = config else {
        return Err(Error::Failed(
            "c2c has no config file to keep the SIP credential in (no home directory was found): set HOME, or give one with --config".to_owned(),
        ));
    };
    if dry_run {
        return Ok(Some(format!(
            "would keep {} in {}",
            keys.join(", "),
            path.display()
        )));
    }
    let pairs: Vec<(&str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
    crate::settings::keep::add_to_config(path, &pairs).map_err(|err| {
        Error::Failed(format!(
            "cannot keep the SIP credential in {} ({err}): fix the file's permissions, or give another with --config",
            path.display()
        ))
    })?;
    Ok(Some(format!(
        "kept {} in {} (readable by you alone)",
        keys.join(", "),
        path.display()
    )))
}

fn is_empty(url: &Option<String>) -> bool {
    url.as_deref().is_none_or(str::is_empty)
}

fn shown_url(url: Option<&str>) -> String {
    match url {
        Some(url) if !url.is_empty() => url.to_owned(),
        _ => "nowhere yet (set TWILIO_TWIML_APP_SID and run again, or a --tunnel run points it)"
            .to_owned(),
    }
}

const LETTERS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

fn random(count: usize, alphabet: &[u8]) -> Result<String, Error> {
    let mut bytes = vec![0u8; count];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut bytes)
        .map_err(|_| Error::Failed("the system's random generator failed".to_owned()))?;
    // 256 is not a multiple of the alphabet's size: the bias is a fraction of a bit.
    Ok(bytes
        .iter()
        .map(|b| char::from(alphabet[usize::from(*b) % alphabet.len()]))
        .collect())
}

/// 24 letters and digits, as Twilio wants a password (upper, lower, a digit): about 140 bits.
fn generated_password() -> Result<Secret, Error> {
    loop {
        let made = random(24, LETTERS)?;
        if crate::settings::sip::password(&made).is_ok() {
            return Ok(Secret::new(made));
        }
    }
}

/// Ten lower-case letters and digits: a Domain name no one else has.
fn random_label() -> Result<String, Error> {
    random(10, &LETTERS[26..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn made_passwords_and_names_are_what_twilio_takes() {
        for _ in 0..50 {
            let password = generated_password().unwrap();
            assert_eq!(password.expose().len(), 24);
            assert!(crate::settings::sip::password(password.expose()).is_ok());
        }
        let name = format!("c2c-{}.sip.twilio.com", random_label().unwrap());
        assert_eq!(crate::settings::sip::domain_name(&name).unwrap(), name);
        assert_ne!(random_label().unwrap(), random_label().unwrap());
    }
}
