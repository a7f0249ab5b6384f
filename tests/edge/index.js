// A stand-in for Twilio's voice edge, for tests only: it speaks the signalling of the Voice SDK
// that c2c vendors (2.18.5, lib/twilio/pstream.ts in its npm package), asks
// c2c's webhook what to do exactly as Twilio does (webhook.js), acts on the TwiML (twiml.js), and
// puts a real WebRTC peer at the far end of each call (media.js).
//
//   const edge = new VoiceEdge({ c2c: { local, public: publicUrl }, account });
//   await edge.route(page);                       // the page's SDK now talks to this edge
//   edge.phone("+14155550123", { answer: "busy" }); // how a number answers (default: answers)
//   const call = await edge.nextCall();            // a call the page placed
//   const call = edge.ring({ from, to });          // a call from a phone to c2c's number
//   call.media.heardBetween(t0, t1), call.media.digits, call.hangUp(), await call.ended
//
// Time at Twilio's scale (a <Dial timeout>, the length of a <Say>) runs `second` ms a second, so
// tests need not wait out a 30-second ring.
import { createHmac, randomBytes } from "node:crypto";

import { Peer } from "./media.js";
import { parse } from "./twiml.js";
import { post } from "./webhook.js";

const VERSION = "1.6";
const API_VERSION = "2010-04-01";
const APPLICATION_ERROR = "We are sorry, an application error has occurred. Goodbye.";

const newSid = (prefix) => prefix + randomBytes(16).toString("hex");
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A promise with its resolve at hand, and whether it happened. */
function moment() {
  let fire;
  const promise = new Promise((resolve) => (fire = resolve));
  const m = { promise, happened: false, value: undefined };
  m.fire = (value) => {
    if (m.happened) return;
    Object.assign(m, { happened: true, value });
    fire(value);
  };
  return m;
}

const b64url = (value) => Buffer.from(value, "base64url");

/**
 * Reads an Access Token as Twilio does: signed with the API Key's secret, issued by that key for
 * that account, in its lifetime. Resolves to its claims, or to the error Twilio's edge sends.
 */
function checkToken(token, account, now = Date.now() / 1000) {
  const [header, claims, signature] = String(token).split(".");
  const expected = createHmac("sha256", account.apiSecret).update(`${header}.${claims}`).digest();
  if (!signature || !expected.equals(b64url(signature))) {
    return { error: { code: 31204, message: "JWT is invalid: its signature does not match" } };
  }
  const body = JSON.parse(b64url(claims).toString("utf8"));
  if (body.iss !== account.apiKey || body.sub !== account.accountSid) {
    return { error: { code: 31204, message: "JWT is invalid: issuer or subject is not this account" } };
  }
  if (!(body.exp > now)) return { error: { code: 31205, message: "JWT token expired" } };
  return { claims: body };
}

/** One browser: the Voice SDK's signalling socket. */
class Client {
  /** `origin`: the page's, when the TwiML App is to be c2c's own address (see server.js). */
  constructor(edge, socket, origin = null) {
    this.edge = edge;
    this.socket = socket;
    this.origin = origin;
    this.identity = null;
    this.expires = 0;
    this.registered = false;
    this.frames = [];
    this.reconnectTimeout = 0;
    const heartbeat = setInterval(() => socket.send("\n"), 5_000);
    // Not a reason for the test process to stay: a page that closes may never say so.
    heartbeat.unref();
    socket.onClose(() => {
      clearInterval(heartbeat);
      edge.clients.delete(this);
      // Twilio keeps a call whose browser lost its socket for the reconnectTimeout the SDK asked
      // for in its listen (0 unless the Device set maxCallSignalingTimeoutMs), then ends it as
      // if the browser had hung up: a crashed or closed tab leaves no call up.
      const legs = new Set([...edge.legs.values()].filter((leg) => leg.client === this));
      setTimeout(() => legs.forEach((leg) => leg.gone.fire()), this.reconnectTimeout * 1000).unref();
    });
    socket.onMessage((raw) => raw !== "\n" && this.receive(JSON.parse(raw)));
  }

  send(type, payload) {
    try {
      this.socket.send(JSON.stringify({ type, version: VERSION, payload }));
    } catch {
      // The page went away; its calls end by their own timers.
    }
  }

  /** Whether a call to this browser's identity rings it now. */
  reachable(identity) {
    return this.identity === identity && this.registered && this.expires > Date.now() / 1000;
  }

  receive({ type, payload }) {
    this.frames.push(type);
    switch (type) {
      case "listen": {
        // Sent on connecting and again with each refreshed token.
        const { claims, error } = checkToken(payload.token, this.edge.account);
        if (error) return this.send("error", { error });
        this.identity = claims.grants?.identity ?? null;
        this.expires = claims.exp;
        this.reconnectTimeout = Number(payload.reconnectTimeout) || 0;
        return this.send("connected", {
          token: { identity: this.identity, ttl: claims.exp - Math.floor(Date.now() / 1000) },
          region: "gll",
          edge: "roaming",
          home: "us1",
        });
      }
      case "register":
        this.registered = Boolean(payload?.media?.audio);
        return this.send(this.registered ? "ready" : "offline", {});
      case "invite":
        return void this.edge.fromBrowser(this, payload);
      default:
        return this.edge.legs.get(payload?.callsid)?.receive(type, payload);
    }
  }
}

/** A browser's side of a call: the caller's leg, or a dialled client's. */
class Leg {
  constructor(client, callsid) {
    Object.assign(this, { client, callsid });
    this.answered = moment(); // the browser accepted (its SDP)
    this.rejected = moment();
    this.gone = moment(); // the browser hung up
    this.digits = "";
  }

  receive(type, payload) {
    if (type === "answer") this.answered.fire(payload.sdp);
    else if (type === "reject") this.rejected.fire();
    else if (type === "hangup") this.gone.fire();
    else if (type === "dtmf") this.digits += payload.dtmf;
  }

  send(type, payload = {}) {
    this.client.send(type, { callsid: this.callsid, ...payload });
  }
}

/** One call as Twilio keeps it. */
export class Call {
  constructor(edge, fields) {
    this.edge = edge;
    Object.assign(this, fields);
    this.sid = newSid("CA");
    this.status = "ringing";
    this.timeline = [];
    this.webhooks = []; // { url, params, status, body }
    this.said = [];
    this.dials = []; // { to, status, duration }
    this.error = null; // { code, why }: what Twilio's debugger would show
    this.media = null; // the far end's peer: the dialled phone, or the calling one
    this.callerGone = moment(); // the caller hung up
    this.farGone = moment(); // the far end hung up (see hangUp)
    this.ended = moment();
    this.answered = false;
  }

  /** The simulated phone hangs up: the dialled one, or for a call from a phone, the caller. */
  hangUp() {
    if (this.fromPhone) this.callerGone.fire("caller");
    else this.farGone.fire("callee");
  }

  get up() {
    return !this.ended.happened && !this.callerGone.happened;
  }

  note(what) {
    this.timeline.push(what);
  }
}

export class VoiceEdge {
  /**
   * `c2c`: { local: where c2c listens, public: the URL Twilio knows it by (its --public-url) };
   * `account`: { accountSid, authToken, apiKey, apiSecret, appSid }.
   */
  constructor({ c2c, account, second = 100 }) {
    Object.assign(this, { c2c, account, second });
    this.clients = new Set();
    this.legs = new Map(); // callsid (the SDK's or ours) -> Leg
    this.calls = [];
    this.phones = new Map();
    this.waiting = [];
  }

  /** Answers `page`'s signalling socket (the SDK dials wss://voice-js.*.twilio.com/signal). */
  async route(page) {
    await page.routeWebSocket(/twilio\.com\/signal$/, (socket) => this.connect(socket));
  }

  /** Takes a signalling socket ({ send, onMessage, onClose }) however it arrived. */
  connect(socket, origin = null) {
    const client = new Client(this, socket, origin);
    this.clients.add(client);
    return client;
  }

  /**
   * How `number` answers when dialled: `answer` is "answer" (default), "busy", "no-answer" or
   * "failed"; `after` ms of ringing first; `tone` Hz it plays once answered, or with `ivr: true`
   * a phone tree's prompt of `prompt` ms (after `lead` ms of silence) and then a tone per key
   * (media.js), or with `speech` (prompts: "menu", a key each, "invalid", as 8 kHz samples) a
   * phone tree that speaks them; `ringback` Hz played as early media while it rings, when c2c dials with
   * answerOnBridge.
   */
  phone(number, behaviour) {
    this.phones.set(number, behaviour);
  }

  /** The next call to start (placed by a page, or rung with ring()). */
  nextCall() {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  #started(call) {
    this.calls.push(call);
    for (const resolve of this.waiting.splice(0)) resolve(call);
    return call;
  }

  /** A call from the phone network (`from`, playing `tone` Hz) to `to`, c2c's number. */
  ring({ from, to, tone = 700 }) {
    const call = this.#started(new Call(this, { from, to, direction: "inbound", fromPhone: true, tone }));
    call.note("ringing");
    this.#run(call, { From: from, To: to, Caller: from, Called: to }).catch((e) => this.#crash(call, e));
    return call;
  }

  /** The SDK's `invite`: a browser places a call through the TwiML App. */
  fromBrowser(client, payload) {
    const params = Object.fromEntries(new URLSearchParams(payload.twilio?.params ?? ""));
    const from = `client:${client.identity}`;
    const call = this.#started(new Call(this, { from, to: params.To ?? "", direction: "inbound", fromPhone: false, params }));
    call.offer = payload.sdp;
    call.caller = new Leg(client, call.sid);
    if (client.origin) call.app = { local: `${client.origin}/`, public: `${client.origin}/`, direct: true };
    // The SDK names the call by its own temporary id until Twilio's first answer names it.
    this.legs.set(payload.callsid, call.caller);
    this.legs.set(call.sid, call.caller);
    call.caller.gone.promise.then(() => call.callerGone.fire("browser"));
    call.note("connecting");
    const form = { ...params, From: from, Caller: from, To: params.To ?? "", Called: "" };
    this.#run(call, form).catch((e) => this.#crash(call, e));
  }

  /**
   * An INVITE to the SIP Domain, authenticated (sip.js): `caller` takes what Twilio sends the SIP
   * caller (`ringing`, `answer`, `hangup`, as the browser's Leg does), `invite` is what the INVITE
   * said. Twilio asks the Domain's Voice URL with the SIP parameters, and no ApplicationSid.
   */
  fromSip(caller, invite) {
    const call = this.#started(new Call(this, { from: invite.from, to: invite.uri, direction: "inbound", fromPhone: false, sip: true, transport: invite.transport }));
    call.offer = invite.sdp;
    call.caller = caller;
    call.app = { local: invite.voiceUrl, public: invite.voiceUrl, direct: true, noApplication: true };
    caller.gone.then(() => call.callerGone.fire("sip"));
    call.note("connecting");
    const headers = Object.fromEntries(Object.entries(invite.headers).map(([name, value]) => [`SipHeader_${name}`, value]));
    const form = {
      From: invite.from,
      Caller: invite.from,
      To: invite.uri,
      Called: invite.uri,
      SipDomain: invite.domain,
      SipDomainSid: invite.domainSid,
      SipUsername: invite.username,
      SipCallId: invite.callId,
      SipSourceIp: invite.source,
      ...headers,
    };
    this.#run(call, form).catch((e) => this.#crash(call, e));
    return call;
  }

  #crash(call, error) {
    call.error = { code: 0, why: `the stand-in failed: ${error.stack ?? error}` };
    this.#end(call, "failed");
  }

  /** Twilio's request to the app for `call`: the base parameters and `extra`. */
  async #webhook(call, url, extra) {
    const params = {
      AccountSid: this.account.accountSid,
      ApiVersion: API_VERSION,
      ...(call.app?.noApplication ? {} : { ApplicationSid: this.account.appSid }),
      CallSid: call.sid,
      CallStatus: call.answered ? "in-progress" : "ringing",
      Direction: call.direction,
      ...call.form,
      ...extra,
    };
    const app = call.app ?? this.c2c;
    const local = app.local + new URL(url).pathname.slice(1);
    const reply = await post({ url, local, params, authToken: this.account.authToken, direct: Boolean(app.direct) })
      .catch((error) => ({ status: 0, body: String(error) }));
    call.webhooks.push({ url, params, status: reply.status, body: reply.body });
    if (reply.status < 200 || reply.status > 299) {
      return this.#applicationError(call, 11200, `HTTP ${reply.status} from ${url}`);
    }
    try {
      return parse(reply.body);
    } catch (error) {
      return this.#applicationError(call, 12100, error.message);
    }
  }

  /** What Twilio does when the app's answer is unusable: it says so to the caller and hangs up. */
  async #applicationError(call, code, why) {
    call.error = { code, why };
    call.note(`application error ${code}`);
    await this.#say(call, APPLICATION_ERROR);
    await this.#end(call, "completed");
    return null;
  }

  /** Runs the app's TwiML for `call` until it hangs up or runs out. */
  async #run(call, form) {
    call.form = form;
    let url = call.app?.noApplication ? call.app.public : new URL("voice", (call.app ?? this.c2c).public).href;
    let extra = {};
    while (url && call.up) {
      const verbs = await this.#webhook(call, url, extra);
      if (!verbs || !call.up) break;
      const current = url;
      url = null;
      for (const verb of verbs) {
        if (!call.up) break;
        const next = await this.#verb(call, verb, current);
        if (next) {
          ({ url, extra } = next);
          break;
        }
      }
    }
    // A Dial's action is still requested when the caller has gone; its answer then goes unread.
    if (call.callerGone.happened && call.pendingAction) await this.#webhook(call, call.pendingAction.url, call.pendingAction.extra);
    if (!call.ended.happened) await this.#end(call, "completed");
  }

  async #verb(call, verb, current) {
    call.note(`<${verb.name}>`);
    switch (verb.name) {
      case "Say":
        return void (await this.#say(call, verb.text));
      case "Pause":
        await this.#answer(call);
        return void (await sleep(Number(verb.attributes.length ?? 1) * this.second));
      case "Hangup":
        return void (await this.#end(call, call.answered ? "completed" : "canceled"));
      case "Reject": {
        // Before answering: the browser's SDK gets the SIP answer Twilio sends (486 for busy,
        // 603 for rejected), and the call log says busy or no-answer.
        const busy = verb.attributes.reason === "busy";
        call.hangupError = busy ? { code: 31486, message: "Busy Here" } : { code: 31603, message: "Decline" };
        return void (await this.#end(call, busy ? "busy" : "no-answer"));
      }
      case "Redirect":
        return { url: new URL(verb.text, current).href, extra: {} };
      case "Dial":
        return this.#dial(call, verb, current);
      default:
        call.note(`(the stand-in does not play <${verb.name}>)`);
        return undefined;
    }
  }

  /** The caller's leg is answered (Twilio answers before it speaks or bridges). */
  async #answer(call, tone = 0) {
    if (call.answered) return;
    call.answered = true;
    call.status = "in-progress";
    if (call.fromPhone) return;
    if (call.earlySdp) {
      // Media flows already (early media): the answer only says the call is up, and the far
      // end stops its ringback.
      call.media.tone = tone;
      call.caller.send("answer", { sdp: call.earlySdp });
      call.note("answered");
      return;
    }
    call.media = new Peer({ tone, plain: Boolean(call.sip) });
    const sdp = await call.media.answer(call.offer);
    call.caller.send("answer", { sdp });
    call.media.play();
    call.note("answered");
  }

  /**
   * Early media, as Twilio sends it for a `<Dial answerOnBridge>` to a phone whose network plays
   * ringback: `ringing` carries the SDP (the SDK starts its media on it) and the far end plays
   * `hz` until it answers.
   */
  async #earlyMedia(call, hz) {
    call.media = new Peer({ tone: hz, plain: Boolean(call.sip) });
    call.earlySdp = await call.media.answer(call.offer);
    call.caller.send("ringing", { sdp: call.earlySdp });
    call.media.play();
    call.note(`early media: ringback at ${hz} Hz`);
  }

  async #say(call, text) {
    await this.#answer(call);
    call.said.push(text);
    // About 150 words a minute, as Twilio's voices speak.
    await Promise.race([sleep(text.split(/\s+/).length * 0.4 * this.second), call.callerGone.promise]);
  }

  async #dial(call, verb, current) {
    const { action, timeout = "30", answerOnBridge } = verb.attributes;
    const nouns = verb.children.length ? verb.children : [{ name: "Number", text: verb.text }];
    const ringback = nouns.length === 1 && nouns[0].name !== "Client" && this.phones.get(nouns[0].text.trim())?.ringback;
    if (answerOnBridge !== "true") await this.#answer(call);
    else if (!call.fromPhone && ringback) await this.#earlyMedia(call, ringback);
    else if (!call.fromPhone) call.caller.send("ringing");
    call.note("ringing");
    const seconds = Number(timeout);
    const outcome = nouns.every((n) => n.name === "Client")
      ? await this.#dialClients(call, nouns.map((n) => n.text.trim()), seconds)
      : await this.#dialNumber(call, nouns[0].text.trim(), seconds);
    const dial = { to: outcome.to, status: outcome.status, duration: outcome.duration ?? 0, sid: outcome.sid };
    call.dials.push(dial);
    call.note(`dial ${dial.status}`);
    if (!action) return undefined;
    const extra = { DialCallStatus: dial.status, DialCallSid: dial.sid, DialCallDuration: String(dial.duration) };
    if (dial.status !== "completed") delete extra.DialCallDuration;
    const url = new URL(action, current).href;
    if (call.callerGone.happened) {
      call.pendingAction = { url, extra };
      return undefined;
    }
    return { url, extra };
  }

  /** Rings a phone number: it answers, or not, as phone() said. */
  async #dialNumber(call, number, seconds) {
    const sid = newSid("CA");
    const phone = { answer: "answer", after: 300, tone: 1000, ...this.phones.get(number) };
    const gone = call.callerGone.promise.then(() => "gone");
    const rang = await Promise.race([sleep(phone.answer === "no-answer" ? seconds * this.second : phone.after), gone]);
    if (rang === "gone") return { to: number, sid, status: "canceled" };
    if (phone.answer !== "answer") return { to: number, sid, status: phone.answer };
    await this.#answer(call, phone.tone);
    call.media.tone = phone.tone;
    if (phone.agent) call.media.agent(phone.agent.reply, phone.agent.delay, phone.agent);
    else if (phone.speech) call.media.speak(phone.speech, phone.lead, phone.keysAfterPrompt);
    else if (phone.ivr) call.media.ivr(phone.prompt, phone.lead);
    call.note(`${number} answered`);
    const at = Date.now();
    const hangUpAfter = phone.hangUpAfter ? sleep(phone.hangUpAfter) : new Promise(() => {});
    await Promise.race([gone, call.farGone.promise, hangUpAfter]);
    call.media.tone = 0;
    return { to: number, sid, status: "completed", duration: Math.round((Date.now() - at) / 1000) };
  }

  /** Rings the browsers holding `identities`; the first to accept is bridged to the caller. */
  async #dialClients(call, identities, seconds) {
    const targets = [...this.clients].filter((c) => identities.some((id) => c.reachable(id)));
    const sid = newSid("CA");
    const to = `client:${identities.join(",")}`;
    if (targets.length === 0) return { to, sid, status: "no-answer" };
    const legs = await Promise.all(targets.map(async (client) => {
      const leg = new Leg(client, newSid("CA"));
      this.legs.set(leg.callsid, leg);
      // The far peer plays what the caller sends: a phone's tone now, a browser's voice once bridged.
      leg.peer = new Peer({ tone: call.fromPhone ? call.tone : 0 });
      const sdp = await leg.peer.offer();
      leg.send("invite", {
        sdp,
        parameters: { CallSid: leg.callsid, AccountSid: this.account.accountSid, From: call.from, To: `client:${client.identity}`, Params: "" },
      });
      return leg;
    }));
    const timedOut = sleep(seconds * this.second).then(() => "timeout");
    const gone = call.callerGone.promise.then(() => "gone");
    const allRejected = Promise.all(legs.map((l) => l.rejected.promise)).then(() => "rejected");
    const first = await Promise.race([...legs.map((l) => l.answered.promise.then(() => l)), timedOut, gone, allRejected]);
    const losers = legs.filter((l) => l !== first);
    for (const leg of losers) {
      if (!leg.rejected.happened) leg.send("cancel");
      leg.peer.close();
    }
    if (!(first instanceof Leg)) {
      const status = { timeout: "no-answer", gone: "canceled", rejected: "busy" }[first];
      return { to, sid: legs[0].callsid, status };
    }
    await first.peer.accept(first.answered.value);
    first.peer.play();
    call.note(`${first.client.identity} answered`);
    if (call.fromPhone) {
      call.answered = true;
      call.status = "in-progress";
      call.media = first.peer;
    } else {
      await this.#answer(call);
      call.media.bridge(first.peer);
    }
    const at = Date.now();
    const ended = await Promise.race([first.gone.promise.then(() => "callee"), gone, call.farGone.promise.then(() => "callee")]);
    if (ended !== "callee" || call.farGone.happened) first.send("hangup");
    if (!call.fromPhone) first.peer.close();
    return { to: `client:${first.client.identity}`, sid: first.callsid, status: "completed", duration: Math.round((Date.now() - at) / 1000) };
  }

  async #end(call, status) {
    if (call.ended.happened) return;
    if (!call.fromPhone && !call.callerGone.happened) {
      call.caller.send("hangup", call.hangupError ? { error: call.hangupError } : {});
    }
    call.status = status;
    call.note(`ended ${status}`);
    // Kept open a moment: a test reads what was heard after the end.
    call.ended.fire(status);
    setTimeout(() => call.media?.close(), 200).unref();
  }

  /** Ends what is left: a test that failed half-way leaves calls up. */
  close() {
    for (const call of this.calls) {
      call.callerGone.fire("closed");
      call.media?.close();
    }
  }
}
