// The stand-in voice edge as a program, for tests that run a browser of their own (c2c call's):
// the SDK reaches it at wss://127.0.0.1:PORT/signal (c2c's --signalling), with the certificate in
// tests/fixtures/voice-edge.pem, which Chromium is told to trust by its key's hash.
//
// The TwiML App's Voice URL is c2c's own address, which a test cannot know before c2c has picked
// its port: the stand-in takes it from the signalling socket's Origin (the page's address) and
// posts there directly, signed over that URL.
//
//   node tests/edge/server.js [--phone NUMBER=answer|busy|no-answer|failed|ivr[+ringback][+tone=HZ][+speech] ...]
//
// `+ringback`: the phone plays 440 Hz as early media while it rings (2 s), and its phone tree
// waits 1.5 s after answering before its prompt. `+tone=HZ`: it plays HZ once answered.
// `+speech`: the phone tree speaks (tests/fixtures/speech, made by scripts/speech-audio --tree
// from tests/speech/tree.tsv): its menu, then what each key leads to; `+speech=NAME` speaks the
// tree in tests/fixtures/speech/NAME instead. `+keys-after-prompt`: keys pressed while the menu
// plays are ignored, as most phone trees ignore them. `+agent=MS`: a voice agent, silent until the
// caller has spoken, then `MS` ms after the caller's last sound it answers with the tree's "3"
// ("Your current balance is $42.10 ..."), each time; with `+greet` it first says the tree's menu,
// and with `+yield=MS`, talked over, it stops MS ms after the caller began.
//
// `+hangup=MS`: the phone hangs up MS ms after it answered.
//
// `--sip DOMAIN --sip-credential USER:PASSWORD --voice-url URL`: a SIP Domain as well (sip.js), on
// a UDP and TCP port of its own and a TLS port, whose calls run the TwiML at URL (c2c's /voice).
// `--sip-secure`: its Secure Media is on (TLS and SRTP only).
//
// `--record DIR`: what each far end heard is written to DIR/SID.ul (8 kHz mu-law), for a test to
// recognise what c2c said.
//
// The account is read from the TWILIO_* variables, as c2c reads it. Standard output carries one
// JSON object a line: {"ready": {signalling, spki, sip, sipTls}} first, {"invite": {at, sid, to}} when a page
// places a call, and {"call": {...}} when it has ended. It stops when standard input closes.
import { createHash, X509Certificate } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import https from "node:https";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { WebSocketServer } from "ws";

import { VoiceEdge } from "./index.js";
import { SipDomain } from "./sip.js";
import { decode, encode, loudest, RATE } from "./media.js";

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../fixtures");
const print = (object) => process.stdout.write(`${JSON.stringify(object)}\n`);

/**
 * A spoken phone tree's prompts, by name (menu, 1, 2, ..., invalid), as 8 kHz samples: the
 * default tree's, or those in tests/fixtures/speech/NAME.
 */
function spokenTree(name = "") {
  const dir = path.join(FIXTURES, "speech", name);
  const prompts = {};
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".ul"))) {
    prompts[file.slice(0, -3)] = Int16Array.from(readFileSync(path.join(dir, file)), decode);
  }
  return prompts;
}

const phones = new Map();
let recordDir = null;
const sip = { domain: null, credentials: {}, voiceUrl: null, secure: false };
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i += 1) {
  if (args[i] === "--sip") {
    sip.domain = args[(i += 1)];
    continue;
  }
  if (args[i] === "--sip-credential") {
    const [user, password] = args[(i += 1)].split(/:(.*)/s);
    sip.credentials[user] = password;
    continue;
  }
  if (args[i] === "--sip-secure") {
    sip.secure = true;
    continue;
  }
  if (args[i] === "--voice-url") {
    sip.voiceUrl = args[(i += 1)];
    continue;
  }
  if (args[i] === "--record") {
    recordDir = args[(i += 1)];
    continue;
  }
  if (args[i] !== "--phone") throw new Error(`unknown argument ${args[i]}`);
  const [number, spec] = args[(i += 1)].split(/=(.*)/s);
  const [behaviour, ...options] = spec.split("+");
  const phone = behaviour === "ivr" ? { ivr: true, prompt: 1500, after: 300 } : { answer: behaviour };
  for (const option of options) {
    if (option === "ringback") Object.assign(phone, { ringback: 440, after: 2000, lead: 1500 });
    else if (option.startsWith("tone=")) phone.tone = Number(option.slice(5));
    else if (option === "speech" || option.startsWith("speech=")) Object.assign(phone, { speech: spokenTree(option.slice(7)), lead: 500 });
    else if (option === "keys-after-prompt") phone.keysAfterPrompt = true;
    else if (option.startsWith("hangup=")) phone.hangUpAfter = Number(option.slice(7));
    else if (option.startsWith("agent=")) phone.agent = { ...phone.agent, reply: spokenTree()["3"], delay: Number(option.slice(6)) };
    else if (option === "greet") phone.agent = { ...phone.agent, greeting: spokenTree().menu };
    else if (option.startsWith("yield=")) phone.agent = { ...phone.agent, yieldMs: Number(option.slice(6)) };
    else throw new Error(`unknown phone option ${option}`);
  }
  phones.set(number, phone);
}

const edge = new VoiceEdge({
  c2c: null,
  account: {
    accountSid: process.env.TWILIO_ACCOUNT_SID,
    apiKey: process.env.TWILIO_API_KEY,
    apiSecret: process.env.TWILIO_API_SECRET,
    appSid: process.env.TWILIO_TWIML_APP_SID,
    authToken: process.env.TWILIO_AUTH_TOKEN,
  },
});
for (const [number, behaviour] of phones) edge.phone(number, behaviour);

const cert = readFileSync(path.join(FIXTURES, "voice-edge.pem"));
const key = readFileSync(path.join(FIXTURES, "voice-edge-key.pem"));
const spki = createHash("sha256")
  .update(new X509Certificate(cert).publicKey.export({ type: "spki", format: "der" }))
  .digest("base64");

const server = https.createServer({ cert, key });
const sockets = new WebSocketServer({ server, path: "/signal" });
sockets.on("connection", (ws, request) => {
  edge.connect(
    {
      send: (data) => ws.send(data),
      onMessage: (handler) => ws.on("message", (data) => handler(data.toString())),
      onClose: (handler) => ws.on("close", handler),
    },
    request.headers.origin ?? null,
  );
});

/** What the far end heard: its loudest frequency over the middle of the call, and how loud. */
function heard(media) {
  if (!media || media.heard.length === 0) return { frequency: 0, level: 0 };
  // Two seconds from the middle of the call are plenty to name a tone, and keep the edge's one
  // thread free: over the whole call, each ending call held up the others' signalling (a suite's
  // calls end together) for a fifth of a second.
  const start = Math.floor(media.heard.length / 4);
  const middle = media.heard.slice(start, Math.min(start + 2 * RATE, Math.floor((3 * media.heard.length) / 4)));
  const candidates = Array.from({ length: 291 }, (_, i) => 100 + 10 * i);
  const { frequency, strength } = loudest(middle, candidates);
  return strength < 0.005 ? { frequency: 0, strength } : { frequency, strength };
}

async function follow() {
  for (;;) {
    const call = await edge.nextCall();
    print({ invite: { at: Date.now(), sid: call.sid, to: call.to } });
    call.ended.promise.then(() => {
      const media = call.media;
      if (recordDir && media) writeFileSync(path.join(recordDir, `${call.sid}.ul`), Buffer.from(media.heard.map(encode)));
      print({
        call: {
          sid: call.sid,
          to: call.to,
          transport: call.transport ?? null,
          // The caller's sound as it came: SRTP or plain RTP, and how many packets were not
          // heard (not RTP, or SRTP whose tag did not verify).
          sound: media?.plain ? { srtp: Boolean(media.srtp), refused: media.refused ?? 0 } : null,
          status: call.status,
          timeline: call.timeline,
          dials: call.dials,
          webhooks: call.webhooks.map((w) => ({ path: new URL(w.url).pathname, status: w.status, params: w.params })),
          said: call.said,
          error: call.error,
          digits: media?.digits ?? "",
          digitsAfterPrompt: (media?.digitTimes ?? []).map((t) => (media.promptEnded ? t - media.promptEnded : null)),
          heard: heard(media),
          turns: media?.turns ?? [],
          yields: media?.yields ?? [],
        },
      });
    });
  }
}

const domain = sip.domain ? new SipDomain(edge, sip) : null;
const sipAddress = domain ? await domain.listen() : null;

server.listen(0, "127.0.0.1", () => {
  const ready = { signalling: `127.0.0.1:${server.address().port}`, spki };
  if (sipAddress) {
    ready.sip = `${sipAddress.plain.address}:${sipAddress.plain.port}`;
    ready.sipTls = `${sipAddress.tls.address}:${sipAddress.tls.port}`;
  }
  print({ ready });
  follow();
});
process.stdin.resume();
process.stdin.on("end", () => process.exit(0));
process.on("SIGTERM", () => process.exit(0));
