//! How a scripted call went: the outcome, the verdict and the exit status, each step's result, as
//! `--json` prints them (`junit` writes the same for CI).

use std::path::PathBuf;

use serde::Serialize;

use super::quality::Quality;
use super::transcriber::Spoken;

/// How the call ended, as the exit status tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Answered; hung up by either side.
    Completed,
    Busy,
    NoAnswer,
    /// c2c's dial policy would not dial the number.
    Refused,
    /// Twilio could not connect it, or refused something (the error says what).
    Failed,
    /// Ctrl-C: hung up first.
    Interrupted,
    /// Twilio could not be reached at all.
    Unreachable,
}

impl Outcome {
    /// The exit status for this outcome; a failed step turns an answered call's 0 into 1.
    pub fn exit_code(self, a_step_failed: bool) -> u8 {
        match self {
            Outcome::Completed if a_step_failed => 1,
            Outcome::Completed => 0,
            Outcome::Busy => 5,
            Outcome::NoAnswer => 6,
            Outcome::Refused => 7,
            Outcome::Failed => 8,
            Outcome::Interrupted => 130,
            Outcome::Unreachable => 4,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StepStatus {
    Passed,
    Failed,
    /// c2c could not tell: its own page or process was starved (the machine overloaded), so
    /// what the step waited for may have come unheard.
    Inconclusive,
    /// Not reached: an earlier step failed, or the call ended first.
    Skipped,
}

/// Whether the call did what it was to do, as a tester reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Passed,
    /// The far end (or Twilio, or the settings) did not do what the call expected.
    Failed,
    /// c2c could not judge the call: it was starved of the CPU it needs to hear it in time. Not
    /// the far end's failure; run it again on a quieter machine (`--retry-inconclusive`).
    Inconclusive,
}

/// The exit status of a call c2c could not judge.
pub const INCONCLUSIVE: u8 = 10;

impl Verdict {
    pub fn of(exit_status: u8) -> Verdict {
        match exit_status {
            0 => Verdict::Passed,
            INCONCLUSIVE => Verdict::Inconclusive,
            _ => Verdict::Failed,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct StepResult {
    pub step: String,
    pub status: StepStatus,
    #[serde(serialize_with = "millis")]
    pub seconds: f64,
    /// Why it failed or was skipped, or what it found.
    pub detail: String,
    /// The far end's turn latency (seconds): from c2c's last sample of speech, sound or key out
    /// to the first sound of the far end's reply, on the page's audio clock. Only for a step that
    /// listened right after c2c spoke, played or pressed, and heard a reply.
    #[serde(
        serialize_with = "millis_if_any",
        skip_serializing_if = "Option::is_none"
    )]
    pub latency: Option<f64>,
    /// How long the far end kept talking once c2c talked over it (`say … barge-in=`), seconds
    /// from c2c's first sample to the far end's last sound before a pause.
    #[serde(
        serialize_with = "millis_if_any",
        skip_serializing_if = "Option::is_none"
    )]
    pub talk_over: Option<f64>,
}

#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Timing {
    #[serde(serialize_with = "millis_if_any")]
    pub ringing: Option<f64>,
    #[serde(serialize_with = "millis_if_any")]
    pub answered: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TwilioError {
    pub code: u32,
    pub message: String,
}

/// Everything `--json` prints.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub target: String,
    pub call_sid: Option<String>,
    pub outcome: Outcome,
    /// Passed, failed, or inconclusive (c2c could not judge it), as the exit status says.
    pub verdict: Verdict,
    pub exit_status: u8,
    pub answered: bool,
    /// Seconds from the answer to the end.
    #[serde(serialize_with = "millis")]
    pub duration: f64,
    /// Seconds from placing the call to its ringing and to its answer, where they came.
    pub timing: Timing,
    /// In words: why it ended as it did.
    pub message: String,
    pub error: Option<TwilioError>,
    pub steps: Vec<StepResult>,
    /// Shown lossily where the path is not UTF-8 (a report is never dropped for its name).
    #[serde(serialize_with = "lossy")]
    pub recording: Option<PathBuf>,
    /// The far end's words, one entry per utterance, timed from the answer; present when the
    /// call had speech steps or `--transcribe`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transcript: Option<Vec<Spoken>>,
    /// The call's network quality as the Voice SDK measured it, when it did.
    pub quality: Option<Quality>,
}

/// Seconds to the millisecond: `2.889`, not `2.8890131549999998`.
pub fn millis<S: serde::Serializer>(seconds: &f64, to: S) -> Result<S::Ok, S::Error> {
    to.serialize_f64((seconds * 1000.0).round() / 1000.0)
}

fn millis_if_any<S: serde::Serializer>(seconds: &Option<f64>, to: S) -> Result<S::Ok, S::Error> {
    match seconds {
        Some(seconds) => millis(seconds, to),
        None => to.serialize_none(),
    }
}

fn lossy<S: serde::Serializer>(path: &Option<PathBuf>, to: S) -> Result<S::Ok, S::Error> {
    match path {
        Some(path) => to.serialize_some(&path.to_string_lossy()),
        None => to.serialize_none(),
    }
}

impl Report {
    pub fn a_step_failed(&self) -> bool {
        self.steps.iter().any(|s| s.status == StepStatus::Failed)
    }

    pub fn a_step_inconclusive(&self) -> bool {
        self.steps
            .iter()
            .any(|s| s.status == StepStatus::Inconclusive)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call::junit::{Suite, junit, junit_suites};

    fn report(steps: Vec<StepResult>) -> Report {
        Report {
            target: "+14155550123".into(),
            call_sid: Some("CA0".into()),
            outcome: Outcome::Completed,
            verdict: Verdict::Failed,
            exit_status: 1,
            answered: true,
            duration: 3.5,
            timing: Timing::default(),
            message: "completed".into(),
            error: None,
            steps,
            recording: Some(PathBuf::from("/tmp/call.wav")),
            transcript: None,
            quality: None,
        }
    }

    fn step(name: &str, status: StepStatus, detail: &str) -> StepResult {
        StepResult {
            step: name.into(),
            status,
            seconds: 1.25,
            detail: detail.into(),
            latency: None,
            talk_over: None,
        }
    }

    #[test]
    fn each_outcome_has_its_documented_exit_status() {
        assert_eq!(Outcome::Completed.exit_code(false), 0);
        assert_eq!(Outcome::Completed.exit_code(true), 1);
        assert_eq!(
            [
                Outcome::Busy,
                Outcome::NoAnswer,
                Outcome::Refused,
                Outcome::Failed,
                Outcome::Interrupted
            ]
            .map(|o| o.exit_code(false)),
            [5, 6, 7, 8, 130]
        );
    }

    #[test]
    fn junit_has_a_case_per_step_with_failures_and_the_recording() {
        let xml = junit(&report(vec![
            step("press 2", StepStatus::Passed, "sent"),
            step(
                "expect-tone 1000",
                StepStatus::Failed,
                "heard 440 Hz <not> 1000 Hz",
            ),
            step("hangup", StepStatus::Skipped, "an earlier step failed"),
        ]));
        assert!(xml.contains(r#"<testsuite name="c2c call +14155550123" tests="3" failures="1" errors="0" skipped="1" time="3.750">"#), "{xml}");
        assert!(xml.contains(r#"<testcase classname="c2c call +14155550123" name="2: expect-tone 1000" time="1.250">"#), "{xml}");
        assert!(
            xml.contains(r#"<failure message="heard 440 Hz &lt;not&gt; 1000 Hz">"#),
            "{xml}"
        );
        assert!(
            xml.contains(r#"<skipped message="an earlier step failed"/>"#),
            "{xml}"
        );
        assert!(xml.contains("[[ATTACHMENT|/tmp/call.wav]]"), "{xml}");
    }

    #[test]
    fn junit_always_parses_and_attaches_one_file_on_one_line() {
        let mut hostile = report(vec![step(
            "expect-speech \"a\u{1}b\u{1b}[2J\"",
            StepStatus::Failed,
            "heard \u{0}nothing\u{ffff}",
        )]);
        hostile.recording = Some(PathBuf::from("/tmp/a\n[[ATTACHMENT|/etc/hostname]].wav"));
        let xml = junit_suites(&[Suite {
            name: "suite/x\u{7}.yaml".into(),
            calls: vec![&hostile],
        }]);
        // Every character one XML 1.0 allows (CI's parsers reject the file whole otherwise).
        assert!(
            !xml.chars()
                .any(|c| c.is_control() && !matches!(c, '\n' | '\t' | '\r')),
            "{xml:?}"
        );
        assert!(!xml.contains('\u{ffff}'), "{xml:?}");
        assert!(xml.contains("x\\u{7}.yaml"), "{xml}");
        assert!(!xml.contains("ATTACHMENT"), "{xml}");
        assert_eq!(xml.matches("<testcase ").count(), 1, "{xml}");
    }

    #[test]
    fn json_times_are_to_the_millisecond() {
        let mut r = report(vec![step("press 2", StepStatus::Passed, "sent")]);
        r.duration = 2.889_013_154_999_999_8;
        r.timing.answered = Some(0.123_456);
        let json = serde_json::to_string(&r).unwrap();
        assert!(json.contains(r#""duration":2.889,"#), "{json}");
        assert!(json.contains(r#""answered":0.123}"#), "{json}");
        assert!(json.contains(r#""seconds":1.25,"#), "{json}");
    }

    #[test]
    fn a_call_without_steps_is_one_case() {
        let mut busy = report(Vec::new());
        busy.outcome = Outcome::Busy;
        busy.message = "+14155550123 is busy".into();
        let xml = junit(&busy);
        assert!(xml.contains(r#"tests="1" failures="1""#), "{xml}");
        assert!(xml.contains("is busy"), "{xml}");
    }
}
