//! A call's events in words, as `c2c call` and `c2c test` both show them.

use crate::call::{HangUpReason, RunEvent, StepStatus};

/// The line an event is shown as; `None` for those a command shows its own way (the answer, a
/// step's start, the end, the far end's words).
pub fn line(event: &RunEvent) -> Option<String> {
    Some(match event {
        RunEvent::Status(status) | RunEvent::TwilioError(status) => status.clone(),
        RunEvent::StepDone {
            index,
            of,
            step,
            seconds,
            status,
            detail,
        } => {
            let said = match status {
                StepStatus::Passed => "passed",
                StepStatus::Failed => "FAILED",
                StepStatus::Inconclusive => "INCONCLUSIVE",
                StepStatus::Skipped => "skipped",
            };
            let detail = match detail.is_empty() {
                true => String::new(),
                false => format!(": {detail}"),
            };
            format!(
                "step {}/{of} {step}: {said} ({seconds:.1} s){detail}",
                index + 1
            )
        }
        RunEvent::Digits {
            digits,
            result: Ok(()),
        } => format!("--digits: pressed {digits}"),
        RunEvent::Digits {
            digits,
            result: Err(why),
        } => format!("--digits: {digits} not pressed: {why}"),
        RunEvent::Said {
            text,
            result: Ok(()),
        } => format!("--say: said {text:?}"),
        RunEvent::Said {
            text,
            result: Err(why),
        } => format!("--say: {text:?} not said: {why}"),
        RunEvent::HangingUp(HangUpReason::LongestCall(longest)) => format!(
            "hanging up: an answered call lasts {} unless told otherwise (--hangup-after, or none for no limit)",
            humantime::format_duration(*longest)
        ),
        RunEvent::HangingUp(HangUpReason::HangUpAfter) => "--hangup-after: hanging up".to_owned(),
        RunEvent::HangingUp(HangUpReason::EndedBy(why)) => format!("{why}: hanging up"),
        RunEvent::HangingUp(HangUpReason::Interrupted) => "interrupted: hanging up".to_owned(),
        RunEvent::QualityWarning(name) => format!("call quality warning: {name}"),
        RunEvent::Answered
        | RunEvent::Ringing
        | RunEvent::Starved(_)
        | RunEvent::Lagging(_)
        | RunEvent::Step { .. }
        | RunEvent::Heard(_)
        | RunEvent::Ended => {
            return None;
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_event_reads_as_it_did_when_the_call_wrote_its_own_lines() {
        let done = |result: Result<String, String>| RunEvent::StepDone {
            index: 1,
            of: 3,
            step: "expect-tone 1000".to_owned(),
            seconds: 0.54,
            status: match result {
                Ok(_) => StepStatus::Passed,
                Err(_) => StepStatus::Failed,
            },
            detail: result.unwrap_or_else(|why| why),
        };
        for (event, words) in [
            (
                done(Ok("heard 1000 Hz".to_owned())),
                "step 2/3 expect-tone 1000: passed (0.5 s): heard 1000 Hz",
            ),
            (
                done(Err("no 1000 Hz tone".to_owned())),
                "step 2/3 expect-tone 1000: FAILED (0.5 s): no 1000 Hz tone",
            ),
            (
                done(Ok(String::new())),
                "step 2/3 expect-tone 1000: passed (0.5 s)",
            ),
            (
                RunEvent::HangingUp(HangUpReason::LongestCall(std::time::Duration::from_secs(
                    600,
                ))),
                "hanging up: an answered call lasts 10m unless told otherwise (--hangup-after, or none for no limit)",
            ),
            (
                RunEvent::HangingUp(HangUpReason::EndedBy("the tunnel closed".to_owned())),
                "the tunnel closed: hanging up",
            ),
            (
                RunEvent::Digits {
                    digits: "12".to_owned(),
                    result: Err("the page had not sent them".to_owned()),
                },
                "--digits: 12 not pressed: the page had not sent them",
            ),
            (
                RunEvent::Said {
                    text: "I'd like to pay".to_owned(),
                    result: Err("c2c's voice could not be downloaded".to_owned()),
                },
                "--say: \"I'd like to pay\" not said: c2c's voice could not be downloaded",
            ),
            (
                RunEvent::QualityWarning("high-jitter".to_owned()),
                "call quality warning: high-jitter",
            ),
        ] {
            assert_eq!(line(&event).as_deref(), Some(words));
        }
        assert_eq!(line(&RunEvent::Answered), None);
    }
}
