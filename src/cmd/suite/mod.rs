//! `c2c test`: a suite of scenario files as calls, many at once in one browser, through one
//! server (and tunnel); each call's outcome in the reports, the suite's in the exit status.
//! (Named for what it runs: a module named `test` reads as the tests' own.)
//!
//! - `plan`: the files, this machine's shard of them, each call to place
//! - `show`: progress, summary, reports

mod plan;
mod show;
mod window;

use std::time::Duration;

use futures_util::FutureExt;
use tokio::sync::mpsc;

use crate::call::{self, Outcome, Report, RunEvent, Verdict};
use crate::caller::{
    CALLS_A_BROWSER, Rig, dial_policy, dialled, settle_leg, signalling, speech_ready, voice_ready,
    with_rig,
};
use crate::cli::{Jobs, TestArgs};
use crate::error::Error;
use crate::settings::call::{Call, Serving};
use plan::Planned;
use show::Shown;
use window::{Health, in_window};

/// The most calls `--jobs auto` keeps in flight, as `--jobs` allows: four browsers' worth.
const MOST_AUTO: usize = 4 * CALLS_A_BROWSER;

pub fn run(args: &TestArgs, settings: Call) -> Result<(), Error> {
    let jobs = args.jobs;
    // The gap between two calls' starts, for --rate (whose range clap checked).
    let gap = args
        .rate
        .map_or(Duration::ZERO, |rate| Duration::from_secs_f64(1.0 / rate));
    let files = plan::shard(plan::files(&args.paths)?, args.shard.as_deref())?;
    // Every file that does not read is named at once, not the first alone.
    let mut calls: Vec<Planned> = Vec::new();
    let mut unread: Vec<String> = Vec::new();
    for found in &files {
        match plan::calls(found, args.repeat, settings.speech_size) {
            Ok(planned) => calls.extend(planned),
            Err(err) => unread.push(err.to_string()),
        }
    }
    match unread.as_slice() {
        [] => {}
        [one] => return Err(Error::Input(one.clone())),
        many => {
            return Err(Error::Input(format!(
                "{} scenario files do not read:\n  - {}",
                many.len(),
                many.join("\n  - ")
            )));
        }
    }
    check_records(&calls)?;
    if calls.is_empty() {
        tracing::info!("this shard has no scenario files: nothing to run");
        return Ok(());
    }
    let signalling = signalling(&settings.serving);
    let own_page = matches!(settings.serving, Serving::InProcess(_));
    for call in &mut calls {
        call.spec.signalling.clone_from(&signalling);
        settle_leg(&mut call.spec, &settings);
        call.spec.own_page = own_page;
    }
    // Past four browsers' worth, calls from the browser would take the machine's memory (about
    // 30 MB each): that many at once is for the SIP leg.
    if let Jobs::Fixed(n) = jobs
        && n > MOST_AUTO
        && calls
            .iter()
            .any(|c| c.spec.leg == Some(call::LegKind::Browser))
    {
        return Err(Error::Input(format!(
            "--jobs {n} is more calls at once than browsers should carry (at most {MOST_AUTO}, about 30 MB each): place them through SIP (--leg sip, or leg: sip in the scenarios), or give --jobs {MOST_AUTO} or fewer"
        )));
    }
    // A number the dial policy refuses is refused here, as c2c call does, and never placed; one
    // it allows is dialled in E.164 form, however the file wrote it.
    let policy = dial_policy(&settings);
    let refused: Vec<Option<String>> = calls
        .iter_mut()
        .map(|call| match dialled(policy.as_ref(), &call.spec.target) {
            Ok(target) => {
                call.spec.target = target;
                None
            }
            Err(refusal) => Some(refusal),
        })
        .collect();
    let names: Vec<String> = calls.iter().map(|c| c.name(args.repeat)).collect();
    let sizes: Vec<_> = calls
        .iter()
        .filter(|c| c.spec.hears_words())
        .map(|c| c.spec.speech_size)
        .collect();
    let mut reports: Vec<Option<Report>> = vec![None; calls.len()];
    let placed = super::runtime()?.block_on(async {
        let (events, shown) = mpsc::unbounded_channel::<Shown>();
        let showing = tokio::spawn(show::progress(shown, names.clone()));
        let speech =
            (!sizes.is_empty()).then(|| tokio::spawn(speech_ready(settings.speech.clone(), sizes)));
        // Every phrase of the suite, synthesised once, in the order the calls start.
        let phrases: Vec<_> = calls.iter().flat_map(|c| c.spec.phrases()).collect();
        let voice = (!phrases.is_empty())
            .then(|| tokio::spawn(voice_ready(settings.speech.clone(), phrases)));
        let mut kinds: Vec<call::LegKind> = calls.iter().filter_map(|c| c.spec.leg).collect();
        kinds.dedup();
        let rig = Rig {
            settings,
            kinds: &kinds,
            chrome_args: &args.caller.chrome_args,
            speech,
            voice,
        };
        let calls = &mut calls;
        let refused = &refused;
        let events_to = &events;
        let placed = with_rig(rig, |ready| async move {
            let ready = &ready;
            let which: Vec<usize> = (0..calls.len()).filter(|i| refused[*i].is_none()).collect();
            let place = async |which: Vec<usize>, round: usize| {
                if round > 0 {
                    let _ = events_to.send(Shown::Again(which.len()));
                }
                let first = tokio::time::Instant::now();
                let (health_to, health) = mpsc::unbounded_channel();
                let placing = calls
                    .iter_mut()
                    .enumerate()
                    .filter(move |(i, _)| which.contains(i))
                    .enumerate()
                    .map(|(order, (i, call))| {
                        let (tx, mut rx) = mpsc::unbounded_channel();
                        let tagged = events_to.clone();
                        let health_to = health_to.clone();
                        // A call that listens for words has started once the recogniser has
                        // heard its first: one far behind holds the window where it is.
                        let listens = call.spec.hears_words();
                        tokio::spawn(async move {
                            while let Some(event) = rx.recv().await {
                                let said = match &event {
                                    RunEvent::Ringing | RunEvent::Answered if !listens => {
                                        Some(Health::Started)
                                    }
                                    RunEvent::Heard(_) | RunEvent::Ended => Some(Health::Started),
                                    RunEvent::Starved(_) | RunEvent::Lagging(_) => {
                                        Some(Health::Starved)
                                    }
                                    _ => None,
                                };
                                if let Some(said) = said {
                                    let _ = health_to.send((i, said));
                                }
                                let _ = tagged.send(Shown::Event(i, event));
                            }
                        });
                        if call.spec.hears_words() {
                            call.spec.speech = ready
                                .speech
                                .as_ref()
                                .and_then(|m| m.get(call.spec.speech_size));
                        }
                        call.spec.voice.clone_from(&ready.voice);
                        call.attempts += 1;
                        let cancel = ready.cancel.child();
                        let done = events_to.clone();
                        // The n-th call placed starts no sooner than n gaps after the first.
                        let starts = first + gap * u32::try_from(order).unwrap_or(u32::MAX);
                        (i, async move {
                            tokio::time::sleep_until(starts).await;
                            // Its clock (Twilio out of reach within 8 s, say) starts with it,
                            // not with the suite.
                            call.spec.started = std::time::Instant::now();
                            // A call in which c2c panics fails alone: the others go on, and
                            // every report is written.
                            let placing = ready.legs.place(&call.spec, &ready.page, cancel, tx);
                            let placed = std::panic::AssertUnwindSafe(placing)
                                .catch_unwind()
                                .await
                                .unwrap_or_else(|panic| Err(Error::bug("this call", &*panic)));
                            let verdict = match &placed {
                                Ok(p) if p.report.exit_status == 0 => {
                                    (Verdict::Passed, String::new())
                                }
                                Ok(p) => (p.report.verdict, show::why_failed(&p.report)),
                                Err(err) => (Verdict::Failed, err.to_string()),
                            };
                            let _ = done.send(Shown::Done(i, verdict));
                            (i, placed)
                        })
                    });
                let resized = |size: usize, cut: bool| {
                    let _ = events_to.send(Shown::Window { size, cut });
                };
                in_window(placing, jobs, MOST_AUTO, health, resized).await
            };
            Ok(in_rounds(which, args.retry_inconclusive, place).await)
        })
        .await;
        drop(events);
        let _ = showing.await;
        placed
    })?;
    for (i, placed) in placed {
        reports[i] = Some(match placed {
            Ok(placed) => keep_recording(placed, &calls[i]),
            // A call whose page could not be opened, or crashed, fails alone.
            Err(err) => failed(&calls[i], err),
        });
    }
    let reports: Vec<Report> = reports
        .into_iter()
        .zip(&calls)
        .zip(refused)
        .map(|((report, call), refusal)| match (report, refusal) {
            (Some(report), _) => report,
            (None, Some(refusal)) => call::refused_up_front(&call.spec, refusal),
            (None, None) => failed(call, Error::Failed("the call was not placed".to_owned())),
        })
        .collect();
    show::finish(args, &calls, &reports)
}

/// One call's result, by its index in the suite.
type Placed = (usize, Result<call::Placed, Error>);

/// Places the calls `which` names (`place`, given which and the round from 0), then again those
/// that were inconclusive, up to `retries` more rounds, each once the round before is done (on a
/// quieter machine): the last result of each call.
async fn in_rounds(
    mut which: Vec<usize>,
    retries: usize,
    mut place: impl AsyncFnMut(Vec<usize>, usize) -> Vec<Placed>,
) -> Vec<Placed> {
    let mut results: Vec<Placed> = Vec::new();
    for round in 0..=retries {
        let placed = place(which.clone(), round).await;
        which = placed
            .iter()
            .filter(|(_, p)| matches!(p, Ok(p) if p.report.verdict == Verdict::Inconclusive))
            .map(|(i, _)| *i)
            .collect();
        results.retain(|(i, _)| !placed.iter().any(|(j, _)| i == j));
        results.extend(placed);
        if which.is_empty() {
            break;
        }
    }
    results
}

/// Two runs writing one recording would lose one of them: `record:` must differ per file.
fn check_records(calls: &[Planned]) -> Result<(), Error> {
    let mut seen: Vec<&std::path::Path> = Vec::new();
    for call in calls {
        if let Some(path) = call.record.as_deref() {
            if seen.contains(&path) && call.run == 1 {
                return Err(Error::Input(format!(
                    "{}: record: {} is another scenario's recording too: give each its own",
                    call.file.display(),
                    path.display()
                )));
            }
            seen.push(path);
            if let Some(dir) = path.parent()
                && !dir.as_os_str().is_empty()
                && !dir.is_dir()
            {
                return Err(Error::Input(format!(
                    "{}: record: the folder {} does not exist",
                    call.file.display(),
                    dir.display()
                )));
            }
        }
    }
    Ok(())
}

fn keep_recording(mut placed: call::Placed, call: &Planned) -> Report {
    if let Err(err) = placed.record(call.record.as_deref()) {
        tracing::error!("{}: {err}", call.file.display());
    }
    placed.report
}

/// The report of a call that failed before it had one of its own.
fn failed(call: &Planned, err: Error) -> Report {
    let mut report = call::refused_up_front(&call.spec, err.to_string());
    report.outcome = Outcome::Failed;
    report.exit_status = match err {
        Error::Bug(_) => err.exit_code(),
        _ => Outcome::Failed.exit_code(false),
    };
    for step in &mut report.steps {
        step.detail = "the call failed".to_owned();
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placed(verdict: Verdict) -> call::Placed {
        let spec = call::CallSpec::new(
            "+14155550100".to_owned(),
            Vec::new(),
            Duration::from_secs(1),
        )
        .unwrap();
        let mut report = call::refused_up_front(&spec, String::new());
        report.verdict = verdict;
        call::Placed {
            report,
            heard: Vec::new(),
            sent: None,
        }
    }

    #[tokio::test]
    async fn inconclusive_calls_run_again_after_the_round_and_only_they() {
        // Call 1 is inconclusive twice, then passes; call 2 fails; call 0 passes.
        let mut asked: Vec<(Vec<usize>, usize)> = Vec::new();
        let mut tries = [0usize; 3];
        let results = in_rounds(vec![0, 1, 2], 3, async |which: Vec<usize>, round| {
            asked.push((which.clone(), round));
            which
                .into_iter()
                .map(|i| {
                    tries[i] += 1;
                    let verdict = match (i, tries[i]) {
                        (1, 1 | 2) => Verdict::Inconclusive,
                        (2, _) => Verdict::Failed,
                        _ => Verdict::Passed,
                    };
                    (i, Ok(placed(verdict)))
                })
                .collect()
        })
        .await;
        assert_eq!(asked, [(vec![0, 1, 2], 0), (vec![1], 1), (vec![1], 2)]);
        let mut verdicts: Vec<(usize, Verdict)> = results
            .iter()
            .map(|(i, p)| (*i, p.as_ref().unwrap().report.verdict))
            .collect();
        verdicts.sort_by_key(|(i, _)| *i);
        assert_eq!(
            verdicts,
            [
                (0, Verdict::Passed),
                (1, Verdict::Passed),
                (2, Verdict::Failed)
            ]
        );
    }

    #[tokio::test]
    async fn without_retries_an_inconclusive_call_stays_so() {
        let results = in_rounds(vec![0], 0, async |which: Vec<usize>, _| {
            which
                .into_iter()
                .map(|i| (i, Ok(placed(Verdict::Inconclusive))))
                .collect()
        })
        .await;
        assert_eq!(results.len(), 1);
        assert_eq!(
            results[0].1.as_ref().unwrap().report.verdict,
            Verdict::Inconclusive
        );
    }
}
