//! c2c's page in the headless browser, as `c2c call` drives it: opened with the call's target
//! (the page's own `autocall`), heard through two bindings (`c2cReport`: the page's states and
//! errors; `c2cAudio`: what it hears, from `driver.js`), and acted on through `window.c2c`.

use std::time::Instant;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::audio::RATE;
use super::cdp::{CdpError, Event};
use super::chrome::Chrome;

const DRIVER: &str = include_str!("driver.js");

/// What the page said.
#[derive(Debug)]
pub enum Said {
    /// Its state: `phase` is idle, connecting, ringing, in-call or ended; `device` is the
    /// Device's (registering, ready, offline, unreachable).
    State {
        phase: String,
        device: String,
        status: String,
        call_sid: String,
    },
    /// A Twilio error on the call, in the page's words; `fatal` when the page cannot place a
    /// call at all (no SDK, no token).
    Error {
        code: u32,
        message: String,
        fatal: bool,
    },
    /// The keys it was given have all been sent.
    DigitsSent,
    /// Audio it heard (16 kHz mono), and when it arrived.
    Audio(Instant, Vec<i16>),
    /// The browser closed or the page crashed.
    Gone(String),
}

pub struct Page {
    pub chrome: Chrome,
    session: String,
    events: mpsc::UnboundedReceiver<Event>,
}

impl Page {
    /// Opens `url` in the browser's first tab with c2c's driver in place.
    pub async fn open(
        chrome: Chrome,
        events: mpsc::UnboundedReceiver<Event>,
        url: &str,
    ) -> Result<Page, String> {
        match Self::attach(&chrome, url).await {
            Ok(session) => Ok(Page {
                chrome,
                session,
                events,
            }),
            Err(err) => Err(match chrome.log_tail() {
                tail if tail.is_empty() => err.to_string(),
                tail => format!("{err} ({tail})"),
            }),
        }
    }

    /// Attaches to the first tab, sets up the driver and loads `url`: the session's id.
    async fn attach(chrome: &Chrome, url: &str) -> Result<String, CdpError> {
        let cdp = &chrome.cdp;
        let targets = cdp.send(None, "Target.getTargets", json!({})).await?;
        let target = targets["targetInfos"]
            .as_array()
            .and_then(|all| all.iter().find(|t| t["type"] == "page"))
            .and_then(|t| t["targetId"].as_str())
            .map(str::to_owned);
        let target = match target {
            Some(target) => target,
            None => cdp
                .send(None, "Target.createTarget", json!({ "url": "about:blank" }))
                .await?["targetId"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        };
        let attached = cdp
            .send(
                None,
                "Target.attachToTarget",
                json!({ "targetId": target, "flatten": true }),
            )
            .await?;
        let session = attached["sessionId"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let s = Some(session.as_str());
        for name in ["c2cReport", "c2cAudio"] {
            cdp.send(s, "Runtime.addBinding", json!({ "name": name }))
                .await?;
        }
        cdp.send(s, "Runtime.enable", json!({})).await?;
        cdp.send(s, "Page.enable", json!({})).await?;
        cdp.send(
            s,
            "Page.addScriptToEvaluateOnNewDocument",
            json!({ "source": DRIVER }),
        )
        .await?;
        cdp.send(s, "Page.navigate", json!({ "url": url })).await?;
        Ok(session)
    }

    /// The next thing the page says; `Gone` once the browser has closed.
    pub async fn next(&mut self) -> Said {
        loop {
            let Some(event) = self.events.recv().await else {
                return Said::Gone(format!(
                    "Chromium closed unexpectedly{}",
                    match self.chrome.log_tail() {
                        tail if tail.is_empty() => String::new(),
                        tail => format!(" ({tail})"),
                    }
                ));
            };
            match event.method.as_str() {
                "Runtime.bindingCalled" => {
                    if let Some(said) = binding(&event.params) {
                        return said;
                    }
                }
                "Inspector.targetCrashed" => return Said::Gone("the page crashed".to_owned()),
                "Runtime.exceptionThrown" => tracing::debug!(
                    "page: {}",
                    event.params["exceptionDetails"]["exception"]["description"]
                ),
                "Runtime.consoleAPICalled" => tracing::debug!(
                    "page console: {}",
                    event.params["args"]
                        .as_array()
                        .map(|args| args
                            .iter()
                            .map(|a| a["value"]
                                .as_str()
                                .map_or_else(|| a["description"].to_string(), str::to_owned))
                            .collect::<Vec<_>>()
                            .join(" "))
                        .unwrap_or_default()
                ),
                _ => {}
            }
        }
    }

    /// Runs `expression` in the page (not waiting for a promise it returns).
    pub async fn run(&self, expression: &str) -> Result<Value, CdpError> {
        let result = self
            .chrome
            .cdp
            .send(
                Some(&self.session),
                "Runtime.evaluate",
                json!({ "expression": expression, "returnByValue": true }),
            )
            .await?;
        if let Some(details) = result.get("exceptionDetails") {
            return Err(CdpError::Refused {
                method: expression.chars().take(40).collect(),
                message: details["exception"]["description"]
                    .as_str()
                    .or_else(|| details["text"].as_str())
                    .unwrap_or("an exception")
                    .to_owned(),
            });
        }
        Ok(result["result"]["value"].clone())
    }

    pub async fn hang_up(&self) -> Result<(), CdpError> {
        self.run("window.c2c?.hangUp()").await.map(|_| ())
    }

    pub async fn press(&self, digits: &str) -> Result<(), CdpError> {
        self.run(&format!("window.c2c?.sendDigits({})", json!(digits)))
            .await
            .map(|_| ())
    }

    /// Starts playing `samples` (16 kHz) into the call.
    pub async fn play(&self, samples: &[i16]) -> Result<(), CdpError> {
        let bytes: Vec<u8> = samples.iter().flat_map(|s| s.to_le_bytes()).collect();
        let call = format!(
            "window.__c2cPlay({}, {RATE})",
            json!(STANDARD.encode(bytes))
        );
        self.run(&call).await.map(|_| ())
    }
}

fn binding(params: &Value) -> Option<Said> {
    let payload = params["payload"].as_str()?;
    match params["name"].as_str()? {
        "c2cAudio" => {
            let bytes = STANDARD.decode(payload).ok()?;
            let samples = bytes
                .chunks_exact(2)
                .map(|pair| i16::from_le_bytes([pair[0], pair[1]]))
                .collect();
            Some(Said::Audio(Instant::now(), samples))
        }
        "c2cReport" => {
            let report: Value = serde_json::from_str(payload).ok()?;
            if let Some(error) = report.get("error") {
                return Some(Said::Error {
                    code: error["code"]
                        .as_u64()
                        .and_then(|c| u32::try_from(c).ok())
                        .unwrap_or(0),
                    message: error["message"].as_str().unwrap_or_default().to_owned(),
                    fatal: report["fatal"].as_bool().unwrap_or(false),
                });
            }
            if report.get("digitsSent").is_some() {
                return Some(Said::DigitsSent);
            }
            Some(Said::State {
                phase: report["phase"].as_str()?.to_owned(),
                device: report["device"].as_str().unwrap_or_default().to_owned(),
                status: report["status"].as_str().unwrap_or_default().to_owned(),
                call_sid: report["callSid"].as_str().unwrap_or_default().to_owned(),
            })
        }
        _ => None,
    }
}
