//! One SIP call's signalling, from its INVITE to its end: the states a session expects, said as
//! they happen, Twilio's CallSid once it is known, and a refusal in the words the page would use.

use std::sync::Arc;
use std::time::Duration;

use rsipstack::dialog::authenticate::Credential;
use rsipstack::dialog::dialog::{DialogState, TerminatedReason};
use rsipstack::dialog::invitation::InviteOption;
use rsipstack::dialog::invite_dialog::InviteDialog;
use rsipstack::transport::SipAddr;
use tokio::sync::{Mutex, mpsc};
use tokio_util::sync::CancellationToken;

use super::media::{Clock, Media};
use super::{Phone, SipTransport, sdp};
use crate::call::said::{Device, Phase, Said};

/// One call's signalling, from INVITE to its end.
pub(super) struct Call {
    pub(super) phone: Arc<Phone>,
    pub(super) number: String,
    pub(super) server: String,
    pub(super) said: mpsc::UnboundedSender<Said>,
    pub(super) clock: Clock,
    pub(super) media: Option<Arc<Media>>,
    pub(super) dialog: Arc<Mutex<Option<InviteDialog>>>,
    pub(super) hang_up: CancellationToken,
}

impl Call {
    fn state(&self, phase: Phase, device: Device, status: &str) {
        let _ = self.said.send(Said::State {
            phase,
            device,
            status: status.to_owned(),
            call_sid: None,
            audio_clock: (phase == Phase::InCall).then(|| self.clock.now()),
        });
    }

    fn error(&self, code: u32, message: String) {
        let _ = self.said.send(Said::Error {
            code,
            message,
            fatal: false,
        });
    }

    pub(super) async fn run(self) {
        let Some(media) = self.media.clone() else {
            return;
        };
        let phone = &self.phone;
        let call_id = call_id();
        let account = &phone.account;
        // Over TCP or TLS, the Request-URI says so, as RFC 3261 has a UA mark the transport it
        // wants (a sips: URI would also demand TLS beyond the Domain, which is not c2c's to ask).
        let transport = match account.transport {
            SipTransport::Udp => String::new(),
            other => format!(";transport={}", other.name()),
        };
        let callee = rsipstack::sip::Uri::try_from(format!(
            "sip:{}@{}{transport}",
            self.number, account.domain
        ));
        let uri =
            |user: &str| rsipstack::sip::Uri::try_from(format!("sip:{user}@{}", account.domain));
        let (Ok(callee), Ok(caller)) = (callee, uri(&account.username)) else {
            let _ = self.said.send(Said::Gone(format!(
                "{} is not a number c2c can put in a SIP address",
                self.number
            )));
            return;
        };
        let session = u64::from(media.local.port()) << 16 | u64::from(std::process::id() & 0xffff);
        let srtp = media.key.is_some();
        let option = InviteOption {
            caller,
            callee,
            destination: Some(SipAddr {
                r#type: Some(match account.transport {
                    SipTransport::Udp => rsipstack::sip::Transport::Udp,
                    SipTransport::Tcp => rsipstack::sip::Transport::Tcp,
                    SipTransport::Tls => rsipstack::sip::Transport::Tls,
                }),
                addr: phone.target.into(),
            }),
            content_type: Some("application/sdp".to_owned()),
            offer: Some(sdp::offer(media.local, session, media.key.as_ref()).into_bytes()),
            contact: phone.contact.clone(),
            credential: Some(Credential {
                username: account.username.clone(),
                password: account.password.expose().to_owned(),
                realm: None,
                auth_username: None,
            }),
            call_id: Some(call_id.clone()),
            ..Default::default()
        };
        let (states, mut changes) = phone.dialogs.new_dialog_state_channel();
        self.state(
            Phase::Connecting,
            Device::Registering,
            "Calling through SIP",
        );
        let (dialog, invite) = match phone.dialogs.do_invite_async(option, states) {
            Ok(started) => started,
            Err(err) => {
                self.error(0, format!("c2c could not send its INVITE: {err}"));
                self.state(Phase::Ended, Device::Offline, "");
                return;
            }
        };
        *self.dialog.lock().await = Some(dialog.clone());
        let mut invite = invite;
        // The INVITE transaction's own end: its final response, or why it could not be sent.
        let mut invited: Option<Option<rsipstack::sip::Response>> = None;
        let mut answered = false;
        let mut ringing = false;
        // After c2c's hang-up, the far end's confirmation is waited for, but not for ever.
        let mut hung_up: Option<tokio::time::Instant> = None;
        loop {
            let phase = match (answered, ringing) {
                (true, _) => Phase::InCall,
                (false, true) => Phase::Ringing,
                (false, false) => Phase::Connecting,
            };
            tokio::select! {
                change = changes.recv() => {
                    let Some(change) = change else { break };
                    match change {
                        DialogState::Trying(_) => {
                            self.state(Phase::Connecting, Device::Ready, "");
                        }
                        DialogState::Early(_, response) => {
                            // Ringing; a 183 with SDP carries the ringback as early media.
                            if let Ok(answer) = sdp::answer(&response.body, srtp) {
                                media.start(answer);
                            }
                            if !ringing {
                                ringing = true;
                                self.state(Phase::Ringing, Device::Ready, "Ringing");
                            }
                        }
                        DialogState::Confirmed(_, response) if !answered => {
                            match sdp::answer(&response.body, srtp) {
                                Ok(answer) => media.start(answer),
                                Err(err) => {
                                    self.error(0, format!("the far end's answer cannot be used: {err}"));
                                    let _ = dialog.bye().await;
                                }
                            }
                            answered = true;
                            self.state(Phase::InCall, Device::Ready, "In call");
                            self.name_the_call(&call_id, Some(&response), Phase::InCall).await;
                        }
                        DialogState::Terminated(_, reason) => {
                            let refusal = match invited.take() {
                                Some(response) => response,
                                None if !answered => match (&mut invite).await {
                                    Ok(Ok((_, response))) => response,
                                    _ => None,
                                },
                                None => None,
                            };
                            if !answered {
                                self.name_the_call(&call_id, refusal.as_ref(), phase).await;
                                match &refusal {
                                    Some(response) if hung_up.is_none() => self.refused(response),
                                    _ => self.ended_before_answer(&reason),
                                }
                            }
                            break;
                        }
                        _ => {}
                    }
                }
                done = &mut invite, if invited.is_none() && !answered => match done {
                    Ok(Ok((_, response))) => invited = Some(response),
                    // The INVITE could not be sent at all: said now, not left to the watchdog.
                    Ok(Err(err)) => {
                        self.error(0, format!(
                            "c2c could not reach the SIP Domain {} over {}: {}",
                            account.domain,
                            account.transport.name().to_uppercase(),
                            err
                        ));
                        self.state(Phase::Ended, Device::Offline, "");
                        phone.dialogs.remove_dialog(&dialog.id());
                        return;
                    }
                    Err(_) => invited = Some(None),
                },
                () = self.hang_up.cancelled(), if hung_up.is_none() => {
                    let _ = dialog.hangup().await;
                    hung_up = Some(tokio::time::Instant::now() + Duration::from_secs(2));
                }
                () = tokio::time::sleep_until(hung_up.unwrap_or_else(tokio::time::Instant::now)), if hung_up.is_some() => break,
            }
        }
        self.state(Phase::Ended, Device::Ready, "Call ended");
        phone.dialogs.remove_dialog(&dialog.id());
    }

    /// Twilio's CallSid for this call, said with the call's `phase`: from Twilio's own header
    /// when its response carries one, else from c2c's server, which had it with this Call-ID in
    /// `/voice`.
    async fn name_the_call(
        &self,
        call_id: &str,
        response: Option<&rsipstack::sip::Response>,
        phase: Phase,
    ) {
        let from_twilio = response.and_then(|r| {
            r.headers.iter().find_map(|header| match header {
                rsipstack::sip::Header::Other(name, value)
                    if name.eq_ignore_ascii_case("X-Twilio-CallSid")
                        && crate::sid::is_call_sid(value.trim()) =>
                {
                    Some(value.trim().to_owned())
                }
                _ => None,
            })
        });
        let sid = match from_twilio {
            Some(sid) => Some(sid),
            None => self.ask_server(call_id).await,
        };
        if let Some(sid) = sid {
            let _ = self.said.send(Said::State {
                phase,
                device: Device::Ready,
                status: String::new(),
                call_sid: Some(sid),
                audio_clock: None,
            });
        }
    }

    async fn ask_server(&self, call_id: &str) -> Option<String> {
        let server = &self.server;
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(2))
            .build()
            .ok()?;
        let url = format!("{server}calls/sip/{call_id}");
        let response = client.get(url).send().await.ok()?;
        if !response.status().is_success() {
            return None;
        }
        let named: serde_json::Value = response.json().await.ok()?;
        named["callSid"]
            .as_str()
            .filter(|sid| crate::sid::is_call_sid(sid))
            .map(str::to_owned)
    }

    /// A final refusal of the INVITE, in the words (and codes) the page's SDK would use: Twilio's
    /// SDK errors are 31000 plus the SIP status.
    fn refused(&self, response: &rsipstack::sip::Response) {
        let status = response.status_code.code();
        let message = match status {
            401 | 407 | 403 => format!(
                "the SIP Domain {} refused c2c's credential (SIP {status}): run `c2c configure --sip` again",
                self.phone.account.domain
            ),
            404 => format!(
                "the SIP Domain {} does not exist (SIP 404): run `c2c configure --sip`",
                self.phone.account.domain
            ),
            // Twilio refuses SRTP to a Domain without Secure Media, and RTP to one with it.
            488 => format!(
                "the SIP Domain {} refused c2c's sound (SIP 488 Not Acceptable Here): --sip-media must agree with its Secure Media setting (on: srtp, off: rtp)",
                self.phone.account.domain
            ),
            486 => "Busy Here".to_owned(),
            603 => "Decline".to_owned(),
            480 => "Temporarily Unavailable".to_owned(),
            487 => "Request Terminated".to_owned(),
            _ => format!(
                "the call was refused with SIP {status} {}",
                response.status_code
            ),
        };
        self.error(31000 + u32::from(status), message);
    }

    fn ended_before_answer(&self, reason: &TerminatedReason) {
        match reason {
            TerminatedReason::Timeout => {
                let transport = self.phone.account.transport;
                self.error(
                    0,
                    format!(
                        "the SIP Domain {} did not answer c2c's INVITE: check this machine's internet connection (or a firewall on {} {})",
                        self.phone.account.domain,
                        transport.name().to_uppercase(),
                        transport.port()
                    ),
                );
            }
            TerminatedReason::UacCancel => {}
            other => tracing::debug!("sip: the call ended before an answer: {other:?}"),
        }
    }
}

/// A Call-ID of c2c's own (RFC 3261 allows a bare word): random, and plain in a URL path.
fn call_id() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).unwrap_or_default();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
