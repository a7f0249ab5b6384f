//! `c2c test`'s command line.

use std::path::PathBuf;

use clap::Args;

use super::CallerArgs;

/// Run a suite of scenario files: many calls at once, split across machines
///
/// Runs each scenario file (YAML: the call, `call: +1…` or `call: client:NAME`, its options and
/// its `steps:`, as c2c call --scenario reads them; a folder means every *.yaml in it, sorted) as a
/// call from one headless Chromium, a page per call, through one c2c server and, with --tunnel,
/// one tunnel and one TwiML App change for the whole suite. As many calls are in flight at once as
/// the machine carries (--jobs auto) or --jobs says; --repeat runs each scenario again; --shard
/// runs a stable share of the suite, for a CI matrix or a Kubernetes Indexed Job.
///
/// Each call's progress is shown as it happens, then a summary: passed, failed with the first
/// failing step, and timing percentiles. --junit writes one report (a test suite per scenario
/// file, a test case per step); --json prints a JSON object a line, one per call.
#[derive(Debug, Args)]
#[command(after_long_help = "\
Examples:
  c2c test ivr/ --tunnel --junit ivr.xml
  c2c test ivr/menu.yaml --repeat 20 --jobs 10 --json > calls.jsonl
  c2c test ivr/ --tunnel --shard 2/4            The second of four CI machines

A scenario file:
  call: \"+18005550199\"
  timeout: 30s
  steps:
    - wait-for-prompt \"for support, press two\"
    - press 2
    - expect-speech \"your ticket number\"

Exit status: 0 every call passed, 1 a call failed (each call's outcome is in the reports), 2 usage
error (a scenario file that does not read, say), 3 settings error, 4 Twilio or ngrok out of reach,
10 no call failed but some were inconclusive (c2c could not hear them in time: this machine was
too busy), 130 interrupted (every live call hung up, the TwiML App put back).")]
pub struct TestArgs {
    /// Scenario files, or folders of them (every *.yaml, sorted)
    #[arg(value_name = "PATH", required = true, num_args = 1..)]
    pub paths: Vec<PathBuf>,

    /// Calls in flight at once: auto, or from 1 to 1000. auto starts two, doubles while every
    /// call stays healthy and backs off when a call is starved of CPU (a browser carries 25; more
    /// start a second). Through SIP (--leg sip) a machine carries hundreds: give a number
    #[arg(long, value_name = "N|auto", default_value = "auto", value_parser = jobs)]
    pub jobs: Jobs,

    /// Run each scenario this many times, from 1 to 1000
    #[arg(long, value_name = "K", default_value = "1", value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=1000))]
    pub repeat: usize,

    /// Start at most R new calls a second, from 0.01 to 100 (such as 2, or 0.5), for a steady
    /// load
    #[arg(long, value_name = "R", value_parser = rate)]
    pub rate: Option<f64>,

    /// Run each inconclusive call again, up to N times, from 0 to 10, once the others are done
    /// (an inconclusive call is one c2c could not hear in time, its machine too busy)
    #[arg(long, value_name = "N", default_value = "0", value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(0..=10))]
    pub retry_inconclusive: usize,

    /// Run only the I-th of N shares of the suite (1-based; stable for the same files), as
    /// I/N: each machine of a CI matrix runs one
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,

    /// Write one JUnit XML report: a test suite per scenario file, a test case per step
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,

    /// Print each call's outcome as a JSON object, one a line, on standard output
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub caller: CallerArgs,
}

/// `--rate`: new calls a second, in a range whose gap between two calls is a sensible duration.
/// How many calls a suite keeps in flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Jobs {
    /// As many as the machine carries, found as the suite runs.
    Auto,
    Fixed(usize),
}

fn jobs(text: &str) -> Result<Jobs, String> {
    match text.trim() {
        "auto" => Ok(Jobs::Auto),
        n => n
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=1000).contains(n))
            .map(Jobs::Fixed)
            .ok_or_else(|| "give auto, or calls at once from 1 to 1000, such as 8".to_owned()),
    }
}

fn rate(text: &str) -> Result<f64, String> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|r| (0.01..=100.0).contains(r))
        .ok_or_else(|| "give new calls a second from 0.01 to 100, such as 2 or 0.5".to_owned())
}
