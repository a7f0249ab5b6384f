//! How each recent call ended, as c2c learnt it: the page's SDK only sees its own call end, so
//! the reason (a number the dial policy refused, Twilio's request refused for its signature, the
//! far end busy or not answering) is kept here by CallSid for the page to ask `/calls/CA…`.
//!
//! Bounded in count and age: the public side can reach the webhooks that write here, so a flood
//! can only push out older entries, never grow memory.

use std::collections::VecDeque;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde::Serialize;

const CAPACITY: usize = 256;
const KEPT_FOR: Duration = Duration::from_secs(10 * 60);

/// What the page shows when a call ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    /// `refused`, `rejected-webhook`, or Twilio's `DialCallStatus`: `completed`, `busy`,
    /// `no-answer`, `failed`, `canceled`.
    pub outcome: String,
    /// c2c's words for the user, when it knows more than the status says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Seconds the far end was connected (`DialCallDuration`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration: Option<u64>,
}

impl Outcome {
    /// An outcome c2c decided, in its own words.
    pub fn explained(outcome: &str, message: &str) -> Self {
        Outcome {
            outcome: outcome.to_owned(),
            message: Some(message.to_owned()),
            duration: None,
        }
    }
}

#[derive(Default)]
pub struct Outcomes {
    recent: Mutex<VecDeque<(Instant, String, Outcome)>>,
}

/// A CallSid as Twilio writes them; anything else is not kept.
pub fn is_call_sid(text: &str) -> bool {
    text.len() == 34 && text.starts_with("CA") && text[2..].bytes().all(|b| b.is_ascii_hexdigit())
}

impl Outcomes {
    pub fn record(&self, call_sid: &str, outcome: Outcome, now: Instant) {
        if !is_call_sid(call_sid) {
            return;
        }
        let mut recent = self.recent.lock().unwrap_or_else(PoisonError::into_inner);
        recent.retain(|(at, sid, _)| sid != call_sid && now.duration_since(*at) < KEPT_FOR);
        if recent.len() == CAPACITY {
            recent.pop_front();
        }
        recent.push_back((now, call_sid.to_owned(), outcome));
    }

    pub fn get(&self, call_sid: &str, now: Instant) -> Option<Outcome> {
        let recent = self.recent.lock().unwrap_or_else(PoisonError::into_inner);
        recent
            .iter()
            .rev()
            .find(|(at, sid, _)| sid == call_sid && now.duration_since(*at) < KEPT_FOR)
            .map(|(_, _, outcome)| outcome.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SID: &str = "CA0123456789abcdef0123456789abcdef";

    fn busy() -> Outcome {
        Outcome {
            outcome: "busy".into(),
            message: None,
            duration: None,
        }
    }

    #[test]
    fn kept_by_call_sid_for_ten_minutes() {
        let outcomes = Outcomes::default();
        let start = Instant::now();
        outcomes.record(SID, busy(), start);
        assert_eq!(outcomes.get(SID, start), Some(busy()));
        assert_eq!(outcomes.get(SID, start + KEPT_FOR), None);
        assert_eq!(outcomes.get("CA0", start), None);
    }

    #[test]
    fn the_latest_word_wins_and_only_call_sids_are_kept() {
        let outcomes = Outcomes::default();
        let now = Instant::now();
        outcomes.record(SID, busy(), now);
        let refused = Outcome::explained("refused", "why");
        outcomes.record(SID, refused.clone(), now);
        assert_eq!(outcomes.get(SID, now), Some(refused));
        outcomes.record("CA<script>", busy(), now);
        assert_eq!(outcomes.recent.lock().unwrap().len(), 1);
    }

    #[test]
    fn a_flood_pushes_out_the_oldest_and_never_grows() {
        let outcomes = Outcomes::default();
        let now = Instant::now();
        outcomes.record(SID, busy(), now);
        for i in 0..CAPACITY {
            outcomes.record(&format!("CA{i:032x}"), busy(), now);
        }
        assert_eq!(outcomes.get(SID, now), None);
        assert_eq!(outcomes.recent.lock().unwrap().len(), CAPACITY);
    }
}
