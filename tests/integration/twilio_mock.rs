//! A mock of the parts of Twilio's REST API that c2c calls, on loopback: one account with one
//! TwiML App and one phone number. It checks Basic auth as Twilio does, records every request,
//! and can be told to fail or to answer slowly.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{Request, Response};
use serde_json::{Map, Value, json};

use crate::fixtures::{ACCOUNT_SID, API_KEY, API_SECRET, APP_SID, AUTH_TOKEN};

pub const NUMBER: &str = "+15005550006";
pub const NUMBER_SID: &str = "PN0123456789abcdef0123456789abcdef";

#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub form: Vec<(String, String)>,
}

struct State {
    apps: Vec<Map<String, Value>>,
    number: Map<String, Value>,
    failures: VecDeque<u16>,
    /// Like `failures`, for POSTs alone.
    write_failures: VecDeque<u16>,
    delay: Duration,
    /// Added to `delay` for the requests that change something.
    write_delay: Duration,
    requests: Vec<Recorded>,
    /// The account as `GET Accounts/{sid}.json` shows it.
    account: Value,
    /// Verified caller IDs.
    verified: Vec<String>,
    /// Countries whose geo permission is off.
    blocked: Vec<String>,
    /// Error-level alerts.
    alerts: Vec<Value>,
    /// How far Twilio's clock (its Date header) is ahead of this machine's, in seconds.
    clock_ahead: i64,
    sip: crate::twilio_sip_mock::Sip,
}

pub struct TwilioMock {
    pub base: String,
    state: Arc<Mutex<State>>,
    _runtime: tokio::runtime::Runtime,
}

fn app(sid: &str, name: &str, voice_url: &str) -> Map<String, Value> {
    let value = json!({
        "sid": sid, "account_sid": ACCOUNT_SID, "friendly_name": name,
        "voice_url": voice_url, "voice_method": "POST",
        "status_callback": "", "status_callback_method": "POST",
    });
    value.as_object().unwrap().clone()
}

impl TwilioMock {
    pub fn start() -> TwilioMock {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let number = json!({
            "sid": NUMBER_SID, "phone_number": NUMBER, "voice_application_sid": null,
            "capabilities": {"voice": true, "sms": true},
        });
        let state = Arc::new(Mutex::new(State {
            apps: vec![app(APP_SID, "c2c dev", "")],
            number: number.as_object().unwrap().clone(),
            failures: VecDeque::new(),
            write_failures: VecDeque::new(),
            delay: Duration::ZERO,
            write_delay: Duration::ZERO,
            requests: Vec::new(),
            account: json!({
                "sid": ACCOUNT_SID, "friendly_name": "Dev account", "status": "active",
                "type": "Full",
            }),
            verified: Vec::new(),
            blocked: Vec::new(),
            alerts: Vec::new(),
            clock_ahead: 0,
            sip: crate::twilio_sip_mock::Sip::default(),
        }));
        let shared = Arc::clone(&state);
        runtime.spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let state = Arc::clone(&shared);
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |request| {
                        let state = Arc::clone(&state);
                        async move { Ok::<_, Infallible>(answer(&state, request).await) }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(tcp), service)
                        .await;
                });
            }
        });
        TwilioMock {
            base,
            state,
            _runtime: runtime,
        }
    }

    pub fn set_voice_url(&self, url: &str) {
        self.state.lock().unwrap().apps[0].insert("voice_url".into(), json!(url));
    }

    pub fn voice_url(&self) -> String {
        self.state.lock().unwrap().apps[0]["voice_url"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// The Voice URL of the app `sid` (one `configure --create` made, say).
    pub fn voice_url_of(&self, sid: &str) -> Option<String> {
        let state = self.state.lock().unwrap();
        let app = state.apps.iter().find(|app| app["sid"] == sid)?;
        app["voice_url"].as_str().map(str::to_owned)
    }

    pub fn status_callback(&self) -> String {
        self.state.lock().unwrap().apps[0]["status_callback"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    pub fn number_app(&self) -> Value {
        self.state.lock().unwrap().number["voice_application_sid"].clone()
    }

    /// The next requests answer these statuses, one each, before the mock behaves again.
    pub fn fail_next(&self, statuses: &[u16]) {
        self.state.lock().unwrap().failures.extend(statuses);
    }

    /// Sets a field of the account (`"type"` to `"Trial"`, say).
    pub fn set_account(&self, field: &str, value: &str) {
        self.state.lock().unwrap().account[field] = json!(value);
    }

    pub fn verify_caller_id(&self, number: &str) {
        self.state.lock().unwrap().verified.push(number.to_owned());
    }

    /// Turns off the geo permission for the country `iso`.
    pub fn block_country(&self, iso: &str) {
        self.state.lock().unwrap().blocked.push(iso.to_owned());
    }

    pub fn add_alert(&self, code: &str) {
        self.state.lock().unwrap().alerts.push(json!({
            "error_code": code, "log_level": "error", "date_created": "2026-11-25T10:00:00Z",
            "alert_text": "", "more_info": format!("https://www.twilio.com/docs/errors/{code}"),
        }));
    }

    pub fn set_clock_ahead(&self, seconds: i64) {
        self.state.lock().unwrap().clock_ahead = seconds;
    }

    /// The next POSTs answer these statuses, one each; reads are answered as usual.
    pub fn fail_writes(&self, statuses: &[u16]) {
        self.state.lock().unwrap().write_failures.extend(statuses);
    }

    pub fn delay(&self, delay: Duration) {
        self.state.lock().unwrap().delay = delay;
    }

    pub fn delay_writes(&self, delay: Duration) {
        self.state.lock().unwrap().write_delay = delay;
    }

    /// Runs `look` on the mock's SIP resources.
    pub fn sip<T>(&self, look: impl FnOnce(&mut crate::twilio_sip_mock::Sip) -> T) -> T {
        look(&mut self.state.lock().unwrap().sip)
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.state.lock().unwrap().requests.clone()
    }

    /// The requests that changed something.
    pub fn writes(&self) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|r| r.method == "POST")
            .collect()
    }

    /// Each Voice URL written to an app, in order.
    pub fn voice_urls_written(&self) -> Vec<String> {
        self.writes()
            .iter()
            .flat_map(|w| {
                w.form
                    .iter()
                    .filter(|(k, _)| k == "VoiceUrl")
                    .map(|(_, v)| v.clone())
            })
            .collect()
    }
}

fn json_response(status: u16, body: Value) -> Response<Full<Bytes>> {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body.to_string())))
        .unwrap()
}

fn error(status: u16, code: u32, message: &str) -> Response<Full<Bytes>> {
    json_response(
        status,
        json!({"code": code, "message": message, "more_info": format!("https://www.twilio.com/docs/errors/{code}"), "status": status}),
    )
}

fn authorised(request: &Request<hyper::body::Incoming>) -> bool {
    let expected = |user: &str, password: &str| {
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
        )
    };
    let given = request
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    given == expected(API_KEY, API_SECRET) || given == expected(ACCOUNT_SID, AUTH_TOKEN)
}

async fn answer(
    state: &Mutex<State>,
    request: Request<hyper::body::Incoming>,
) -> Response<Full<Bytes>> {
    let method = request.method().to_string();
    let path = request.uri().path().to_owned();
    let query = request.uri().query().unwrap_or("").to_owned();
    let ok = authorised(&request);
    let body = request.into_body().collect().await.unwrap().to_bytes();
    let form: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    let (failure, delay) = {
        let mut state = state.lock().unwrap();
        state.requests.push(Recorded {
            method: method.clone(),
            path: path.clone(),
            form: form.clone(),
        });
        let (delay, failure) = match method.as_str() {
            "POST" => (
                state.delay + state.write_delay,
                state.write_failures.pop_front(),
            ),
            _ => (state.delay, None),
        };
        (state.failures.pop_front().or(failure), delay)
    };
    // Twilio acts at once; only its answer is late (and lost, if the client gives up first).
    let response = respond(state, &method, &path, &query, &form, ok, failure);
    tokio::time::sleep(delay).await;
    response
}

fn respond(
    state: &Mutex<State>,
    method: &str,
    path: &str,
    query: &str,
    form: &[(String, String)],
    ok: bool,
    failure: Option<u16>,
) -> Response<Full<Bytes>> {
    if let Some(status) = failure {
        return error(status, 20500, "Internal Server Error");
    }
    if !ok {
        return error(401, 20003, "Authenticate");
    }
    if let Some(answer) = doctor_reads(state, path, query) {
        return answer;
    }
    let prefix = format!("/2010-04-01/Accounts/{ACCOUNT_SID}/");
    let Some(rest) = path.strip_prefix(&prefix) else {
        return error(404, 20404, "The requested resource was not found");
    };
    let mut state = state.lock().unwrap();
    if let Some((status, body)) = state.sip.answer(method, rest, form) {
        return json_response(status, body);
    }
    match (method, rest) {
        ("POST", "Applications.json") => {
            let sid = format!("AP{:032x}", state.apps.len() + 1);
            let name = form
                .iter()
                .find(|(k, _)| k == "FriendlyName")
                .map_or("", |(_, v)| v.as_str());
            state.apps.push(app(&sid, name, ""));
            json_response(201, Value::Object(state.apps.last().unwrap().clone()))
        }
        ("GET", "IncomingPhoneNumbers.json") => {
            let wanted: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
                .into_owned()
                .collect();
            let matches = wanted
                .iter()
                .any(|(k, v)| k == "PhoneNumber" && v == NUMBER);
            let list = if matches {
                vec![Value::Object(state.number.clone())]
            } else {
                vec![]
            };
            json_response(200, json!({"incoming_phone_numbers": list}))
        }
        ("POST", path) if path == format!("IncomingPhoneNumbers/{NUMBER_SID}.json") => {
            for (k, v) in form {
                if k == "VoiceApplicationSid" {
                    state
                        .number
                        .insert("voice_application_sid".into(), json!(v));
                }
            }
            json_response(200, Value::Object(state.number.clone()))
        }
        (method, path) => {
            let Some(sid) = path
                .strip_prefix("Applications/")
                .and_then(|p| p.strip_suffix(".json"))
            else {
                return error(404, 20404, "The requested resource was not found");
            };
            let Some(app) = state.apps.iter_mut().find(|a| a["sid"] == sid) else {
                return error(
                    404,
                    20404,
                    &format!(
                        "The requested resource /2010-04-01/Accounts/{ACCOUNT_SID}/Applications/{sid}.json was not found"
                    ),
                );
            };
            if method == "POST" {
                for (k, v) in form {
                    let field = match k.as_str() {
                        "VoiceUrl" => "voice_url",
                        "VoiceMethod" => "voice_method",
                        "StatusCallback" => "status_callback",
                        "StatusCallbackMethod" => "status_callback_method",
                        _ => continue,
                    };
                    app.insert(field.into(), json!(v));
                }
            }
            json_response(200, Value::Object(app.clone()))
        }
    }
}

/// The reads `c2c doctor` makes: the account (with a Date header), its API Key, its verified
/// caller IDs, a country's dialing permissions (voice v1) and its alerts (monitor v1).
fn doctor_reads(state: &Mutex<State>, path: &str, query: &str) -> Option<Response<Full<Bytes>>> {
    let state = state.lock().unwrap();
    let query: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let accounts = format!("/2010-04-01/Accounts/{ACCOUNT_SID}");
    if path == format!("{accounts}.json") {
        let now = std::time::SystemTime::now();
        let skew = Duration::from_secs(state.clock_ahead.unsigned_abs());
        let theirs = if state.clock_ahead >= 0 {
            now + skew
        } else {
            now - skew
        };
        let mut response = json_response(200, state.account.clone());
        response
            .headers_mut()
            .insert("date", httpdate::fmt_http_date(theirs).parse().unwrap());
        return Some(response);
    }
    if let Some(key) = path
        .strip_prefix(&format!("{accounts}/Keys/"))
        .and_then(|rest| rest.strip_suffix(".json"))
    {
        return Some(if key == API_KEY {
            json_response(200, json!({"sid": key, "friendly_name": "c2c"}))
        } else {
            error(404, 20404, "The requested resource was not found")
        });
    }
    if path == format!("{accounts}/OutgoingCallerIds.json") {
        let wanted = query
            .iter()
            .find(|(k, _)| k == "PhoneNumber")
            .map(|(_, v)| v);
        let ids: Vec<Value> = state
            .verified
            .iter()
            .filter(|number| wanted.is_none_or(|w| w == *number))
            .map(|number| json!({"phone_number": number, "sid": "PN1"}))
            .collect();
        return Some(json_response(200, json!({"outgoing_caller_ids": ids})));
    }
    if let Some(iso) = path.strip_prefix("/v1/DialingPermissions/Countries/") {
        let enabled = !state.blocked.iter().any(|b| b == iso);
        return Some(json_response(
            200,
            json!({"iso_code": iso, "name": format!("Country {iso}"), "low_risk_numbers_enabled": enabled}),
        ));
    }
    if path == "/v1/Alerts" {
        return Some(json_response(
            200,
            json!({"alerts": state.alerts, "meta": {}}),
        ));
    }
    None
}
