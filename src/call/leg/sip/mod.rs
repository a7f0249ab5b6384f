//! The SIP leg (`--leg sip`): c2c calls as a SIP user agent into its Twilio SIP Domain, with no
//! browser. Twilio challenges the INVITE for c2c's credential (digest), asks c2c's `/voice` for
//! TwiML exactly as for the page's calls, and `<Dial>`s the number; c2c hears and speaks plain
//! RTP (`media`), PCMU at 8 kHz (`pcmu`), as offered and answered in SDP (`sdp`).
//!
//! One `Phone` serves a run: one SIP socket and its transactions for every call (the stack is
//! rsipstack); each call is a `SipLeg` with a socket of its own for its sound, and its
//! signalling (`signalling`) a task of its own. What a leg says
//! comes in the order a session expects (see `Leg`): `Connecting` with the INVITE out, the Device
//! "ready" once the Domain answers at all, `Ringing` on 180, `InCall` on 200 (with
//! `answerOnBridge`, when the dialled party answered), `Ended` on BYE or a final refusal. Twilio's
//! CallSid comes from c2c's own server, which learnt it with the SIP Call-ID from `/voice`.
//! Where and as whom it calls is `account`; how it reaches the Domain (its address, the route,
//! TLS) is `reach`; SRTP, for a Domain with Secure Media, is `srtp`.

mod account;
mod media;
mod pcmu;
mod reach;
mod sdp;
mod signalling;
mod srtp;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rsipstack::dialog::dialog_layer::DialogLayer;
use rsipstack::dialog::invite_dialog::InviteDialog;
use rsipstack::transport::{SipConnection, TransportLayer, udp::UdpConnection};
use tokio::sync::{Mutex, mpsc};
use tokio_util::sync::CancellationToken;

pub use self::account::{SipAccount, SipMedia, SipTransport};
use self::media::{Clock, Media};
use self::signalling::Call;
use self::srtp::Master;
use super::Leg;
use crate::call::said::Said;

#[derive(Debug, thiserror::Error)]
pub enum SipError {
    #[error("cannot reach the SIP Domain {domain}: {why}")]
    Unresolved { domain: String, why: String },
    #[error("cannot open a SIP socket on this machine: {0}")]
    Socket(String),
    #[error(
        "c2c found no trusted certificate authorities to check the SIP Domain's TLS certificate with ({0}): install your system's CA certificates (Debian: ca-certificates), or point SSL_CERT_FILE at a PEM file of them"
    )]
    Trust(String),
    #[error(
        "c2c could not open a TLS connection to the SIP Domain {domain}: {why}. Its certificate is checked against this machine's trusted authorities; for a Domain whose certificate another authority signed, point SSL_CERT_FILE at that authority's certificate (PEM)"
    )]
    Tls { domain: String, why: String },
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
            None => reach::resolve(&account.domain, account.transport.port()).await?,
        };
        let local = reach::route_to(target).await?;
        let stop = CancellationToken::new();
        let transport = TransportLayer::new(stop.child_token());
        if account.transport == SipTransport::Tls {
            // Connected now, so that a Domain c2c cannot trust or reach is said before any call;
            // the stack reconnects with the same trust if the connection drops.
            let (trust, connection) = reach::connect_tls(&account.domain, target, &stop).await?;
            transport.set_tls_config(trust);
            transport.add_connection(SipConnection::Tls(connection));
        }
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
        let key = match self.account.media {
            SipMedia::Srtp => match Master::random() {
                Ok(key) => Some(key),
                Err(err) => {
                    let _ = said.send(Said::Gone(format!(
                        "cannot make the call's SRTP key: {err}"
                    )));
                    return leg(None);
                }
            },
            SipMedia::Rtp => None,
        };
        let media = match Media::bind(self.local, clock, key, said.clone(), stop.clone()).await {
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
