//! `c2c doctor`: check the account for everything a call needs, and report.

use crate::doctor;
use crate::error::Error;
use crate::progress::Progress;
use crate::settings::doctor::Doctor;

pub fn run(settings: Doctor) -> Result<(), Error> {
    super::runtime()?.block_on(async {
        let progress = Progress::default();
        let checking = progress.start("Checking the account with Twilio");
        let client = settings.rest.clone().client()?;
        let report = doctor::run(&settings, &client).await;
        checking.done(format!("{} checks", report.checks.len()));
        if settings.json {
            println!("{}", serde_json::to_string_pretty(&report).unwrap_or_default());
        } else {
            print!("{}", report.text());
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
