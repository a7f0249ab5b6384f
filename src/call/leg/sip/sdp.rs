//! The SIP leg's session description (RFC 4566, offer and answer by RFC 3264): c2c offers one
//! audio stream, PCMU and telephone-event (RFC 4733 keys), as Twilio's SIP interface takes them,
//! and reads from the answer only where to send, which event type the far end chose and, for
//! SRTP, the far end's key (SDES, RFC 4568: `a=crypto`, its tag the one c2c offered).
//!
//! The answer comes from the network, so it is read as untrusted input: bounded, one audio
//! stream, an address and a port that make sense, or an error that says what was wrong.

use std::net::{IpAddr, SocketAddr};

use super::srtp::{self, Master};

pub const PCMU: u8 = 0;
/// The payload type c2c offers for telephone-event; the answer may choose another.
pub const EVENTS: u8 = 101;

/// The tag of c2c's one crypto line: the answer's must carry it.
const CRYPTO_TAG: &str = "1";

/// c2c's offer: audio at `media` (its RTP socket), PCMU and keys, 20 ms packets; SRTP with
/// `key` for what c2c sends, when given.
pub fn offer(media: SocketAddr, session: u64, key: Option<&Master>) -> String {
    let (family, ip) = match media.ip() {
        IpAddr::V4(ip) => ("IP4", ip.to_string()),
        IpAddr::V6(ip) => ("IP6", ip.to_string()),
    };
    let profile = if key.is_some() { "RTP/SAVP" } else { "RTP/AVP" };
    let mut lines = vec![
        "v=0".to_owned(),
        format!("o=c2c {session} {session} IN {family} {ip}"),
        "s=c2c".to_owned(),
        format!("c=IN {family} {ip}"),
        "t=0 0".to_owned(),
        format!("m=audio {} {profile} {PCMU} {EVENTS}", media.port()),
        format!("a=rtpmap:{PCMU} PCMU/8000"),
        format!("a=rtpmap:{EVENTS} telephone-event/8000"),
        format!("a=fmtp:{EVENTS} 0-16"),
        "a=ptime:20".to_owned(),
        "a=sendrecv".to_owned(),
    ];
    if let Some(key) = key {
        lines.push(format!(
            "a=crypto:{CRYPTO_TAG} {} {}",
            srtp::SUITE,
            key.inline()
        ));
    }
    lines.push(String::new());
    lines.join("\r\n")
}

/// What c2c needs of the far end's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// Where its RTP goes (until the far end's own packets say otherwise: symmetric RTP).
    pub media: SocketAddr,
    /// The payload type the far end gave telephone-event, when it takes keys that way.
    pub events: Option<u8>,
    /// The far end's SRTP key, when its stream is SRTP (RTP/SAVP).
    pub key: Option<Master>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SdpError {
    #[error("the answer has no session description")]
    Empty,
    #[error("the answer is not a session description c2c can read: {0}")]
    Unreadable(&'static str),
    #[error("the far end did not take PCMU, the only audio c2c's SIP leg speaks")]
    NoPcmu,
    #[error("the far end refused the audio stream (port 0)")]
    Refused,
    #[error(
        "the far end answered c2c's SRTP with plain RTP: its Secure Media is off (use --sip-media rtp)"
    )]
    NotSecure,
    #[error(
        "the far end answered c2c's plain RTP with SRTP: its Secure Media is on (use --sip-media srtp)"
    )]
    Secure,
    #[error("the far end's SRTP key cannot be used: {0}")]
    Key(&'static str),
}

/// The longest answer read: real ones are well under 2 kB.
const LONGEST: usize = 16 * 1024;

/// The far end's answer to an offer that was SRTP (`srtp`) or plain RTP.
pub fn answer(body: &[u8], srtp: bool) -> Result<Answer, SdpError> {
    if body.is_empty() {
        return Err(SdpError::Empty);
    }
    if body.len() > LONGEST {
        return Err(SdpError::Unreadable("it is longer than 16 kB"));
    }
    let text = std::str::from_utf8(body).map_err(|_| SdpError::Unreadable("it is not text"))?;
    let mut session_ip = None;
    let mut audio: Option<(u16, Vec<u8>, Option<IpAddr>)> = None;
    let mut event_types = Vec::new();
    let mut secure = false;
    let mut key = None;
    for line in text.lines().map(str::trim_end) {
        let Some((kind, value)) = line.split_once('=') else {
            continue;
        };
        match kind {
            "c" => {
                let ip = connection(value)?;
                match &mut audio {
                    Some((_, _, media_ip)) => *media_ip = Some(ip),
                    None => session_ip = Some(ip),
                }
            }
            // The first audio stream is the call's; any later one is not c2c's.
            "m" if audio.is_none() => {
                let mut fields = value.split_ascii_whitespace();
                if fields.next() != Some("audio") {
                    continue;
                }
                let port = fields
                    .next()
                    .and_then(|p| p.split('/').next()?.parse::<u16>().ok())
                    .ok_or(SdpError::Unreadable("its audio line has no port"))?;
                secure = fields
                    .next()
                    .is_some_and(|p| p.eq_ignore_ascii_case("RTP/SAVP"));
                let formats = fields.filter_map(|f| f.parse().ok()).collect();
                audio = Some((port, formats, None));
            }
            "m" => break,
            "a" if audio.is_some() => {
                if let Some(map) = value.strip_prefix("rtpmap:")
                    && let Some((pt, name)) = map.split_once(' ')
                    && name
                        .to_ascii_lowercase()
                        .starts_with("telephone-event/8000")
                    && let Ok(pt) = pt.parse::<u8>()
                {
                    event_types.push(pt);
                }
                // The line answering c2c's: its tag, its suite, then the far end's key.
                if let Some(line) = value.strip_prefix("crypto:") {
                    let mut fields = line.splitn(3, ' ');
                    if fields.next() == Some(CRYPTO_TAG) && fields.next() == Some(srtp::SUITE) {
                        key = Some(Master::from_inline(fields.next().unwrap_or_default()));
                    }
                }
            }
            _ => {}
        }
    }
    let (port, formats, media_ip) = audio.ok_or(SdpError::Unreadable("it has no audio stream"))?;
    if port == 0 {
        return Err(SdpError::Refused);
    }
    if !formats.contains(&PCMU) {
        return Err(SdpError::NoPcmu);
    }
    let ip = media_ip
        .or(session_ip)
        .ok_or(SdpError::Unreadable("it gives no address for its audio"))?;
    let key = match (srtp, secure, key) {
        (true, true, Some(key)) => Some(key.map_err(SdpError::Key)?),
        (true, true, None) => return Err(SdpError::Key("it did not take c2c's suite")),
        (true, false, _) => return Err(SdpError::NotSecure),
        (false, true, _) => return Err(SdpError::Secure),
        (false, false, _) => None,
    };
    Ok(Answer {
        media: SocketAddr::new(ip, port),
        events: event_types.into_iter().find(|pt| formats.contains(pt)),
        key,
    })
}

fn connection(value: &str) -> Result<IpAddr, SdpError> {
    let mut fields = value.split_ascii_whitespace();
    let (Some("IN"), Some("IP4" | "IP6"), Some(address)) =
        (fields.next(), fields.next(), fields.next())
    else {
        return Err(SdpError::Unreadable(
            "its connection line is not IN IP4 or IP6",
        ));
    };
    // A multicast address carries a TTL after a slash; no call's does.
    address
        .parse()
        .map_err(|_| SdpError::Unreadable("its connection address is not an IP address"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_offer_names_pcmu_and_keys_at_c2cs_socket() {
        let sdp = offer("192.0.2.7:40000".parse().unwrap(), 42, None);
        assert!(sdp.contains("c=IN IP4 192.0.2.7\r\n"), "{sdp}");
        assert!(sdp.contains("m=audio 40000 RTP/AVP 0 101\r\n"), "{sdp}");
        assert!(
            sdp.contains("a=rtpmap:101 telephone-event/8000\r\n"),
            "{sdp}"
        );
        // c2c reads its own offer as an answer the same way.
        let read = answer(sdp.as_bytes(), false).unwrap();
        assert_eq!(read.media, "192.0.2.7:40000".parse().unwrap());
        assert_eq!(read.events, Some(101));
    }

    #[test]
    fn an_answer_like_twilios_gives_where_to_send_and_the_event_type() {
        // The shape of a SIP answer from Twilio's media servers (public address, PCMU and
        // telephone-event under another number).
        let sdp = "v=0\r\no=root 1 1 IN IP4 168.86.128.10\r\ns=Twilio Media Gateway\r\nc=IN IP4 168.86.128.10\r\nt=0 0\r\nm=audio 17050 RTP/AVP 0 96\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:96 telephone-event/8000\r\na=fmtp:96 0-16\r\na=sendrecv\r\n";
        let read = answer(sdp.as_bytes(), false).unwrap();
        assert_eq!(read.media, "168.86.128.10:17050".parse().unwrap());
        assert_eq!(read.events, Some(96));
        // A stream's own address wins over the session's.
        let own = sdp.replace(
            "m=audio 17050 RTP/AVP 0 96\r\n",
            "m=audio 17050 RTP/AVP 0\r\nc=IN IP4 10.0.0.9\r\n",
        );
        let read = answer(own.as_bytes(), false).unwrap();
        assert_eq!(read.media, "10.0.0.9:17050".parse().unwrap());
        assert_eq!(
            read.events, None,
            "96 is mapped but not among the stream's formats"
        );
    }

    #[test]
    fn an_srtp_offer_carries_c2cs_key_and_the_answer_gives_the_far_ends() {
        let ours = Master::random().unwrap();
        let sdp = offer("192.0.2.7:40000".parse().unwrap(), 42, Some(&ours));
        assert!(sdp.contains("m=audio 40000 RTP/SAVP 0 101\r\n"), "{sdp}");
        let crypto = format!("a=crypto:1 AES_CM_128_HMAC_SHA1_80 {}\r\n", ours.inline());
        assert!(sdp.contains(&crypto), "{sdp}");
        // The far end answers with a key of its own (a lifetime after it is allowed).
        let theirs = Master::random().unwrap();
        let answered = sdp.replace(
            &crypto,
            &format!(
                "a=crypto:1 AES_CM_128_HMAC_SHA1_80 {}|2^31\r\n",
                theirs.inline()
            ),
        );
        assert_eq!(answer(answered.as_bytes(), true).unwrap().key, Some(theirs));
        // Plain RTP to SRTP, SRTP to plain RTP, another suite or an MKI: each says what is wrong.
        let plain = offer("192.0.2.7:40000".parse().unwrap(), 42, None);
        assert_eq!(answer(plain.as_bytes(), true), Err(SdpError::NotSecure));
        assert_eq!(answer(sdp.as_bytes(), false), Err(SdpError::Secure));
        let other = sdp.replace("1 AES_CM_128_HMAC_SHA1_80", "1 AES_CM_128_HMAC_SHA1_32");
        assert!(matches!(
            answer(other.as_bytes(), true),
            Err(SdpError::Key(_))
        ));
        let mki = sdp.replace(&ours.inline(), &format!("{}|1:4", ours.inline()));
        assert!(
            matches!(answer(mki.as_bytes(), true), Err(SdpError::Key(why)) if why.contains("MKI"))
        );
    }

    #[test]
    fn answers_c2c_cannot_use_say_why() {
        let base = "v=0\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n";
        assert_eq!(answer(b"", false), Err(SdpError::Empty));
        assert_eq!(
            answer(format!("{base}m=audio 0 RTP/AVP 0\r\n").as_bytes(), false),
            Err(SdpError::Refused)
        );
        assert_eq!(
            answer(
                format!("{base}m=audio 4000 RTP/AVP 8\r\n").as_bytes(),
                false
            ),
            Err(SdpError::NoPcmu)
        );
        assert!(matches!(
            answer(
                format!("{base}m=video 4000 RTP/AVP 0\r\n").as_bytes(),
                false
            ),
            Err(SdpError::Unreadable(_))
        ));
        assert!(matches!(
            answer(b"v=0\r\nm=audio 4000 RTP/AVP 0\r\n", false),
            Err(SdpError::Unreadable(_))
        ));
        assert!(matches!(
            answer("c=IN IP4 nowhere\r\n".as_bytes(), false),
            Err(SdpError::Unreadable(_))
        ));
        assert!(matches!(
            answer(&[0xff, 0xfe], false),
            Err(SdpError::Unreadable(_))
        ));
        assert!(matches!(
            answer(&vec![b'a'; 20_000], false),
            Err(SdpError::Unreadable(_))
        ));
    }
}
