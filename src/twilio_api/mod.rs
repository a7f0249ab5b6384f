//! The Twilio REST calls c2c makes: TwiML Applications and incoming phone numbers (2010-04-01
//! API); the account, its keys, caller IDs, dialing permissions (voice v1) and alerts (monitor
//! v1) for `doctor`, in `account`; the SIP Domain and its credentials, in `sip`.
//!
//! Transient failures (429, 5xx, a dropped connection) are retried with bounded exponential
//! backoff; every call has a timeout; every error names what was being done and how to fix it.

use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};

mod account;
mod errors;
mod resources;
pub mod sip;

pub use account::{Account, Alert, DialingCountry};
pub use errors::{Action, ApiError, TwilioError, root_cause};
pub use resources::{Application, IncomingNumber, VoiceSettings};

use errors::Failure;
use resources::{NumberPage, RawApplication};

use crate::secret::Secret;

/// Per request, including the time to connect.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Retries after the first attempt, for 429 and 5xx answers and lost connections.
pub(crate) const RETRIES: usize = 3;

/// The base URLs of the three hosts c2c calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hosts {
    pub api: String,
    pub voice: String,
    pub monitor: String,
}

/// Twilio's hosts by its conventions: `{name}.{edge}.{region}.twilio.com` when an edge is set
/// (the region defaulting to us1), `{name}.{region}.twilio.com` for a region alone. `api_base`
/// (`--api-base`, for proxies and tests) stands for all three: their paths do not overlap.
pub fn hosts(api_base: Option<&str>, region: Option<&str>, edge: Option<&str>) -> Hosts {
    let host = |name: &str| {
        if let Some(base) = api_base {
            return base.trim_end_matches('/').to_owned();
        }
        match (region, edge) {
            (region, Some(edge)) => {
                format!(
                    "https://{name}.{edge}.{}.twilio.com",
                    region.unwrap_or("us1")
                )
            }
            (Some(region), None) => format!("https://{name}.{region}.twilio.com"),
            (None, None) => format!("https://{name}.twilio.com"),
        }
    };
    Hosts {
        api: host("api"),
        voice: host("voice"),
        monitor: host("monitor"),
    }
}

/// Which credentials sign the requests: an API Key is preferred, the Auth Token also works.
#[derive(Clone)]
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
    hosts: Hosts,
    account_sid: String,
    credentials: Credentials,
    timeout: Duration,
}

impl Client {
    pub fn new(
        hosts: Hosts,
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
            hosts,
            account_sid,
            credentials,
            timeout,
        })
    }

    fn url(&self, path: &str) -> String {
        format!(
            "{}/2010-04-01/Accounts/{}/{path}",
            self.hosts.api, self.account_sid
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

    /// One of the account's phone numbers; a refusal that says so when it has no such number.
    pub async fn number(&self, e164: &str) -> Result<IncomingNumber, ApiError> {
        let action = Action::FindNumber(e164.to_owned());
        self.find_number(e164).await?.ok_or_else(|| {
            ApiError::Refused(format!(
                "The account {} has no phone number {e164}. {}",
                self.account_sid,
                action.not_found_fix()
            ))
        })
    }

    /// The account's phone number `e164`, if it has it.
    pub async fn find_number(&self, e164: &str) -> Result<Option<IncomingNumber>, ApiError> {
        let action = Action::FindNumber(e164.to_owned());
        let page: NumberPage = self
            .call(&action, || {
                self.http
                    .get(self.url("IncomingPhoneNumbers.json"))
                    .query(&[("PhoneNumber", e164)])
            })
            .await?;
        Ok(page
            .incoming_phone_numbers
            .into_iter()
            .find(|number| number.phone_number == e164))
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
        B: Fn() -> reqwest::RequestBuilder + Sync,
    {
        self.send(action, build).await.map(|(answer, _)| answer)
    }

    /// `call`, with the answer's `Date` header.
    async fn send<T, B>(&self, action: &Action, build: B) -> Result<(T, Option<String>), ApiError>
    where
        T: serde::de::DeserializeOwned,
        B: Fn() -> reqwest::RequestBuilder + Sync,
    {
        let (body, date) = self.fetch(action, &build).await?;
        serde_json::from_slice::<T>(&body)
            .map(|answer| (answer, date))
            .map_err(|err| {
                Failure::Body(err.to_string()).explain(
                    action,
                    &self.account_sid,
                    &self.credentials,
                    self.timeout,
                )
            })
    }

    /// The body of a successful answer to what `build` makes, and its `Date` header; transient
    /// failures retried. Not generic, so that the retrying is compiled once for every call
    /// (generic, each of c2c's REST calls had a copy of its own: 89 kB of the release binary).
    async fn fetch(
        &self,
        action: &Action,
        build: &(dyn Fn() -> reqwest::RequestBuilder + Sync),
    ) -> Result<(bytes::Bytes, Option<String>), ApiError> {
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
            let date = response
                .headers()
                .get(reqwest::header::DATE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let body = response.bytes().await.map_err(Failure::Transport)?;
            if (200..300).contains(&status) {
                Ok((body, date))
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
    fn hosts_follow_twilio_conventions() {
        assert_eq!(hosts(None, None, None).api, "https://api.twilio.com");
        assert_eq!(hosts(None, None, None).voice, "https://voice.twilio.com");
        assert_eq!(
            hosts(None, Some("ie1"), None).monitor,
            "https://monitor.ie1.twilio.com"
        );
        assert_eq!(
            hosts(None, None, Some("sydney")).api,
            "https://api.sydney.us1.twilio.com"
        );
        assert_eq!(
            hosts(None, Some("au1"), Some("sydney")).voice,
            "https://voice.sydney.au1.twilio.com"
        );
        let proxied = hosts(Some("http://127.0.0.1:4010/"), Some("au1"), None);
        assert_eq!(proxied.api, "http://127.0.0.1:4010");
        assert_eq!(proxied.monitor, "http://127.0.0.1:4010");
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
