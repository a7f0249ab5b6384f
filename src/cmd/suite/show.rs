//! What a person (or CI) sees of a suite: each call's progress as it happens (on a terminal, a
//! line per running call above an overall bar; plain lines, each named by its call, otherwise),
//! then a summary; and the reports: JSON lines, one JUnit file, the exit status.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use tokio::sync::mpsc;

use super::plan::Planned;
use crate::call::{self, Outcome, Report, RunEvent, StepStatus, Verdict};
use crate::cli::TestArgs;
use crate::error::Error;

/// What the suite tells its watcher.
pub enum Shown {
    /// Call `usize` said something.
    Event(usize, RunEvent),
    /// Call `usize` is over: its verdict, and why when it did not pass.
    Done(usize, (Verdict, String)),
    /// This many inconclusive calls run again.
    Again(usize),
    /// `--jobs auto` keeps this many calls in flight from now, and whether it backed off.
    Window { size: usize, cut: bool },
}

/// Shows the calls' progress until every sender is dropped.
pub async fn progress(mut shown: mpsc::UnboundedReceiver<Shown>, names: Vec<String>) {
    let live = std::io::stderr().is_terminal() && tracing::enabled!(tracing::Level::INFO);
    let bars = live.then(crate::logging::bars).flatten();
    let overall = bars.as_ref().map(|bars| {
        let bar = bars.add(ProgressBar::new(names.len() as u64));
        bar.set_style(
            ProgressStyle::with_template("{wide_bar} {pos}/{len} calls {msg} {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar.enable_steady_tick(Duration::from_millis(200));
        bar
    });
    let mut lines: BTreeMap<usize, ProgressBar> = BTreeMap::new();
    let (mut failed, mut running) = (0usize, 0usize);
    let mut window: Option<usize> = None;
    // Log lines are written above the live lines by the logger itself (`logging::bars`).
    let say = |line: String| tracing::info!("{line}");
    while let Some(item) = shown.recv().await {
        match item {
            Shown::Event(i, event) => {
                let name = &names[i];
                if let (Some(bars), Some(overall)) = (&bars, &overall)
                    && !lines.contains_key(&i)
                {
                    let line = bars.insert_before(overall, ProgressBar::new_spinner());
                    line.set_style(
                        ProgressStyle::with_template("{spinner} {prefix} {elapsed} {msg}")
                            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                    );
                    line.set_prefix(name.clone());
                    line.enable_steady_tick(Duration::from_millis(120));
                    lines.insert(i, line);
                    running += 1;
                }
                match event {
                    RunEvent::Step { index, of, step } => {
                        if let Some(line) = lines.get(&i) {
                            line.set_message(format!("step {}/{of} {step}", index + 1));
                        }
                    }
                    RunEvent::Heard(spoken) => {
                        let text = format!("heard \"{}\"", spoken.text);
                        match lines.get(&i) {
                            Some(line) => line.set_message(text),
                            None => say(format!("[{name}] {text}")),
                        }
                    }
                    RunEvent::Answered | RunEvent::Ended => {}
                    other => {
                        if let Some(text) = super::super::call_lines::line(&other) {
                            match lines.get(&i) {
                                Some(line) => line.set_message(text),
                                None => say(format!("[{name}] {text}")),
                            }
                        }
                    }
                }
            }
            Shown::Window { size, cut } => {
                window = Some(size);
                match cut {
                    true => say(format!(
                        "a page was starved of CPU: {size} calls at once from now (--jobs auto)"
                    )),
                    false => tracing::debug!("{size} calls at once from now (--jobs auto)"),
                }
            }
            Shown::Again(n) => {
                say(format!(
                    "{n} inconclusive call{} run again (--retry-inconclusive)",
                    if n == 1 { "" } else { "s" }
                ));
                if let Some(overall) = &overall {
                    overall.inc_length(n as u64);
                }
            }
            Shown::Done(i, verdict) => {
                // A failure says why at once, not only in the summary.
                let (verdict, why) = verdict;
                let said = match verdict {
                    Verdict::Passed => "passed".to_owned(),
                    Verdict::Failed => format!("FAILED: {}", crate::printable::one_line(&why)),
                    Verdict::Inconclusive => {
                        format!("INCONCLUSIVE: {}", crate::printable::one_line(&why))
                    }
                };
                if verdict != Verdict::Passed {
                    failed += 1;
                }
                match lines.remove(&i) {
                    Some(line) => {
                        running = running.saturating_sub(1);
                        line.finish_and_clear();
                        say(format!("{} {said}", names[i]));
                    }
                    None => say(format!("[{}] {said}", names[i])),
                }
                if let Some(overall) = &overall {
                    overall.inc(1);
                }
            }
        }
        if let Some(overall) = &overall {
            overall.set_message(match window {
                Some(size) => format!("({failed} failed, {running} running, up to {size})"),
                None => format!("({failed} failed, {running} running)"),
            });
        }
    }
    if let Some(overall) = overall {
        overall.finish_and_clear();
    }
}

/// One line of `--json`: the call's report, with its scenario and run.
#[derive(Serialize)]
struct Line<'a> {
    /// Lossy where the name is not UTF-8: the line is never dropped for its name.
    scenario: std::borrow::Cow<'a, str>,
    run: usize,
    /// Placed more than once: inconclusive, then run again (`--retry-inconclusive`).
    #[serde(skip_serializing_if = "placed_once")]
    attempts: usize,
    #[serde(flatten)]
    report: &'a Report,
}

fn placed_once(attempts: &usize) -> bool {
    *attempts <= 1
}

/// The reports, the summary, and the suite's exit status as the error.
pub fn finish(args: &TestArgs, calls: &[Planned], reports: &[Report]) -> Result<(), Error> {
    if args.json {
        for (call, report) in calls.iter().zip(reports) {
            let line = Line {
                scenario: call.file.to_string_lossy(),
                run: call.run,
                attempts: call.attempts,
                report,
            };
            crate::stdout::line(serde_json::to_string(&line).unwrap_or_default())?;
        }
    }
    if let Some(path) = &args.junit {
        let mut suites: Vec<call::Suite> = Vec::new();
        for (call, report) in calls.iter().zip(reports) {
            let name = crate::printable::path(&call.file);
            match suites.iter_mut().find(|s| s.name == name) {
                Some(suite) => suite.calls.push(report),
                None => suites.push(call::Suite {
                    name,
                    calls: vec![report],
                }),
            }
        }
        std::fs::write(path, call::junit_suites(&suites)).map_err(|err| {
            Error::Failed(format!(
                "cannot write the JUnit report {}: {err}",
                path.display()
            ))
        })?;
    }
    summary(calls, reports, args.repeat);
    let failed = reports
        .iter()
        .filter(|r| r.verdict == Verdict::Failed)
        .count();
    let inconclusive = reports
        .iter()
        .filter(|r| r.verdict == Verdict::Inconclusive)
        .count();
    if reports.iter().any(|r| r.outcome == Outcome::Interrupted) {
        return Err(Error::Outcome {
            code: 130,
            message: "interrupted: every live call hung up".to_owned(),
        });
    }
    let bugs = reports
        .iter()
        .filter(|r| r.exit_status == crate::error::BUG)
        .count();
    if bugs > 0 {
        return Err(Error::Bug(format!(
            "c2c failed inside {bugs} of {} calls (a bug in c2c: please report it); the reports of every call are written",
            reports.len()
        )));
    }
    match (failed, inconclusive) {
        (0, 0) => Ok(()),
        (0, n) => Err(Error::Outcome {
            code: call::INCONCLUSIVE,
            message: format!(
                "{n} of {} calls were inconclusive: c2c could not judge them on this machine as it was (run them again, or add --retry-inconclusive)",
                reports.len()
            ),
        }),
        (n, 0) => Err(Error::Outcome {
            code: 1,
            message: format!("{n} of {} calls failed", reports.len()),
        }),
        (n, m) => Err(Error::Outcome {
            code: 1,
            message: format!(
                "{n} of {} calls failed, and {m} were inconclusive",
                reports.len()
            ),
        }),
    }
}

/// Why a call failed (or was inconclusive), in a line: its first such step, or its outcome.
pub fn why_failed(report: &Report) -> String {
    match report
        .steps
        .iter()
        .position(|s| matches!(s.status, StepStatus::Failed | StepStatus::Inconclusive))
    {
        Some(i) if report.outcome == Outcome::Completed => {
            let step = &report.steps[i];
            format!("step {} ({}): {}", i + 1, step.step, step.detail)
        }
        _ => report.message.clone(),
    }
}

fn summary(calls: &[Planned], reports: &[Report], repeat: usize) {
    let mut rows: Vec<(String, usize, usize, Option<String>)> = Vec::new();
    for (call, report) in calls.iter().zip(reports) {
        // A name or a step with a newline in it cannot add a row.
        let name = crate::printable::path(&call.file);
        let row = match rows.iter().position(|r| r.0 == name) {
            Some(at) => &mut rows[at],
            None => {
                rows.push((name, 0, 0, None));
                rows.last_mut().expect("just pushed")
            }
        };
        row.1 += 1;
        if report.exit_status != 0 {
            row.2 += 1;
            if row.3.is_none() {
                let run = match repeat {
                    1 => String::new(),
                    _ => format!("#{}: ", call.run),
                };
                row.3 = Some(format!(
                    "{run}{}",
                    crate::printable::one_line(&why_failed(report))
                ));
            }
        }
    }
    let width = rows
        .iter()
        .map(|r| r.0.chars().count())
        .max()
        .unwrap_or(0)
        .max(8);
    let mut out = format!(
        "{:width$}  runs  passed  failed  first failure\n",
        "scenario"
    );
    for (name, runs, failed, first) in &rows {
        out.push_str(&format!(
            "{name:width$}  {runs:>4}  {:>6}  {failed:>6}  {}\n",
            runs - failed,
            first.as_deref().map(short).unwrap_or_default()
        ));
    }
    let count = |verdict| reports.iter().filter(|r| r.verdict == verdict).count();
    out.push_str(&format!(
        "{} call{}: {} passed, {} failed",
        reports.len(),
        if reports.len() == 1 { "" } else { "s" },
        count(Verdict::Passed),
        count(Verdict::Failed)
    ));
    // Only when there are any: a quiet machine's summary stays as it was.
    match count(Verdict::Inconclusive) {
        0 => {}
        n => out.push_str(&format!(
            ", {n} inconclusive (c2c could not judge them: the machine was too busy)"
        )),
    }
    let answered: Vec<f64> = reports.iter().filter_map(|r| r.timing.answered).collect();
    if let Some(p) = percentiles(answered) {
        out.push_str(&format!("; answered after {p}"));
    }
    let lasted: Vec<f64> = reports
        .iter()
        .filter(|r| r.answered)
        .map(|r| r.duration)
        .collect();
    if let Some(p) = percentiles(lasted) {
        out.push_str(&format!("; calls lasted {p}"));
    }
    // The far end's turns, as voice-agent builders read them.
    let turns: Vec<f64> = reports
        .iter()
        .flat_map(|r| r.steps.iter().filter_map(|s| s.latency))
        .collect();
    if !turns.is_empty() {
        let at = |q| crate::call::percentile(turns.clone(), q).unwrap_or_default();
        out.push_str(&format!(
            "; turns ({}) p50 {:.2} s, p90 {:.2} s, p95 {:.2} s",
            turns.len(),
            at(0.5),
            at(0.9),
            at(0.95)
        ));
    }
    // The summary is the suite's result, not its progress: -q does not hide it.
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{out}");
}

/// A failure's words, cut to fit a line of the table.
fn short(text: &str) -> String {
    const LONGEST: usize = 100;
    match text.chars().count() > LONGEST {
        true => format!("{}…", text.chars().take(LONGEST).collect::<String>()),
        false => text.to_owned(),
    }
}

/// "p50 1.2 s, p90 1.9 s, max 2.3 s", or `None` with nothing to measure.
fn percentiles(mut values: Vec<f64>) -> Option<String> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let at = |q: f64| values[((values.len() - 1) as f64 * q).round() as usize];
    Some(format!(
        "p50 {:.2} s, p90 {:.2} s, max {:.2} s",
        at(0.5),
        at(0.9),
        at(1.0)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_read_off_the_sorted_values() {
        assert_eq!(percentiles(Vec::new()), None);
        let values: Vec<f64> = (1..=10).map(f64::from).rev().collect();
        assert_eq!(
            percentiles(values).unwrap(),
            "p50 6.00 s, p90 9.00 s, max 10.00 s"
        );
    }
}
