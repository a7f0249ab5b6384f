//! `c2c configure`'s settings: which app, and what to do with it.

use std::path::PathBuf;

use super::sip::SipAccount;
use super::twilio::{self, Rest};
use super::{NGROK_AGENT_API, Origin, Resolver, SettingsError, Sources};
use crate::cli::ConfigureArgs;
use crate::dial;
use crate::ngrok_agent;

pub struct Configure {
    pub rest: Rest,
    /// With `--sip`: what an earlier run kept, and the config file to keep what this one makes;
    /// when showing, the Domain to show.
    pub sip: Option<(SipAccount, Option<PathBuf>)>,
    /// `None` only with `--create`, which makes the app.
    pub app_sid: Option<String>,
    pub action: Action,
    /// `--number`: send calls to this Twilio number (E.164) to the app.
    pub number: Option<String>,
    pub dry_run: bool,
    pub json: bool,
    pub state_dir: PathBuf,
}

pub enum Action {
    /// Show the app's voice settings (unless only `--number` was asked for).
    Show,
    SetUrl(String),
    /// Take the URL from the ngrok agent whose local API is at this address.
    FromNgrokAgent(String),
    Create(String),
    Restore,
    /// Make or find the SIP resources (`c2c configure --sip`).
    Sip,
}

pub fn resolve(args: &ConfigureArgs, sources: &Sources) -> Result<Configure, SettingsError> {
    let mut r = sources.resolver();
    let rest = twilio::rest(&mut r);
    let state_dir = twilio::state_dir(&mut r);
    let action = action(args, &mut r);
    // --create makes the app, so it needs no SID; --sip uses one when there is one (its Domain
    // sends calls where the app does); everything else acts on one.
    let app_sid = match &action {
        Some(Action::Create(_)) => Some(None),
        Some(Action::Sip) => Some(
            r.lookup(&super::APP_SID)
                .and_then(|_| twilio::app_sid(&mut r)),
        ),
        _ => twilio::app_sid(&mut r).map(Some),
    };
    // --sip makes the Domain; showing the app shows the Domain too, when there is one.
    let sip = match &action {
        Some(Action::Sip | Action::Show) => {
            Some((super::sip::account(&mut r), sources.config_path()))
        }
        _ => None,
    };
    let number = match args.number.as_deref() {
        Some(number) => dial::e164_shape(number)
            .map_err(|why| {
                r.invalid(
                    Origin::Flag("--number"),
                    "phone number",
                    why,
                    "Use one of your Twilio numbers in E.164 form (+ and the country code).",
                )
            })
            .ok()
            .map(Some),
        None => Some(None),
    };
    let configure = match (rest, state_dir, action, app_sid, number) {
        (Some(rest), Some(state_dir), Some(action), Some(app_sid), Some(number)) => {
            Some(Configure {
                rest,
                sip,
                app_sid,
                action,
                number,
                dry_run: args.dry_run,
                json: args.json,
                state_dir,
            })
        }
        _ => None,
    };
    r.finish(configure)
}

fn action(args: &ConfigureArgs, r: &mut Resolver) -> Option<Action> {
    if let Some(url) = &args.url {
        return check_url(url)
            .map_err(|why| {
                r.invalid(
                    Origin::Flag("--url"),
                    "Voice URL",
                    why,
                    "Use the full https:// address of your webhook.",
                )
            })
            .ok()
            .map(Action::SetUrl);
    }
    if args.from_ngrok_agent {
        let api = r.endpoint(
            &NGROK_AGENT_API,
            super::twilio::endpoint_address,
            |api| api == ngrok_agent::LOCAL_API,
            "not the agent's usual local address",
        );
        return Some(Action::FromNgrokAgent(
            api.unwrap_or_else(|| ngrok_agent::LOCAL_API.to_owned()),
        ));
    }
    if args.sip {
        return Some(Action::Sip);
    }
    Some(match (&args.create, args.restore) {
        (Some(name), _) => Action::Create(name.clone()),
        (None, true) => Action::Restore,
        (None, false) => Action::Show,
    })
}

fn check_url(url: &str) -> Result<String, String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| {
            format!("{url:?} is not a web address: it must start with https:// (or http://)")
        })?;
    if rest.is_empty() || rest.starts_with('/') || url.contains(char::is_whitespace) {
        return Err(format!("{url:?} has no host name"));
    }
    Ok(url.to_owned())
}
