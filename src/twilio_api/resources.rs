//! The REST resources c2c reads and writes, as it needs them.

use serde::{Deserialize, Serialize};

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

    pub(super) fn form(&self) -> [(&'static str, &str); 4] {
        [
            ("VoiceUrl", &self.voice_url),
            ("VoiceMethod", &self.voice_method),
            ("StatusCallback", &self.status_callback),
            ("StatusCallbackMethod", &self.status_callback_method),
        ]
    }
}

#[derive(Debug, Clone, Deserialize)]
pub(super) struct RawApplication {
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
    #[serde(default)]
    pub capabilities: Capabilities,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Capabilities {
    #[serde(default)]
    pub voice: bool,
}

#[derive(Deserialize)]
pub(super) struct NumberPage {
    pub(super) incoming_phone_numbers: Vec<IncomingNumber>,
}
