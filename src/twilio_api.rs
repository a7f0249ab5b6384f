//! The Twilio REST calls c2c makes: TwiML Applications and incoming phone numbers, 2010-04-01 API.
//!
//! Transient failures (429, 5xx, a dropped connection) are retried with bounded exponential
//! backoff; every call has a timeout; every error names what was being done and how to fix it.

use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};
use serde::{Deserialize, Serialize};

use crate::secret::Secret;

const DEFAULT_BASE: &str = "https://api.twilio.com";
/// Per request, including the time to connect.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Retries after the first attempt, for 429 and 5xx answers and lost connections.
const RETRIES: usize = 3;

/// The REST API's base URL, by Twilio's conventions: `api.{edge}.{region}.twilio.com` when an
/// edge is set (the region defaulting to us1), `api.{region}.twilio.com` for a region alone.
/// `api_base` (`--api-base`) overrides both.
pub fn base_url(api_base: Option<&str>, region: Option<&str>, edge: Option<&str>) -> String {
    if let Some(base) = api_base {
        return base.trim_end_matches('/').to_owned();
    }
    match (region, edge) {
        (region, Some(edge)) => {
            format!("https://api.{edge}.{}.twilio.com", region.unwrap_or("us1"))
        }
        (Some(region), None) => format!("https://api.{region}.twilio.com"),
        (None, None) => DEFAULT_BASE.to_owned(),
    }
}

/// Which credentials sign the requests: an API Key is preferred, the Auth Token also works.
pub enum Credentials {
    ApiKey { sid: String, secret: Secret },
    AuthToken(Secret),
}

impl Credentials {
    /// The settings to check when Twilio refuses these credentials.
    fn settings(&self) -> &'static str {
        match self {
            Credentials::ApiKey { .. } => {
                "TWILIO_API_KEY and TWILIO_API_SECRET (an API Key of the account TWILIO_ACCOUNT_SID names)"
            }
            Credentials::AuthToken(_) => "TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN",
        }
    }
}

/// A TwiML App's voice settings: what c2c changes, and puts back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoiceSettings {
    pub voice_url: String,
    pub voice_method: String,
    pub status_callback: String,
    pub status_callback_method: String,
}

impl VoiceSettings {
    /// Calls to `voice_url`, call progress to `status_callback` (empty: none), both POSTed.
    pub fn posting_to(voice_url: &str, status_callback: &str) -> Self {
        VoiceSettings {
            voice_url: voice_url.to_owned(),
            voice_method: "POST".to_owned(),
            status_callback: status_callback.to_owned(),
            status_callback_method: "POST".to_owned(),
        }
    }

    /// These settings with calls POSTed to `voice_url` instead.
    pub fn calling(&self, voice_url: &str) -> Self {
        VoiceSettings {
            voice_url: voice_url.to_owned(),
            voice_method: "POST".to_owned(),
            ..self.clone()
        }
    }

    fn form(&self) -> [(&'static str, &str); 4] {
        [
            ("VoiceUrl", &self.voice_url),
            ("VoiceMethod", &self.voice_method),
            ("StatusCallback", &self.status_callback),
            ("StatusCallbackMethod", &self.status_callback_method),
        ]
    }
}

#[derive(Debug, Clone, Deserialize)]
struct RawApplication {
    sid: String,
    #[serde(default)]
    friendly_name: Option<String>,
    #[serde(default)]
    voice_url: Option<String>,
    #[serde(default)]
    voice_method: Option<String>,
    #[serde(default)]
    status_callback: Option<String>,
    #[serde(default)]
    status_callback_method: Option<String>,
}

/// A TwiML Application, as c2c needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Application {
    pub sid: String,
    pub friendly_name: String,
    #[serde(flatten)]
    pub voice: VoiceSettings,
}

impl From<RawApplication> for Application {
    fn from(raw: RawApplication) -> Self {
        Application {
            sid: raw.sid,
            friendly_name: raw.friendly_name.unwrap_or_default(),
            voice: VoiceSettings {
                voice_url: raw.voice_url.unwrap_or_default(),
                voice_method: raw.voice_method.unwrap_or_else(|| "POST".to_owned()),
                status_callback: raw.status_callback.unwrap_or_default(),
                status_callback_method: raw
                    .status_callback_method
                    .unwrap_or_else(|| "POST".to_owned()),
            },
        }
    }
}

/// One of the account's phone numbers.
#[derive(Debug, Clone, Deserialize)]
pub struct IncomingNumber {
    pub sid: String,
    pub phone_number: String,
    #[serde(default)]
    pub voice_application_sid: Option<String>,
}

#[derive(Deserialize)]
struct NumberPage {
    incoming_phone_numbers: Vec<IncomingNumber>,
}

/// What a call was for, so that its error can say so.
#[derive(Debug)]
pub enum Action {
    FetchApp(String),
    UpdateApp(String),
    CreateApp(String),
    FindNumber(String),
    AttachNumber(String),
}

impl Action {
    fn doing(&self) -> String {
        match self {
            Action::FetchApp(sid) => format!("reading the TwiML App {sid}"),
            Action::UpdateApp(sid) => format!("changing the TwiML App {sid}"),
            Action::CreateApp(name) => format!("creating the TwiML App {name:?}"),
            Action::FindNumber(number) => format!("looking up the phone number {number}"),
            Action::AttachNumber(number) => {
                format!("pointing the phone number {number} at the app")
            }
        }
    }

    fn not_found_fix(&self) -> &'static str {
        match self {
            Action::FetchApp(_) | Action::UpdateApp(_) => {
                "Check TWILIO_TWIML_APP_SID (Console > Voice > TwiML Apps), or create an app with `c2c configure --create NAME`."
            }
            Action::FindNumber(_) | Action::AttachNumber(_) => {
                "Check the number: it must be one of this account's numbers (Console > Phone Numbers > Active numbers), in E.164 form."
            }
            Action::CreateApp(_) => "Check TWILIO_ACCOUNT_SID.",
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
enum Failure {
    Status(u16, Option<TwilioError>),
    Transport(reqwest::Error),
    Body(String),
}

impl Failure {
    fn transient(&self) -> bool {
        match self {
            Failure::Status(status, _) => *status == 429 || *status >= 500,
            Failure::Transport(err) => err.is_connect() || err.is_request() && !err.is_timeout(),
            Failure::Body(_) => false,
        }
    }
}

pub struct Client {
    http: reqwest::Client,
    base: String,
    account_sid: String,
    credentials: Credentials,
    timeout: Duration,
}

impl Client {
    pub fn new(
        base: String,
        account_sid: String,
        credentials: Credentials,
        timeout: Duration,
    ) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .user_agent(concat!("c2c/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(CONNECT_TIMEOUT.min(timeout))
            .timeout(timeout)
            .build()?;
        Ok(Client {
            http,
            base,
            account_sid,
            credentials,
            timeout,
        })
    }

    pub fn account_sid(&self) -> &str {
        &self.account_sid
    }

    fn url(&self, path: &str) -> String {
        format!(
            "{}/2010-04-01/Accounts/{}/{path}",
            self.base, self.account_sid
        )
    }

    pub async fn application(&self, sid: &str) -> Result<Application, ApiError> {
        let action = Action::FetchApp(sid.to_owned());
        let raw: RawApplication = self
            .call(&action, || {
                self.http.get(self.url(&format!("Applications/{sid}.json")))
            })
            .await?;
        Ok(raw.into())
    }

    pub async fn update_voice(
        &self,
        sid: &str,
        voice: &VoiceSettings,
    ) -> Result<Application, ApiError> {
        let action = Action::UpdateApp(sid.to_owned());
        let raw: RawApplication = self
            .call(&action, || {
                self.http
                    .post(self.url(&format!("Applications/{sid}.json")))
                    .form(&voice.form())
            })
            .await?;
        Ok(raw.into())
    }

    pub async fn create_application(
        &self,
        name: &str,
        voice: Option<&VoiceSettings>,
    ) -> Result<Application, ApiError> {
        let action = Action::CreateApp(name.to_owned());
        let raw: RawApplication = self
            .call(&action, || {
                let mut form = vec![("FriendlyName", name)];
                if let Some(voice) = voice {
                    form.extend(voice.form().into_iter().filter(|(_, v)| !v.is_empty()));
                }
                self.http.post(self.url("Applications.json")).form(&form)
            })
            .await?;
        Ok(raw.into())
    }

    pub async fn number(&self, e164: &str) -> Result<IncomingNumber, ApiError> {
        let action = Action::FindNumber(e164.to_owned());
        let page: NumberPage = self
            .call(&action, || {
                self.http
                    .get(self.url("IncomingPhoneNumbers.json"))
                    .query(&[("PhoneNumber", e164)])
            })
            .await?;
        page.incoming_phone_numbers
            .into_iter()
            .find(|number| number.phone_number == e164)
            .ok_or_else(|| {
                ApiError::Refused(format!(
                    "The account {} has no phone number {e164}. {}",
                    self.account_sid,
                    action.not_found_fix()
                ))
            })
    }

    pub async fn attach_number(
        &self,
        number: &IncomingNumber,
        app_sid: &str,
    ) -> Result<IncomingNumber, ApiError> {
        let action = Action::AttachNumber(number.phone_number.clone());
        self.call(&action, || {
            self.http
                .post(self.url(&format!("IncomingPhoneNumbers/{}.json", number.sid)))
                .form(&[("VoiceApplicationSid", app_sid)])
        })
        .await
    }

    /// Sends the request `build` makes, retrying transient failures, and decodes the answer.
    async fn call<T, B>(&self, action: &Action, build: B) -> Result<T, ApiError>
    where
        T: serde::de::DeserializeOwned,
        B: Fn() -> reqwest::RequestBuilder,
    {
        let attempt = || async {
            let request = match &self.credentials {
                Credentials::ApiKey { sid, secret } => {
                    build().basic_auth(sid, Some(secret.expose()))
                }
                Credentials::AuthToken(token) => {
                    build().basic_auth(&self.account_sid, Some(token.expose()))
                }
            };
            let response = request.send().await.map_err(Failure::Transport)?;
            let status = response.status().as_u16();
            let body = response.bytes().await.map_err(Failure::Transport)?;
            if (200..300).contains(&status) {
                serde_json::from_slice::<T>(&body).map_err(|err| Failure::Body(err.to_string()))
            } else {
                Err(Failure::Status(status, serde_json::from_slice(&body).ok()))
            }
        };
        let backoff = ExponentialBuilder::default()
            .with_min_delay(Duration::from_millis(200))
            .with_max_delay(Duration::from_secs(2))
            .with_max_times(RETRIES)
            .with_jitter();
        attempt
            .retry(backoff)
            .when(Failure::transient)
            .notify(|failure, wait| {
                let what = match failure {
                    Failure::Status(status, _) => format!("answered {status}"),
                    _ => "could not be reached".to_owned(),
                };
                tracing::warn!(
                    "Twilio {what} while {}; trying again in {wait:.1?}",
                    action.doing()
                );
            })
            .await
            .map_err(|failure| self.explain(action, failure))
    }

    fn explain(&self, action: &Action, failure: Failure) -> ApiError {
        let doing = action.doing();
        match failure {
            Failure::Transport(err) if err.is_timeout() => ApiError::Timeout {
                doing,
                secs: self.timeout.as_secs().max(1),
            },
            Failure::Transport(err) => ApiError::Unreachable {
                doing,
                why: root_cause(&err),
            },
            Failure::Body(why) => ApiError::Unexpected { doing, why },
            Failure::Status(status, body) => {
                ApiError::Refused(self.refusal(action, status, &body.unwrap_or_default()))
            }
        }
    }

    fn refusal(&self, action: &Action, status: u16, body: &TwilioError) -> String {
        let doing = action.doing();
        let code = body.code.map_or(String::new(), |c| format!(", error {c}"));
        let said = match body.message.trim() {
            "" => String::new(),
            message => format!(": {message}"),
        };
        match (body.code, status) {
            (Some(20003), _) | (None, 401) => format!(
                "Twilio refused the credentials while {doing} ({status}{code}). Check {}.",
                self.credentials.settings()
            ),
            (Some(20404), _) | (None, 404) => format!(
                "Twilio found nothing while {doing} in the account {} ({status}{code}). {}",
                self.account_sid,
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
}

/// The innermost cause of a transport error: "Connection refused", not "error sending request".
pub fn root_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = err;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_follows_twilio_conventions() {
        assert_eq!(base_url(None, None, None), "https://api.twilio.com");
        assert_eq!(
            base_url(None, Some("ie1"), None),
            "https://api.ie1.twilio.com"
        );
        assert_eq!(
            base_url(None, None, Some("sydney")),
            "https://api.sydney.us1.twilio.com"
        );
        assert_eq!(
            base_url(None, Some("au1"), Some("sydney")),
            "https://api.sydney.au1.twilio.com"
        );
        assert_eq!(
            base_url(Some("http://127.0.0.1:4010/"), Some("au1"), None),
            "http://127.0.0.1:4010"
        );
    }

    #[test]
    fn applications_without_voice_settings_read_as_empty_posts() {
        let raw: RawApplication = serde_json::from_str(
            r#"{"sid": "AP1", "friendly_name": "x", "voice_url": null, "voice_method": "GET"}"#,
        )
        .unwrap();
        let app = Application::from(raw);
        assert_eq!(app.voice.voice_url, "");
        assert_eq!(app.voice.voice_method, "GET");
        assert_eq!(app.voice.status_callback_method, "POST");
    }
}
