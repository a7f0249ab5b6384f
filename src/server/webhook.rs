//! `POST /voice`, `/dial-status` and `/status`: Twilio's webhooks. The body is read (bounded),
//! parsed as a form, its signature checked, and only then answered.

use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::{Request, Response, StatusCode};

use super::access::Trust;
use super::outcomes::{Outcome, OutcomeKind};
use super::respond::{Resp, no_content, text};
use super::{App, body, form, logged, voice, webhook_auth};
use crate::{clock, twiml};

/// Which of Twilio's requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hook {
    /// A call starts: what to do (TwiML).
    Voice,
    /// A `<Dial>` ended: how the far end answered, and what to do next (TwiML).
    DialStatus,
    /// The TwiML App's status callback: logged.
    Status,
}

/// Signed by Twilio when they come from outside.
pub async fn answer(app: &Arc<App>, trust: Trust, hook: Hook, request: Request<Incoming>) -> Resp {
    let (parts, body) = request.into_parts();
    let body = match body::read(&parts.headers, body).await {
        Ok(body) => body,
        Err(refused) => return refused,
    };
    let is_form = parts
        .headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        });
    let params = if is_form {
        match form::parse(&body) {
            Some(params) => params,
            None => return text(StatusCode::BAD_REQUEST, "The form is malformed."),
        }
    } else {
        Vec::new()
    };
    let raw_body = (!is_form).then_some(&body[..]);
    if let Err(refusal) = webhook_auth::check(app, trust, &parts, &params, raw_body) {
        if let Some(held_back) = app.refusals.admit(Instant::now()) {
            let more = match held_back {
                0 => String::new(),
                n => format!(" ({n} more refused since the last such line)"),
            };
            tracing::warn!(
                "refused {} from outside: {refusal}{more}",
                logged::value(parts.uri.path())
            );
        }
        if let Some(words) = refusal.for_the_page() {
            app.outcomes.note_refusal(
                form::param(&params, "CallSid"),
                Outcome::explained(OutcomeKind::RejectedWebhook, words),
                Instant::now(),
            );
        }
        return text(
            StatusCode::FORBIDDEN,
            "The X-Twilio-Signature is missing or not valid.",
        );
    }
    if !is_form {
        return text(
            StatusCode::BAD_REQUEST,
            "Expected an application/x-www-form-urlencoded body.",
        );
    }
    match hook {
        Hook::Voice => answer_voice(app, &params).await,
        Hook::DialStatus => answer_dial_status(app, &params),
        Hook::Status => {
            tracing::info!("{}", voice::status_line(&params));
            no_content()
        }
    }
}

/// Keeps how the far end answered for the page, and ends the call: nothing follows a dial.
fn answer_dial_status(app: &App, params: &[(String, String)]) -> Resp {
    tracing::info!("{}", voice::dial_line(params));
    // Twilio's five; anything else is not a status the page could explain.
    if let Some(kind) = OutcomeKind::from_dial_status(form::param(params, "DialCallStatus")) {
        let outcome = Outcome {
            outcome: kind,
            message: None,
            duration: form::param(params, "DialCallDuration").parse().ok(),
        };
        keep(app, params, outcome);
    }
    twiml_response(twiml::hang_up())
}

/// The TwiML for a call, logged as a dialled call or a refusal.
async fn answer_voice(app: &Arc<App>, params: &[(String, String)]) -> Resp {
    app.load_policy().await;
    let answer = voice::answer(app, params, clock::unix_now());
    if let Some(sip_call_id) = params
        .iter()
        .find(|(k, _)| k == "SipCallId")
        .map(|(_, v)| v)
    {
        app.outcomes
            .name_sip_call(sip_call_id, form::param(params, "CallSid"), Instant::now());
    }
    if answer.dialled {
        tracing::info!("{}", answer.log);
    } else {
        tracing::warn!("{}", answer.log);
    }
    if let Some(words) = answer.for_the_page {
        keep(
            app,
            params,
            Outcome::explained(OutcomeKind::Refused, &words),
        );
    }
    twiml_response(answer.twiml)
}

/// Keeps how the call Twilio's request names ended, for its page.
fn keep(app: &App, params: &[(String, String)], outcome: Outcome) {
    app.outcomes
        .record(form::param(params, "CallSid"), outcome, Instant::now());
}

fn twiml_response(twiml: String) -> Resp {
    let mut response = Response::new(Full::new(Bytes::from(twiml)));
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/xml; charset=utf-8"),
    );
    response
}
