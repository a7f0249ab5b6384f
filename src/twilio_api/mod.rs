//! The Twilio REST calls c2c makes: TwiML Applications and incoming phone numbers, 2010-04-01 API.
//!
//! Transient failures (429, 5xx, a dropped connection) are retried with bounded exponential
//! backoff; every call has a timeout; every error names what was being done and how to fix it.

use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};

mod errors;
mod resources;

pub use errors::{Action, ApiError, TwilioError, root_cause};
pub use resources::{Application, IncomingNumber, VoiceSettings};

use errors::Failure;
use resources::{NumberPage, RawApplication};

use crate::secret::Secret;

const DEFAULT_BASE: &str = "https://api.twilio.com";
/// Per request, including the time to connect.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Retries after the first attempt, for 429 and 5xx answers and lost connections.
pub(crate) const RETRIES: usize = 3;

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
    pub(crate) fn settings(&self) -> &'static str {
        match self {
            Credentials::ApiKey { .. } => {
                "TWILIO_API_KEY and TWILIO_API_SECRET (an API Key of the account TWILIO_ACCOUNT_SID names)"
            }
            Credentials::AuthToken(_) => "TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN",
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
                // Only with -v: the error that ends the retries says what happened, once.
                tracing::debug!(
                    "Twilio {what} while {}; trying again in {wait:.1?}",
                    action.doing()
                );
            })
            .await
            .map_err(|failure| {
                failure.explain(action, &self.account_sid, &self.credentials, self.timeout)
            })
    }
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
