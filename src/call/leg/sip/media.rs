//! The SIP leg's sound: RTP over UDP (RFC 3550) with the far end, from the one socket c2c
//! offered (symmetric RTP: c2c sends from where it receives, which is what lets a far end behind
//! the caller's NAT answer it), PCMU both ways and keys as RFC 4733 events.
//!
//! Sending is paced by the clock, a packet every 20 ms, as a phone does: silence when c2c has
//! nothing to say (a far end that hears no packets may take the line for dead). What is heard is
//! placed by its RTP timestamp, so a packet lost leaves a gap where it was, not a shift. With
//! Secure Media, every packet is SRTP both ways (`srtp`), each side with its own key.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rtp_rs::{RtpPacketBuilder, RtpReader, Seq};
use tokio::net::UdpSocket;
use tokio::sync::{mpsc, oneshot, watch};
use tokio_util::sync::CancellationToken;

use super::pcmu::{self, FRAME};
use super::sdp::{Answer, PCMU};
use super::srtp::{Master, Protect, Unprotect};
use crate::call::said::Said;

const TICK: Duration = Duration::from_millis(20);
/// A key is held 100 ms and followed by 60 ms of quiet, as phones send them; `w` waits 500 ms.
const KEY_PACKETS: u16 = 5;
const KEY_GAP: usize = 3;
const PAUSE_PACKETS: usize = 25;
const DIGITS: &str = "0123456789*#ABCD";

/// The leg's clock: seconds since it started, the clock its audio is heard and sent on.
#[derive(Clone, Copy)]
pub struct Clock(pub Instant);

impl Clock {
    pub fn now(self) -> f64 {
        self.0.elapsed().as_secs_f64()
    }

    fn at(self, instant: Instant) -> f64 {
        instant.saturating_duration_since(self.0).as_secs_f64()
    }
}

/// What the leg asks of its sender.
enum Out {
    Play(Vec<i16>, oneshot::Sender<f64>),
    Keys(String),
}

/// One call's media: its socket and the two tasks on it, stopped with `stop`.
pub struct Media {
    pub local: SocketAddr,
    /// c2c's SRTP key for what it sends, offered in its SDP; none for plain RTP.
    pub key: Option<Master>,
    out: mpsc::UnboundedSender<Out>,
    far: watch::Sender<Option<Answer>>,
}

impl Media {
    /// Binds the call's socket on `ip` and starts its tasks; nothing is sent until `start`.
    /// `key`: SRTP with this key for what c2c sends (the far end's comes with its answer).
    pub async fn bind(
        ip: std::net::IpAddr,
        clock: Clock,
        key: Option<Master>,
        said: mpsc::UnboundedSender<Said>,
        stop: CancellationToken,
    ) -> std::io::Result<Media> {
        let socket = Arc::new(UdpSocket::bind(SocketAddr::new(ip, 0)).await?);
        let local = socket.local_addr()?;
        let (out, asks) = mpsc::unbounded_channel();
        let (far, remote) = watch::channel(None);
        let sender = Sender {
            socket: Arc::clone(&socket),
            clock,
            said: said.clone(),
            remote: remote.clone(),
            queue: VecDeque::new(),
            keys: VecDeque::new(),
            down: pcmu::Down::default(),
            sequence: rand_u16(),
            timestamp: u32::from(rand_u16()) << 16,
            ssrc: u32::from(rand_u16()) << 16 | u32::from(rand_u16()),
            first: true,
            protect: key.as_ref().map(Protect::new),
        };
        tokio::spawn(stop.clone().run_until_cancelled_owned(sender.run(asks)));
        let receiver = Receiver {
            socket,
            clock,
            said,
            remote,
            up: pcmu::Up::default(),
            base: None,
            unprotect: None,
        };
        tokio::spawn(stop.run_until_cancelled_owned(receiver.run()));
        Ok(Media {
            local,
            key,
            out,
            far,
        })
    }

    /// The far end's answer is known: sound flows both ways.
    pub fn start(&self, answer: Answer) {
        self.far.send_replace(Some(answer));
    }

    /// Queues `samples` (16 kHz); the clock at which the first goes out.
    pub async fn play(&self, samples: Vec<i16>) -> Option<f64> {
        let (tx, rx) = oneshot::channel();
        self.out.send(Out::Play(samples, tx)).ok()?;
        rx.await.ok()
    }

    /// Queues `digits` as RFC 4733 events; `Said::DigitsSent` when the last has gone.
    pub fn press(&self, digits: &str) -> bool {
        self.out.send(Out::Keys(digits.to_owned())).is_ok()
    }
}

fn rand_u16() -> u16 {
    let mut bytes = [0u8; 2];
    getrandom::fill(&mut bytes).unwrap_or_default();
    u16::from_ne_bytes(bytes)
}

/// One 20 ms packet of a key press: the event, how far into it, and whether it is the end
/// (sent three times, as RFC 4733 asks, since one may be lost); or a quiet packet.
#[derive(Clone, Copy)]
enum KeyPacket {
    Event {
        event: u8,
        packet: u16,
        end: bool,
    },
    Quiet,
    /// The last key has gone.
    Done,
}

fn key_packets(digits: &str) -> Vec<KeyPacket> {
    let mut packets = Vec::new();
    for key in digits.chars() {
        if key.eq_ignore_ascii_case(&'w') {
            packets.extend([KeyPacket::Quiet; PAUSE_PACKETS]);
            continue;
        }
        let Some(event) = DIGITS.find(key.to_ascii_uppercase()) else {
            continue;
        };
        let event = event as u8;
        for packet in 1..=KEY_PACKETS {
            packets.push(KeyPacket::Event {
                event,
                packet,
                end: false,
            });
        }
        for _ in 0..3 {
            packets.push(KeyPacket::Event {
                event,
                packet: KEY_PACKETS,
                end: true,
            });
        }
        packets.extend([KeyPacket::Quiet; KEY_GAP]);
    }
    packets.push(KeyPacket::Done);
    packets
}

struct Sender {
    socket: Arc<UdpSocket>,
    clock: Clock,
    said: mpsc::UnboundedSender<Said>,
    remote: watch::Receiver<Option<Answer>>,
    /// What is still to be said, at 8 kHz.
    queue: VecDeque<i16>,
    keys: VecDeque<KeyPacket>,
    down: pcmu::Down,
    sequence: u16,
    timestamp: u32,
    ssrc: u32,
    /// The first packet carries the marker bit (the start of a talk spurt).
    first: bool,
    protect: Option<Protect>,
}

impl Sender {
    async fn run(mut self, mut asks: mpsc::UnboundedReceiver<Out>) {
        let mut ticks = tokio::time::interval(TICK);
        // A starved task sends the packets that fell due, so the far end hears c2c's sound at
        // its pace rather than late and compressed.
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
        let mut event_start = 0u32;
        // When the next packet is due: a sound queued now goes out then.
        let mut next_tick = Instant::now();
        loop {
            tokio::select! {
                tick = ticks.tick() => {
                    next_tick = tick.into_std() + TICK;
                    let remote = self.remote.borrow().clone();
                    let Some(remote) = remote else { continue };
                    let packet = self.next_packet(&remote, &mut event_start);
                    if let Some(packet) = packet {
                        let _ = self.socket.send_to(&packet, remote.media).await;
                    }
                }
                ask = asks.recv() => match ask {
                    Some(Out::Play(samples, reply)) => {
                        // The first sample goes out after what is queued, at the next tick.
                        let ahead = self.queue.len() as f64 / f64::from(pcmu::RATE)
                            + self.keys.len() as f64 * TICK.as_secs_f64();
                        let next = self.clock.at(next_tick.max(Instant::now()));
                        self.queue.extend(self.down.push(&samples));
                        let _ = reply.send(next + ahead);
                    }
                    Some(Out::Keys(digits)) => self.keys.extend(key_packets(&digits)),
                    None => return,
                }
            }
        }
    }

    /// The next 20 ms: a key's event, or sound (silence when there is nothing to say).
    fn next_packet(&mut self, remote: &Answer, event_start: &mut u32) -> Option<Vec<u8>> {
        let timestamp = self.timestamp;
        self.timestamp = self.timestamp.wrapping_add(FRAME as u32);
        let key = self.keys.pop_front();
        let (payload_type, payload, marker, stamp) = match key {
            Some(KeyPacket::Event { event, packet, end }) => {
                // Keys go only where the far end took telephone-event; else they are quiet.
                let Some(events) = remote.events else {
                    return self.sound_at(timestamp);
                };
                if packet == 1 && !end {
                    *event_start = timestamp;
                }
                let duration = packet * FRAME as u16;
                let flags = if end { 0x80 } else { 0 } | 10; // volume -10 dBm0
                let payload = vec![event, flags, (duration >> 8) as u8, duration as u8];
                (events, payload, packet == 1 && !end, *event_start)
            }
            Some(KeyPacket::Done) => {
                let _ = self.said.send(Said::DigitsSent);
                return self.sound_at(timestamp);
            }
            Some(KeyPacket::Quiet) | None => return self.sound_at(timestamp),
        };
        self.build(payload_type, &payload, marker, stamp)
    }

    fn sound_at(&mut self, timestamp: u32) -> Option<Vec<u8>> {
        let take = self.queue.len().min(FRAME);
        let mut payload: Vec<u8> = self.queue.drain(..take).map(pcmu::encode).collect();
        payload.resize(FRAME, pcmu::encode(0));
        let marker = std::mem::take(&mut self.first);
        self.build(PCMU, &payload, marker, timestamp)
    }

    fn build(
        &mut self,
        payload_type: u8,
        payload: &[u8],
        marker: bool,
        timestamp: u32,
    ) -> Option<Vec<u8>> {
        let packet = RtpPacketBuilder::new()
            .payload_type(payload_type)
            .ssrc(self.ssrc)
            .sequence(Seq::from(self.sequence))
            .timestamp(timestamp)
            .marked(marker)
            .payload(payload)
            .build()
            .ok()?;
        self.sequence = self.sequence.wrapping_add(1);
        match &mut self.protect {
            Some(protect) => protect.protect(packet),
            None => Some(packet),
        }
    }
}

struct Receiver {
    socket: Arc<UdpSocket>,
    clock: Clock,
    said: mpsc::UnboundedSender<Said>,
    remote: watch::Receiver<Option<Answer>>,
    up: pcmu::Up,
    /// The stream heard: its SSRC, the RTP timestamp of its first packet and where that packet
    /// was placed (16 kHz samples from the leg's start), and where the last heard ended.
    base: Option<(u32, u32, u64, u64)>,
    /// The far end's SRTP key, as its answer gave it, ready to verify and decrypt with.
    unprotect: Option<(Master, Unprotect)>,
}

impl Receiver {
    async fn run(mut self) {
        let mut buffer = vec![0u8; 2048];
        loop {
            let Ok((length, from)) = self.socket.recv_from(&mut buffer).await else {
                return;
            };
            // Only the far end the answer named is heard (any port: its RTP may come from
            // another than it asked c2c to send to).
            let (expected, key) = match self.remote.borrow().as_ref() {
                Some(answer) => (Some(answer.media.ip()), answer.key.clone()),
                None => (None, None),
            };
            if expected != Some(from.ip()) {
                continue;
            }
            let decrypted;
            let received = match key {
                None => &buffer[..length],
                Some(key) => {
                    if self.unprotect.as_ref().is_none_or(|(had, _)| *had != key) {
                        self.unprotect = Some((key.clone(), Unprotect::new(&key)));
                    }
                    let Some((_, unprotect)) = &mut self.unprotect else {
                        continue;
                    };
                    // Not the far end's, or damaged: never heard.
                    let Some(packet) = unprotect.unprotect(&buffer[..length]) else {
                        continue;
                    };
                    decrypted = packet;
                    &decrypted[..]
                }
            };
            let Ok(packet) = RtpReader::new(received) else {
                continue;
            };
            if packet.payload_type() != PCMU || packet.payload().is_empty() {
                continue;
            }
            let narrow: Vec<i16> = packet.payload().iter().map(|&b| pcmu::decode(b)).collect();
            let Some(position) = self.place(packet.ssrc(), packet.timestamp(), narrow.len()) else {
                continue;
            };
            let samples = self.up.push(&narrow);
            // The call's sound is timed by its RTP timestamps, not by when this task got to it:
            // a task starved of CPU reads a backlog at once, and timed by the clock that backlog
            // would look like audio from the future (refused as a flood) or like a gap after a
            // loss. A far end sending ahead of real time is still held to the clock.
            let rate = f64::from(crate::call::audio::RATE);
            let due = (position + samples.len() as u64) as f64 / rate;
            let handed = due.min(self.clock.now());
            let _ = self.said.send(Said::Audio {
                arrived: self.clock.0 + std::time::Duration::from_secs_f64(handed),
                handed,
                position,
                samples,
            });
        }
    }

    /// Where a packet's first sample goes (16 kHz, from the leg's start), or `None` for one that
    /// came too late to be placed (older than what was heard).
    fn place(&mut self, ssrc: u32, timestamp: u32, length: usize) -> Option<u64> {
        let rate = u64::from(crate::call::audio::RATE);
        let now = (self.clock.now() * rate as f64) as u64;
        let (source, first, at, end) = match self.base {
            Some(base) if base.0 == ssrc => base,
            // A new stream (the far end's media changed): placed by the clock from here on.
            Some((_, _, _, end)) => (ssrc, timestamp, now.max(end), end),
            None => (ssrc, timestamp, now, 0),
        };
        let ahead = timestamp.wrapping_sub(first);
        if ahead > u32::MAX / 2 {
            return None;
        }
        let position = at + 2 * u64::from(ahead);
        // Behind what was heard (a duplicate, a packet overtaken), or further ahead of the clock
        // than a jitter buffer holds (a far end whose timestamps leap): not placed.
        if position < end || position > now + 10 * rate {
            return None;
        }
        self.base = Some((source, first, at, position + 2 * length as u64));
        Some(position)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_a_held_event_then_three_ends_then_quiet() {
        let packets = key_packets("5w#x");
        let events: Vec<(u8, u16, bool)> = packets
            .iter()
            .filter_map(|p| match *p {
                KeyPacket::Event { event, packet, end } => Some((event, packet, end)),
                _ => None,
            })
            .collect();
        assert_eq!(events.len(), 16, "two keys, 'x' is not one");
        assert_eq!(events[0], (5, 1, false));
        assert_eq!(&events[5..8], &[(5, 5, true); 3]);
        assert_eq!(events[8], (11, 1, false));
        let quiet = packets
            .iter()
            .filter(|p| matches!(p, KeyPacket::Quiet))
            .count();
        assert_eq!(quiet, 2 * KEY_GAP + PAUSE_PACKETS);
        assert!(matches!(packets.last(), Some(KeyPacket::Done)));
    }
}
