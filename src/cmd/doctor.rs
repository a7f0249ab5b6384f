//! `c2c doctor`: check the account for everything a call needs, and report.

use crate::doctor;
use crate::error::Error;
use crate::progress::Progress;
use crate::settings::doctor::Doctor;
use crate::stdout;

pub fn run(settings: Doctor) -> Result<(), Error> {
    super::runtime()?.block_on(async {
        let progress = Progress::default();
        let checking = progress.start("Checking the account with Twilio");
        let client = settings.rest.clone().client()?;
        let report = doctor::run(&settings, &client).await;
        match &report.unreachable {
            Some(_) => checking.failed(),
            None => checking.clear(),
        }
        // The report is printed whatever happened, --json included: a script always gets one.
        if settings.json {
            stdout::line(serde_json::to_string_pretty(&report).unwrap_or_default())?;
        } else {
            stdout::write(report.text().as_bytes())?;
        }
        if report.unreachable.is_some() {
            return Err(Error::Remote(
                "the account was not checked, only this machine (the report above says why)"
                    .to_owned(),
            ));
        }
        match report.failed() {
            0 => Ok(()),
            failed => Err(Error::Failed(format!(
                "{failed} of {} checks failed: a call would fail too. Do what each says, then run c2c doctor again.",
                report.checks.len()
            ))),
        }
    })
}
