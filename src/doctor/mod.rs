//! `c2c doctor`: every check a call needs, run against the account at once, in one report.
//!
//! Each check says ok, warn or FAIL, what it found, and the one thing to do. The REST calls run
//! concurrently, so the whole report takes about one round trip to Twilio.

mod checks;

use serde::Serialize;

use crate::settings::doctor::Doctor;
use crate::twilio_api::{ApiError, Client};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Warn,
    Fail,
}

#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub name: String,
    pub status: Status,
    pub found: String,
    /// What to do; empty when nothing is needed.
    pub fix: String,
}

impl Check {
    fn ok(name: impl Into<String>, found: impl Into<String>) -> Self {
        Check::new(name, Status::Ok, found, "")
    }

    fn new(
        name: impl Into<String>,
        status: Status,
        found: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        Check {
            name: name.into(),
            status,
            found: found.into(),
            fix: fix.into(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct Report {
    pub ok: bool,
    pub checks: Vec<Check>,
}

/// Runs every check; `Err` when Twilio could not be reached at all (the account's own request
/// did not get through), which is said once rather than as every check's failure.
pub async fn run(settings: &Doctor, client: &Client) -> Result<Report, ApiError> {
    let (account, app, caller, dialing, alerts, browser, speech) = tokio::join!(
        checks::account(settings, client),
        checks::app(settings, client),
        checks::caller_id(settings, client),
        checks::dialing(settings, client),
        checks::alerts(client),
        checks::browser(settings),
        checks::speech(settings),
    );
    let mut all = account?;
    all.extend(app);
    all.extend(caller);
    all.extend(dialing);
    all.push(checks::ngrok(settings));
    all.push(browser);
    all.push(speech);
    all.extend(alerts);
    Ok(Report {
        ok: all.iter().all(|check| check.status != Status::Fail),
        checks: all,
    })
}

impl Report {
    /// One line per check, and under it what to do when something is.
    pub fn text(&self) -> String {
        let width = self.checks.iter().map(|c| c.name.len()).max().unwrap_or(0);
        let mut out = String::new();
        for check in &self.checks {
            let status = match check.status {
                Status::Ok => "ok  ",
                Status::Warn => "warn",
                Status::Fail => "FAIL",
            };
            out.push_str(&format!(
                "{status}  {:width$}  {}\n",
                check.name, check.found
            ));
            if !check.fix.is_empty() {
                out.push_str(&format!("      {:width$}  -> {}\n", "", check.fix));
            }
        }
        out
    }

    pub fn failed(&self) -> usize {
        self.checks
            .iter()
            .filter(|c| c.status == Status::Fail)
            .count()
    }
}
