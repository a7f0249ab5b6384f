//! The mock's SIP resources (2010-04-01 `SIP/…`), as Twilio's OpenAPI description lists them:
//! Credential Lists and their credentials (a password is taken, checked by Twilio's rules and
//! never returned), Domains (`….sip.twilio.com`, names unique) and the Credential Lists mapped to
//! a Domain's calls.

use serde_json::{Value, json};

use crate::fixtures::ACCOUNT_SID;

#[derive(Default)]
pub struct Sip {
    pub lists: Vec<Value>,
    /// (list SID, the credential as Twilio shows it, its password).
    pub credentials: Vec<(String, Value, String)>,
    pub domains: Vec<Value>,
    /// (Domain SID, Credential List SID).
    pub mappings: Vec<(String, String)>,
}

fn field<'a>(form: &'a [(String, String)], name: &str) -> Option<&'a str> {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn sid(prefix: &str, n: usize) -> String {
    format!("{prefix}{n:032x}")
}

impl Sip {
    /// The answer (status, body) to a request under `SIP/`, or `None` for another path.
    pub fn answer(
        &mut self,
        method: &str,
        rest: &str,
        form: &[(String, String)],
    ) -> Option<(u16, Value)> {
        let path = rest.strip_prefix("SIP/")?.strip_suffix(".json")?;
        let parts: Vec<&str> = path.split('/').collect();
        let missing = (
            404,
            json!({"code": 20404, "message": "The requested resource was not found", "status": 404}),
        );
        let invalid = |message: &str| {
            (
                400,
                json!({"code": 21200, "message": message, "status": 400}),
            )
        };
        Some(match (method, parts.as_slice()) {
            ("GET", ["CredentialLists"]) => {
                (200, json!({"credential_lists": self.lists, "page": 0}))
            }
            ("POST", ["CredentialLists"]) => {
                let Some(name) = field(form, "FriendlyName") else {
                    return Some(invalid("FriendlyName is required"));
                };
                let list = json!({"sid": sid("CL", self.lists.len() + 1), "account_sid": ACCOUNT_SID, "friendly_name": name});
                self.lists.push(list.clone());
                (201, list)
            }
            ("GET", ["CredentialLists", list, "Credentials"]) => {
                if !self.lists.iter().any(|l| l["sid"] == *list) {
                    return Some(missing);
                }
                let shown: Vec<&Value> = self
                    .credentials
                    .iter()
                    .filter(|(l, _, _)| l == list)
                    .map(|(_, c, _)| c)
                    .collect();
                (200, json!({"credentials": shown, "page": 0}))
            }
            ("POST", ["CredentialLists", list, "Credentials"]) => {
                if !self.lists.iter().any(|l| l["sid"] == *list) {
                    return Some(missing);
                }
                let (Some(username), Some(password)) =
                    (field(form, "Username"), field(form, "Password"))
                else {
                    return Some(invalid("Username and Password are required"));
                };
                if !strong(password) {
                    return Some(invalid(
                        "Password must be at least 12 characters, with a digit and mixed case",
                    ));
                }
                if self
                    .credentials
                    .iter()
                    .any(|(l, c, _)| l == list && c["username"] == username)
                {
                    return Some(invalid("Username already exists in this list"));
                }
                let credential = json!({"sid": sid("CR", self.credentials.len() + 1), "credential_list_sid": list, "username": username});
                self.credentials.push((
                    (*list).to_owned(),
                    credential.clone(),
                    password.to_owned(),
                ));
                (201, credential)
            }
            ("POST", ["CredentialLists", list, "Credentials", credential]) => {
                let Some(password) = field(form, "Password") else {
                    return Some((200, json!({})));
                };
                if !strong(password) {
                    return Some(invalid(
                        "Password must be at least 12 characters, with a digit and mixed case",
                    ));
                }
                let Some(found) = self
                    .credentials
                    .iter_mut()
                    .find(|(l, c, _)| l == list && c["sid"] == *credential)
                else {
                    return Some(missing);
                };
                found.2 = password.to_owned();
                (200, found.1.clone())
            }
            ("GET", ["Domains"]) => (200, json!({"domains": self.domains, "page": 0})),
            ("POST", ["Domains"]) => {
                let Some(name) = field(form, "DomainName") else {
                    return Some(invalid("DomainName is required"));
                };
                if !name.ends_with(".sip.twilio.com")
                    || self.domains.iter().any(|d| d["domain_name"] == name)
                {
                    return Some(invalid("DomainName is taken or not a sip.twilio.com name"));
                }
                let domain = json!({
                    "sid": sid("SD", self.domains.len() + 1), "account_sid": ACCOUNT_SID,
                    "domain_name": name, "friendly_name": field(form, "FriendlyName"),
                    "voice_url": field(form, "VoiceUrl"), "voice_method": field(form, "VoiceMethod").unwrap_or("POST"),
                    "secure": false, "sip_registration": false,
                });
                self.domains.push(domain.clone());
                (201, domain)
            }
            ("POST", ["Domains", domain]) => {
                let Some(found) = self.domains.iter_mut().find(|d| d["sid"] == *domain) else {
                    return Some(missing);
                };
                if let Some(url) = field(form, "VoiceUrl") {
                    found["voice_url"] = json!(url);
                }
                (200, found.clone())
            }
            ("GET", ["Domains", domain, "Auth", "Calls", "CredentialListMappings"]) => {
                let shown: Vec<Value> = self
                    .mappings
                    .iter()
                    .filter(|(d, _)| d == domain)
                    .map(|(_, list)| json!({"sid": list, "friendly_name": "c2c"}))
                    .collect();
                (200, json!({"contents": shown, "page": 0}))
            }
            ("POST", ["Domains", domain, "Auth", "Calls", "CredentialListMappings"]) => {
                let Some(list) = field(form, "CredentialListSid") else {
                    return Some(invalid("CredentialListSid is required"));
                };
                if !self.domains.iter().any(|d| d["sid"] == *domain)
                    || !self.lists.iter().any(|l| l["sid"] == list)
                {
                    return Some(missing);
                }
                self.mappings.push(((*domain).to_owned(), list.to_owned()));
                (201, json!({"sid": list, "friendly_name": "c2c"}))
            }
            _ => missing,
        })
    }
}

fn strong(password: &str) -> bool {
    password.len() >= 12
        && password.chars().any(|c| c.is_ascii_uppercase())
        && password.chars().any(|c| c.is_ascii_lowercase())
        && password.chars().any(|c| c.is_ascii_digit())
}
