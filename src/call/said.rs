//! What c2c's page says, as c2c takes it: the page's reports through its two bindings
//! (`c2cReport`: states, errors, the keys sent, the call's quality; `c2cAudio`: what it hears),
//! typed, and checked as input that is not trusted (with `--server` the page is whoever serves
//! it).

use std::time::Instant;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;

use super::quality::Sample;
use crate::sid::is_call_sid;

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
    /// driver.js's heartbeat: it only shows the page's script runs.
    Alive,
}

/// What the page said.
#[derive(Debug)]
pub enum Said {
    /// Its state, marked on its audio clock (`audio_clock`) so that an answer is placed among
    /// the audio heard; `call_sid` once Twilio has named the call.
    State {
        phase: Phase,
        device: Device,
        status: String,
        call_sid: Option<String>,
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
    /// Audio it heard (16 kHz mono): when it arrived here, what the page's audio clock read
    /// (seconds) when the page handed it over, and the page's number for its first sample.
    Audio {
        arrived: Instant,
        handed: f64,
        position: u64,
        samples: Vec<i16>,
    },
    /// Its heartbeat, every two seconds: its script runs, and how punctually says whether it
    /// gets the CPU it needs.
    Alive,
    /// The browser closed or the page crashed.
    Gone(String),
}

/// The longest piece of the page's text c2c repeats.
const MAX_TEXT: usize = 300;

/// What a binding's call (`Runtime.bindingCalled`'s params) says, if it is anything c2c takes.
pub(super) fn binding(params: &Value) -> Option<Said> {
    let payload = params["payload"].as_str()?;
    match params["name"].as_str()? {
        "c2cAudio" => {
            // "HANDED POSITION BASE64": see driver.js.
            let mut parts = payload.splitn(3, ' ');
            let handed: f64 = parts.next()?.parse().ok().filter(|t: &f64| t.is_finite())?;
            let position: u64 = parts.next()?.parse().ok()?;
            let bytes = STANDARD.decode(parts.next()?).ok()?;
            let samples = bytes
                .chunks_exact(2)
                .map(|pair| i16::from_le_bytes([pair[0], pair[1]]))
                .collect();
            Some(Said::Audio {
                arrived: Instant::now(),
                handed,
                position,
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
                call_sid: Some(call_sid).filter(|sid| is_call_sid(sid)),
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
            Report::Alive => Said::Alive,
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
    use serde_json::json;

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
            assert_eq!(call_sid.is_some(), kept, "{sid}");
        }
    }

    #[test]
    fn audio_comes_with_when_it_was_handed_over_and_where_it_starts() {
        let said = binding(&json!({ "name": "c2cAudio", "payload": "1.5 4096 AAABAA==" }));
        let Some(Said::Audio {
            handed,
            position,
            samples,
            ..
        }) = said
        else {
            panic!("audio");
        };
        assert_eq!((handed, position, samples), (1.5, 4096, vec![0, 1]));
        assert!(binding(&json!({ "name": "c2cAudio", "payload": "AAABAA==" })).is_none());
        assert!(binding(&json!({ "name": "c2cAudio", "payload": "1.5 AAABAA==" })).is_none());
    }
}
