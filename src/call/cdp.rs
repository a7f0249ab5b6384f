//! The Chrome DevTools Protocol over `--remote-debugging-pipe`: JSON messages ended by a NUL
//! byte, in on one pipe and out on the other. A pipe rather than a debugging port: no other
//! program on the machine can reach the browser, and no WebSocket client is needed. c2c uses a
//! dozen commands, so it speaks them itself rather than pulling in a generated client of
//! hundreds of types.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::unix::pipe;
use tokio::sync::{mpsc, oneshot};

#[derive(Debug, thiserror::Error)]
pub enum CdpError {
    #[error("Chromium closed its DevTools pipe (it exited or crashed)")]
    Closed,
    #[error("Chromium refused {method}: {message}")]
    Refused { method: String, message: String },
    #[error("cannot write to Chromium: {0}")]
    Write(#[from] std::io::Error),
    /// A page whose script is stuck (an endless loop, a debugger's pause) never answers.
    #[error("the page did not answer within {}s: its script is stuck", .0.as_secs())]
    Unanswered(std::time::Duration),
}

/// Something the browser said unasked: `method` names it (`Runtime.bindingCalled`, ...).
#[derive(Debug)]
pub struct Event {
    pub method: String,
    pub params: Value,
}

type Waiting = Arc<Mutex<HashMap<u64, oneshot::Sender<Result<Value, String>>>>>;
/// Where each page's events go, by the session the browser names in them.
type Routes = Arc<Mutex<HashMap<String, mpsc::UnboundedSender<Event>>>>;

pub struct Cdp {
    writer: tokio::sync::Mutex<pipe::Sender>,
    waiting: Waiting,
    routes: Routes,
    next_id: AtomicU64,
}

impl Cdp {
    /// Talks to the browser through `to_browser` and `from_browser`. Events of a page go to
    /// whoever `listen`s to its session; the browser's own are dropped (c2c asks, it does not
    /// watch the browser).
    pub fn start(to_browser: pipe::Sender, from_browser: pipe::Receiver) -> Cdp {
        let waiting: Waiting = Arc::default();
        let routes: Routes = Arc::default();
        tokio::spawn(read(
            from_browser,
            Arc::clone(&waiting),
            Arc::clone(&routes),
        ));
        Cdp {
            writer: tokio::sync::Mutex::new(to_browser),
            waiting,
            routes,
            next_id: AtomicU64::new(1),
        }
    }

    /// The events of the page attached as `session`, from now on; the channel closes when the
    /// browser does, or when `forget` is called.
    pub fn listen(&self, session: &str) -> mpsc::UnboundedReceiver<Event> {
        let (events, received) = mpsc::unbounded_channel();
        self.routes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(session.to_owned(), events);
        received
    }

    /// Stops routing `session`'s events (its page is closed).
    pub fn forget(&self, session: &str) {
        self.routes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(session);
    }

    /// Sends `method` to the browser (or, with `session`, to one of its pages) and waits for
    /// its result.
    pub async fn send(
        &self,
        session: Option<&str>,
        method: &str,
        params: Value,
    ) -> Result<Value, CdpError> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let mut message = json!({ "id": id, "method": method, "params": params });
        if let Some(session) = session {
            message["sessionId"] = json!(session);
        }
        let (tx, rx) = oneshot::channel();
        self.waiting
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(id, tx);
        let mut bytes = serde_json::to_vec(&message).unwrap_or_default();
        bytes.push(0);
        {
            let mut writer = self.writer.lock().await;
            writer.write_all(&bytes).await?;
        }
        match rx.await {
            Ok(Ok(result)) => Ok(result),
            Ok(Err(message)) => Err(CdpError::Refused {
                method: method.to_owned(),
                message,
            }),
            Err(_) => Err(CdpError::Closed),
        }
    }
}

async fn read(mut from_browser: pipe::Receiver, waiting: Waiting, routes: Routes) {
    let mut buffer = Vec::with_capacity(64 * 1024);
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let read = match from_browser.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        buffer.extend_from_slice(&chunk[..read]);
        while let Some(end) = buffer.iter().position(|&b| b == 0) {
            let message: Vec<u8> = buffer.drain(..=end).collect();
            dispatch(&message[..end], &waiting, &routes);
        }
    }
    // Whoever still waits, or listens, learns the browser is gone.
    waiting
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clear();
    routes
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clear();
}

fn dispatch(message: &[u8], waiting: &Waiting, routes: &Routes) {
    let Ok(mut value) = serde_json::from_slice::<Value>(message) else {
        return;
    };
    if let Some(id) = value.get("id").and_then(Value::as_u64) {
        let answer = match value.get("error") {
            Some(error) => Err(error
                .get("message")
                .and_then(Value::as_str)
                .unwrap_or("unknown error")
                .to_owned()),
            None => Ok(value.get_mut("result").map(Value::take).unwrap_or_default()),
        };
        let waiter = waiting
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&id);
        if let Some(waiter) = waiter {
            let _ = waiter.send(answer);
        }
    } else if let Some(method) = value.get("method").and_then(Value::as_str) {
        let Some(session) = value.get("sessionId").and_then(Value::as_str) else {
            return;
        };
        let route = routes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(session)
            .cloned();
        if let Some(route) = route {
            let _ = route.send(Event {
                method: method.to_owned(),
                params: value.get_mut("params").map(Value::take).unwrap_or_default(),
            });
        }
    }
}
