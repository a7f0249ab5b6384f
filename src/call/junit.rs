//! A call's report as JUnit XML, as CI servers read it: a test suite per call (or per scenario
//! file of a suite), a test case per step, the recording attached, the far end's words in
//! `system-out`.

use std::path::Path;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use super::report::{Report, StepResult, StepStatus, Verdict};
use super::transcriber::Spoken;

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
        latency: None,
        talk_over: None,
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
                    ("turn_latency", case.latency.map(|s| format!("{s:.3}"))),
                    ("talk_over", case.talk_over.map(|s| format!("{s:.3}"))),
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
