//! SRTP (RFC 3711) for the SIP leg's sound when the Domain has Secure Media on: AES-128 in
//! counter mode and an 80-bit HMAC-SHA1 tag (AES_CM_128_HMAC_SHA1_80, one of the two suites
//! Twilio takes), with each side's master key in its SDP (SDES, RFC 4568), which only TLS keeps
//! secret. One set of session keys a call (no key derivation rate) and no MKI, which Twilio does
//! not take. A packet whose tag does not verify is dropped, as is one older than what was heard
//! (the receiver's placing refuses those), so a forged or replayed packet is never heard.

use aes::Aes128;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ctr::cipher::{KeyIvInit, StreamCipher};
use subtle::ConstantTimeEq;

type AesCm = ctr::Ctr128BE<Aes128>;

/// The suite c2c offers and takes.
pub const SUITE: &str = "AES_CM_128_HMAC_SHA1_80";
const TAG: usize = 10;
const KEY: usize = 16;
const SALT: usize = 14;
const AUTH_KEY: usize = 20;
/// The fixed RTP header, before any CSRC or extension.
const HEADER: usize = 12;

/// A master key and salt, as SDES carries them (`inline:`, base64 of the 30 bytes).
#[derive(Clone, PartialEq, Eq)]
pub struct Master {
    key: [u8; KEY],
    salt: [u8; SALT],
}

impl std::fmt::Debug for Master {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Master(…)")
    }
}

impl Master {
    /// A new master key for one call's sending, from the operating system's generator.
    pub fn random() -> Result<Master, getrandom::Error> {
        let mut bytes = [0u8; KEY + SALT];
        getrandom::fill(&mut bytes)?;
        Ok(Master::from_bytes(&bytes))
    }

    fn from_bytes(bytes: &[u8; KEY + SALT]) -> Master {
        let mut key = [0u8; KEY];
        let mut salt = [0u8; SALT];
        key.copy_from_slice(&bytes[..KEY]);
        salt.copy_from_slice(&bytes[KEY..]);
        Master { key, salt }
    }

    /// The key parameter of an SDP crypto line: `inline:` and the key and salt in base64.
    pub fn inline(&self) -> String {
        let mut bytes = self.key.to_vec();
        bytes.extend_from_slice(&self.salt);
        format!("inline:{}", STANDARD.encode(bytes))
    }

    /// The key parameters of a crypto line (`inline:KEY[|LIFETIME][|MKI:LENGTH]`): the master
    /// key and salt, or why c2c cannot use them.
    pub fn from_inline(params: &str) -> Result<Master, &'static str> {
        let inline = params
            .split_ascii_whitespace()
            .next()
            .and_then(|p| p.strip_prefix("inline:"))
            .ok_or("its key is not given inline")?;
        let mut parts = inline.split('|');
        let encoded = parts.next().unwrap_or_default();
        // A lifetime ("2^31") is longer than any call; an MKI ("1:4") c2c does not take.
        if parts.any(|part| part.contains(':')) {
            return Err("its key has a master key identifier (MKI), which c2c does not take");
        }
        let bytes = STANDARD
            .decode(encoded)
            .map_err(|_| "its key is not base64")?;
        let bytes: &[u8; KEY + SALT] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| "its key is not 30 bytes")?;
        Ok(Master::from_bytes(bytes))
    }
}

/// The session keys of one direction (RFC 3711 §4.3, labels 0 to 2 for RTP).
struct Session {
    cipher: [u8; KEY],
    salt: [u8; SALT],
    auth: ring::hmac::Key,
}

impl Session {
    fn derive(master: &Master) -> Session {
        let derived = |label: u8, length: usize| {
            // x = (label || index DIV kdr) XOR salt, the label at the 56 bits' top; kdr is 0.
            let mut iv = [0u8; 16];
            iv[..SALT].copy_from_slice(&master.salt);
            iv[7] ^= label;
            let mut out = vec![0u8; length];
            AesCm::new(&master.key.into(), &iv.into()).apply_keystream(&mut out);
            out
        };
        let mut cipher = [0u8; KEY];
        cipher.copy_from_slice(&derived(0, KEY));
        let mut salt = [0u8; SALT];
        salt.copy_from_slice(&derived(2, SALT));
        let auth = ring::hmac::Key::new(
            ring::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY,
            &derived(1, AUTH_KEY),
        );
        Session { cipher, salt, auth }
    }

    /// Encrypts or decrypts `payload` of the packet from `ssrc` with `index` (ROC and sequence).
    fn crypt(&self, ssrc: u32, index: u64, payload: &mut [u8]) {
        let mut iv = [0u8; 16];
        iv[..SALT].copy_from_slice(&self.salt);
        for (at, byte) in ssrc.to_be_bytes().into_iter().enumerate() {
            iv[4 + at] ^= byte;
        }
        for (at, byte) in index.to_be_bytes()[2..].iter().enumerate() {
            iv[8 + at] ^= byte;
        }
        AesCm::new(&self.cipher.into(), &iv.into()).apply_keystream(payload);
    }

    /// The tag of an (encrypted) packet sent with rollover counter `roc`.
    fn tag(&self, packet: &[u8], roc: u32) -> [u8; TAG] {
        let mut signing = ring::hmac::Context::with_key(&self.auth);
        signing.update(packet);
        signing.update(&roc.to_be_bytes());
        let mut tag = [0u8; TAG];
        tag.copy_from_slice(&signing.sign().as_ref()[..TAG]);
        tag
    }
}

/// Where an RTP packet's payload begins (after its CSRCs and extension), if it is one.
fn payload_start(packet: &[u8]) -> Option<usize> {
    if packet.len() < HEADER || packet[0] >> 6 != 2 {
        return None;
    }
    let mut start = HEADER + 4 * usize::from(packet[0] & 0x0f);
    if packet[0] & 0x10 != 0 {
        let words = packet.get(start + 2..start + 4)?;
        start += 4 + 4 * usize::from(u16::from_be_bytes([words[0], words[1]]));
    }
    (start <= packet.len()).then_some(start)
}

fn sequence(packet: &[u8]) -> u16 {
    u16::from_be_bytes([packet[2], packet[3]])
}

fn ssrc(packet: &[u8]) -> u32 {
    u32::from_be_bytes([packet[8], packet[9], packet[10], packet[11]])
}

/// c2c's sending side: its packets encrypted and tagged.
pub struct Protect {
    session: Session,
    roc: u32,
    last: Option<u16>,
}

impl Protect {
    pub fn new(master: &Master) -> Protect {
        Protect {
            session: Session::derive(master),
            roc: 0,
            last: None,
        }
    }

    /// `packet` (an RTP packet c2c built) as SRTP.
    pub fn protect(&mut self, mut packet: Vec<u8>) -> Option<Vec<u8>> {
        let start = payload_start(&packet)?;
        let seq = sequence(&packet);
        // The sequence wrapped: the rollover counter counts it.
        if self
            .last
            .is_some_and(|last| seq < last && last - seq > 0x8000)
        {
            self.roc = self.roc.wrapping_add(1);
        }
        self.last = Some(seq);
        let index = u64::from(self.roc) << 16 | u64::from(seq);
        let ssrc = ssrc(&packet);
        self.session.crypt(ssrc, index, &mut packet[start..]);
        let tag = self.session.tag(&packet, self.roc);
        packet.extend_from_slice(&tag);
        Some(packet)
    }
}

/// The far end's sending side, as c2c hears it: packets verified, then decrypted.
pub struct Unprotect {
    session: Session,
    /// The stream heard: its SSRC, rollover counter and highest sequence number.
    stream: Option<(u32, u32, u16)>,
}

impl Unprotect {
    pub fn new(master: &Master) -> Unprotect {
        Unprotect {
            session: Session::derive(master),
            stream: None,
        }
    }

    /// The RTP packet inside `packet`, or `None` when its tag does not verify (forged, damaged,
    /// or not sent with the far end's key).
    pub fn unprotect(&mut self, packet: &[u8]) -> Option<Vec<u8>> {
        let (packet, tag) = packet.split_at_checked(packet.len().checked_sub(TAG)?)?;
        let start = payload_start(packet)?;
        let (seq, ssrc) = (sequence(packet), ssrc(packet));
        let (roc, highest) = match self.stream {
            Some((heard, roc, highest)) if heard == ssrc => (roc, highest),
            // A new stream starts its count afresh.
            _ => (0, seq),
        };
        let guess = estimate(roc, highest, seq);
        if !bool::from(self.session.tag(packet, guess).ct_eq(tag)) {
            return None;
        }
        let mut packet = packet.to_vec();
        self.session.crypt(
            ssrc,
            u64::from(guess) << 16 | u64::from(seq),
            &mut packet[start..],
        );
        let newer = guess > roc || (guess == roc && seq > highest);
        self.stream = Some(match (self.stream, newer) {
            (Some((heard, ..)), false) if heard == ssrc => (ssrc, roc, highest),
            _ => (ssrc, guess, seq),
        });
        Some(packet)
    }
}

/// The rollover counter a packet with `seq` was most likely sent with, given the highest
/// sequence number heard and its counter (RFC 3711 Appendix A).
fn estimate(roc: u32, highest: u16, seq: u16) -> u32 {
    if highest < 0x8000 {
        match seq > highest && seq - highest > 0x8000 {
            true => roc.wrapping_sub(1),
            false => roc,
        }
    } else {
        match highest - 0x8000 > seq {
            true => roc.wrapping_add(1),
            false => roc,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(text: &str) -> Vec<u8> {
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
            .collect()
    }

    fn master(key: &str, salt: &str) -> Master {
        let bytes: Vec<u8> = [hex(key), hex(salt)].concat();
        Master::from_bytes(bytes.as_slice().try_into().unwrap())
    }

    #[test]
    fn session_keys_are_derived_as_rfc_3711_b3_says() {
        let master = master(
            "E1F97A0D3E018BE0D64FA32C06DE4139",
            "0EC675AD498AFEEBB6960B3AABE6",
        );
        let session = Session::derive(&master);
        assert_eq!(
            session.cipher.to_vec(),
            hex("C61E7A93744F39EE10734AFE3FF7A087")
        );
        assert_eq!(session.salt.to_vec(), hex("30CBBC08863D8C85D49DB34A9AE1"));
        // The authentication key, through the tag it gives: HMAC-SHA1 of the RFC's key.
        let auth = ring::hmac::Key::new(
            ring::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY,
            &hex("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4"),
        );
        let expected = ring::hmac::sign(&auth, b"packet\0\0\0\0");
        assert_eq!(session.tag(b"packet", 0), expected.as_ref()[..TAG]);
    }

    #[test]
    fn the_keystream_is_aes_counter_mode_as_rfc_3711_b2_says() {
        let session = Session {
            cipher: hex("2B7E151628AED2A6ABF7158809CF4F3C").try_into().unwrap(),
            salt: hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD").try_into().unwrap(),
            auth: ring::hmac::Key::new(ring::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, &[0; 20]),
        };
        let mut stream = vec![0u8; 48];
        session.crypt(0, 0, &mut stream);
        assert_eq!(
            stream,
            hex(concat!(
                "E03EAD0935C95E80E166B16DD92B4EB4",
                "D23513162B02D0F72A43A2FE4A5F97AB",
                "41E95B3BB0A2E8DD477901E4FCA894C0"
            ))
        );
    }

    fn rtp(seq: u16, payload: &[u8]) -> Vec<u8> {
        let mut packet = vec![0x80, 0, 0, 0, 0, 0, 0x01, 0x40, 0xde, 0xad, 0xbe, 0xef];
        packet[2..4].copy_from_slice(&seq.to_be_bytes());
        packet.extend_from_slice(payload);
        packet
    }

    #[test]
    fn what_one_side_protects_the_other_hears_and_a_forgery_is_dropped() {
        let key = Master::random().unwrap();
        let (mut out, mut heard) = (Protect::new(&key), Unprotect::new(&key));
        let sound = [0x55u8; 160];
        // Across a wrap of the sequence number, and one packet late.
        let sent: Vec<Vec<u8>> = [65_534u16, 65_535, 0, 1]
            .into_iter()
            .map(|seq| out.protect(rtp(seq, &sound)).unwrap())
            .collect();
        assert_ne!(&sent[0][HEADER..HEADER + 160], &sound[..]);
        for at in [0, 1, 3, 2] {
            assert_eq!(
                heard.unprotect(&sent[at]).as_deref(),
                Some(&rtp([65_534u16, 65_535, 0, 1][at], &sound)[..])
            );
        }
        let mut forged = sent[3].clone();
        forged[HEADER] ^= 1;
        assert_eq!(heard.unprotect(&forged), None);
        // Another key's packets are not heard either.
        let mut stranger = Protect::new(&Master::random().unwrap());
        assert_eq!(
            heard.unprotect(&stranger.protect(rtp(2, &sound)).unwrap()),
            None
        );
    }

    #[test]
    fn keys_are_read_from_sdes_and_an_mki_or_a_short_key_is_refused() {
        let key = Master::random().unwrap();
        let inline = key.inline();
        assert_eq!(Master::from_inline(&inline), Ok(key.clone()));
        assert_eq!(Master::from_inline(&format!("{inline}|2^31")), Ok(key));
        assert!(
            Master::from_inline(&format!("{inline}|1:4"))
                .unwrap_err()
                .contains("MKI")
        );
        assert!(
            Master::from_inline("inline:AAAA")
                .unwrap_err()
                .contains("30 bytes")
        );
        assert!(Master::from_inline("uri:x").is_err());
        assert_eq!(format!("{:?}", Master::random().unwrap()), "Master(…)");
    }

    #[test]
    fn the_rollover_counter_is_guessed_around_a_wrap() {
        assert_eq!(estimate(0, 65_530, 3), 1);
        assert_eq!(estimate(1, 3, 65_530), 0);
        assert_eq!(estimate(1, 100, 200), 1);
    }
}
