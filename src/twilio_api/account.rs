//! What `c2c doctor` reads of the account: its status and type, its API Key, its verified caller
//! IDs, the voice dialing permissions of a country (voice v1), and its recent alerts (monitor v1).

use serde::Deserialize;

use super::{Action, ApiError, Client};

/// The account, as `doctor` needs it.
#[derive(Debug, Clone, Deserialize)]
pub struct Account {
    #[serde(default)]
    pub friendly_name: String,
    /// `active`, `suspended` or `closed`.
    #[serde(default)]
    pub status: String,
    /// `Trial` or `Full`.
    #[serde(rename = "type", default)]
    pub kind: String,
}

/// Whether calls to a country's numbers are allowed (Console > Voice > Settings > Geo
/// permissions). Twilio refuses a call to a country that is not with 13227 or 21215.
#[derive(Debug, Clone, Deserialize)]
pub struct DialingCountry {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub low_risk_numbers_enabled: bool,
}

/// An alert Twilio recorded, such as 11200 when it could not reach the webhook.
#[derive(Debug, Clone, Deserialize)]
pub struct Alert {
    #[serde(default)]
    pub error_code: String,
    #[serde(default)]
    pub date_created: String,
    #[serde(default)]
    pub more_info: String,
}

#[derive(Deserialize)]
struct CallerIds {
    outgoing_caller_ids: Vec<CallerId>,
}

#[derive(Deserialize)]
struct CallerId {
    phone_number: String,
}

#[derive(Deserialize)]
struct Alerts {
    alerts: Vec<Alert>,
}

#[derive(Deserialize)]
struct Ignored {}

impl Client {
    /// The account, and the `Date` of Twilio's answer (for the clock check).
    pub async fn account(&self) -> Result<(Account, Option<String>), ApiError> {
        let url = format!(
            "{}/2010-04-01/Accounts/{}.json",
            self.hosts.api, self.account_sid
        );
        self.send(&Action::FetchAccount, || self.http.get(&url))
            .await
    }

    /// `Ok` when `key_sid` is one of the account's API Keys.
    pub async fn key(&self, key_sid: &str) -> Result<(), ApiError> {
        let action = Action::FetchKey(key_sid.to_owned());
        let _: Ignored = self
            .call(&action, || {
                self.http.get(self.url(&format!("Keys/{key_sid}.json")))
            })
            .await?;
        Ok(())
    }

    /// The account's verified caller IDs (E.164); only `e164` when given.
    pub async fn verified_caller_ids(&self, e164: Option<&str>) -> Result<Vec<String>, ApiError> {
        let page: CallerIds = self
            .call(&Action::ListCallerIds, || {
                let request = self
                    .http
                    .get(self.url("OutgoingCallerIds.json"))
                    .query(&[("PageSize", "50")]);
                match e164 {
                    Some(number) => request.query(&[("PhoneNumber", number)]),
                    None => request,
                }
            })
            .await?;
        Ok(page
            .outgoing_caller_ids
            .into_iter()
            .map(|id| id.phone_number)
            .collect())
    }

    /// The voice dialing permissions for a country (ISO 3166 code, such as US).
    pub async fn dialing_permissions(&self, iso: &str) -> Result<DialingCountry, ApiError> {
        let url = format!("{}/v1/DialingPermissions/Countries/{iso}", self.hosts.voice);
        self.call(&Action::FetchDialingPermissions(iso.to_owned()), || {
            self.http.get(&url)
        })
        .await
    }

    /// The error-level alerts Twilio recorded since `since` (RFC 3339), newest first.
    pub async fn alerts(&self, since: &str) -> Result<Vec<Alert>, ApiError> {
        let url = format!("{}/v1/Alerts", self.hosts.monitor);
        let page: Alerts = self
            .call(&Action::ListAlerts, || {
                self.http.get(&url).query(&[
                    ("LogLevel", "error"),
                    ("StartDate", since),
                    ("PageSize", "20"),
                ])
            })
            .await?;
        Ok(page.alerts)
    }
}
