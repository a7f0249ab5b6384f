//! How a run's calls are placed: from c2c's page in the browsers the run shares (the default, and
//! the only leg that tests a WebRTC client), or through SIP into c2c's SIP Domain with no browser
//! (`--leg sip`, a scenario's `leg: sip`: hundreds of calls a machine). Either way a call is a
//! `Leg` that the same session follows, so its steps, listeners, recording and report do not know
//! which it was.

use std::sync::Arc;

use super::Browsers;
use crate::call::{self, CallSpec, Cancel, LegKind, Placed, RunEvent};
use crate::error::Error;
use crate::settings::call::Call;

/// The legs a run's calls use, each started only when one of them needs it.
pub struct Legs {
    browsers: Option<Arc<Browsers>>,
    phone: Option<Arc<call::Phone>>,
}

impl Legs {
    /// Starts what `kinds` (the legs the run's calls use) need: the browser (first: it takes
    /// longest) with Chromium's `extra` flags, able to look up only `reaches`; the SIP user agent.
    pub async fn start(
        settings: &Call,
        kinds: &[LegKind],
        reaches: Vec<String>,
        extra: &[String],
    ) -> Result<Legs, Error> {
        let browsers = match kinds.contains(&LegKind::Browser) {
            false => None,
            true => {
                let Some(chrome) = settings.chrome.clone() else {
                    return Err(Error::Browser(
                        "a scenario places its call from the browser (leg: browser), and no Chromium-based browser was found: install Chromium (Debian and Ubuntu: sudo apt install chromium), or give its path with --chrome".to_owned(),
                    ));
                };
                Some(Arc::new(Browsers::start(chrome, reaches, extra.to_vec())?))
            }
        };
        let legs = Legs {
            browsers,
            phone: None,
        };
        if !kinds.contains(&LegKind::Sip) {
            return Ok(legs);
        }
        let started = match settings.sip.clone() {
            None => Err(Error::Settings {
                message: "a scenario places its call through SIP (leg: sip), and c2c's SIP Domain is not set up: run `c2c configure --sip` once (or set TWILIO_SIP_DOMAIN, TWILIO_SIP_USERNAME and TWILIO_SIP_PASSWORD)".to_owned(),
                typed: false,
            }),
            Some(account) => call::Phone::start(account)
                .await
                .map_err(|err| Error::Failed(err.to_string())),
        };
        match started {
            Ok(phone) => Ok(Legs {
                phone: Some(phone),
                ..legs
            }),
            Err(err) => {
                legs.close().await;
                Err(err)
            }
        }
    }

    /// Places `plan`'s call through c2c's server at `page` and follows it to its end.
    pub async fn place(
        &self,
        plan: &CallSpec,
        page: &str,
        cancel: Cancel,
        events: tokio::sync::mpsc::UnboundedSender<RunEvent>,
    ) -> Result<Placed, Error> {
        match (plan.leg.unwrap_or_default(), &self.browsers, &self.phone) {
            (LegKind::Browser, Some(browsers), _) => {
                let lent = browsers.lend().await?;
                call::place(&lent.browser, plan, page, cancel, events).await
            }
            (LegKind::Sip, _, Some(phone)) => {
                if plan.target.starts_with("client:") {
                    return Err(Error::Failed(format!(
                        "{} is a browser, which the SIP leg cannot call: use --leg browser for it",
                        plan.target
                    )));
                }
                // The call's network quality is the Voice SDK's measure: a floor on it could only
                // fail, never pass, through SIP.
                if plan.quality_floor.is_some() {
                    return Err(Error::Failed(
                        "this scenario's quality: floor is measured by the Voice SDK, which the SIP leg does not run: use --leg browser for it".to_owned(),
                    ));
                }
                let leg = phone.call(&plan.target, page).await;
                call::follow(leg, plan, cancel, events, Some(page)).await
            }
            (kind, _, _) => Err(Error::bug(
                "the run",
                &format!("a call for the {kind:?} leg, which the run did not start"),
            )),
        }
    }

    /// Whose Voice URL Twilio asks about this run's calls: the TwiML App's for the browser's,
    /// the SIP Domain's for SIP's.
    pub fn asked(&self) -> &'static str {
        match (self.browsers.is_some(), self.phone.is_some()) {
            (true, true) => "the TwiML App's and the SIP Domain's current Voice URLs",
            (false, true) => "the SIP Domain's current Voice URL",
            _ => "the TwiML App's current Voice URL",
        }
    }

    pub async fn close(&self) {
        if let Some(browsers) = &self.browsers {
            browsers.close().await;
        }
        if let Some(phone) = &self.phone {
            phone.close();
        }
    }
}
