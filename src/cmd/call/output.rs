//! What a person (or CI) sees of a call: its progress as it happens (a running clock on a
//! terminal, plain lines otherwise), then the recording, the JSON and JUnit reports, and the
//! outcome as the exit status.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use tokio::sync::mpsc;

use super::inputs::Outputs;
use crate::call::{self, Outcome, Placed, Report, RunEvent, StepStatus};
use crate::error::Error;

/// Shows the call's events until it ends (the sender is dropped).
pub async fn show(mut events: mpsc::UnboundedReceiver<RunEvent>) {
    // On a terminal, from the answer to the end: how long the call has lasted, and its step.
    let mut clock: Option<ProgressBar> = None;
    while let Some(event) = events.recv().await {
        match event {
            RunEvent::Answered => clock = start_clock(),
            RunEvent::Heard(spoken) => {
                let line = format!(
                    "heard ({:.1}-{:.1} s): \"{}\"",
                    spoken.start, spoken.end, spoken.text
                );
                tracing::info!("{line}");
            }
            RunEvent::Step { index, of, step } => {
                if let Some(clock) = &clock {
                    clock.set_message(format!("· step {}/{of} {step}", index + 1));
                }
            }
            RunEvent::Ended => {
                if let Some(clock) = clock.take() {
                    clock.finish_and_clear();
                }
            }
            other => {
                if let Some(line) = super::super::call_lines::line(&other) {
                    tracing::info!("{line}");
                }
            }
        }
    }
    if let Some(clock) = clock {
        clock.finish_and_clear();
    }
}

fn start_clock() -> Option<ProgressBar> {
    if !tracing::enabled!(tracing::Level::INFO) {
        return None;
    }
    // In the one set of live lines, which log lines are written above.
    let clock = crate::logging::bars()?.add(ProgressBar::new_spinner());
    clock.set_style(
        ProgressStyle::with_template("{spinner} in call {elapsed} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    clock.enable_steady_tick(Duration::from_millis(100));
    Some(clock)
}

/// Keeps the recording where `--record` says, and names it in the report.
pub fn keep(mut placed: Placed, outputs: &Outputs) -> Result<Report, Error> {
    placed
        .record(outputs.record.as_deref())
        .map_err(|err| Error::Failed(err.to_string()))?;
    Ok(placed.report)
}

/// What the user reads: the report as JSON on standard output, or the outcome on standard error;
/// the JUnit file when asked for. The exit status comes back as the error.
pub fn finish(outputs: &Outputs, report: &Report) -> Result<(), Error> {
    if outputs.json {
        crate::stdout::line(serde_json::to_string_pretty(report).unwrap_or_default())?;
    }
    if let Some(path) = &outputs.junit {
        std::fs::write(path, call::junit(report)).map_err(|err| {
            Error::Failed(format!(
                "cannot write the JUnit report {}: {err}",
                path.display()
            ))
        })?;
    }
    if let Some(path) = &report.recording {
        tracing::info!("recorded what the page heard in {}", path.display());
    }
    let failed_step = report
        .steps
        .iter()
        .position(|s| matches!(s.status, StepStatus::Failed | StepStatus::Inconclusive));
    match (report.exit_status, failed_step) {
        (0, _) => {
            tracing::info!("{}", report.message);
            Ok(())
        }
        (code, Some(i)) if report.outcome == Outcome::Completed => Err(Error::Outcome {
            code,
            message: format!(
                "step {} ({}) {}: {}",
                i + 1,
                report.steps[i].step,
                match report.steps[i].status {
                    StepStatus::Inconclusive => "was inconclusive",
                    _ => "failed",
                },
                report.steps[i].detail
            ),
        }),
        (code, _) => Err(Error::Outcome {
            code,
            message: report.message.clone(),
        }),
    }
}
