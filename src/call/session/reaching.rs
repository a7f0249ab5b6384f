//! Reaching the answer: from the page's first word until the far end answers, or the call is
//! given up on. Whose fault a silence is (Twilio out of reach, a stand-in that is down, c2c's
//! own page starved of CPU, nobody answering) is judged here, before any step runs.

use std::time::{Duration, Instant};

use super::{Ending, Session};
use crate::call::leg::Leg;
use crate::call::said::{Device, Phase};

/// How long c2c's page may take to say its first word (its token fetched, its Device made).
const PAGE_START: Duration = Duration::from_secs(15);
const UNREACHABLE: &str = "Twilio cannot be reached from here: the page's Voice SDK got no answer from Twilio's signalling. Check this machine's internet connection (or firewall).";

/// Why the page's SDK got no answer, in words that fit where it was sent: a `--signalling`
/// stand-in that is down or whose certificate Chromium does not trust is not the internet's fault.
pub(super) fn unreachable_words(signalling: Option<&str>) -> String {
    match signalling {
        None => UNREACHABLE.to_owned(),
        Some(address) => format!(
            "the page's Voice SDK got no answer from the signalling address {address} (--signalling): is it running there, and does Chromium trust its certificate? (--chrome-arg=--ignore-certificate-errors-spki-list=HASH trusts a test certificate)"
        ),
    }
}
/// The SDK's codes for Twilio out of reach (the page's errors.js lists the same).
pub(in crate::call) const UNREACHABLE_CODES: [u32; 4] = [31005, 31009, 53000, 53001];

impl<L: Leg> Session<'_, L> {
    /// Twilio is out of reach, as the page found or as c2c's own watchdog did.
    pub(super) fn unreachable(&mut self) {
        let words = match &self.plan.sip_domain {
            Some(domain) => format!(
                "the SIP Domain {domain} did not answer c2c's INVITE: check this machine's internet connection (or a firewall on the way to its SIP port: 5060, or 5061 for TLS)"
            ),
            None => unreachable_words(self.plan.signalling.as_deref()),
        };
        self.end(Ending::Unreachable(words));
    }

    /// Follows the call until it is answered or over.
    pub(super) async fn reach_the_answer(&mut self) {
        // Until the page starts the call (loading, its token, the SDK), nothing rings yet: the
        // no-answer timeout counts from then, with a minute's bound on getting there.
        let mut give_up = Instant::now() + Duration::from_secs(60) + self.plan.timeout;
        let page_started = Instant::now() + PAGE_START;
        let mut placed = false;
        while self.lived.answered_at.is_none() && !self.over() {
            // Twilio has `reach_twilio` of the page's running time: what a starved page lost
            // is added, and a page starved of more than all of it cannot judge Twilio at all.
            let lost = self.starving.lost();
            let reach_twilio = self.plan.started + self.plan.reach_twilio + lost;
            if !placed && self.phase == Some(Phase::Connecting) {
                placed = true;
                self.lived.placed_at = Some(Instant::now());
                give_up = Instant::now() + self.plan.timeout;
            }
            // The model loads while the call rings, not sooner: loading takes both cores for
            // half a second, which the browser and the SDK's invite need more. The answer (the
            // transcriber) waits for it if it must.
            if self.phase == Some(Phase::Ringing)
                && let Some(model) = &self.plan.speech
            {
                model.load_beside();
            }
            // Twilio has said something once the Device is ready or the call rings.
            let heard_from_twilio =
                self.device == Some(Device::Ready) || self.phase == Some(Phase::Ringing);
            if !heard_from_twilio && lost >= self.plan.reach_twilio {
                self.end(Ending::Starved(format!(
                    "inconclusive: c2c's page was starved of CPU for {:.1} s while it waited for Twilio's first word: this machine was overloaded, so whether Twilio can be reached is unknown{}; run the call again",
                    lost.as_secs_f64(),
                    crate::call::health::machine_pressure()
                )));
                break;
            }
            // Past the deadline, a page quiet past its heartbeat may be starved right now: its
            // next word says for how long, and moves the deadline.
            let past = !heard_from_twilio && Instant::now() >= reach_twilio;
            if past && self.phase.is_some() && !self.starving.silent(Instant::now()) {
                tracing::debug!(
                    "no word from Twilio {:.1} s after the start ({:.1} s of it starved)",
                    self.plan.started.elapsed().as_secs_f32(),
                    lost.as_secs_f32()
                );
                self.unreachable();
                break;
            }
            if self.phase.is_none() {
                // Not a word from the page yet: with --server it may not be c2c's page at all;
                // c2c's own page not yet through its start (the Voice SDK loaded, its token
                // fetched) is too many pages starting at once on this machine.
                if !self.pump(page_started).await && self.phase.is_none() {
                    self.end(match self.plan.own_page {
                        true => Ending::Starved(format!(
                            "inconclusive: c2c's page did not start within {}s: this machine was overloaded{}; run the call again, or fewer at once",
                            PAGE_START.as_secs(),
                            crate::call::health::machine_pressure()
                        )),
                        false => Ending::Gone(format!(
                            "the page did not start within {}s: is the address c2c's page?",
                            PAGE_START.as_secs()
                        )),
                    });
                }
                continue;
            }
            let wake = match heard_from_twilio || past {
                true => give_up,
                false => give_up.min(reach_twilio),
            };
            if !self.pump(wake).await {
                if Instant::now() < give_up {
                    continue;
                }
                tracing::info!(
                    "nobody answered within {}; hanging up",
                    crate::printable::duration(self.plan.timeout)
                );
                self.end(Ending::TimedOut);
                self.hang_up().await;
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_answer_from_twilio_is_blamed_on_the_network_and_from_a_stand_in_on_the_stand_in() {
        assert!(unreachable_words(None).contains("internet connection"));
        let stand_in = unreachable_words(Some("edge.test:8443"));
        assert!(
            stand_in.contains("edge.test:8443 (--signalling)"),
            "{stand_in}"
        );
        assert!(stand_in.contains("certificate"), "{stand_in}");
        assert!(!stand_in.contains("internet"), "{stand_in}");
    }
}
