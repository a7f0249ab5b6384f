//! `c2c doctor`: every check a call needs, run against the account at once, in one report.
//!
//! Each check says ok, warn or FAIL, what it found, and the one thing to do. The REST calls run
//! concurrently, so the whole report takes about one round trip to Twilio.

mod checks;
mod local;
mod sip;

use serde::Serialize;

use crate::settings::doctor::Doctor;
use crate::twilio_api::Client;

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
    /// Why Twilio could not be reached, when it could not: the account's checks were not made,
    /// and this machine's were.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unreachable: Option<String>,
    pub checks: Vec<Check>,
}

/// Runs every check. When Twilio cannot be reached at all (the account's own request did not
/// get through), that is said once, as one check, rather than as every account check's failure,
/// and what can be checked on this machine still is: the settings' shapes, ngrok's authtoken,
/// the browser, the speech model, the voice.
pub async fn run(settings: &Doctor, client: &Client) -> Report {
    let (account, app, sip, caller, dialing, alerts, browser, speech) = tokio::join!(
        checks::account(settings, client),
        checks::app(settings, client),
        sip::check(settings, client),
        checks::caller_id(settings, client),
        checks::dialing(settings, client),
        checks::alerts(client),
        local::browser(settings),
        local::speech(settings),
    );
    let local = [local::ngrok(settings), browser, speech, local::voice()];
    let (all, unreachable) = match account {
        Ok(account) => {
            let mut all = account;
            all.extend(app);
            all.extend(sip);
            all.extend(caller);
            all.extend(dialing);
            all.extend(local);
            all.extend(alerts);
            (all, None)
        }
        Err(unreachable) => {
            let why = unreachable.to_string();
            let mut all = vec![Check::new(
                "Twilio",
                Status::Fail,
                "out of reach: the account was not checked",
                why.clone(),
            )];
            // A setting that is wrong on its face is wrong offline too.
            all.extend(checks::shapes(settings));
            all.extend(local);
            (all, Some(why))
        }
    };
    Report {
        ok: all.iter().all(|check| check.status != Status::Fail),
        unreachable,
        checks: all,
    }
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
