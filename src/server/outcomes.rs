//! How each recent call ended, as c2c learnt it: the page's SDK only sees its own call end, so
//! the reason (a number the dial policy refused, Twilio's request refused for its signature, the
//! far end busy or not answering) is kept here by CallSid for the page to ask `/calls/CA…`.
//!
//! Bounded in count and age. Only a request c2c verified (Twilio's signature, or a local
//! client) writes an outcome. A refused request that claimed to be Twilio's may be the user's own
//! call refused for a wrong Auth Token, which the page should explain; but anyone can send one,
//! so such notes go to a store of their own, smaller and rate-limited, that never replaces or
//! evicts what a verified request said.

use std::collections::VecDeque;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

pub use crate::outcome::{CallOutcome as Outcome, OutcomeKind};
use crate::sid::is_call_sid;

/// Enough for a suite's calls at once through the SIP leg (hundreds), each a few hundred bytes.
const CAPACITY: usize = 4096;
const KEPT_FOR: Duration = Duration::from_secs(10 * 60);

/// How many refusal notes are kept, and how many may be written a minute.
const REFUSAL_CAPACITY: usize = 32;
const REFUSALS_PER_MINUTE: u32 = 30;

#[derive(Default)]
pub struct Outcomes {
    /// SIP calls' CallSids by their SIP Call-ID, as Twilio's verified `/voice` gave them: the SIP
    /// leg knows its call only by the Call-ID it chose.
    sip_calls: Mutex<VecDeque<(Instant, String, String)>>,
    verified: Recent,
    refused: Recent,
    /// When the current minute of refusal notes began, and how many it wrote.
    refusal_window: Mutex<Option<(Instant, u32)>>,
}

/// Outcomes by CallSid, oldest first.
#[derive(Default)]
struct Recent(Mutex<VecDeque<(Instant, String, Outcome)>>);

impl Recent {
    fn record(&self, call_sid: &str, outcome: Outcome, now: Instant, capacity: usize) {
        let mut recent = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        recent.retain(|(at, sid, _)| sid != call_sid && now.duration_since(*at) < KEPT_FOR);
        if recent.len() >= capacity {
            recent.pop_front();
        }
        recent.push_back((now, call_sid.to_owned(), outcome));
    }

    fn get(&self, call_sid: &str, now: Instant) -> Option<Outcome> {
        let recent = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        recent
            .iter()
            .rev()
            .find(|(at, sid, _)| sid == call_sid && now.duration_since(*at) < KEPT_FOR)
            .map(|(_, _, outcome)| outcome.clone())
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.0.lock().unwrap().len()
    }
}

impl Outcomes {
    /// What a verified request (Twilio's, signed, or a local client's) says of a call.
    pub fn record(&self, call_sid: &str, outcome: Outcome, now: Instant) {
        if is_call_sid(call_sid) {
            self.verified.record(call_sid, outcome, now, CAPACITY);
        }
    }

    /// A refused request's note on a call, kept apart (see the module's comment); `false` when
    /// it was not kept (not a CallSid, or too many notes this minute).
    pub fn note_refusal(&self, call_sid: &str, outcome: Outcome, now: Instant) -> bool {
        if !is_call_sid(call_sid) || !self.admit_refusal(now) {
            return false;
        }
        self.refused
            .record(call_sid, outcome, now, REFUSAL_CAPACITY);
        true
    }

    fn admit_refusal(&self, now: Instant) -> bool {
        let mut window = self
            .refusal_window
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        match &mut *window {
            Some((started, count)) if now.duration_since(*started) < Duration::from_secs(60) => {
                *count += 1;
                *count <= REFUSALS_PER_MINUTE
            }
            _ => {
                *window = Some((now, 1));
                true
            }
        }
    }

    /// A verified `/voice` request named `call_sid` for SIP Call-ID `sip_call_id`.
    pub fn name_sip_call(&self, sip_call_id: &str, call_sid: &str, now: Instant) {
        // c2c's own Call-IDs are 32 hex digits; longer ones are not kept.
        if !is_call_sid(call_sid) || sip_call_id.is_empty() || sip_call_id.len() > 128 {
            return;
        }
        let mut named = self
            .sip_calls
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        named.retain(|(at, id, _)| id != sip_call_id && now.duration_since(*at) < KEPT_FOR);
        if named.len() >= CAPACITY {
            named.pop_front();
        }
        named.push_back((now, sip_call_id.to_owned(), call_sid.to_owned()));
    }

    /// The CallSid of the SIP call whose Call-ID is `sip_call_id`, when Twilio's `/voice` said it.
    pub fn sip_call(&self, sip_call_id: &str, now: Instant) -> Option<String> {
        let named = self
            .sip_calls
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        named
            .iter()
            .rev()
            .find(|(at, id, _)| id == sip_call_id && now.duration_since(*at) < KEPT_FOR)
            .map(|(_, _, sid)| sid.clone())
    }

    /// What a verified request said of the call, else a refusal's note.
    pub fn get(&self, call_sid: &str, now: Instant) -> Option<Outcome> {
        self.verified
            .get(call_sid, now)
            .or_else(|| self.refused.get(call_sid, now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SID: &str = "CA0123456789abcdef0123456789abcdef";

    fn busy() -> Outcome {
        Outcome {
            outcome: OutcomeKind::Busy,
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
        let refused = Outcome::explained(OutcomeKind::Refused, "why");
        outcomes.record(SID, refused.clone(), now);
        assert_eq!(outcomes.get(SID, now), Some(refused));
        outcomes.record("CA<script>", busy(), now);
        assert_eq!(outcomes.verified.len(), 1);
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
        assert_eq!(outcomes.verified.len(), CAPACITY);
    }

    #[test]
    fn a_refusal_never_replaces_or_evicts_a_verified_outcome() {
        let outcomes = Outcomes::default();
        let now = Instant::now();
        outcomes.record(SID, busy(), now);
        let forged = Outcome::explained(OutcomeKind::RejectedWebhook, "forged");
        assert!(outcomes.note_refusal(SID, forged.clone(), now));
        assert_eq!(outcomes.get(SID, now), Some(busy()), "not replaced");
        for i in 0..1000 {
            outcomes.note_refusal(&format!("CA{i:032x}"), forged.clone(), now);
        }
        assert_eq!(outcomes.get(SID, now), Some(busy()), "not evicted");
        assert!(outcomes.refused.len() <= REFUSAL_CAPACITY);
    }

    #[test]
    fn refusal_notes_are_shown_when_nothing_verified_says_more_and_are_rate_limited() {
        let outcomes = Outcomes::default();
        let now = Instant::now();
        let note = Outcome::explained(OutcomeKind::RejectedWebhook, "wrong Auth Token");
        assert!(outcomes.note_refusal(SID, note.clone(), now));
        assert_eq!(outcomes.get(SID, now), Some(note.clone()));
        let kept = (0..100)
            .filter(|i| outcomes.note_refusal(&format!("CA{i:032x}"), note.clone(), now))
            .count();
        assert_eq!(kept, REFUSALS_PER_MINUTE as usize - 1);
        let later = now + Duration::from_secs(61);
        assert!(outcomes.note_refusal(SID, note, later), "a new minute");
    }
}
