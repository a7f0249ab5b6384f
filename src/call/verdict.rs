//! The call's verdict: its report, built from what the session lived and c2c's own account of
//! the call (`/calls/CA…`, from Twilio's callbacks), which comes first where they differ; and how
//! it ended, in words.

use std::time::Instant;

use super::report::{self, Report, StepStatus, TwilioError, Verdict};
use super::session::{self, Ending};
use super::{CallSpec, INCONCLUSIVE, Outcome, percentile, quality};
use crate::error::Error;
use crate::outcome::{CallOutcome, OutcomeKind};

pub(super) fn report(plan: &CallSpec, lived: session::Lived, known: Option<CallOutcome>) -> Report {
    let duration = match (lived.answered_at, lived.ended_at) {
        (Some(start), Some(end)) => end.duration_since(start).as_secs_f64(),
        (Some(start), None) => start.elapsed().as_secs_f64(),
        _ => 0.0,
    };
    let (outcome, message) = classify(plan, &lived, known.as_ref(), duration);
    let speech_broke = matches!(lived.ending, Some(Ending::Speech(_)));
    let starved = matches!(lived.ending, Some(Ending::Starved(_)));
    // Twilio answers the browser's leg to speak a refusal or an error, or before it dials: the
    // far end answered only when c2c's account of the call does not say it never did.
    let far_end_never = known
        .as_ref()
        .is_some_and(|k| !k.outcome.far_end_answered());
    let mut report = Report {
        target: plan.target.clone(),
        call_sid: lived.call_sid,
        outcome,
        verdict: Verdict::Passed,
        exit_status: 0,
        answered: lived.answered_at.is_some() && !far_end_never,
        duration,
        timing: report::Timing {
            ringing: since_placed(lived.placed_at, lived.ringing_at),
            answered: since_placed(lived.placed_at, lived.answered_at),
        },
        message,
        // Code 0 is the page's own trouble, not Twilio's.
        error: lived.error.filter(|e| e.code != 0),
        steps: lived.steps,
        recording: None,
        transcript: plan.speech.is_some().then_some(lived.transcript),
        quality: quality::summarise(&lived.samples, &lived.warnings),
    };
    // A scenario's quality floor is one more check of an answered call, reported as a step.
    if let Some(floor) = plan.quality_floor
        && report.outcome == Outcome::Completed
    {
        let (status, detail) = match quality::meets(report.quality.as_ref(), floor, report.duration)
        {
            Ok(found) => (StepStatus::Passed, found),
            Err(why) => (StepStatus::Failed, why),
        };
        report.steps.push(report::StepResult {
            step: format!("quality: MOS {floor} or more"),
            status,
            seconds: report.duration,
            detail,
            latency: None,
            talk_over: None,
        });
    }
    // So is a scenario's latency ceiling: over the turns the call's steps timed.
    if let Some(ceiling) = plan.latency_p95
        && report.outcome == Outcome::Completed
    {
        let turns: Vec<f64> = report.steps.iter().filter_map(|s| s.latency).collect();
        let (status, detail) = match percentile(turns.clone(), 0.95) {
            None => (
                StepStatus::Failed,
                "no turn was timed: a step that listens must follow one that says, plays or presses something".to_owned(),
            ),
            Some(p95) if p95 > ceiling.as_secs_f64() => (
                StepStatus::Failed,
                format!("p95 {p95:.2} s over {} turns", turns.len()),
            ),
            Some(p95) => (
                StepStatus::Passed,
                format!("p95 {p95:.2} s over {} turns", turns.len()),
            ),
        };
        report.steps.push(report::StepResult {
            step: format!(
                "latency: p95 {} or less",
                crate::printable::duration(ceiling)
            ),
            status,
            seconds: 0.0,
            detail,
            latency: None,
            talk_over: None,
        });
    }
    report.exit_status = if speech_broke {
        // Like a missing model, a settings error of c2c's, not the phone tree's failure; its
        // report is still written.
        Error::Speech(String::new()).exit_code()
    } else if report.a_step_failed() {
        outcome.exit_code(true)
    } else if starved || report.a_step_inconclusive() {
        // c2c could not judge it: never the far end's failure.
        INCONCLUSIVE
    } else {
        outcome.exit_code(false)
    };
    report.verdict = Verdict::of(report.exit_status);
    report
}

fn since_placed(placed: Option<Instant>, then: Option<Instant>) -> Option<f64> {
    Some(then?.checked_duration_since(placed?)?.as_secs_f64())
}

/// How the call ended, and in words. c2c's account (`known`, from `/calls/CA…`) comes first: the
/// page only saw its own call end.
fn classify(
    plan: &CallSpec,
    lived: &session::Lived,
    known: Option<&CallOutcome>,
    duration: f64,
) -> (Outcome, String) {
    let message = || known.and_then(|k| k.message.clone()).unwrap_or_default();
    let target = &plan.target;
    let gone = match &lived.ending {
        Some(Ending::Gone(why)) => Some(why.clone()),
        _ => None,
    };
    match (&lived.ending, known.map(|k| k.outcome), &lived.error) {
        (Some(Ending::Starved(why)), ..) => match lived.answered_at {
            Some(_) => (Outcome::Completed, why.clone()),
            None => (Outcome::Failed, why.clone()),
        },
        (Some(Ending::Interrupted), ..) => {
            (Outcome::Interrupted, "interrupted: hung up".to_owned())
        }
        (Some(Ending::EndedBy(why) | Ending::Speech(why)), ..) => {
            (Outcome::Failed, format!("{why}: hung up"))
        }
        (Some(Ending::Unreachable(why)), ..) => (Outcome::Unreachable, why.clone()),
        (_, Some(OutcomeKind::Refused), _) => (Outcome::Refused, message()),
        (_, Some(OutcomeKind::RejectedWebhook), _) => (Outcome::Failed, message()),
        (_, Some(OutcomeKind::Busy), _) => (Outcome::Busy, format!("{target} was busy")),
        (_, Some(OutcomeKind::NoAnswer), _) => {
            (Outcome::NoAnswer, format!("{target} did not answer"))
        }
        (_, Some(OutcomeKind::Failed), _) => (
            Outcome::Failed,
            format!(
                "Twilio could not connect the call to {target} (its call log says why; c2c doctor checks the account)"
            ),
        ),
        (Some(Ending::TimedOut), ..) => (
            Outcome::NoAnswer,
            format!(
                "nobody answered within {}",
                crate::printable::duration(plan.timeout)
            ),
        ),
        (_, _, Some(TwilioError { code: 0, message })) => {
            (Outcome::Failed, gone.unwrap_or_else(|| message.clone()))
        }
        // Twilio out of reach mid-call is what it is before the call: its exit status, and
        // the message (which names the code already) once.
        (_, _, Some(TwilioError { code, message }))
            if session::UNREACHABLE_CODES.contains(code) =>
        {
            (Outcome::Unreachable, message.clone())
        }
        (_, _, Some(TwilioError { code, message })) => {
            (Outcome::Failed, format!("Twilio error {code}: {message}"))
        }
        _ if lived.answered_at.is_some() && gone.is_none() => (
            Outcome::Completed,
            format!("answered; the call lasted {duration:.1} s"),
        ),
        _ => (
            Outcome::Failed,
            gone.unwrap_or_else(|| "the call ended before anyone answered".to_owned()),
        ),
    }
}
