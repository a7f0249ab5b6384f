//! `c2c doctor`'s settings. Only the REST credentials are required: everything else that is
//! missing or wrong is what the report is for, so it is carried to the checks, not refused here.

use std::path::PathBuf;

use super::twilio::{self, Rest};
use super::{APP_SID, CALLER_ID, Origin, SettingsError, Sources};
use crate::cli::DoctorArgs;
use crate::dial::{self, Allowed};
use crate::sid::{Sid, SidKind};
use crate::state_file;

pub struct Doctor {
    pub rest: Rest,
    /// The TwiML App SID, or why there is none to check.
    pub app_sid: Result<String, String>,
    /// The caller ID (E.164), or why there is none to check.
    pub caller_id: Result<String, String>,
    pub allowed: Vec<Allowed>,
    /// `--to`, E.164.
    pub to: Option<String>,
    /// Where the ngrok authtoken comes from, or why none was found.
    pub ngrok: Result<String, String>,
    /// The browser `c2c call` would drive, or why there is none.
    pub browser: Result<PathBuf, String>,
    /// Where c2c call's speech model is and which one it uses (C2C_SPEECH), or why that cannot
    /// be told.
    pub speech: Result<(crate::speech::ModelSource, crate::speech::Size), String>,
    pub state_dir: Option<PathBuf>,
    /// The SIP Domain and credential `c2c configure --sip` kept, or why they cannot be read.
    pub sip: Result<super::sip::SipAccount, String>,
    pub json: bool,
}

pub fn resolve(args: &DoctorArgs, sources: &Sources) -> Result<Doctor, SettingsError> {
    let mut r = sources.resolver();
    let rest = twilio::rest(&mut r);
    let allowed = super::serve::allowed_countries(&mut r);
    let to = args.to.as_deref().and_then(|to| {
        dial::e164_shape(to)
            .map_err(|why| {
                r.invalid(
                    Origin::Flag("--to"),
                    "phone number",
                    why,
                    "Give the number to check in E.164 form (+ and the country code).",
                )
            })
            .ok()
    });
    // These are reported by the checks, in their words, instead of stopping the report.
    let app_sid = match r.lookup(&APP_SID) {
        None => Err(format!("TWILIO_TWIML_APP_SID not set. {}", APP_SID.hint)),
        Some(found) => Sid::parse(SidKind::Application, found.value.trim())
            .map(|sid| sid.as_str().to_owned())
            .map_err(|why| format!("{} is not valid: {why}.", found.origin)),
    };
    let caller_id = match r.lookup(&CALLER_ID) {
        None => Err(format!("TWILIO_CALLER_ID not set. {}", CALLER_ID.hint)),
        Some(found) => dial::e164_shape(found.value.trim())
            .map_err(|why| format!("{} is not valid: {why}.", found.origin)),
    };
    // Looked up apart, so that a missing authtoken (or browser, or model folder) is a line of the
    // report, not a problem that stops it.
    let ngrok = apart(sources, |r| {
        super::ngrok::authtoken(r).map(|(_, source)| source)
    });
    let browser = apart(sources, super::call::chrome);
    let sip = {
        let mut scratch = sources.resolver();
        let account = super::sip::account(&mut scratch);
        scratch.finish(Some(account)).map_err(|err| err.to_string())
    };
    let speech = apart(sources, |r| {
        let source = super::speech::source(r)?;
        Some((source, super::speech::size(r)))
    });
    let doctor = rest.map(|rest| Doctor {
        rest,
        app_sid,
        caller_id,
        allowed,
        to,
        ngrok,
        browser,
        speech,
        state_dir: state_file::dir(),
        sip,
        json: args.json,
    });
    r.finish(doctor)
}

/// A setting looked up with a resolver of its own: its value, or what the resolver would have
/// said was wrong, for the report to show.
fn apart<T>(
    sources: &Sources,
    look: impl FnOnce(&mut super::Resolver) -> Option<T>,
) -> Result<T, String> {
    let mut scratch = sources.resolver();
    look(&mut scratch).ok_or_else(|| {
        scratch
            .finish(None::<()>)
            .err()
            .map_or_else(String::new, |err| err.to_string())
    })
}
