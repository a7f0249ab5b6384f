//! How a scripted call went: the outcome and its exit status, each step's result, and the two
//! ways to hand them on (`--json` on standard output, a JUnit XML file for CI).

use std::path::{Path, PathBuf};

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
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

/// A test suite of a JUnit report: a name, and the reports of its calls (one for `c2c call`, a
/// run each for a scenario file of `c2c test`).
pub struct Suite<'a> {
    pub name: String,
    pub calls: Vec<&'a Report>,
}

/// The report as JUnit XML: a test suite for the call, a test case per step (or one for the
/// call itself when it has no steps), the recording attached as CI servers read it.
pub fn junit(report: &Report) -> String {
    junit_suites(&[Suite {
        name: format!("c2c call {}", report.target),
        calls: vec![report],
    }])
}

/// The test cases of one call: its steps, or the call itself when it has none.
fn cases(report: &Report) -> Vec<StepResult> {
    if !report.steps.is_empty() {
        return report.steps.clone();
    }
    vec![StepResult {
        step: format!("call {}", report.target),
        status: match report.verdict {
            Verdict::Passed => StepStatus::Passed,
            Verdict::Failed => StepStatus::Failed,
            Verdict::Inconclusive => StepStatus::Inconclusive,
        },
        seconds: report.duration,
        detail: report.message.clone(),
    }]
}

/// Several suites in one JUnit report (`c2c test`: a suite per scenario file, its runs' cases
/// named by run when it ran more than once).
pub fn junit_suites(suites: &[Suite]) -> String {
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    let _ = writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
    let _ = writer
        .create_element("testsuites")
        .write_inner_content(|w| {
            for suite in suites {
                let runs: Vec<(&Report, Vec<StepResult>)> =
                    suite.calls.iter().map(|r| (*r, cases(r))).collect();
                let all = || runs.iter().flat_map(|(_, cases)| cases.iter());
                let count = |status| all().filter(|s| s.status == status).count();
                let total: f64 = all().map(|s| s.seconds).sum();
                let name = &*xml_text(&suite.name);
                w.create_element("testsuite")
                    .with_attribute(("name", name))
                    .with_attribute(("tests", all().count().to_string().as_str()))
                    .with_attribute(("failures", count(StepStatus::Failed).to_string().as_str()))
                    .with_attribute((
                        "errors",
                        count(StepStatus::Inconclusive).to_string().as_str(),
                    ))
                    .with_attribute(("skipped", count(StepStatus::Skipped).to_string().as_str()))
                    .with_attribute(("time", format!("{total:.3}").as_str()))
                    .write_inner_content(|w| {
                        let several = runs.len() > 1;
                        let mut heard = Vec::new();
                        for (run, (report, cases)) in runs.iter().enumerate() {
                            let label = match several {
                                true => format!("run {}, ", run + 1),
                                false => String::new(),
                            };
                            for (i, case) in cases.iter().enumerate() {
                                test_case(w, name, &label, i, case, report)?;
                            }
                            if let Some(transcript) = &report.transcript {
                                heard.push(format!("{label}{}", transcript_text(transcript)));
                            }
                        }
                        if !heard.is_empty() {
                            // The far end's words, for whoever reads why a step failed.
                            w.create_element("system-out")
                                .write_text_content(BytesText::new(&xml_text(
                                    &heard.join("\n\n"),
                                )))?;
                        }
                        Ok(())
                    })?;
            }
            Ok(())
        });
    String::from_utf8(writer.into_inner()).unwrap_or_default()
}

fn test_case(
    w: &mut Writer<Vec<u8>>,
    suite: &str,
    label: &str,
    index: usize,
    case: &StepResult,
    report: &Report,
) -> std::io::Result<()> {
    let name = xml_text(&format!("{label}{}: {}", index + 1, case.step)).into_owned();
    let detail = &*xml_text(&case.detail);
    w.create_element("testcase")
        .with_attribute(("classname", suite))
        .with_attribute(("name", name.as_str()))
        .with_attribute(("time", format!("{:.3}", case.seconds).as_str()))
        .write_inner_content(|w| {
            // The call the case belongs to, as CI servers show a case's properties.
            w.create_element("properties").write_inner_content(|w| {
                let answered = report.timing.answered.map(|s| format!("{s:.3}"));
                for (key, value) in [
                    ("call_sid", report.call_sid.clone()),
                    (
                        "outcome",
                        serde_json::to_value(report.outcome)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_owned)),
                    ),
                    ("answered_after", answered),
                ] {
                    if let Some(value) = value {
                        w.create_element("property")
                            .with_attribute(("name", key))
                            .with_attribute(("value", value.as_str()))
                            .write_empty()?;
                    }
                }
                Ok(())
            })?;
            match case.status {
                StepStatus::Failed => {
                    w.create_element("failure")
                        .with_attribute(("message", detail))
                        .write_text_content(BytesText::new(detail))?;
                }
                // Not the far end's failure: CI servers show an error apart from failures.
                StepStatus::Inconclusive => {
                    w.create_element("error")
                        .with_attribute(("message", detail))
                        .with_attribute(("type", "inconclusive"))
                        .write_text_content(BytesText::new(detail))?;
                }
                StepStatus::Skipped => {
                    w.create_element("skipped")
                        .with_attribute(("message", detail))
                        .write_empty()?;
                }
                StepStatus::Passed => {}
            }
            let mut out = detail.to_owned();
            if let Some(attached) = report.recording.as_deref().and_then(attachment) {
                out.push('\n');
                out.push_str(&attached);
            }
            w.create_element("system-out")
                .write_text_content(BytesText::new(out.trim()))?;
            Ok(())
        })?;
    Ok(())
}

/// The transcript as lines a person reads: `[1.20-3.40 s] words`.
pub fn transcript_text(transcript: &[Spoken]) -> String {
    if transcript.is_empty() {
        return "transcript: the far end said nothing c2c recognised".to_owned();
    }
    let lines: Vec<String> = transcript
        .iter()
        .map(|s| format!("[{:.2}-{:.2} s] {}", s.start, s.end, s.text))
        .collect();
    format!("transcript:\n{}", lines.join("\n"))
}

/// The line Jenkins and GitLab read as a file attached to a test case, for the recording c2c
/// wrote: one line, for a path that can be written on one (CI would read a second
/// `[[ATTACHMENT|…]]` in a path as another file to attach).
fn attachment(recording: &Path) -> Option<String> {
    let path = std::path::absolute(recording).unwrap_or_else(|_| recording.to_owned());
    let path = path.to_str()?;
    (!path.contains(char::is_control) && !path.contains("]]"))
        .then(|| format!("[[ATTACHMENT|{path}]]"))
}

/// `text` with the characters XML 1.0 does not allow (control characters other than tab and
/// line ends, U+FFFE and U+FFFF) shown escaped, so that the report always parses: CI rejects an
/// ill-formed one whole.
fn xml_text(text: &str) -> std::borrow::Cow<'_, str> {
    let allowed = |c: char| !matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}');
    if text.chars().all(allowed) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(
        text.chars()
            .map(|c| match allowed(c) {
                true => c.to_string(),
                false => c.escape_unicode().to_string(),
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

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
