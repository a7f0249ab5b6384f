//! c2c's page in the headless browser, as `c2c call` drives it: opened with the call's target
//! (the page's own `autocall`), heard through two bindings (read in `said`), and acted on through
//! `window.c2c`.

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::audio::RATE;
use super::browser::Browser;
use super::cdp::{CdpError, Event};
use super::leg::Leg;
use super::said::{Said, binding};

const DRIVER: &str = include_str!("driver.js");
/// How long the page has to run what c2c asks of it (a key, a hang-up: each a few lines of
/// script); a page stuck longer is given up on, so that one stuck page cannot hold up its call.
const PAGE_ANSWER: std::time::Duration = std::time::Duration::from_secs(5);

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
    /// When c2c's page last called a binding (anything it says, its heartbeat included).
    last_word: std::time::Instant,
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
                last_word: std::time::Instant::now(),
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
        let first = browser.claim_first_tab();
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
        let evaluate = self.browser.cdp.send(
            Some(&self.session),
            "Runtime.evaluate",
            json!({ "expression": expression, "returnByValue": true }),
        );
        let result = tokio::time::timeout(PAGE_ANSWER, evaluate)
            .await
            .map_err(|_| CdpError::Unanswered(PAGE_ANSWER))??;
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
}

impl Leg for Page {
    type Error = CdpError;

    /// Done with the tab: the call's page is over, the browser goes on. The tab it opened at
    /// start is emptied and handed back for the next call (closing a browser's last tab could
    /// end the browser); any other is closed.
    async fn close(self) {
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
    async fn next(&mut self) -> Said {
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
                    self.last_word = std::time::Instant::now();
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

    /// When the page last said anything: a page whose script is stuck says nothing.
    fn last_word(&self) -> std::time::Instant {
        self.last_word
    }

    async fn hang_up(&self) -> Result<(), CdpError> {
        self.run("window.c2c?.hangUp()").await.map(|_| ())
    }

    async fn press(&self, digits: &str) -> Result<(), CdpError> {
        self.run(&format!("window.c2c?.sendDigits({})", json!(digits)))
            .await
            .map(|_| ())
    }

    /// Starts playing `samples` (16 kHz) into the call; the page's audio clock at the first.
    async fn play(&self, samples: &[i16]) -> Result<f64, CdpError> {
        let bytes: Vec<u8> = samples.iter().flat_map(|s| s.to_le_bytes()).collect();
        let call = format!(
            "window.__c2cPlay({}, {RATE})",
            json!(STANDARD.encode(bytes))
        );
        let started = self.run(&call).await?;
        Ok(started.as_f64().unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_call_has_a_tab_of_its_own_and_the_first_is_handed_on() {
        let chrome = crate::browsers::find(&crate::browsers::Layout::this_machine())
            .expect("Chromium is installed (scripts/setup)");
        let browser = Arc::new(Browser::launch(&chrome, &[], &[]).unwrap());
        browser.ready().await.unwrap();
        let opening = (0..4).map(|_| Page::open(&browser, "about:blank"));
        let mut pages: Vec<Page> = futures_util::future::try_join_all(opening).await.unwrap();
        let distinct = |pages: &[Page]| {
            let mut targets: Vec<&str> = pages.iter().map(|p| p.target.as_str()).collect();
            targets.sort_unstable();
            targets.dedup();
            targets.len()
        };
        assert_eq!(distinct(&pages), 4, "two calls were given one tab");
        assert_eq!(pages.iter().filter(|p| p.first).count(), 1);
        // The call in the first tab ends: the next call takes that tab, not another call's.
        let at = pages.iter().position(|p| p.first).unwrap();
        let first = pages.remove(at);
        let target = first.target.clone();
        first.close().await;
        let next = Page::open(&browser, "about:blank").await.unwrap();
        assert!(next.first);
        assert_eq!(next.target, target);
        pages.push(next);
        assert_eq!(distinct(&pages), 4, "a call was given another call's tab");
        for page in pages {
            page.close().await;
        }
        browser.close().await;
    }
}
