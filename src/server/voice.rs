//! What `/voice` answers, and what `/status` logs: the call routing.
//!
//! - From a browser (`From=client:…`) to a number: dial it if the dial policy allows.
//! - From c2c's SIP Domain (`To=sip:NUMBER@DOMAIN`): dial NUMBER the same way. Twilio has
//!   challenged the caller for c2c's credential before it asks; a call to another Domain, or
//!   with no Domain set up, is refused.
//! - From a browser to `client:NAME`: ring that browser identity.
//! - From the phone network to the caller ID (the user's Twilio number): ring the browsers.
//! - Anything else: a short spoken explanation, then hang up.

use super::form::param;
use super::{App, logged};
use crate::dial::DialPolicy;
use crate::identity;
use crate::twiml;

pub struct Answer {
    pub twiml: String,
    /// Why, for the log.
    pub log: String,
    pub dialled: bool,
    /// Why a browser's call was not placed, in the words its page shows.
    pub for_the_page: Option<String>,
}

fn refuse(message: &str, log: String) -> Answer {
    Answer {
        twiml: twiml::say_and_hang_up(message),
        log,
        dialled: false,
        for_the_page: None,
    }
}

/// A refusal of a browser's call, which its page explains.
fn refuse_browser(message: &str, log: String, for_the_page: String) -> Answer {
    Answer {
        for_the_page: Some(for_the_page),
        ..refuse(message, log)
    }
}

pub fn answer(app: &App, params: &[(String, String)], now: u64) -> Answer {
    let policy = match app.policy() {
        Ok(policy) => policy,
        Err(why) => {
            return refuse_browser(
                "Sorry, this phone is not set up correctly. Please check the c2c log.",
                format!("no call can be placed: the caller ID {why}"),
                format!(
                    "c2c cannot place calls: the caller ID {why}. Set TWILIO_CALLER_ID to one of your Twilio numbers and restart c2c."
                ),
            );
        }
    };
    let (from, to) = (param(params, "From"), param(params, "To"));
    if from.starts_with("client:") {
        return outgoing(app, policy, from, to);
    }
    if let Some(uri) = to.strip_prefix("sip:") {
        return through_sip(app, policy, from, uri);
    }
    if !to.is_empty() && policy.same_number(to, &app.caller_id) {
        return incoming(app, from, now);
    }
    refuse(
        "Sorry, this number cannot be reached here.",
        format!(
            "refused {} -> {}: neither from a browser nor to the caller ID {}",
            logged::value(from),
            logged::value(to),
            app.caller_id
        ),
    )
}

/// A call from a browser: to another browser (`client:NAME`) or to a number the policy allows.
fn outgoing(app: &App, policy: &DialPolicy, from: &str, to: &str) -> Answer {
    if let Some(identity) = to.strip_prefix("client:") {
        return match identity::check(identity) {
            Ok(()) => Answer {
                twiml: twiml::dial_clients(Some(&app.caller_id), &[identity]),
                log: format!("{} calls browser {identity}", logged::value(from)),
                dialled: true,
                for_the_page: None,
            },
            Err(why) => refuse_browser(
                "Sorry, that is not a browser this phone can call.",
                format!(
                    "refused {} -> {}: the identity is not valid ({why})",
                    logged::value(from),
                    logged::value(to)
                ),
                format!("c2c did not call {to}: the name after client: {why}."),
            ),
        };
    }
    if to.is_empty() {
        return refuse_browser(
            "Sorry, no number was given. Please type a number and call again.",
            format!(
                "refused {}: the call has no To parameter",
                logged::value(from)
            ),
            "c2c did not dial: the call came with no number. Type one and call again.".to_owned(),
        );
    }
    dial_if_allowed(app, policy, from, to, to, Caller::Browser)
}

/// A call through a SIP Domain, to `uri` (`NUMBER@DOMAIN`, perhaps with a port or parameters):
/// dialled as a browser's number is, when the Domain is c2c's.
fn through_sip(app: &App, policy: &DialPolicy, from: &str, uri: &str) -> Answer {
    let refused = |why: String| {
        refuse(
            "Sorry, this call cannot be placed here.",
            format!(
                "refused {} -> sip:{}: {why}",
                logged::value(from),
                logged::value(uri)
            ),
        )
    };
    let Some(domain) = &app.sip_domain else {
        return refused(
            "a SIP call, but c2c has no SIP Domain (run `c2c configure --sip`, or set TWILIO_SIP_DOMAIN)"
                .to_owned(),
        );
    };
    let address = uri.split([';', '?']).next().unwrap_or_default();
    let (user, host) = address.rsplit_once('@').unwrap_or(("", address));
    let host = host.split(':').next().unwrap_or_default();
    if !host.eq_ignore_ascii_case(domain) {
        return refused(format!(
            "the call is to another SIP Domain than c2c's {domain}"
        ));
    }
    // A user part may be percent-encoded ("%2B1415…").
    let number = percent_encoding::percent_decode_str(user).decode_utf8_lossy();
    dial_if_allowed(
        app,
        policy,
        from,
        &number,
        &format!("sip:{uri}"),
        Caller::Sip,
    )
}

/// Which way a call to a number came: a browser's page is told why one was refused.
#[derive(PartialEq)]
enum Caller {
    Browser,
    Sip,
}

/// Dials `number` for `from` when the dial policy allows it; otherwise a spoken refusal. `to` is
/// how the call named the number, for the log.
fn dial_if_allowed(
    app: &App,
    policy: &DialPolicy,
    from: &str,
    number: &str,
    to: &str,
    caller: Caller,
) -> Answer {
    let how = match caller {
        Caller::Browser => "",
        Caller::Sip => " through SIP",
    };
    match policy.check(number) {
        Ok(number) => Answer {
            twiml: twiml::dial_number(&app.caller_id, &number),
            log: format!("{} calls {number}{how}", logged::value(from)),
            dialled: true,
            for_the_page: None,
        },
        Err(refusal) => Answer {
            for_the_page: (caller == Caller::Browser)
                .then(|| format!("c2c did not dial: {refusal}.")),
            ..refuse(
                refusal.spoken(),
                format!(
                    "refused {} -> {}: {refusal}",
                    logged::value(from),
                    logged::value(to)
                ),
            )
        },
    }
}

/// A call to the caller ID: it rings the browsers that hold live tokens.
fn incoming(app: &App, from: &str, now: u64) -> Answer {
    let ringing = app.identities.ringing(now);
    if ringing.is_empty() {
        return refuse(
            "Sorry, nobody is at the browser phone right now. Please try again later.",
            format!(
                "incoming call from {}: no browser holds a live token to ring",
                logged::value(from)
            ),
        );
    }
    let identities: Vec<&str> = ringing.iter().map(String::as_str).collect();
    Answer {
        twiml: twiml::dial_clients(None, &identities),
        log: format!(
            "incoming call from {} rings {}",
            logged::value(from),
            ringing.join(", ")
        ),
        dialled: true,
        for_the_page: None,
    }
}

/// One readable line per `<Dial action>` callback: how the far end answered.
pub fn dial_line(params: &[(String, String)]) -> String {
    let shown = |name| logged::value(param(params, name));
    let mut line = format!(
        "call {} to {}: {}",
        shown("CallSid"),
        shown("To"),
        shown("DialCallStatus")
    );
    // Twilio's DialCallDuration is the time talked, 0 for a call never answered: said only
    // for a call that was ("no-answer after 0 s" after ten seconds of ringing misleads).
    if param(params, "DialCallStatus") == "completed"
        && !param(params, "DialCallDuration").is_empty()
    {
        line.push_str(&format!(", talked {} s", shown("DialCallDuration")));
    }
    line
}

/// One readable line per status callback.
pub fn status_line(params: &[(String, String)]) -> String {
    let shown = |name| logged::value(param(params, name));
    let mut line = format!(
        "call {} {}: {} -> {}",
        shown("CallSid"),
        shown("CallStatus"),
        shown("From"),
        shown("To")
    );
    if !param(params, "CallDuration").is_empty() {
        line.push_str(&format!(" ({} s)", shown("CallDuration")));
    }
    for name in ["ErrorCode", "SipResponseCode"] {
        if !param(params, name).is_empty() {
            line.push_str(&format!(" {name}={}", shown(name)));
        }
    }
    line
}
