//! The SIP resources of the 2010-04-01 API that let c2c call through a SIP Domain: a Credential
//! List holding c2c's credential, the Domain whose `VoiceUrl` is c2c's `/voice`, and the mapping
//! that makes the Domain challenge calls against the list. Listed by name, so that
//! `c2c configure --sip` finds what an earlier run made rather than making it twice.

use serde::{Deserialize, Serialize};

use super::Client;
use super::errors::{Action, ApiError};

/// A Credential List (`CL…`).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
pub struct CredentialList {
    pub sid: String,
    #[serde(default)]
    pub friendly_name: String,
}

/// A credential of a list (`CR…`): its username; Twilio never returns the password.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
pub struct Credential {
    pub sid: String,
    pub username: String,
}

/// A SIP Domain (`SD…`).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
pub struct Domain {
    pub sid: String,
    pub domain_name: String,
    #[serde(default)]
    pub friendly_name: Option<String>,
    #[serde(default)]
    pub voice_url: Option<String>,
    #[serde(default)]
    pub secure: bool,
}

/// A Credential List mapped to a Domain's calls: its `sid` is the list's.
#[derive(Debug, Clone, Deserialize)]
pub struct Mapping {
    pub sid: String,
}

#[derive(Deserialize)]
struct Lists {
    credential_lists: Vec<CredentialList>,
}

#[derive(Deserialize)]
struct Credentials {
    credentials: Vec<Credential>,
}

#[derive(Deserialize)]
struct Domains {
    domains: Vec<Domain>,
}

#[derive(Deserialize)]
struct Mappings {
    contents: Vec<Mapping>,
}

/// Lists are read a page of this many: far more than an account holds of c2c's own.
const PAGE: &str = "1000";

impl Client {
    pub async fn credential_lists(&self) -> Result<Vec<CredentialList>, ApiError> {
        let action = Action::Sip("listing the SIP Credential Lists".to_owned());
        let page: Lists = self
            .call(&action, || {
                self.http
                    .get(self.url("SIP/CredentialLists.json"))
                    .query(&[("PageSize", PAGE)])
            })
            .await?;
        Ok(page.credential_lists)
    }

    pub async fn create_credential_list(&self, name: &str) -> Result<CredentialList, ApiError> {
        let action = Action::Sip(format!("creating the SIP Credential List {name:?}"));
        self.call(&action, || {
            self.http
                .post(self.url("SIP/CredentialLists.json"))
                .form(&[("FriendlyName", name)])
        })
        .await
    }

    pub async fn credentials(&self, list: &str) -> Result<Vec<Credential>, ApiError> {
        let action = Action::Sip(format!("listing the credentials of {list}"));
        let page: Credentials = self
            .call(&action, || {
                self.http
                    .get(self.url(&format!("SIP/CredentialLists/{list}/Credentials.json")))
                    .query(&[("PageSize", PAGE)])
            })
            .await?;
        Ok(page.credentials)
    }

    pub async fn create_credential(
        &self,
        list: &str,
        username: &str,
        password: &str,
    ) -> Result<Credential, ApiError> {
        let action = Action::Sip(format!("adding the credential {username:?} to {list}"));
        self.call(&action, || {
            self.http
                .post(self.url(&format!("SIP/CredentialLists/{list}/Credentials.json")))
                .form(&[("Username", username), ("Password", password)])
        })
        .await
    }

    /// Sets a credential's password: the one way to know it again, since Twilio never returns it.
    pub async fn set_password(
        &self,
        list: &str,
        credential: &Credential,
        password: &str,
    ) -> Result<Credential, ApiError> {
        let action = Action::Sip(format!(
            "setting a new password on the credential {:?} of {list}",
            credential.username
        ));
        self.call(&action, || {
            self.http
                .post(self.url(&format!(
                    "SIP/CredentialLists/{list}/Credentials/{}.json",
                    credential.sid
                )))
                .form(&[("Password", password)])
        })
        .await
    }

    pub async fn domains(&self) -> Result<Vec<Domain>, ApiError> {
        let action = Action::Sip("listing the SIP Domains".to_owned());
        let page: Domains = self
            .call(&action, || {
                self.http
                    .get(self.url("SIP/Domains.json"))
                    .query(&[("PageSize", PAGE)])
            })
            .await?;
        Ok(page.domains)
    }

    /// A Domain named `domain_name` (`….sip.twilio.com`), calls to it POSTed to `voice_url`
    /// when one is given.
    pub async fn create_domain(
        &self,
        domain_name: &str,
        friendly_name: &str,
        voice_url: Option<&str>,
    ) -> Result<Domain, ApiError> {
        let action = Action::Sip(format!("creating the SIP Domain {domain_name}"));
        self.call(&action, || {
            let mut form = vec![("DomainName", domain_name), ("FriendlyName", friendly_name)];
            if let Some(url) = voice_url {
                form.extend([("VoiceUrl", url), ("VoiceMethod", "POST")]);
            }
            self.http.post(self.url("SIP/Domains.json")).form(&form)
        })
        .await
    }

    /// Calls to the Domain POSTed to `voice_url`.
    pub async fn point_domain(&self, domain: &Domain, voice_url: &str) -> Result<Domain, ApiError> {
        self.set_domain_voice(&domain.sid, voice_url, "POST").await
    }

    /// Calls to the Domain `sid` sent to `voice_url` by `method` (an empty URL: nowhere).
    pub async fn set_domain_voice(
        &self,
        sid: &str,
        voice_url: &str,
        method: &str,
    ) -> Result<Domain, ApiError> {
        let action = Action::Sip(format!(
            "pointing the SIP Domain {sid} at {}",
            if voice_url.is_empty() {
                "nothing"
            } else {
                voice_url
            }
        ));
        self.call(&action, || {
            self.http
                .post(self.url(&format!("SIP/Domains/{sid}.json")))
                .form(&[("VoiceUrl", voice_url), ("VoiceMethod", method)])
        })
        .await
    }

    /// The Credential Lists a Domain challenges calls against.
    pub async fn call_mappings(&self, domain: &Domain) -> Result<Vec<Mapping>, ApiError> {
        let action = Action::Sip(format!(
            "listing the credential lists of {}'s calls",
            domain.domain_name
        ));
        let page: Mappings = self
            .call(&action, || {
                self.http
                    .get(self.url(&format!(
                        "SIP/Domains/{}/Auth/Calls/CredentialListMappings.json",
                        domain.sid
                    )))
                    .query(&[("PageSize", PAGE)])
            })
            .await?;
        Ok(page.contents)
    }

    pub async fn map_for_calls(&self, domain: &Domain, list: &str) -> Result<Mapping, ApiError> {
        let action = Action::Sip(format!(
            "making {} challenge calls against {list}",
            domain.domain_name
        ));
        self.call(&action, || {
            self.http
                .post(self.url(&format!(
                    "SIP/Domains/{}/Auth/Calls/CredentialListMappings.json",
                    domain.sid
                )))
                .form(&[("CredentialListSid", list)])
        })
        .await
    }
}
