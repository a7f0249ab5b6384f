//! How a call ended, as c2c's server learns it (its own refusals, Twilio's `DialCallStatus`) and
//! tells the page (`GET /calls/CA…`), and as `c2c call` reads it back: one type, with the same
//! names in the server, in c2c call and in the page (`assets/phone/outcome.js`).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OutcomeKind {
    /// Twilio's `DialCallStatus` values.
    Completed,
    Busy,
    NoAnswer,
    Failed,
    Canceled,
    /// c2c's dial policy would not call the number.
    Refused,
    /// c2c refused Twilio's request for the call (its signature).
    RejectedWebhook,
}

impl OutcomeKind {
    /// Twilio's `DialCallStatus`, when it is one of its five.
    pub fn from_dial_status(status: &str) -> Option<Self> {
        match status {
            "completed" => Some(OutcomeKind::Completed),
            "busy" => Some(OutcomeKind::Busy),
            "no-answer" => Some(OutcomeKind::NoAnswer),
            "failed" => Some(OutcomeKind::Failed),
            "canceled" => Some(OutcomeKind::Canceled),
            _ => None,
        }
    }

    /// Whether the far end ever answered: Twilio may answer the browser's leg to speak a refusal
    /// or before it dials, which is no answer from the far end.
    pub fn far_end_answered(self) -> bool {
        self == OutcomeKind::Completed
    }
}

/// What the page (and c2c call) is told of a call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallOutcome {
    pub outcome: OutcomeKind,
    /// c2c's words for the user, when it knows more than the kind says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Seconds the far end was connected (`DialCallDuration`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<u64>,
}

impl CallOutcome {
    /// An outcome c2c decided, in its own words.
    pub fn explained(outcome: OutcomeKind, message: &str) -> Self {
        CallOutcome {
            outcome,
            message: Some(message.to_owned()),
            duration: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_names_are_the_pages_and_twilios() {
        let refused = CallOutcome::explained(OutcomeKind::RejectedWebhook, "why");
        let json = serde_json::to_string(&refused).unwrap();
        assert_eq!(json, r#"{"outcome":"rejected-webhook","message":"why"}"#);
        let busy: CallOutcome = serde_json::from_str(r#"{"outcome":"no-answer"}"#).unwrap();
        assert_eq!(busy.outcome, OutcomeKind::NoAnswer);
        for status in ["completed", "busy", "no-answer", "failed", "canceled"] {
            let kind = OutcomeKind::from_dial_status(status).unwrap();
            assert_eq!(serde_json::to_value(kind).unwrap(), status);
        }
        assert_eq!(OutcomeKind::from_dial_status("<b>won</b>"), None);
    }
}
