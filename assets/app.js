// The browser phone: fetches an Access Token from c2c, registers a Twilio.Device with it, places
// calls through the TwiML App (c2c's /voice webhook) and answers calls to this tab's identity.
// The rules live in ./phone/ (tested with node's test runner); this file joins them to the page
// and to the SDK's events.
import { countryOf, formatAsTyped, formatInternational, hintFor, readNumber } from "./phone/number.js";
import { explain, TOKEN_EXPIRED, UNREACHABLE } from "./phone/errors.js";
import { describeOutcome } from "./phone/outcome.js";
import { busy, callStatus, deviceLabel, duration, hangable, initial, isDtmfKey, next } from "./phone/call-state.js";

// Twilio answers a registration within a second or two; this long without one means it cannot
// be reached, even when the SDK keeps retrying quietly.
const REGISTER_TIMEOUT_MS = 10_000;
const LOG_LINES = 50;
// The SDK fetches its ringing, DTMF and hang-up sounds from Twilio's CDN unless told otherwise;
// c2c serves its own (made by scripts/make-sounds), so the page needs nothing from outside.
const SOUNDS = Object.fromEntries(
  ["incoming", "outgoing", "disconnect", ..."0123456789sh".split("").map((key) => `dtmf${key}`)].map(
    (name) => [name, `/assets/sounds/${name}.wav`],
  ),
);

const $ = (id) => document.getElementById(id);
const el = {
  device: $("device"), identity: $("identity"), incoming: $("incoming"), incomingFrom: $("incoming-from"),
  accept: $("accept"), reject: $("reject"), form: $("dial"), number: $("number"), hint: $("number-hint"),
  call: $("call"), hangup: $("hangup"), callStatus: $("call-status"), timer: $("timer"), controls: $("controls"),
  mute: $("mute"), keypad: $("keypad"), digits: $("digits"), message: $("message"), mic: $("mic"),
  speaker: $("speaker"), speakerNote: $("speaker-note"), inputLevel: $("input-level"),
  outputLevel: $("output-level"), log: $("log"),
};

let state = initial;
let device;
let call;
// The token the Device holds now, announced to c2c when the Device registers.
let currentToken = "";
// The caller ID's country: numbers typed without + are read as in that country.
let defaultCountry = "";
// What c2c's dial policy calls (["US", "+44"]), for the hint under the number.
let allowed = [];
// Set when the message on show says Twilio is unreachable, so that registering clears it.
let unreachableShown = false;

// The SDK retries a lost connection every few seconds; the same line again only bumps a count.
const last = { text: "", repeats: 0 };

function log(text) {
  const stamp = new Date().toLocaleTimeString();
  if (text === last.text && el.log.firstElementChild) {
    last.repeats += 1;
    el.log.firstElementChild.textContent = `${stamp} ${text} (×${last.repeats})`;
    return;
  }
  Object.assign(last, { text, repeats: 1 });
  const line = document.createElement("li");
  line.textContent = `${stamp} ${text}`;
  el.log.prepend(line);
  while (el.log.children.length > LOG_LINES) el.log.lastElementChild.remove();
}

function showMessage(text, { unreachable = false } = {}) {
  el.message.textContent = text;
  el.message.hidden = !text;
  unreachableShown = unreachable && Boolean(text);
}

function dispatch(event) {
  const before = state;
  state = next(state, event);
  if (state !== before) {
    render();
    report({ type: "state", phase: state.phase, device: state.device, status: callStatus(state), audioClock: window.c2cAudioClock?.() });
  }
}

// Scripted use: `c2c call` drives this page over the DevTools protocol. It adds a binding named
// c2cReport to hear the page's states and errors (each a JSON object tagged by `type`: "state",
// "error", "digits-sent", "quality" or "warning", read by src/call/said.rs), and acts through window.c2c. A page opened by a
// person has neither, and nothing here changes what it does.
let lastCallSid = "";
function report(event) {
  window.c2cReport?.(JSON.stringify({ callSid: call?.parameters?.CallSid || lastCallSid, ...event }));
}

function render() {
  el.device.textContent = deviceLabel(state.device);
  el.device.dataset.state = state.device;
  el.callStatus.textContent = callStatus(state);
  el.hangup.hidden = !hangable(state);
  el.call.hidden = hangable(state);
  // Out of reach, a call would only sit at "Calling…": the message above says why.
  el.call.disabled = !device || busy(state) || state.device === "unreachable";
  el.number.disabled = busy(state);
  el.incoming.hidden = state.phase !== "incoming";
  el.incomingFrom.textContent = state.phase === "incoming" ? state.peer : "";
  el.controls.hidden = state.phase !== "in-call";
  el.timer.hidden = state.phase !== "in-call";
  el.mute.setAttribute("aria-pressed", String(state.muted));
  el.mute.textContent = state.muted ? "Unmute" : "Mute";
  el.digits.textContent = state.digits;
  document.body.dataset.phase = state.phase;
  tick();
}

function tick() {
  if (state.phase === "in-call") el.timer.textContent = duration(Date.now() - state.since);
}

// This tab's identity: a renewed token keeps it (Twilio expects the same identity, and c2c
// keeps the tab's place among the registrations an incoming call rings).
let identity = "";

async function fetchToken() {
  const query = identity ? `?identity=${encodeURIComponent(identity)}` : "";
  const response = await fetch(`/token${query}`, { cache: "no-store" });
  if (!response.ok) {
    const why = (await response.text()).trim();
    throw new Error(`c2c refused a token (HTTP ${response.status}): ${why}`);
  }
  return response.json();
}

/** Tells c2c this tab's Device registered with `token`: from then on calls to the caller ID ring
 * it, until the token expires. */
async function announce(token) {
  try {
    const response = await fetch("/registered", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ token }),
    });
    if (!response.ok) log(`c2c did not take the registration (HTTP ${response.status}): ${(await response.text()).trim()}`);
  } catch (error) {
    log(`could not tell c2c this tab registered: ${error.message}`);
  }
}

async function refreshToken() {
  try {
    const { token } = await fetchToken();
    device.updateToken(token);
    currentToken = token;
    log("access token refreshed");
    if (state.device === "ready") announce(token);
    return true;
  } catch (error) {
    log(`token refresh failed: ${error.message}`);
    showMessage(`Could not refresh the access token (${error.message}). Is c2c still running?`);
    return false;
  }
}

function unreachable() {
  dispatch({ type: "unreachable" });
  if (state.device === "unreachable") showMessage(explain({ code: 31005 }), { unreachable: true });
}

function register() {
  const watchdog = setTimeout(() => {
    if (state.device !== "ready") {
      log("no registration yet: Twilio does not answer");
      unreachable();
    }
  }, REGISTER_TIMEOUT_MS);
  device.register().then(
    () => clearTimeout(watchdog),
    (error) => {
      clearTimeout(watchdog);
      onDeviceError(error);
    },
  );
}

async function onDeviceError(error) {
  const code = Number(error?.code);
  // While Twilio is out of reach the SDK retries every few seconds and reports each failure twice
  // (31000, then 31005): one log line, counted, and the message already on show stays.
  if (unreachableShown && (UNREACHABLE.has(code) || code === 31000)) {
    log("still cannot reach Twilio; retrying");
    return;
  }
  log(`error ${Number.isFinite(code) ? code : ""}: ${error?.message ?? error}`);
  if (TOKEN_EXPIRED.has(code)) {
    showMessage(explain(error));
    if (await refreshToken()) {
      showMessage("");
      register();
    }
  } else if (UNREACHABLE.has(code) && !busy(state)) {
    unreachable();
  } else {
    showMessage(explain(error));
  }
}

function finish(outcome) {
  call = undefined;
  el.inputLevel.value = 0;
  el.outputLevel.value = 0;
  dispatch({ type: "ended", outcome });
  if (!el.number.disabled) el.number.focus();
}

// Follows one call, outgoing or incoming, until it ends.
function follow(c) {
  call = c;
  let failure = "";
  const remember = () => {
    lastCallSid = c.parameters?.CallSid || lastCallSid;
  };
  c.on("ringing", () => {
    remember();
    log("ringing");
    dispatch({ type: "ringing" });
  });
  c.on("accept", () => {
    remember();
    log("call connected");
    dispatch({ type: "accept", at: Date.now() });
    el.hangup.focus();
  });
  c.on("mute", (muted) => {
    log(muted ? "muted" : "unmuted");
    dispatch({ type: "mute", muted });
  });
  c.on("volume", (input, output) => {
    el.inputLevel.value = input;
    el.outputLevel.value = output;
  });
  c.on("reconnecting", (error) => log(`call reconnecting (${error?.code ?? "network"})`));
  c.on("reconnected", () => log("call reconnected"));
  c.on("warning", (name) => {
    log(`call quality warning: ${name}`);
    report({ type: "warning", name });
  });
  // The SDK's per-second quality sample, for c2c call's report (a person's page reports nothing).
  c.on("sample", (s) => report({ type: "quality", mos: s.mos, jitter: s.jitter, rtt: s.rtt, packetsLostFraction: s.packetsLostFraction }));
  c.on("error", (error) => {
    log(`call error ${error?.code ?? ""}: ${error?.message ?? error}`);
    failure = explain(error);
    showMessage(failure);
    report({ type: "error", code: Number(error?.code) || 0, message: failure });
  });
  c.on("cancel", () => {
    log("the caller hung up");
    if (call === c) finish("Missed call: the caller hung up.");
  });
  c.on("reject", () => {
    log("call rejected");
    if (call === c) finish("Call rejected.");
  });
  c.on("disconnect", () => {
    remember();
    log("call ended");
    if (call === c) {
      finish(failure ? "Call failed." : "Call ended.");
      explainEnd(c);
    }
  });
}

// The SDK sees only that its call ended; c2c knows why (a number it refused, a busy line, a
// request from Twilio it could not trust), so it is asked.
async function explainEnd(c) {
  const sid = c.parameters?.CallSid ?? "";
  if (!/^CA[0-9a-f]{32}$/.test(sid)) return;
  let outcome;
  try {
    const response = await fetch(`/calls/${sid}`, { cache: "no-store" });
    if (!response.ok) return;
    outcome = await response.json();
  } catch {
    return;
  }
  const said = describeOutcome(outcome, state.peer);
  // Another call may have started meanwhile: it owns the status line now.
  if (!said || call || state.phase !== "ended") return;
  log(`c2c: the call ended ${outcome.outcome}`);
  dispatch({ type: "explained", outcome: said.status });
  if (said.message) showMessage(said.message);
}

window.c2c = {
  hangUp,
  /** Sends `digits` (0-9, *, #; w waits half a second, as in Twilio's sendDigits). */
  sendDigits(digits) {
    for (const digit of String(digits)) sendDigit(digit);
  },
};

async function placeCall() {
  if (!device || busy(state)) return;
  const read = readNumber(el.number.value, defaultCountry);
  const problem = {
    empty: "Type a number to call, with + and the country code (or client:NAME for a browser).",
    invalid: read.problem,
  }[read.kind] ?? (read.kind === "number" && !read.complete ? `${read.to} is too short to call: type the whole number.` : "");
  if (problem) {
    showMessage(problem);
    el.number.focus();
    return;
  }
  showMessage("");
  const shown = read.kind === "client" ? read.identity : formatAsTyped(read.to, defaultCountry);
  dispatch({ type: "dial", to: shown });
  el.hangup.focus();
  log(`calling ${read.to}`);
  try {
    const c = await device.connect({ params: { To: read.to } });
    if (state.phase !== "connecting") {
      // Hung up before the SDK handed over the call.
      c.disconnect();
      return;
    }
    follow(c);
  } catch (error) {
    log(`the call did not start: ${error?.code ?? ""} ${error?.message ?? error}`);
    showMessage(explain(error));
    report({ type: "error", code: Number(error?.code) || 0, message: explain(error) });
    finish("Call failed.");
  }
}

function hangUp() {
  if (call) call.disconnect();
  else finish("Call cancelled.");
}

// The SDK plays each sendDigits() through the browser's DTMF sender, whose next insertDTMF()
// replaces whatever it has not played yet: keys pressed faster than a tone and its gap (160 + 70
// ms in the SDK) would be lost. So keys wait their turn.
const DIGIT_MS = 240;
const PAUSE_MS = 500;
let queuedDigits = "";
let digitTimer;

/** Queues a key: 0-9, * or #, or w for a half-second pause (scripts send it; people wait). */
function sendDigit(digit) {
  if (state.phase !== "in-call" || !call) return;
  if (digit !== "w") {
    log(`tone ${digit}`);
    dispatch({ type: "digit", digit });
  }
  queuedDigits += digit;
  if (!digitTimer) playQueuedDigit();
}

function playQueuedDigit() {
  if (!queuedDigits || !call) {
    queuedDigits = "";
    digitTimer = undefined;
    report({ type: "digits-sent" });
    return;
  }
  const digit = queuedDigits[0];
  queuedDigits = queuedDigits.slice(1);
  if (digit !== "w") call.sendDigits(digit);
  digitTimer = setTimeout(playQueuedDigit, digit === "w" ? PAUSE_MS : DIGIT_MS);
}

function onIncoming(c) {
  const from = c.parameters?.From || "an unknown caller";
  if (busy(state)) {
    log(`rejected a call from ${from}: already on a call`);
    c.reject();
    return;
  }
  log(`incoming call from ${from}`);
  follow(c);
  dispatch({ type: "incoming", from });
  el.accept.focus();
}

function fillAudioDevices() {
  const audio = device?.audio;
  if (!audio) return;
  const fill = (select, devices, selected) => {
    const options = [...(devices?.values() ?? [])].map(
      (info, i) => new Option(info.label || `Device ${i + 1}`, info.deviceId, false, info.deviceId === selected),
    );
    select.replaceChildren(...options);
    select.disabled = options.length === 0;
  };
  fill(el.mic, audio.availableInputDevices, audio.inputDevice?.deviceId ?? "default");
  const speaker = [...(audio.speakerDevices?.get() ?? [])][0];
  fill(el.speaker, audio.availableOutputDevices, speaker?.deviceId ?? "default");
  if (!audio.isOutputSelectionSupported) el.speaker.disabled = true;
  el.speakerNote.hidden = Boolean(audio.isOutputSelectionSupported);
}

function updateHint() {
  el.hint.textContent = hintFor(readNumber(el.number.value, defaultCountry), allowed);
}

async function start() {
  render();
  if (!window.Twilio?.Device) {
    showMessage("The Twilio Voice SDK did not load: reload the page; if that does not help, restart c2c.");
    log("the Voice SDK is missing");
    report({ type: "error", code: 0, message: "the Voice SDK did not load in the page", fatal: true });
    return;
  }
  let first;
  try {
    first = await fetchToken();
  } catch (error) {
    log(error.message);
    showMessage(`${error.message} Check the terminal where c2c runs.`);
    report({ type: "error", code: 0, message: error.message, fatal: true });
    return;
  }
  identity = first.identity;
  defaultCountry = countryOf(first.caller_id);
  allowed = Array.isArray(first.allowed) ? first.allowed : [];
  el.identity.textContent = `Signed in as ${first.identity}; calls show ${formatInternational(first.caller_id).replaceAll(" ", "\u00a0")}.`;
  log(`access token for ${first.identity}`);
  device = new window.Twilio.Device(first.token, {
    logLevel: "warn",
    closeProtection: true,
    codecPreferences: ["opus", "pcmu"],
    sounds: SOUNDS,
    // c2c's --signalling: another signalling address than Twilio's (a staging edge, a test's
    // stand-in). The SDK's own option for it.
    ...(first.signalling ? { chunderw: first.signalling } : {}),
  });
  device.on("registering", () => {
    log("registering with Twilio");
    dispatch({ type: "registering" });
  });
  currentToken = first.token;
  device.on("registered", () => {
    log("registered: calls to this tab ring here");
    announce(currentToken);
    dispatch({ type: "registered" });
    if (unreachableShown) showMessage("");
  });
  device.on("unregistered", () => {
    log("unregistered");
    dispatch({ type: "unregistered" });
  });
  device.on("error", (error) => onDeviceError(error));
  device.on("tokenWillExpire", () => refreshToken());
  device.on("incoming", onIncoming);
  device.audio?.on?.("deviceChange", fillAudioDevices);
  device.audio?.on?.("inputVolume", (volume) => {
    if (state.phase !== "in-call") el.inputLevel.value = volume;
  });
  fillAudioDevices();
  render();
  // A page c2c call drives places one call and takes none: registering would only load Twilio
  // (and the stand-in) with a registration per page, and a suite opens many pages.
  if (window.c2cAutocall !== true) register();

  const params = new URLSearchParams(location.search);
  const to = params.get("to");
  if (to) {
    el.number.value = formatAsTyped(to, defaultCountry);
    updateHint();
    // c2c answers an address with autocall only when it carries this run's key; `c2c call`
    // drives the page and says so through its driver instead.
    if (params.get("autocall") || window.c2cAutocall === true) placeCall();
  }
}

el.form.addEventListener("submit", (event) => {
  event.preventDefault();
  placeCall();
});
el.number.addEventListener("input", () => {
  const atEnd = el.number.selectionStart === el.number.value.length;
  // Regrouping under the caret would move it; only the end is safe.
  if (atEnd) el.number.value = formatAsTyped(el.number.value, defaultCountry);
  updateHint();
});
el.hangup.addEventListener("click", hangUp);
el.accept.addEventListener("click", () => call?.accept());
el.reject.addEventListener("click", () => call?.reject());
el.mute.addEventListener("click", () => call?.mute(!call.isMuted()));
el.keypad.addEventListener("click", (event) => {
  const digit = event.target.closest("button")?.dataset.digit;
  if (digit) sendDigit(digit);
});
el.mic.addEventListener("change", () =>
  device.audio.setInputDevice(el.mic.value).then(
    () => log(`microphone: ${el.mic.selectedOptions[0]?.text}`),
    (error) => showMessage(explain(error)),
  ),
);
el.speaker.addEventListener("change", () =>
  device.audio.speakerDevices.set(el.speaker.value).then(
    () => log(`speaker: ${el.speaker.selectedOptions[0]?.text}`),
    (error) => showMessage(explain(error)),
  ),
);
document.addEventListener("keydown", (event) => {
  const typing = ["INPUT", "SELECT", "TEXTAREA"].includes(event.target?.tagName);
  if (state.phase === "in-call" && isDtmfKey(event.key) && !typing) {
    event.preventDefault();
    sendDigit(event.key);
  } else if (event.key === "Escape" && hangable(state)) {
    hangUp();
  }
});
window.addEventListener("online", () => {
  log("network back");
  if (device && state.device !== "ready") register();
});
window.addEventListener("offline", () => log("network lost"));
setInterval(tick, 1000);

// The SDK's <script defer> has run by DOMContentLoaded; module scripts run just before it fires.
if (document.readyState === "loading") window.addEventListener("DOMContentLoaded", start);
else start();
