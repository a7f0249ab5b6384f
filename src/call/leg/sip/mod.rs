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

mod media;
mod pcmu;
mod sdp;
mod signalling;
mod srtp;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rsipstack::dialog::dialog_layer::DialogLayer;
use rsipstack::dialog::invite_dialog::InviteDialog;
use rsipstack::transport::tls::TlsConnection;
use rsipstack::transport::{SipAddr, SipConnection, TransportLayer, udp::UdpConnection};
use tokio::sync::{Mutex, mpsc};
use tokio_util::sync::CancellationToken;

use self::media::{Clock, Media};
use self::signalling::Call;
use self::srtp::Master;
use super::Leg;
use crate::call::said::Said;
use crate::secret::Secret;

/// Where and as whom c2c calls: its SIP Domain and credential (`c2c configure --sip`), where
/// the INVITEs go when not to the Domain's own address (`--sip-proxy`, for a stand-in), over
/// what (`--sip-transport`) and with what sound (`--sip-media`).
#[derive(Clone)]
pub struct SipAccount {
    pub domain: String,
    pub username: String,
    pub password: Secret,
    pub proxy: Option<SocketAddr>,
    pub transport: SipTransport,
    pub media: SipMedia,
}

/// What SIP travels over to the Domain: UDP (the default, one socket for every call), TCP (a
/// connection, for a network that drops UDP or a message too large for a datagram) or TLS (a
/// connection whose messages, credentials and SRTP keys no one on the way can read).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SipTransport {
    #[default]
    Udp,
    Tcp,
    Tls,
}

impl SipTransport {
    pub fn parse(text: &str) -> Result<SipTransport, String> {
        match text.trim() {
            "udp" => Ok(SipTransport::Udp),
            "tcp" => Ok(SipTransport::Tcp),
            "tls" => Ok(SipTransport::Tls),
            _ => Err("it is not udp, tcp or tls".to_owned()),
        }
    }

    /// The Domain's port for it: 5061 for TLS, 5060 for the others (Twilio's).
    fn port(self) -> u16 {
        match self {
            SipTransport::Tls => 5061,
            SipTransport::Udp | SipTransport::Tcp => 5060,
        }
    }

    fn name(self) -> &'static str {
        match self {
            SipTransport::Udp => "udp",
            SipTransport::Tcp => "tcp",
            SipTransport::Tls => "tls",
        }
    }
}

/// The sound's protocol, which must agree with the Domain's Secure Media setting: plain RTP
/// (off, Twilio's default) or SRTP (on; Twilio then takes calls only over TLS).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SipMedia {
    #[default]
    Rtp,
    Srtp,
}

impl SipMedia {
    pub fn parse(text: &str) -> Result<SipMedia, String> {
        match text.trim() {
            "rtp" => Ok(SipMedia::Rtp),
            "srtp" => Ok(SipMedia::Srtp),
            _ => Err("it is neither rtp nor srtp".to_owned()),
        }
    }
}

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

/// How long the TLS connection to the Domain may take to open.
const TLS_CONNECT: Duration = Duration::from_secs(10);

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
            None => resolve(&account.domain, account.transport.port()).await?,
        };
        let local = route_to(target).await?;
        let stop = CancellationToken::new();
        let transport = TransportLayer::new(stop.child_token());
        if account.transport == SipTransport::Tls {
            // Connected now, so that a certificate c2c cannot trust is said before any call;
            // the stack reconnects with the same trust if the connection drops.
            let trust = trust(&account.domain)?;
            let domain = SipAddr {
                r#type: Some(rsipstack::sip::Transport::Tls),
                addr: target.into(),
            };
            let connecting =
                TlsConnection::connect(&domain, Some(&trust), None, Some(stop.child_token()));
            // A port that drops what comes to it would hold the run for the system's minutes.
            let connection = match tokio::time::timeout(TLS_CONNECT, connecting).await {
                Ok(Ok(connection)) => connection,
                Ok(Err(err)) => {
                    return Err(SipError::Tls {
                        domain: account.domain.clone(),
                        why: err.to_string(),
                    });
                }
                Err(_) => {
                    return Err(SipError::Unresolved {
                        domain: account.domain.clone(),
                        why: format!(
                            "no answer on {target} (TLS) within {} s: check this machine's internet connection (or a firewall on TCP 5061)",
                            TLS_CONNECT.as_secs()
                        ),
                    });
                }
            };
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

/// How c2c's TLS connection knows the Domain: by its name (even through `--sip-proxy`), its
/// certificate checked against the machine's own trusted authorities (`SSL_CERT_FILE` or
/// `SSL_CERT_DIR` when set), as c2c's HTTPS requests are.
fn trust(domain: &str) -> Result<rsipstack::transport::tls::TlsConfig, SipError> {
    use base64::Engine;
    let found = rustls_native_certs::load_native_certs();
    if found.certs.is_empty() {
        let why = found
            .errors
            .first()
            .map_or("none were found".to_owned(), ToString::to_string);
        return Err(SipError::Trust(why));
    }
    let mut pem = String::new();
    for cert in &found.certs {
        let encoded = base64::engine::general_purpose::STANDARD.encode(cert.as_ref());
        pem.push_str("-----BEGIN CERTIFICATE-----\n");
        for line in encoded.as_bytes().chunks(64) {
            pem.push_str(&String::from_utf8_lossy(line));
            pem.push('\n');
        }
        pem.push_str("-----END CERTIFICATE-----\n");
    }
    Ok(rsipstack::transport::tls::TlsConfig {
        ca_certs: Some(pem.into_bytes()),
        sni_hostname: Some(domain.to_owned()),
        ..Default::default()
    })
}

/// The Domain's address: Twilio's SIP Domains resolve by their name (port 5060, or 5061 for TLS).
async fn resolve(domain: &str, port: u16) -> Result<SocketAddr, SipError> {
    let found = tokio::net::lookup_host((domain, port))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transports_and_sounds_are_read_as_typed_and_others_say_what_is_taken() {
        assert_eq!(SipTransport::parse(" tls "), Ok(SipTransport::Tls));
        assert_eq!(SipTransport::parse("udp"), Ok(SipTransport::Udp));
        assert_eq!(SipTransport::parse("tcp"), Ok(SipTransport::Tcp));
        assert_eq!(
            SipTransport::parse("TLS"),
            Err("it is not udp, tcp or tls".to_owned())
        );
        assert_eq!(SipTransport::Tls.port(), 5061);
        assert_eq!(SipTransport::Tcp.port(), 5060);
        assert_eq!(SipMedia::parse("srtp"), Ok(SipMedia::Srtp));
        assert_eq!(SipMedia::parse("rtp"), Ok(SipMedia::Rtp));
        assert!(SipMedia::parse("zrtp").is_err());
        assert_eq!(SipMedia::default(), SipMedia::Rtp);
    }
}
