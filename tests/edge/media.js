// The far end of a call as Twilio's edge presents it to the browser: a real WebRTC peer (werift, a
// WebRTC stack in plain JavaScript, so it needs nothing built and reads RTP itself, which a second
// browser page cannot: a page never sees the DTMF events it receives).
//
// Like Twilio's edge it speaks G.711 mu-law (PCMU, one of the two codecs the SDK accepts) and
// negotiates telephone-event, so the SDK sends digits as RFC 4733 events. G.711 keeps the audio
// path free of a codec library: 8000 samples a second, one byte each.
import { randomBytes } from "node:crypto";
import dgram from "node:dgram";

import {
  MediaStreamTrack,
  ProtectionProfileAes128CmHmacSha1_80,
  RTCPeerConnection,
  RTCRtpCodecParameters,
  RtpHeader,
  RtpPacket,
  SrtpSession,
} from "werift";

export const RATE = 8000;
const FRAME = 160; // 20 ms at 8 kHz, the packet size of G.711 calls
const PCMU = 0;
const EVENTS = 101;
const DIGITS = "0123456789*#ABCD";

// mu-law (ITU-T G.711), both ways.
const BIAS = 0x84;
export function encode(sample) {
  let s = Math.max(-32635, Math.min(32635, Math.round(sample)));
  const sign = s < 0 ? 0x80 : 0;
  if (sign) s = -s;
  s += BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent -= 1;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}
export function decode(byte) {
  const u = ~byte & 0xff;
  const magnitude = ((((u & 0x0f) << 3) + BIAS) << ((u & 0x70) >> 4)) - BIAS;
  return u & 0x80 ? -magnitude : magnitude;
}

/**
 * The strength of `frequency` in `samples` (Goertzel), as a fraction of full scale: a pure tone
 * at full scale gives about 0.5, silence 0.
 */
export function strength(samples, frequency, rate = RATE) {
  const coefficient = 2 * Math.cos((2 * Math.PI * frequency) / rate);
  // A plain loop: the edge runs this for 291 frequencies at the end of every call, on the one
  // thread that also answers the other calls' signalling.
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < samples.length; i += 1) {
    const s0 = samples[i] / 32768 + coefficient * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - coefficient * s1 * s2;
  return Math.sqrt(Math.max(power, 0)) / samples.length;
}

/** The tone a stand-in phone tree plays for a key: 0 is 500 Hz, 1 is 600 Hz ... # is 1600 Hz. */
export function ivrTone(digit) {
  return 500 + 100 * "0123456789*#".indexOf(digit);
}

/** Root mean square of `samples`, as a fraction of full scale. */
export function level(samples) {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (const x of samples) sum += (x / 32768) ** 2;
  return Math.sqrt(sum / samples.length);
}

/** The strongest of `candidates` (Hz) in `samples`, with its strength. */
export function loudest(samples, candidates) {
  return candidates
    .map((frequency) => ({ frequency, strength: strength(samples, frequency) }))
    .sort((a, b) => b.strength - a.strength)[0];
}

/**
 * A WebRTC peer that plays `tone` Hz (or silence with 0) and records what it hears: `heard` is
 * every sample received, in order, with a timestamp per packet in `arrivals`; `digits` are the
 * RFC 4733 events received, one per key press.
 */
export class Peer {
  /** Every peer not yet closed: a test's clean-up closes what a failed test left open. */
  static open = new Set();

  static closeAll() {
    return Promise.all([...Peer.open].map((peer) => peer.close()));
  }

  /**
   * `plain`: the far end as Twilio's SIP interface presents it to a SIP caller: plain RTP over
   * UDP, to the address in the caller's offer (no ICE, no DTLS), instead of WebRTC.
   */
  constructor({ tone = 0, amplitude = 8000, plain = false } = {}) {
    Peer.open.add(this);
    this.tone = tone;
    this.amplitude = amplitude;
    this.heard = [];
    this.arrivals = [];
    this.digits = "";
    this.digitTimes = [];
    this.lastEvent = null;
    this.timer = null;
    this.sequence = 0;
    this.timestamp = 0;
    this.phase = 0;
    this.events = EVENTS;
    if (plain) {
      this.plain = true;
      return;
    }
    this.pc = new RTCPeerConnection({
      codecs: {
        audio: [
          new RTCRtpCodecParameters({ mimeType: "audio/PCMU", clockRate: RATE, channels: 1, payloadType: PCMU }),
          new RTCRtpCodecParameters({ mimeType: "audio/telephone-event", clockRate: RATE, channels: 1, payloadType: EVENTS }),
        ],
      },
      iceUseIpv6: false,
    });
    this.track = new MediaStreamTrack({ kind: "audio" });
    this.transceiver = this.pc.addTransceiver(this.track, { direction: "sendrecv" });
    this.pc.ontrack = ({ track }) => track.onReceiveRtp.subscribe((rtp) => this.#receive(rtp));
  }

  /** An answer to `offer` (an SDP), with its ICE candidates in it: the SDK does not trickle. */
  async answer(offer) {
    if (this.plain) return this.#answerPlain(offer);
    await this.pc.setRemoteDescription({ type: "offer", sdp: offer });
    await this.pc.setLocalDescription(await this.pc.createAnswer());
    return this.#gathered();
  }

  /** An offer, as Twilio's edge sends one for an incoming call. */
  async offer() {
    await this.pc.setLocalDescription(await this.pc.createOffer());
    return this.#gathered();
  }

  /** Takes the browser's answer to `offer()`. */
  async accept(answer) {
    await this.pc.setRemoteDescription({ type: "answer", sdp: answer });
  }

  /**
   * A SIP answer: PCMU and, when offered, telephone-event (under the caller's payload type),
   * from a UDP socket of its own; RTP goes to the offer's address and port. An SRTP offer
   * (RTP/SAVP, SDES) is answered in kind, with werift's SRTP: the caller's key for what it hears,
   * a key of its own for what it sends, in the answer's crypto line under the offer's tag.
   */
  async #answerPlain(offer) {
    const lines = offer.split(/\r?\n/);
    const address = lines.find((l) => l.startsWith("c="))?.split(" ")[2];
    const port = Number(lines.find((l) => l.startsWith("m=audio"))?.split(" ")[1]);
    const events = lines.map((l) => /^a=rtpmap:(\d+) telephone-event\/8000/i.exec(l)).find(Boolean);
    this.events = events ? Number(events[1]) : null;
    this.remote = { address, port };
    const crypto = lines.map((l) => /^a=crypto:(\d+) AES_CM_128_HMAC_SHA1_80 inline:([A-Za-z0-9+/=]+)/.exec(l)).find(Boolean);
    let answerCrypto = [];
    if (crypto) {
      const theirs = Buffer.from(crypto[2], "base64");
      const ours = randomBytes(30);
      this.srtp = new SrtpSession({
        profile: ProtectionProfileAes128CmHmacSha1_80,
        keys: {
          localMasterKey: ours.subarray(0, 16),
          localMasterSalt: ours.subarray(16),
          remoteMasterKey: theirs.subarray(0, 16),
          remoteMasterSalt: theirs.subarray(16),
        },
      });
      answerCrypto = [`a=crypto:${crypto[1]} AES_CM_128_HMAC_SHA1_80 inline:${ours.toString("base64")}`];
    }
    this.socket = dgram.createSocket("udp4");
    this.socket.on("message", (data) => {
      try {
        this.#receive(RtpPacket.deSerialize(this.srtp ? this.srtp.decrypt(data) : data));
      } catch {
        // Not RTP, or SRTP that does not verify: a far end ignores it.
        this.refused = (this.refused ?? 0) + 1;
      }
    });
    await new Promise((resolve) => this.socket.bind(0, "127.0.0.1", resolve));
    const local = this.socket.address();
    return [
      "v=0",
      `o=- ${Date.now()} 1 IN IP4 ${local.address}`,
      "s=Twilio Media Gateway",
      `c=IN IP4 ${local.address}`,
      "t=0 0",
      `m=audio ${local.port} ${this.srtp ? "RTP/SAVP" : "RTP/AVP"} ${PCMU}${this.events !== null ? ` ${this.events}` : ""}`,
      `a=rtpmap:${PCMU} PCMU/8000`,
      ...(this.events !== null ? [`a=rtpmap:${this.events} telephone-event/8000`, `a=fmtp:${this.events} 0-16`] : []),
      "a=ptime:20",
      "a=sendrecv",
      ...answerCrypto,
      "",
    ].join("\r\n");
  }

  async #gathered() {
    while (this.pc.iceGatheringState !== "complete") await new Promise((r) => setTimeout(r, 10));
    return this.pc.localDescription.sdp;
  }

  /**
   * Plays as a small phone tree does: a spoken-length prompt, then silence, then a tone for each
   * key it receives (`ivrTone`). `promptEnded` is when the prompt's last frame was sent.
   */
  ivr(promptMs = 1500, leadMs = 0) {
    this.tone = 0;
    this.segments = [
      ...(leadMs > 0 ? [{ kind: "silence", ms: leadMs, at: 0 }] : []),
      { kind: "speech", ms: promptMs, at: 0 },
    ];
    this.promptEnded = null;
    this.onDigit = (digit) => this.segments.push({ kind: "tone", hz: ivrTone(digit), ms: 1000, at: 0 });
  }

  /**
   * Plays as a phone tree that speaks: `prompts.menu` (after `leadMs` of silence), then for each
   * key its prompt (or `prompts.invalid`), cutting off what was playing, as phone trees let a
   * caller barge in; with `keysAfterPrompt`, a key pressed before the menu has ended is ignored,
   * as most phone trees ignore it. `promptEnded` is when the menu's last frame was sent.
   */
  speak(prompts, leadMs = 500, keysAfterPrompt = false) {
    this.tone = 0;
    const say = (samples, menu = false) => ({ kind: "audio", samples, menu, ms: (samples.length / RATE) * 1000, at: 0 });
    this.segments = [{ kind: "silence", ms: leadMs, at: 0 }, say(prompts.menu, true)];
    this.promptEnded = null;
    this.onDigit = (digit) => {
      if (keysAfterPrompt && this.promptEnded === null) return;
      this.segments = [say(prompts[digit] ?? prompts.invalid)];
    };
  }

  /**
   * Plays as a voice agent does: it greets with `greeting` (8 kHz samples, or nothing), then
   * listens; once the caller has spoken and then been quiet for `delayMs`, it answers with
   * `reply`, each time. Talked over while it speaks, it stops `yieldMs` after the caller began
   * (without: it talks on). `turns` records each turn (when the caller's last voiced packet
   * arrived, when the reply's first frame went out) and `yields` each interruption (when the
   * caller's first voiced packet arrived, when it stopped), as Date.now() values.
   */
  agent(reply, delayMs, { greeting = null, yieldMs = null } = {}) {
    this.tone = 0;
    const say = (samples, turn = null) => ({ kind: "audio", samples, ms: (samples.length / RATE) * 1000, at: 0, turn });
    this.segments = greeting ? [{ kind: "silence", ms: 500, at: 0 }, say(greeting)] : [];
    this.turns = [];
    this.yields = [];
    this.onHeard = (samples) => {
      if (level(samples) < 0.01) return;
      const at = Date.now();
      clearTimeout(this.answering);
      if (this.segments.length > 0) {
        // Talked over: it stops in a while, or talks on; either way it does not answer yet.
        if (yieldMs !== null && !this.yielding) {
          this.yielding = setTimeout(() => {
            this.segments = [];
            this.yields.push({ interrupted: at, stopped: Date.now() });
            this.yielding = null;
          }, yieldMs);
          this.yielding.unref?.();
        }
        return;
      }
      this.answering = setTimeout(() => {
        this.turns.push({ callerEnded: at, replyStarted: null });
        this.segments = [say(reply, this.turns.at(-1))];
      }, delayMs);
      this.answering.unref?.();
    };
  }

  /** Starts sending audio, 20 ms a packet, as a phone line does. */
  play() {
    if (this.timer) return;
    const started = Date.now();
    let sent = 0;
    // Paced by the clock, not by the timer's ticks (which drift): as many frames as are due.
    this.timer = setInterval(() => {
      while (sent * 20 <= Date.now() - started) {
        this.#sendFrame();
        sent += 1;
      }
    }, 10);
    this.timer.unref();
  }

  /**
   * Joins two peers as Twilio bridges two legs: each sends on what the other hears, and neither
   * plays a tone of its own any more.
   */
  bridge(other) {
    for (const [a, b] of [[this, other], [other, this]]) {
      clearInterval(a.timer);
      a.timer = null;
      a.forward = b;
    }
  }

  #sendFrame() {
    const payload = Buffer.alloc(FRAME);
    const segment = this.segments?.[0];
    if (segment?.turn && segment.turn.replyStarted === null) segment.turn.replyStarted = Date.now();
    for (let i = 0; i < FRAME; i += 1) payload[i] = encode(segment ? this.#segmentSample(segment) : this.#toneSample());
    this.phase %= 2 * Math.PI;
    if (segment) {
      segment.ms -= 20;
      if (segment.ms <= 0) {
        this.segments.shift();
        if (segment.kind === "speech" || segment.menu) this.promptEnded = Date.now();
      }
    }
    this.#send(payload);
  }

  #toneSample() {
    const sample = this.tone ? this.amplitude * Math.sin(this.phase) : 0;
    this.phase += (2 * Math.PI * this.tone) / RATE;
    return sample;
  }

  // Speech-like: three partials under a syllable-rate (4 Hz) envelope, so it is sound but no
  // one tone; a tone segment is one frequency.
  #segmentSample(segment) {
    const t = segment.at / RATE;
    segment.at += 1;
    if (segment.kind === "silence") return 0;
    if (segment.kind === "audio") return segment.samples[segment.at - 1] ?? 0;
    if (segment.kind === "tone") return this.amplitude * Math.sin(2 * Math.PI * segment.hz * t);
    const envelope = Math.abs(Math.sin(2 * Math.PI * 4 * t));
    return (this.amplitude / 2) * envelope * [300, 470, 820].reduce((sum, hz) => sum + Math.sin(2 * Math.PI * hz * t), 0) / 1.5;
  }

  #send(payload) {
    this.ssrc ??= Math.floor(Math.random() * 2 ** 31);
    const ssrc = this.ssrc;
    const header = new RtpHeader({
      payloadType: PCMU,
      sequenceNumber: this.sequence,
      timestamp: this.timestamp,
      ssrc,
      marker: this.sequence === 0,
    });
    this.sequence = (this.sequence + 1) & 0xffff;
    this.timestamp = (this.timestamp + FRAME) >>> 0;
    if (this.plain) {
      const packet = this.srtp ? this.srtp.encrypt(payload, header) : new RtpPacket(header, payload).serialize();
      if (this.remote && !this.closed) this.socket.send(packet, this.remote.port, this.remote.address);
      return;
    }
    this.transceiver.sender.sendRtp(new RtpPacket(header, payload)).catch(() => {});
  }

  #receive(rtp) {
    const type = rtp.header.payloadType;
    if (type === PCMU) {
      this.arrivals.push({ at: Date.now(), index: this.heard.length });
      const start = this.heard.length;
      for (const byte of rtp.payload) this.heard.push(decode(byte));
      this.onHeard?.(this.heard.slice(start));
      this.forward?.#send(rtp.payload);
    } else if (rtp.payload.length >= 4 && (!this.plain || type === this.events)) {
      // RFC 4733: one event per RTP timestamp, repeated while the key is held and three times
      // at its end; a new timestamp is a new key press.
      const event = rtp.payload[0];
      if (event < DIGITS.length && rtp.header.timestamp !== this.lastEvent) {
        this.lastEvent = rtp.header.timestamp;
        this.digits += DIGITS[event];
        this.digitTimes.push(Date.now());
        this.onDigit?.(DIGITS[event]);
      }
    }
  }

  /** The samples heard since `since` (a Date.now() value) and before `until`. */
  heardBetween(since, until = Date.now()) {
    const first = this.arrivals.find((a) => a.at >= since);
    const last = [...this.arrivals].reverse().find((a) => a.at < until);
    if (!first || !last || last.index < first.index) return [];
    return this.heard.slice(first.index, last.index + FRAME);
  }

  close() {
    Peer.open.delete(this);
    clearTimeout(this.answering);
    clearTimeout(this.yielding);
    clearInterval(this.timer);
    this.timer = null;
    if (this.plain) {
      if (!this.closed) this.socket?.close();
      this.closed = true;
      return Promise.resolve();
    }
    return this.pc.close();
  }
}

/** A mono 16-bit WAV of `seconds` of `frequency` Hz at `rate`: a fake microphone's input. */
export function toneWav(frequency, { seconds = 2, rate = 48000, amplitude = 8000 } = {}) {
  const samples = seconds * rate;
  const wav = Buffer.alloc(44 + samples * 2);
  wav.write("RIFF", 0);
  wav.writeUInt32LE(36 + samples * 2, 4);
  wav.write("WAVEfmt ", 8);
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(rate, 24);
  wav.writeUInt32LE(rate * 2, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write("data", 36);
  wav.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i += 1) {
    wav.writeInt16LE(Math.round(amplitude * Math.sin((2 * Math.PI * frequency * i) / rate)), 44 + 2 * i);
  }
  return wav;
}
