//! What can go wrong with a REST call, phrased so that the user knows what c2c was doing and
//! what to do about it.

use std::time::Duration;

use serde::Deserialize;

use super::{Credentials, RETRIES};

/// What a call was for, so that its error can say so.
#[derive(Debug)]
pub enum Action {
    FetchAccount,
    FetchKey(String),
    ListCallerIds,
    FetchDialingPermissions(String),
    ListAlerts,
    FetchApp(String),
    UpdateApp(String),
    CreateApp(String),
    FindNumber(String),
    AttachNumber(String),
    /// The SIP resources of `c2c configure --sip`: what is being done, in words.
    Sip(String),
}

impl Action {
    pub(super) fn doing(&self) -> String {
        match self {
            Action::FetchAccount => "reading the account".to_owned(),
            Action::FetchKey(sid) => format!("reading the API Key {sid}"),
            Action::ListCallerIds => "listing the verified caller IDs".to_owned(),
            Action::FetchDialingPermissions(iso) => {
                format!("reading the voice dialing permissions for {iso}")
            }
            Action::ListAlerts => "reading the account's recent alerts".to_owned(),
            Action::FetchApp(sid) => format!("reading the TwiML App {sid}"),
            Action::UpdateApp(sid) => format!("changing the TwiML App {sid}"),
            Action::CreateApp(name) => format!("creating the TwiML App {name:?}"),
            Action::FindNumber(number) => format!("looking up the phone number {number}"),
            Action::AttachNumber(number) => {
                format!("pointing the phone number {number} at the app")
            }
            Action::Sip(doing) => doing.clone(),
        }
    }

    pub(super) fn not_found_fix(&self) -> &'static str {
        match self {
            Action::FetchApp(_) | Action::UpdateApp(_) => {
                "Check TWILIO_TWIML_APP_SID (Console > Voice > TwiML Apps), or create an app with `c2c configure --create NAME`."
            }
            Action::FindNumber(_) | Action::AttachNumber(_) => {
                "Check the number: it must be one of this account's numbers (Console > Phone Numbers > Active numbers), in E.164 form."
            }
            Action::CreateApp(_)
            | Action::FetchAccount
            | Action::ListCallerIds
            | Action::ListAlerts => "Check TWILIO_ACCOUNT_SID.",
            Action::FetchKey(_) => {
                "The API Key is not one of this account's: check TWILIO_API_KEY and TWILIO_ACCOUNT_SID (Console > Account > API keys & tokens)."
            }
            Action::FetchDialingPermissions(_) => "Check the country code.",
            Action::Sip(_) => {
                "Run `c2c configure --sip` again: it makes what is missing (Console > Voice > Manage > SIP domains shows what is there)."
            }
        }
    }
}

/// Twilio's error body.
#[derive(Debug, Default, Deserialize)]
pub struct TwilioError {
    #[serde(default)]
    pub code: Option<u32>,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub more_info: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    Refused(String),
    #[error(
        "Twilio could not be reached while {doing} ({why}). Check the network, or --api-base / C2C_TWILIO_API_BASE if you set it."
    )]
    Unreachable { doing: String, why: String },
    #[error(
        "Twilio did not answer within {secs} s while {doing}. Try again; set C2C_TWILIO_TIMEOUT (seconds) for a slow network or proxy."
    )]
    Timeout { doing: String, secs: u64 },
    #[error("Twilio's answer to {doing} was not what c2c expected: {why}")]
    Unexpected { doing: String, why: String },
}

/// A single attempt's failure, before it is phrased for the user.
pub(super) enum Failure {
    Status(u16, Option<TwilioError>),
    Transport(reqwest::Error),
    Body(String),
}

impl Failure {
    pub(super) fn transient(&self) -> bool {
        match self {
            Failure::Status(status, _) => *status == 429 || *status >= 500,
            Failure::Transport(err) => err.is_connect() || err.is_request() && !err.is_timeout(),
            Failure::Body(_) => false,
        }
    }

    /// The failure phrased for the user: what c2c was doing, and what to do about it.
    pub(super) fn explain(
        self,
        action: &Action,
        account_sid: &str,
        credentials: &Credentials,
        timeout: Duration,
    ) -> ApiError {
        let doing = action.doing();
        match self {
            Failure::Transport(err) if err.is_timeout() => ApiError::Timeout {
                doing,
                secs: timeout.as_secs().max(1),
            },
            Failure::Transport(err) => ApiError::Unreachable {
                doing,
                why: root_cause(&err),
            },
            Failure::Body(why) => ApiError::Unexpected { doing, why },
            Failure::Status(status, body) => ApiError::Refused(refusal(
                action,
                account_sid,
                credentials,
                status,
                &body.unwrap_or_default(),
            )),
        }
    }
}

fn refusal(
    action: &Action,
    account_sid: &str,
    credentials: &Credentials,
    status: u16,
    body: &TwilioError,
) -> String {
    let doing = action.doing();
    let code = body.code.map_or(String::new(), |c| format!(", error {c}"));
    let said = match body.message.trim() {
        "" => String::new(),
        message => format!(": {message}"),
    };
    match (body.code, status) {
        (Some(20003), _) | (None, 401) => format!(
            "Twilio refused the credentials while {doing} ({status}{code}). Check {}.",
            credentials.settings()
        ),
        (Some(20404), _) | (None, 404) => format!(
            "Twilio found nothing while {doing} in the account {} ({status}{code}). {}",
            account_sid,
            action.not_found_fix()
        ),
        (Some(21210 | 13214 | 21212), _) => format!(
            "Twilio refused the caller ID while {doing} ({status}{code}{said}). Use one of your Twilio numbers, or verify the number in the Console under Phone Numbers > Verified Caller IDs."
        ),
        (_, 429) => format!(
            "Twilio kept answering 429 (too many requests) while {doing}, after {RETRIES} retries. Wait a minute and try again."
        ),
        (_, 500..) => format!(
            "Twilio kept failing ({status}) while {doing}, after {RETRIES} retries. Try again later; status.twilio.com says whether Twilio is down."
        ),
        _ => {
            let more = body
                .more_info
                .as_deref()
                .map_or(String::new(), |url| format!(" See {url}."));
            format!("Twilio refused {doing} ({status}{code}{said}).{more}")
        }
    }
}

/// The innermost cause of a transport error: "Connection refused", not "error sending request".
pub fn root_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = err;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}
