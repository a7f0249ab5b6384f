//! Where and as whom the SIP leg calls, and how: the settings `c2c configure --sip`, the flags
//! and the config file give it, read into the words the leg works with.

use std::net::SocketAddr;

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
    pub(super) fn port(self) -> u16 {
        match self {
            SipTransport::Tls => 5061,
            SipTransport::Udp | SipTransport::Tcp => 5060,
        }
    }

    pub(super) fn name(self) -> &'static str {
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
