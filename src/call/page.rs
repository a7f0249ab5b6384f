//! c2c's page in the headless browser, as `c2c call` drives it: opened with the call's target
//! (the page's own `autocall`), heard through two bindings (`c2cReport`: the page's states and
//! errors; `c2cAudio`: what it hears, from `driver.js`), and acted on through `window.c2c`.

use std::sync::Arc;
use std::time::Instant;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::audio::RATE;
use super::browser::Browser;
use super::cdp::{CdpError, Event};
use super::quality::Sample;
use crate::sid::is_call_sid;

const DRIVER: &str = include_str!("driver.js");

/// The call's phase, as the page names it (`assets/phone/call-state.js`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    Idle,
    Connecting,
    Ringing,
    InCall,
    Ended,
    Incoming,
}

/// The page's Device, as it names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Device {
    Starting,
    Registering,
    Ready,
    Offline,
    Unreachable,
}

/// What the page reports through `c2cReport`, tagged by `type` (see `report` in assets/app.js).
#[derive(Debug, serde::Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
enum Report {
    State {
        phase: Phase,
        device: Device,
        #[serde(default)]
        status: String,
        #[serde(default, rename = "callSid")]
        call_sid: String,
        #[serde(default, rename = "audioClock")]
        audio_clock: Option<f64>,
    },
    Error {
        #[serde(default)]
        code: u32,
        #[serde(default)]
        message: String,
        #[serde(default)]
        fatal: bool,
    },
    DigitsSent,
    /// One of the Voice SDK's per-second samples of the call's network quality.
    Quality {
        mos: Option<f64>,
        jitter: Option<f64>,
        rtt: Option<f64>,
        #[serde(rename = "packetsLostFraction")]
        loss: Option<f64>,
    },
    /// One of its quality warnings (`high-jitter`, `low-mos`, …).
    Warning {
        #[serde(default)]
        name: String,
    },
}

/// What the page said.
#[derive(Debug)]
pub enum Said {
    /// Its state, marked on its audio clock (`audio_clock`) so that an answer is placed among
    /// the audio heard; `call_sid` is empty until Twilio has named the call.
    State {
        phase: Phase,
        device: Device,
        status: String,
        call_sid: String,
        audio_clock: Option<f64>,
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
    /// A sample of the call's network quality.
    Quality(Sample),
    /// A quality warning, by the SDK's name for it.
    Warning(String),
    /// Audio it heard (16 kHz mono): when it arrived here, and when its first sample was
    /// captured on the page's audio clock (seconds).
    Audio {
        arrived: Instant,
        captured: f64,
        samples: Vec<i16>,
    },
    /// The browser closed or the page crashed.
    Gone(String),
}

pub struct Page {
    browser: Arc<Browser>,
    session: String,
    events: mpsc::UnboundedReceiver<Event>,
    /// The tab, and the origin c2c opened in it: only its top document speaks for c2c's page.
    target: String,
    origin: String,
    /// The execution context of that document, once it exists; bindings called from any other
    /// (a frame, another site the page went to) are not listened to.
    context: Option<i64>,
    /// Whether this is the tab the browser opened at start.
    first: bool,
}

impl Page {
    /// Opens `url` in a tab of its own in `browser`, with c2c's driver in place.
    pub async fn open(browser: &Arc<Browser>, url: &str) -> Result<Page, String> {
        let origin = url::Url::parse(url)
            .map(|u| u.origin().ascii_serialization())
            .map_err(|err| format!("{url} is not an address: {err}"))?;
        match Self::attach(browser, url).await {
            Ok((target, session, events, first)) => Ok(Page {
                browser: Arc::clone(browser),
                session,
                events,
                target,
                origin,
                context: None,
                first,
            }),
            Err(err) => Err(match browser.log_tail() {
                tail if tail.is_empty() => err.to_string(),
                tail => format!("{err} ({tail})"),
            }),
        }
    }

    /// Takes a tab, attaches to it, sets up the driver and loads `url`: the tab's id, the
    /// session's, the session's events, and whether it is the browser's first tab.
    async fn attach(
        browser: &Browser,
        url: &str,
    ) -> Result<(String, String, mpsc::UnboundedReceiver<Event>, bool), CdpError> {
        let cdp = &browser.cdp;
        // The tab the browser opened at start is already warm (its renderer started with the
        // browser): the first call takes it, and each further call opens a tab of its own.
        let first = match browser.claim_first_tab() {
            true => cdp.send(None, "Target.getTargets", json!({})).await?["targetInfos"]
                .as_array()
                .and_then(|all| all.iter().find(|t| t["type"] == "page"))
                .and_then(|t| t["targetId"].as_str())
                .map(str::to_owned),
            false => None,
        };
        let is_first = first.is_some();
        let target = match first {
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
        // Listened to before the first command on it, so that no event is missed.
        let events = cdp.listen(&session);
        let s = Some(session.as_str());
        for name in ["c2cReport", "c2cAudio"] {
            cdp.send(s, "Runtime.addBinding", json!({ "name": name }))
                .await?;
        }
        cdp.send(s, "Runtime.enable", json!({})).await?;
        cdp.send(s, "Page.enable", json!({})).await?;
        // Only one tab of the browser is in front; the others (a suite's other calls) would be
        // hidden pages, which Chromium slows down. Each behaves as the focused one.
        cdp.send(
            s,
            "Emulation.setFocusEmulationEnabled",
            json!({ "enabled": true }),
        )
        .await?;
        cdp.send(
            s,
            "Page.addScriptToEvaluateOnNewDocument",
            json!({ "source": DRIVER }),
        )
        .await?;
        cdp.send(s, "Page.navigate", json!({ "url": url })).await?;
        Ok((target, session, events, is_first))
    }

    /// Done with the tab: the call's page is over, the browser goes on. The tab it opened at
    /// start is emptied and handed back for the next call (closing a browser's last tab could
    /// end the browser); any other is closed.
    pub async fn close(self) {
        let cdp = &self.browser.cdp;
        cdp.forget(&self.session);
        let done = async {
            if self.first {
                let blank = json!({ "url": "about:blank" });
                let _ = cdp.send(Some(&self.session), "Page.navigate", blank).await;
                let detach = json!({ "sessionId": self.session });
                let _ = cdp.send(None, "Target.detachFromTarget", detach).await;
                self.browser.release_first_tab();
            } else {
                let close = json!({ "targetId": self.target });
                let _ = cdp.send(None, "Target.closeTarget", close).await;
            }
        };
        let _ = tokio::time::timeout(std::time::Duration::from_secs(2), done).await;
    }

    /// The next thing the page says; `Gone` once the browser has closed.
    pub async fn next(&mut self) -> Said {
        loop {
            let Some(event) = self.events.recv().await else {
                return Said::Gone(format!(
                    "Chromium closed unexpectedly{}",
                    match self.browser.log_tail() {
                        tail if tail.is_empty() => String::new(),
                        tail => format!(" ({tail})"),
                    }
                ));
            };
            match event.method.as_str() {
                "Runtime.executionContextCreated" => self.note_context(&event.params["context"]),
                "Runtime.bindingCalled" => {
                    let from = event.params["executionContextId"].as_i64();
                    if from.is_none() || from != self.context {
                        tracing::debug!("page: a binding called from another document, ignored");
                        continue;
                    }
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

    /// Keeps the context of the tab's top document when it is at c2c's origin. A navigation
    /// elsewhere makes a new one, which is not kept: from then on the page says nothing.
    fn note_context(&mut self, context: &Value) {
        let aux = &context["auxData"];
        if aux["frameId"].as_str() != Some(&self.target) || aux["isDefault"].as_bool() != Some(true)
        {
            return;
        }
        self.context = (context["origin"].as_str() == Some(self.origin.as_str()))
            .then(|| context["id"].as_i64())
            .flatten();
    }

    /// Runs `expression` in the page (not waiting for a promise it returns).
    pub async fn run(&self, expression: &str) -> Result<Value, CdpError> {
        let result = self
            .browser
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

/// The longest piece of the page's text c2c repeats.
const MAX_TEXT: usize = 300;

fn binding(params: &Value) -> Option<Said> {
    let payload = params["payload"].as_str()?;
    match params["name"].as_str()? {
        "c2cAudio" => {
            // "CAPTURED BASE64": see driver.js.
            let (captured, base64) = payload.split_once(' ')?;
            let captured: f64 = captured.parse().ok().filter(|t: &f64| t.is_finite())?;
            let bytes = STANDARD.decode(base64).ok()?;
            let samples = bytes
                .chunks_exact(2)
                .map(|pair| i16::from_le_bytes([pair[0], pair[1]]))
                .collect();
            Some(Said::Audio {
                arrived: Instant::now(),
                captured,
                samples,
            })
        }
        "c2cReport" => Some(match serde_json::from_str::<Report>(payload).ok()? {
            Report::State {
                phase,
                device,
                status,
                call_sid,
                audio_clock,
            } => Said::State {
                phase,
                device,
                status: page_text(&status),
                // c2c asks its server about this call by this SID: nothing else goes in a path.
                call_sid: if is_call_sid(&call_sid) {
                    call_sid
                } else {
                    String::new()
                },
                audio_clock: audio_clock.filter(|t| t.is_finite()),
            },
            Report::Error {
                code,
                message,
                fatal,
            } => Said::Error {
                code,
                message: page_text(&message),
                fatal,
            },
            Report::DigitsSent => Said::DigitsSent,
            Report::Quality {
                mos,
                jitter,
                rtt,
                loss,
            } => Said::Quality(Sample::checked(mos, jitter, rtt, loss)?),
            Report::Warning { name } => {
                let name = page_text(&name);
                let name: String = name.chars().take(40).collect();
                (!name.is_empty()).then_some(Said::Warning(name))?
            }
        }),
        _ => None,
    }
}

/// Text from the page, as c2c may repeat it in its log, its JSON and its JUnit report: no control
/// characters (a newline would forge a log line; most are not even allowed in XML), no `[[` or
/// `]]` (a CI server reads `[[ATTACHMENT|path]]` in a report as a file to attach), and short.
fn page_text(text: &str) -> String {
    let clean: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(MAX_TEXT)
        .collect();
    clean.replace("[[", "[ [").replace("]]", "] ]")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(payload: Value) -> Option<Said> {
        binding(&json!({ "name": "c2cReport", "payload": payload.to_string() }))
    }

    #[test]
    fn page_text_cannot_forge_lines_break_xml_or_attach_files() {
        let Some(Said::State { status, .. }) = report(json!({
            "type": "state",
            "phase": "in-call",
            "device": "ready",
            "status": "ok\n INFO forged line\u{1b}[31m\u{0}[[ATTACHMENT|/etc/passwd]]",
        })) else {
            panic!("a state");
        };
        assert!(!status.chars().any(char::is_control), "{status:?}");
        assert!(!status.contains("[[ATTACHMENT|"), "{status:?}");
        let Some(Said::Error { message, .. }) =
            report(json!({ "type": "error", "code": 1, "message": "x".repeat(100_000) }))
        else {
            panic!("an error");
        };
        assert_eq!(message.chars().count(), MAX_TEXT);
    }

    #[test]
    fn only_call_sids_are_taken_as_call_sids() {
        for (sid, kept) in [
            ("CA0123456789abcdef0123456789abcdef", true),
            ("../../../x?y=1", false),
            ("CA0123456789abcdef0123456789abcde/", false),
        ] {
            let Some(Said::State { call_sid, .. }) = report(
                json!({ "type": "state", "phase": "ringing", "device": "ready", "callSid": sid }),
            ) else {
                panic!("a state");
            };
            assert_eq!(call_sid.is_empty(), !kept, "{sid}");
        }
    }

    #[test]
    fn audio_comes_with_when_it_was_captured() {
        let said = binding(&json!({ "name": "c2cAudio", "payload": "1.5 AAABAA==" }));
        let Some(Said::Audio {
            captured, samples, ..
        }) = said
        else {
            panic!("audio");
        };
        assert_eq!((captured, samples), (1.5, vec![0, 1]));
        assert!(binding(&json!({ "name": "c2cAudio", "payload": "AAABAA==" })).is_none());
    }
}
