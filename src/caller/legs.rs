//! How a run's calls are placed: from c2c's page in the browsers the run shares (the default, and
//! the only leg that tests a WebRTC client), or through SIP into c2c's SIP Domain with no browser
//! (`--leg sip`: hundreds of calls a machine). Either way a call is a `Leg` that the same session
//! follows, so its steps, listeners, recording and report do not know which it was.

use std::sync::Arc;

use super::Browsers;
use crate::call::{self, CallSpec, Cancel, Placed, RunEvent};
use crate::error::Error;

pub enum Legs {
    Browser(Arc<Browsers>),
    Sip(Arc<call::Phone>),
}

impl Legs {
    /// Places `plan`'s call through c2c's server at `page` and follows it to its end.
    pub async fn place(
        &self,
        plan: &CallSpec,
        page: &str,
        cancel: Cancel,
        events: tokio::sync::mpsc::UnboundedSender<RunEvent>,
    ) -> Result<Placed, Error> {
        match self {
            Legs::Browser(browsers) => {
                let lent = browsers.lend().await?;
                call::place(&lent.browser, plan, page, cancel, events).await
            }
            Legs::Sip(phone) => {
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
        }
    }

    pub async fn close(&self) {
        match self {
            Legs::Browser(browsers) => browsers.close().await,
            Legs::Sip(phone) => phone.close(),
        }
    }
}
