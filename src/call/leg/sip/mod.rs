//! The SIP leg (`--leg sip`): c2c calls as a SIP user agent into its Twilio SIP Domain, with no
//! browser. Twilio challenges the INVITE for c2c's credential (digest), asks c2c's `/voice` for
//! TwiML exactly as for the page's calls, and `<Dial>`s the number; c2c hears and speaks plain
//! RTP (`media`), PCMU at 8 kHz (`pcmu`), as offered and answered in SDP (`sdp`).
//!
//! One `Phone` serves a run: one SIP socket and its transactions for every call (the stack is
//! rsipstack); each call is a `SipLeg` with a socket of its own for its sound. What a leg says
//! comes in the order a session expects (see `Leg`): `Connecting` with the INVITE out, the Device
//! "ready" once the Domain answers at all, `Ringing` on 180, `InCall` on 200 (with
//! `answerOnBridge`, when the dialled party answered), `Ended` on BYE or a final refusal. Twilio's
//! CallSid comes from c2c's own server, which learnt it with the SIP Call-ID from `/voice`.

mod media;
mod pcmu;
mod sdp;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rsipstack::dialog::authenticate::Credential;
use rsipstack::dialog::dialog::{DialogState, TerminatedReason};
use rsipstack::dialog::dialog_layer::DialogLayer;
use rsipstack::dialog::invitation::InviteOption;
use rsipstack::dialog::invite_dialog::InviteDialog;
use rsipstack::transport::{SipAddr, TransportLayer, udp::UdpConnection};
use tokio::sync::{Mutex, mpsc};
use tokio_util::sync::CancellationToken;

use self::media::{Clock, Media};
use super::Leg;
use crate::call::said::{Device, Phase, Said};
use crate::secret::Secret;

/// Where and as whom c2c calls: its SIP Domain and credential (`c2c configure --sip`), where
/// the INVITEs go when not to the Domain's own address (`--sip-proxy`, for a stand-in), and over
/// what (`--sip-transport`).
#[derive(Clone)]
pub struct SipAccount {
    pub domain: String,
    pub username: String,
    pub password: Secret,
    pub proxy: Option<SocketAddr>,
    pub transport: SipTransport,
}

/// What SIP travels over to the Domain: UDP (the default, one socket for every call) or TCP (a
/// connection, for a network that drops UDP or a message too large for a datagram).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SipTransport {
    #[default]
    Udp,
    Tcp,
}

impl SipTransport {
    pub fn parse(text: &str) -> Result<SipTransport, String> {
        match text.trim() {
            "udp" => Ok(SipTransport::Udp),
            "tcp" => Ok(SipTransport::Tcp),
            "tls" => Err("tls is not built yet: use udp or tcp".to_owned()),
            _ => Err("it is neither udp nor tcp".to_owned()),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SipError {
    #[error("cannot reach the SIP Domain {domain}: {why}")]
    Unresolved { domain: String, why: String },
    #[error("cannot open a SIP socket on this machine: {0}")]
    Socket(String),
    #[error("the SIP call could not be {what}: {why}")]
    Call { what: &'static str, why: String },
}

/// A run's SIP user agent: one socket, its transactions and dialogs, for all the run's calls.
pub struct Phone {
    account: SipAccount,
    dialogs: Arc<DialogLayer>,
    /// The address c2c is reached at by the Domain (the interface its route leaves by).
    local: IpAddr,
    target: SocketAddr,
    contact: rsipstack::sip::Uri,
    stop: CancellationToken,
}

impl Phone {
    /// Opens the SIP socket on the interface the Domain is reached by, and starts the stack.
    pub async fn start(account: SipAccount) -> Result<Arc<Phone>, SipError> {
        let target = match account.proxy {
            Some(proxy) => proxy,
            None => resolve(&account.domain).await?,
        };
        let local = route_to(target).await?;
        let stop = CancellationToken::new();
        let transport = TransportLayer::new(stop.child_token());
        let connection = UdpConnection::create_connection(
            SocketAddr::new(local, 0),
            None,
            Some(stop.child_token()),
        )
        .await
        .map_err(|err| SipError::Socket(err.to_string()))?;
        transport.add_transport(connection.into());
        let endpoint = rsipstack::EndpointBuilder::new()
            .with_cancel_token(stop.child_token())
            .with_transport_layer(transport)
            .with_user_agent(concat!("c2c/", env!("CARGO_PKG_VERSION")))
            .build();
        let address = endpoint
            .get_addrs()
            .first()
            .cloned()
            .ok_or_else(|| SipError::Socket("the SIP stack has no address".to_owned()))?;
        let contact =
            rsipstack::sip::Uri::try_from(format!("sip:{}@{}", account.username, address.addr))
                .map_err(|err| SipError::Socket(err.to_string()))?;
        let dialogs = Arc::new(DialogLayer::new(endpoint.inner.clone()));
        let incoming = endpoint
            .incoming_transactions()
            .map_err(|err| SipError::Socket(err.to_string()))?;
        let serving = stop.clone();
        let routing = Arc::clone(&dialogs);
        tokio::spawn(async move {
            tokio::select! {
                () = endpoint.serve() => {}
                () = serving.cancelled() => {}
                () = route_incoming(routing, incoming) => {}
            }
        });
        Ok(Arc::new(Phone {
            account,
            dialogs,
            local,
            target,
            contact,
            stop,
        }))
    }

    /// Places a call to `number` (E.164) and returns its leg at once; what happens comes through
    /// the leg (`Leg::next`). `server` is c2c's, which learns the call's CallSid from `/voice`.
    pub async fn call(self: &Arc<Self>, number: &str, server: &str) -> SipLeg {
        let (said, heard) = mpsc::unbounded_channel();
        let stop = self.stop.child_token();
        let clock = Clock(Instant::now());
        let leg = |media| SipLeg {
            heard,
            last_word: Instant::now(),
            media,
            dialog: Arc::new(Mutex::new(None)),
            hang_up: CancellationToken::new(),
            stop: stop.clone(),
            gone: false,
        };
        let media = match Media::bind(self.local, clock, said.clone(), stop.clone()).await {
            Ok(media) => media,
            Err(err) => {
                let _ = said.send(Said::Gone(format!(
                    "cannot open a socket for the call's sound: {err}"
                )));
                return leg(None);
            }
        };
        let leg = leg(Some(Arc::new(media)));
        heartbeat(said.clone(), stop.clone());
        let call = Call {
            phone: Arc::clone(self),
            number: number.to_owned(),
            server: server.to_owned(),
            said,
            clock,
            media: leg.media.clone(),
            dialog: Arc::clone(&leg.dialog),
            hang_up: leg.hang_up.clone(),
        };
        tokio::spawn(stop.run_until_cancelled_owned(call.run()));
        leg
    }

    /// Stops the stack: every call still up ends with it.
    pub fn close(&self) {
        self.stop.cancel();
    }
}

/// Requests that come to c2c: those in a call's dialog (the far end's BYE, a re-INVITE) go to it;
/// anything else (a stray INVITE, a scan) is refused, since c2c takes no calls over SIP.
async fn route_incoming(
    dialogs: Arc<DialogLayer>,
    mut incoming: rsipstack::transaction::TransactionReceiver,
) {
    while let Some(mut tx) = incoming.recv().await {
        match dialogs.match_dialog(&tx) {
            Some(mut dialog) => {
                tokio::spawn(async move {
                    if let Err(err) = dialog.handle(&mut tx).await {
                        tracing::debug!("sip: an in-dialog request failed: {err}");
                    }
                });
            }
            None => {
                let refusal = match tx.original.method {
                    rsipstack::sip::Method::Ack => continue,
                    rsipstack::sip::Method::Options => rsipstack::sip::StatusCode::OK,
                    _ => rsipstack::sip::StatusCode::CallTransactionDoesNotExist,
                };
                let _ = tx.reply(refusal).await;
            }
        }
    }
}

/// The Domain's address: Twilio's SIP Domains resolve by their name (port 5060, UDP).
async fn resolve(domain: &str) -> Result<SocketAddr, SipError> {
    let found = tokio::net::lookup_host((domain, 5060))
        .await
        .map_err(|err| SipError::Unresolved {
            domain: domain.to_owned(),
            why: err.to_string(),
        })?;
    found
        .into_iter()
        .find(SocketAddr::is_ipv4)
        .ok_or_else(|| SipError::Unresolved {
            domain: domain.to_owned(),
            why: "it has no IPv4 address".to_owned(),
        })
}

/// The local address the route to `target` leaves by: what c2c puts in its Contact and SDP.
async fn route_to(target: SocketAddr) -> Result<IpAddr, SipError> {
    let probe = tokio::net::UdpSocket::bind(match target {
        SocketAddr::V4(_) => SocketAddr::from(([0, 0, 0, 0], 0)),
        SocketAddr::V6(_) => SocketAddr::from(([0u16; 8], 0)),
    })
    .await
    .map_err(|err| SipError::Socket(err.to_string()))?;
    probe
        .connect(target)
        .await
        .map_err(|err| SipError::Socket(format!("no route to {target}: {err}")))?;
    probe
        .local_addr()
        .map(|a| a.ip())
        .map_err(|err| SipError::Socket(err.to_string()))
}

/// Says the leg is alive every second while it runs: a late beat is a starved runtime.
fn heartbeat(said: mpsc::UnboundedSender<Said>, stop: CancellationToken) {
    tokio::spawn(stop.run_until_cancelled_owned(async move {
        let mut beats = tokio::time::interval(Duration::from_secs(1));
        loop {
            beats.tick().await;
            if said.send(Said::Alive).is_err() {
                return;
            }
        }
    }));
}

/// One call's signalling, from INVITE to its end.
struct Call {
    phone: Arc<Phone>,
    number: String,
    server: String,
    said: mpsc::UnboundedSender<Said>,
    clock: Clock,
    media: Option<Arc<Media>>,
    dialog: Arc<Mutex<Option<InviteDialog>>>,
    hang_up: CancellationToken,
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

    async fn run(self) {
        let Some(media) = self.media.clone() else {
            return;
        };
        let phone = &self.phone;
        let call_id = call_id();
        let account = &phone.account;
        // Over TCP, the Request-URI says so, as RFC 3261 has a UA mark the transport it wants.
        let transport = match account.transport {
            SipTransport::Udp => "",
            SipTransport::Tcp => ";transport=tcp",
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
        let option = InviteOption {
            caller,
            callee,
            destination: Some(SipAddr {
                r#type: Some(match account.transport {
                    SipTransport::Udp => rsipstack::sip::Transport::Udp,
                    SipTransport::Tcp => rsipstack::sip::Transport::Tcp,
                }),
                addr: phone.target.into(),
            }),
            content_type: Some("application/sdp".to_owned()),
            offer: Some(sdp::offer(media.local, session).into_bytes()),
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
        let mut invite = Some(invite);
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
                            if let Ok(answer) = sdp::answer(&response.body) {
                                media.start(answer);
                            }
                            if !ringing {
                                ringing = true;
                                self.state(Phase::Ringing, Device::Ready, "Ringing");
                            }
                        }
                        DialogState::Confirmed(_, response) if !answered => {
                            match sdp::answer(&response.body) {
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
                            let refusal = match invite.take() {
                                Some(handle) if !answered => match handle.await {
                                    Ok(Ok((_, Some(response)))) => Some(response),
                                    _ => None,
                                },
                                _ => None,
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
            TerminatedReason::Timeout => self.error(
                0,
                format!(
                    "the SIP Domain {} did not answer c2c's INVITE: check this machine's internet connection (or a firewall on UDP 5060)",
                    self.phone.account.domain
                ),
            ),
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

/// One call through SIP, as a session drives it.
pub struct SipLeg {
    heard: mpsc::UnboundedReceiver<Said>,
    last_word: Instant,
    media: Option<Arc<Media>>,
    dialog: Arc<Mutex<Option<InviteDialog>>>,
    hang_up: CancellationToken,
    stop: CancellationToken,
    gone: bool,
}

impl Leg for SipLeg {
    type Error = SipError;

    async fn next(&mut self) -> Said {
        if self.gone {
            return Said::Gone("the call's SIP leg is closed".to_owned());
        }
        let said = match self.heard.recv().await {
            Some(said) => said,
            None => Said::Gone("the call's SIP leg stopped".to_owned()),
        };
        if matches!(said, Said::Gone(_)) {
            self.gone = true;
        }
        self.last_word = Instant::now();
        said
    }

    fn last_word(&self) -> Instant {
        self.last_word
    }

    async fn press(&self, digits: &str) -> Result<(), SipError> {
        match self.media.as_ref().is_some_and(|m| m.press(digits)) {
            true => Ok(()),
            false => Err(SipError::Call {
                what: "given keys",
                why: "its sound has stopped".to_owned(),
            }),
        }
    }

    async fn play(&self, samples: &[i16]) -> Result<f64, SipError> {
        let started = match &self.media {
            Some(media) => media.play(samples.to_vec()).await,
            None => None,
        };
        started.ok_or_else(|| SipError::Call {
            what: "given sound",
            why: "its sound has stopped".to_owned(),
        })
    }

    async fn hang_up(&self) -> Result<(), SipError> {
        self.hang_up.cancel();
        Ok(())
    }

    async fn close(self) {
        // A call still up when its session is done is hung up before its sound stops.
        if let Some(dialog) = self.dialog.lock().await.take() {
            let _ = tokio::time::timeout(Duration::from_secs(2), dialog.hangup()).await;
        }
        self.stop.cancel();
    }
}
