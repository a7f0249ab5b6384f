// A stand-in for a Twilio SIP Domain, for tests only: SIP over UDP (RFC 3261) as Twilio documents
// its SIP interface (https://www.twilio.com/docs/voice/api/sip-twiml, …/sip-domain-resource):
//
// - an INVITE to sip:USER@DOMAIN without credentials gets 401 with a digest challenge (MD5,
//   qop=auth); with a wrong credential, 403; to another domain, 404;
// - authenticated, it gets 100 Trying and 180 Ringing, and Twilio requests the Domain's Voice URL
//   with the SIP parameters (To: the INVITE's URI, From: its From, SipDomain, SipDomainSid,
//   SipUsername, SipCallId, SipSourceIp, SipHeader_X-… for each X- header) and runs its TwiML
//   (index.js, the same as for a browser's call);
// - Twilio answers (200 OK with its SDP: plain RTP, PCMU and telephone-event) when it runs a
//   verb that answers, or for `<Dial answerOnBridge>` when the dialled party answers; an end before
//   that is a final error response (486 busy, 603 declined, 480 otherwise: the codes Twilio's
//   debugger shows for these, not checked against a real Domain); BYE either way once answered;
//   CANCEL and BYE from the caller end the call.
//
// UDP and TCP on the same port, as Twilio's Domains listen on 5060 for both, and TLS on a port of
// its own (Twilio's 5061) with a certificate for the Domain's name (tests/fixtures/sip-stand-in*).
// Over UDP each transaction's final response is kept and sent again for a retransmitted request,
// and 200 OK is sent again until the ACK comes; over TCP and TLS messages are framed by
// Content-Length (RFC 3261 18.3) and everything for a call goes back on its connection.
//
// Secure Media (https://www.twilio.com/docs/voice/api/secure-media): on, the Domain takes calls
// only over TLS with SRTP; off (the default), only plain RTP. Twilio documents that it rejects
// the others (error 32209 for a call not over TLS), not the SIP status it rejects them with: the
// stand-in answers 488 Not Acceptable Here.
import { createHash, randomBytes } from "node:crypto";
import dgram from "node:dgram";
import { readFileSync } from "node:fs";
import net from "node:net";
import tls from "node:tls";

const REALM = "sip.twilio.com";
const md5 = (text) => createHash("md5").update(text).digest("hex");
const COMPACT = { v: "via", f: "from", t: "to", i: "call-id", m: "contact", l: "content-length", c: "content-type" };

/** A SIP message: its first line, headers (lower-case names, values in order) and body. */
export function parseMessage(data) {
  const text = data.toString("utf8");
  const split = text.indexOf("\r\n\r\n");
  if (split < 0) return null;
  const [first, ...lines] = text.slice(0, split).split("\r\n");
  const headers = new Map();
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon < 1) continue;
    let name = line.slice(0, colon).trim().toLowerCase();
    name = COMPACT[name] ?? name;
    const value = line.slice(colon + 1).trim();
    headers.set(name, [...(headers.get(name) ?? []), value]);
  }
  const length = Number(headers.get("content-length")?.[0] ?? 0);
  const body = data.subarray(Buffer.byteLength(text.slice(0, split + 4))).subarray(0, length).toString("utf8");
  const request = /^([A-Z]+) (\S+) SIP\/2\.0$/.exec(first);
  const status = /^SIP\/2\.0 (\d{3})/.exec(first);
  return { first, method: request?.[1], uri: request?.[2], status: status ? Number(status[1]) : null, headers, body, header: (n) => headers.get(n)?.[0] ?? "" };
}

/** The URI inside a From/To/Contact value ("Name" <sip:…>;tag=…, or a bare sip:…;tag=…). */
const uriOf = (value) => (/<([^>]+)>/.exec(value)?.[1] ?? value.split(";")[0]).trim();
const tagOf = (value) => /;\s*tag=([^;\s]+)/.exec(value)?.[1] ?? null;

/** The fields of a Digest Authorization header. */
function digestFields(value) {
  const fields = {};
  for (const m of value.replace(/^Digest\s+/i, "").matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]+))/g)) fields[m[1].toLowerCase()] = m[2] ?? m[3];
  return fields;
}

export class SipDomain {
  /**
   * `edge`: the VoiceEdge whose calls these are; `domain`: its name (NAME.sip.twilio.com);
   * `credentials`: { username: password } of its Credential List; `voiceUrl`: its Voice URL.
   */
  constructor(edge, { domain, credentials, voiceUrl, secure = false }) {
    Object.assign(this, { edge, domain, credentials, voiceUrl, secure });
    this.domainSid = `SD${randomBytes(16).toString("hex")}`;
    this.dialogs = new Map(); // Call-ID -> dialog
    this.answered = new Map(); // "Call-ID CSeq" of a request -> the response sent, for retransmissions
    this.nonces = new Set();
    this.socket = dgram.createSocket("udp4");
    this.socket.on("message", (data, from) => this.#receive(data, { ...from, transport: "UDP" }));
    this.tcp = net.createServer((conn) => this.#stream(conn, "TCP"));
    const fixture = (name) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));
    this.tls = tls.createServer(
      { cert: fixture("sip-stand-in.pem"), key: fixture("sip-stand-in-key.pem") },
      (conn) => this.#stream(conn, "TLS"),
    );
    this.tls.on("tlsClientError", () => {});
  }

  /** Binds UDP, then TCP on the same port number, then TLS on another; the two addresses. */
  async listen() {
    await new Promise((resolve) => this.socket.bind(0, "127.0.0.1", resolve));
    const { port } = this.socket.address();
    await new Promise((resolve) => this.tcp.listen(port, "127.0.0.1", resolve));
    await new Promise((resolve) => this.tls.listen(0, "127.0.0.1", resolve));
    return { plain: this.socket.address(), tls: this.tls.address() };
  }

  close() {
    for (const dialog of this.dialogs.values()) clearInterval(dialog.resending);
    this.socket.close();
    this.tcp.close();
    this.tls.close();
  }

  /** Where this Domain is reached over `from`'s transport, for a Contact or Via. */
  #contact(from) {
    const port = from.transport === "TLS" ? this.tls.address().port : this.socket.address().port;
    return `127.0.0.1:${port}${from.conn ? `;transport=${from.transport.toLowerCase()}` : ""}`;
  }

  /** A TCP or TLS connection's messages, each as far as its Content-Length says. */
  #stream(conn, transport) {
    let buffer = Buffer.alloc(0);
    const from = { address: conn.remoteAddress, port: conn.remotePort, transport, conn };
    conn.on("error", () => {});
    conn.on("data", (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const end = buffer.indexOf("\r\n\r\n");
        if (end < 0) return;
        const head = buffer.subarray(0, end).toString("utf8");
        const length = Number(/^(?:content-length|l)[ \t]*:[ \t]*(\d+)/im.exec(head)?.[1] ?? 0);
        if (buffer.length < end + 4 + length) return;
        const message = buffer.subarray(0, end + 4 + length);
        buffer = buffer.subarray(end + 4 + length);
        this.#receive(message, from);
      }
    });
  }

  #send(text, to) {
    if (to.conn) to.conn.write(text);
    else this.socket.send(Buffer.from(text), to.port, to.address);
  }

  /** A response to `request`, with `extra` headers and `body`. */
  #respond(request, from, status, reason, { extra = [], body = "", toTag = null } = {}) {
    let to = request.header("to");
    if (toTag && !tagOf(to)) to += `;tag=${toTag}`;
    const lines = [
      `SIP/2.0 ${status} ${reason}`,
      ...request.headers.get("via").map((v) => `Via: ${v}`),
      `From: ${request.header("from")}`,
      `To: ${to}`,
      `Call-ID: ${request.header("call-id")}`,
      `CSeq: ${request.header("cseq")}`,
      "Server: Twilio Gateway",
      ...extra,
      ...(body ? ["Content-Type: application/sdp"] : []),
      `Content-Length: ${Buffer.byteLength(body)}`,
      "",
      body,
    ];
    const text = lines.join("\r\n");
    if (status >= 200) this.answered.set(`${request.header("call-id")} ${request.header("cseq")}`, text);
    this.#send(text, from);
    return text;
  }

  #receive(data, from) {
    const message = parseMessage(data);
    if (!message?.method) return;
    const key = `${message.header("call-id")} ${message.header("cseq")}`;
    if (message.method !== "ACK" && this.answered.has(key)) return this.#send(this.answered.get(key), from);
    switch (message.method) {
      case "INVITE":
        return this.#invite(message, from);
      case "ACK": {
        const dialog = this.dialogs.get(message.header("call-id"));
        if (dialog) clearInterval(dialog.resending);
        return undefined;
      }
      case "CANCEL":
        return this.#cancel(message, from);
      case "BYE":
        return this.#bye(message, from);
      case "OPTIONS":
        return this.#respond(message, from, 200, "OK");
      default:
        return this.#respond(message, from, 405, "Method Not Allowed");
    }
  }

  #invite(request, from) {
    const callId = request.header("call-id");
    if (this.dialogs.has(callId)) return undefined; // a re-INVITE: not something c2c sends
    const uri = request.uri;
    const host = uri.replace(/^sips?:/, "").split(/[;?]/)[0].split("@").pop().split(":")[0].toLowerCase();
    if (host !== this.domain) return this.#respond(request, from, 404, "Not Found");
    const authorization = request.header("authorization");
    if (!authorization) {
      const nonce = randomBytes(16).toString("hex");
      this.nonces.add(nonce);
      return this.#respond(request, from, 401, "Unauthorized", {
        extra: [`WWW-Authenticate: Digest realm="${REALM}", nonce="${nonce}", algorithm=MD5, qop="auth"`],
      });
    }
    const d = digestFields(authorization);
    const password = this.credentials[d.username];
    const expected =
      password !== undefined &&
      md5(`${md5(`${d.username}:${REALM}:${password}`)}:${d.nonce}:${d.nc}:${d.cnonce}:${d.qop}:${md5(`INVITE:${d.uri}`)}`);
    if (!this.nonces.has(d.nonce) || d.realm !== REALM || d.response !== expected) {
      return this.#respond(request, from, 403, "Forbidden");
    }
    const srtp = /^m=audio \S+ RTP\/SAVP /m.test(request.body);
    if (this.secure !== srtp || (this.secure && from.transport !== "TLS")) {
      return this.#respond(request, from, 488, "Not Acceptable Here");
    }
    const tag = randomBytes(6).toString("hex");
    const dialog = { callId, request, from, tag, state: "early", cseq: 1, gone: null, ended: false };
    let goneFire;
    dialog.gone = new Promise((resolve) => (goneFire = resolve));
    dialog.fireGone = goneFire;
    this.dialogs.set(callId, dialog);
    this.#respond(request, from, 100, "Trying");
    this.#respond(request, from, 180, "Ringing", { toTag: tag });
    const headers = {};
    for (const [name, values] of request.headers) {
      if (name.startsWith("x-")) headers[name.replace(/(^|-)([a-z])/g, (m) => m.toUpperCase())] = values[0];
    }
    const caller = {
      gone: dialog.gone,
      send: (type, payload = {}) => this.#fromEdge(dialog, type, payload),
    };
    dialog.call = this.edge.fromSip(caller, {
      uri,
      from: uriOf(request.header("from")),
      sdp: request.body,
      callId,
      headers,
      domain: this.domain,
      domainSid: this.domainSid,
      username: digestFields(authorization).username,
      source: from.address,
      transport: from.transport,
      voiceUrl: this.voiceUrl,
    });
    return undefined;
  }

  /** What Twilio's call does to the SIP caller, in the words index.js uses for a browser. */
  #fromEdge(dialog, type, payload) {
    if (dialog.ended) return;
    const { request, from, tag } = dialog;
    if (type === "ringing") {
      if (payload.sdp) this.#respond(request, from, 183, "Session Progress", { toTag: tag, body: payload.sdp });
    } else if (type === "answer") {
      dialog.state = "confirmed";
      const ok = this.#respond(request, from, 200, "OK", {
        toTag: tag,
        body: payload.sdp,
        extra: [`Contact: <sip:${this.domain}@${this.#contact(from)}>`],
      });
      // Over UDP a 200 is sent again until it is acknowledged (RFC 3261 13.3.1.4).
      if (!from.conn) {
        dialog.resending = setInterval(() => this.#send(ok, from), 500);
        dialog.resending.unref();
        setTimeout(() => clearInterval(dialog.resending), 32_000).unref();
      }
    } else if (type === "hangup") {
      dialog.ended = true;
      if (dialog.state === "confirmed") return this.#sendBye(dialog);
      const code = payload.error?.code;
      const [status, reason] = code === 31486 ? [486, "Busy Here"] : code === 31603 ? [603, "Decline"] : [480, "Temporarily Unavailable"];
      this.#respond(request, from, status, reason, { toTag: tag });
      this.dialogs.delete(dialog.callId);
    }
  }

  #sendBye(dialog) {
    const { request, from, tag } = dialog;
    clearInterval(dialog.resending);
    const contact = uriOf(request.header("contact")) || uriOf(request.header("from"));
    const via = this.#contact(from).split(";")[0];
    const bye = [
      `BYE ${contact} SIP/2.0`,
      `Via: SIP/2.0/${from.transport} ${via};branch=z9hG4bK${randomBytes(8).toString("hex")};rport`,
      "Max-Forwards: 70",
      // Twilio is the callee: its From is the INVITE's To with its tag, its To the INVITE's From.
      `From: ${request.header("to")};tag=${tag}`,
      `To: ${request.header("from")}`,
      `Call-ID: ${dialog.callId}`,
      `CSeq: ${(dialog.cseq += 1)} BYE`,
      "Content-Length: 0",
      "",
      "",
    ].join("\r\n");
    this.#send(bye, from);
    this.dialogs.delete(dialog.callId);
  }

  #cancel(request, from) {
    this.#respond(request, from, 200, "OK");
    const dialog = this.dialogs.get(request.header("call-id"));
    if (!dialog || dialog.state !== "early") return;
    dialog.ended = true;
    this.#respond(dialog.request, dialog.from, 487, "Request Terminated", { toTag: dialog.tag });
    this.dialogs.delete(dialog.callId);
    dialog.fireGone();
  }

  #bye(request, from) {
    const dialog = this.dialogs.get(request.header("call-id"));
    if (!dialog) return this.#respond(request, from, 481, "Call/Transaction Does Not Exist");
    this.#respond(request, from, 200, "OK");
    dialog.ended = true;
    this.dialogs.delete(dialog.callId);
    dialog.fireGone();
    return undefined;
  }
}
