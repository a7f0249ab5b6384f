use super::*;
use crate::call::{CallSpec, Cancel, Outcome, StepStatus, follow};
use crate::scenario::HangUpAfter;

/// A phone tree: a spoken-length prompt (a 440 Hz tone), then, for key 2, a 1,000 Hz tone.
fn tree() -> FarEnd {
    FarEnd {
        answer_after: Duration::from_millis(300),
        prompt: [tone(440.0, 800), silence(100)].concat(),
        keys: BTreeMap::from([('2', tone(1000.0, 1500)), ('1', tone(697.0, 1500))]),
        ..FarEnd::default()
    }
}

async fn run(steps: &[&str]) -> (crate::call::Report, Sent) {
    run_to(tree(), steps).await
}

async fn run_to(far_end: FarEnd, steps: &[&str]) -> (crate::call::Report, Sent) {
    run_within(far_end, steps, Duration::from_secs(8)).await
}

/// `reach_twilio`: how long the page has to hear from Twilio.
async fn run_within(
    far_end: FarEnd,
    steps: &[&str],
    reach_twilio: Duration,
) -> (crate::call::Report, Sent) {
    let mut plan = plan(steps);
    plan.reach_twilio = reach_twilio;
    place(far_end, &plan).await
}

/// A call that runs `steps` until they end, whatever the far end does.
fn plan(steps: &[&str]) -> CallSpec {
    let steps = steps
        .iter()
        .map(|text| crate::scenario::parse(text).unwrap())
        .collect();
    let mut plan = CallSpec::new("+14155552671".to_owned(), steps, Duration::from_secs(5)).unwrap();
    plan.hangup_after = HangUpAfter::Never;
    plan
}

/// `plan` placed through a scripted leg to `far_end`: its report, and what the leg was sent.
async fn place(far_end: FarEnd, plan: &CallSpec) -> (crate::call::Report, Sent) {
    let (leg, sent) = ScriptedLeg::new(far_end);
    let cancel = Cancel::child_of(&tokio_util::sync::CancellationToken::new());
    let (events, _shown) = tokio::sync::mpsc::unbounded_channel();
    let placed = follow(leg, plan, cancel, events, None).await.unwrap();
    let sent = sent.lock().unwrap().clone();
    (placed.report, sent)
}

#[tokio::test]
async fn a_scenario_runs_through_the_session_steps_and_report_with_no_browser() {
    let (report, sent) = run(&[
        "wait-for-silence quiet=300ms timeout=5s",
        "press 2",
        "expect-tone 1000 timeout=3s",
        "expect-silence 300ms",
    ])
    .await;
    let statuses: Vec<_> = report
        .steps
        .iter()
        .map(|s| (s.step.as_str(), s.status))
        .collect();
    assert_eq!(
        statuses,
        [
            (
                "wait-for-silence quiet=300ms timeout=5s",
                StepStatus::Passed
            ),
            ("press 2", StepStatus::Passed),
            ("expect-tone 1000 timeout=3s", StepStatus::Passed),
            ("expect-silence 300ms", StepStatus::Passed),
        ],
        "{report:?}"
    );
    assert_eq!(report.outcome, Outcome::Completed, "{report:?}");
    assert_eq!(report.exit_status, 0);
    assert_eq!(
        report.call_sid.as_deref(),
        Some(&*format!("CA{}", "0".repeat(32)))
    );
    assert_eq!(
        sent,
        Sent {
            digits: "2".to_owned(),
            played: Vec::new(),
            hung_up: true,
            closed: true
        }
    );
}

#[tokio::test]
async fn the_wrong_key_fails_the_step_that_listens_for_the_right_answer() {
    let (report, sent) = run(&[
        "wait-for-silence quiet=300ms timeout=5s",
        "press 1",
        "expect-tone 1000 timeout=2s",
    ])
    .await;
    assert_eq!(sent.digits, "1");
    let last = report.steps.last().unwrap();
    assert_eq!(last.status, StepStatus::Failed, "{report:?}");
    assert!(last.detail.contains("1000"), "{}", last.detail);
    assert_ne!(report.exit_status, 0);
}

/// A tone from 1 s to 3 s after the answer, from a page that goes quiet 0.5 s after the
/// answer for `stalled`.
fn starved(stalled: Duration) -> FarEnd {
    FarEnd {
        answer_after: Duration::from_millis(300),
        prompt: [silence(1000), tone(1000.0, 2000)].concat(),
        stall: Some((Duration::from_millis(500), stalled)),
        ..FarEnd::default()
    }
}

#[tokio::test]
async fn a_page_starved_for_a_while_is_waited_for_and_the_tone_it_heard_passes() {
    // Before, the step's two seconds ran out before the page's audio came: a false failure.
    let (report, _) = run_to(
        starved(Duration::from_millis(3500)),
        &["expect-tone 1000 timeout=2s"],
    )
    .await;
    assert_eq!(report.steps[0].status, StepStatus::Passed, "{report:?}");
    assert_eq!(report.verdict, crate::call::Verdict::Passed);
}

#[tokio::test]
async fn a_wrong_expectation_fails_on_a_starved_page_once_its_audio_has_come() {
    let (report, _) = run_to(
        starved(Duration::from_millis(3500)),
        &["expect-tone 697 timeout=2s"],
    )
    .await;
    assert_eq!(report.steps[0].status, StepStatus::Failed, "{report:?}");
    assert_eq!(report.verdict, crate::call::Verdict::Failed);
    assert_eq!(report.exit_status, 1);
}

#[tokio::test]
async fn a_page_starved_past_the_wait_is_inconclusive_never_failed() {
    let (report, _) = run_to(
        starved(Duration::from_secs(8)),
        &["expect-tone 1000 timeout=2s", "hangup"],
    )
    .await;
    let step = &report.steps[0];
    assert_eq!(step.status, StepStatus::Inconclusive, "{report:?}");
    assert!(
        step.detail.contains("c2c's own trouble, not the far end's"),
        "{}",
        step.detail
    );
    assert!(
        step.detail.contains("had not reached c2c"),
        "{}",
        step.detail
    );
    assert_eq!(report.steps[1].status, StepStatus::Skipped);
    assert_eq!(report.steps[1].detail, "an earlier step was inconclusive");
    assert_eq!(report.verdict, crate::call::Verdict::Inconclusive);
    assert_eq!(report.exit_status, crate::call::INCONCLUSIVE);
}

#[tokio::test]
async fn a_page_that_keeps_talking_but_never_hears_from_twilio_says_it_is_out_of_reach() {
    let far_end = FarEnd {
        unreachable: true,
        ..tree()
    };
    let (report, _) = run_within(far_end, &[], Duration::from_millis(3500)).await;
    assert_eq!(
        report.outcome,
        crate::call::Outcome::Unreachable,
        "{report:?}"
    );
    assert_eq!(report.verdict, crate::call::Verdict::Failed);
    assert_eq!(report.exit_status, 4);
}

#[tokio::test]
async fn the_time_a_starved_page_lost_is_added_to_twilios_before_it_is_out_of_reach() {
    // Quiet from its first word to 5 s (2 s past a late heartbeat lost): Twilio's 4 s become 6.
    let far_end = FarEnd {
        unreachable: true,
        stall: Some((Duration::from_millis(500), Duration::from_millis(4500))),
        ..tree()
    };
    let started = std::time::Instant::now();
    let (report, _) = run_within(far_end, &[], Duration::from_secs(4)).await;
    let took = started.elapsed();
    assert_eq!(
        report.outcome,
        crate::call::Outcome::Unreachable,
        "{report:?}"
    );
    assert_eq!(report.verdict, crate::call::Verdict::Failed);
    assert!(
        took >= Duration::from_millis(5900) && took < Duration::from_secs(8),
        "judged after {took:?}, not at 6 s"
    );
}

#[tokio::test]
async fn a_page_starved_longer_than_twilio_is_given_cannot_judge_it_and_says_so() {
    // Quiet for 6 s from the start: more than the 3 s Twilio has, lost.
    let far_end = FarEnd {
        unreachable: true,
        stall: Some((Duration::from_millis(500), Duration::from_secs(6))),
        ..tree()
    };
    let (report, _) = run_within(far_end, &[], Duration::from_secs(3)).await;
    assert_eq!(
        report.verdict,
        crate::call::Verdict::Inconclusive,
        "{report:?}"
    );
    assert_eq!(report.exit_status, crate::call::INCONCLUSIVE);
    assert!(
        report.message.contains("starved of CPU for 3.")
            && report
                .message
                .contains("whether Twilio can be reached is unknown")
            && !report.message.contains("cannot be reached"),
        "{}",
        report.message
    );
}

#[tokio::test]
async fn twilio_lost_just_after_the_page_was_starved_is_inconclusive_and_otherwise_out_of_reach() {
    // Starved from 0.5 s to 4.5 s after the answer, then the SDK's 31005.
    let far_end = FarEnd {
        loses_twilio: Some(31005),
        ..starved(Duration::from_secs(4))
    };
    let (report, _) = run_to(far_end, &["wait 6s"]).await;
    assert_eq!(
        report.verdict,
        crate::call::Verdict::Inconclusive,
        "{report:?}"
    );
    assert!(
        report
            .message
            .contains("lost Twilio (error 31005) just after c2c's page was starved"),
        "{}",
        report.message
    );
    // The same error from a healthy page: Twilio out of reach.
    let far_end = FarEnd {
        loses_twilio: Some(31005),
        ..tree()
    };
    let (report, _) = run_to(far_end, &["wait 2s"]).await;
    assert_eq!(
        report.outcome,
        crate::call::Outcome::Unreachable,
        "{report:?}"
    );
    assert_eq!(report.exit_status, 4);
}

#[tokio::test]
async fn a_tone_a_starved_page_dropped_is_inconclusive_never_failed() {
    // The tone plays from 1 s to 3 s after the answer; the page is starved from 0.5 s to
    // 3.5 s and drops all it captured meanwhile.
    let far_end = FarEnd {
        drops: true,
        ..starved(Duration::from_secs(3))
    };
    let (report, _) = run_to(far_end, &["expect-tone 1000 timeout=4s"]).await;
    let step = &report.steps[0];
    assert_eq!(step.status, StepStatus::Inconclusive, "{report:?}");
    assert!(step.detail.contains("starved, lost"), "{}", step.detail);
    assert_eq!(report.verdict, crate::call::Verdict::Inconclusive);
}

/// A voice agent: it answers whatever c2c says 700 ms after c2c stops, with a 800 Hz tone.
fn agent() -> FarEnd {
    FarEnd {
        answer_after: Duration::from_millis(300),
        reply: Some((Duration::from_millis(700), tone(800.0, 1000))),
        ..FarEnd::default()
    }
}

/// A call to `agent()` that says "hello" (a voice, a hiss above the telephone band and a pause),
/// then runs `steps`, with `ceiling` as its scenario's latency p95.
async fn talk(steps: &[&str], ceiling: Option<Duration>) -> (crate::call::Report, Sent) {
    talk_to(agent(), steps, ceiling).await
}

async fn talk_to(
    far_end: FarEnd,
    steps: &[&str],
    ceiling: Option<Duration>,
) -> (crate::call::Report, Sent) {
    let say = crate::voice::Say {
        text: "hello".to_owned(),
        voice: crate::voice::Voice::default(),
        pace: 100,
    };
    let spoken = [tone(300.0, 500), tone(6_000.0, 100), silence(200)].concat();
    let mut plan = plan(steps);
    plan.latency_p95 = ceiling;
    plan.voice = Some(crate::voice::Speaker::with(vec![(say, spoken)]));
    place(far_end, &plan).await
}

#[tokio::test]
async fn words_slow_to_be_made_are_waited_for_with_the_call_still_heard() {
    // A synthesiser on a busy machine takes longer than c2c gives a silent leg: the call goes on
    // being heard meanwhile, so the wait is not taken for a stuck leg, and the turn is timed.
    let say = crate::voice::Say {
        text: "hello".to_owned(),
        voice: crate::voice::Voice::default(),
        pace: 100,
    };
    let spoken = [tone(300.0, 500), silence(200)].concat();
    let mut plan = plan(&["say hello timeout=20s", "expect-audio 300ms"]);
    let slow = crate::call::session::PAGE_QUIET + Duration::from_secs(1);
    plan.voice = Some(crate::voice::Speaker::after(slow, vec![(say, spoken)]));
    let (report, sent) = place(agent(), &plan).await;
    assert_eq!(report.exit_status, 0, "{report:?}");
    assert_eq!(sent.played, [16 * 700]);
    // The agent waits 700 ms after the pause that ends the words: 0.9 s after the voice.
    let latency = report.steps[1]
        .latency
        .unwrap_or_else(|| panic!("{report:?}"));
    assert!((latency - 0.9).abs() <= 0.03, "{latency}");
}

#[tokio::test]
async fn c2c_talks_over_the_far_end_and_times_how_long_it_goes_on() {
    // An agent that greets for three seconds, and stops 400 ms after it is interrupted.
    let greets = |yields| FarEnd {
        prompt: tone(440.0, 3_000),
        yields,
        ..agent()
    };
    let steps = ["say hello barge-in=500ms yield=600ms", "expect-audio 300ms"];
    let (report, _) = talk_to(greets(Some(Duration::from_millis(400))), &steps, None).await;
    assert_eq!(report.exit_status, 0, "{report:?}");
    let over = report.steps[0]
        .talk_over
        .unwrap_or_else(|| panic!("{report:?}"));
    assert!((over - 0.4).abs() <= 0.03, "{over}");
    assert!(
        report.steps[0].detail.contains("the far end stopped 0.4"),
        "{report:?}"
    );
    // Its reply after c2c stops is still a turn.
    assert!(report.steps[1].latency.is_some(), "{report:?}");
    // One that will not stop fails the yield.
    let (report, _) = talk_to(greets(Some(Duration::from_millis(1_200))), &steps, None).await;
    assert_eq!(report.steps[0].status, StepStatus::Failed, "{report:?}");
    assert!(
        report.steps[0].detail.contains("later than yield=0.6s"),
        "{report:?}"
    );
}

#[tokio::test]
async fn a_turn_is_timed_from_the_last_sound_the_line_carries_to_the_reply() {
    let steps = [
        "say hello",
        "expect-audio 300ms",
        "wait 200ms",
        "expect-audio 300ms",
    ];
    let (report, sent) = talk(&steps, Some(Duration::from_secs(2))).await;
    assert_eq!(report.exit_status, 0, "{report:?}");
    assert_eq!(sent.played, [16 * 800]);
    // The agent waits 700 ms after the hiss and the pause, which the far end hears as c2c having
    // stopped: 1 s after the voice.
    let latency = report.steps[1]
        .latency
        .unwrap_or_else(|| panic!("{report:?}"));
    assert!((latency - 1.0).abs() <= 0.03, "{latency}");
    assert!(report.steps[1].detail.contains("reply began"), "{report:?}");
    // Only the step that listened first after c2c spoke has a turn.
    assert_eq!(report.steps[3].latency, None);
    let check = &report.steps[4];
    assert_eq!(check.step, "latency: p95 2s or less");
    assert_eq!(check.status, StepStatus::Passed, "{check:?}");
}

#[tokio::test]
async fn turns_slower_than_the_scenarios_latency_fail_the_call() {
    let (report, _) = talk(
        &["say hello", "expect-audio 300ms"],
        Some(Duration::from_millis(500)),
    )
    .await;
    assert_eq!(report.exit_status, 1, "{report:?}");
    let check = report.steps.last().unwrap();
    assert_eq!(check.status, StepStatus::Failed, "{check:?}");
    assert!(
        check.detail.starts_with("p95 0.9") || check.detail.starts_with("p95 1.0"),
        "{check:?}"
    );
    // A ceiling with no turn to time is a scenario that cannot test it.
    let (report, _) = talk(&["wait 100ms"], Some(Duration::from_secs(1))).await;
    assert_eq!(report.exit_status, 1, "{report:?}");
    assert!(
        report
            .steps
            .last()
            .unwrap()
            .detail
            .starts_with("no turn was timed")
    );
}

#[tokio::test]
async fn a_reply_that_comes_before_a_busy_page_says_the_words_are_out_is_still_heard() {
    // c2c says "hello" (0.8 s); the agent answers 200 ms later with 600 ms of tone; the page takes
    // two seconds to return from playing, so the reply is over before the say step is.
    let busy = FarEnd {
        reply: Some((Duration::from_millis(200), tone(800.0, 600))),
        slow_play: Some(Duration::from_secs(2)),
        ..agent()
    };
    let (report, _) = talk_to(busy, &["say hello", "expect-audio 300ms timeout=2s"], None).await;
    assert_eq!(report.exit_status, 0, "{report:?}");
    let latency = report.steps[1]
        .latency
        .unwrap_or_else(|| panic!("{report:?}"));
    assert!((latency - 0.5).abs() <= 0.03, "{latency}");
}
