// The phone's state as plain data, and the one function that moves it on an event. The page
// renders whatever this returns; the SDK's events only ever reach the page through `next`.
//
// Call phases: idle → connecting → ringing → in-call → ended → (idle on the next dial)
//              idle → incoming → in-call | ended
// Device: starting → registering → ready | offline | unreachable

export const initial = Object.freeze({
  device: "starting",
  phase: "idle",
  peer: "",
  since: 0,
  muted: false,
  digits: "",
  outcome: "",
});

const HANGABLE = new Set(["connecting", "ringing", "in-call"]);

/** Whether a call is in progress (or ringing in), so another may not start. */
export function busy(state) {
  return HANGABLE.has(state.phase) || state.phase === "incoming";
}

/** Whether there is a call to hang up: one placed or answered, not one still ringing in. */
export function hangable(state) {
  return HANGABLE.has(state.phase);
}

/** The state after `event` ({ type, ... }); `state` itself when the event changes nothing. */
export function next(state, event) {
  switch (event.type) {
    case "registering":
      return { ...state, device: "registering" };
    case "registered":
      return { ...state, device: "ready" };
    case "unregistered":
      return { ...state, device: "offline" };
    case "unreachable":
      return state.device === "ready" ? state : { ...state, device: "unreachable" };
    case "dial":
      if (busy(state)) return state;
      return { ...state, phase: "connecting", peer: event.to, since: 0, muted: false, digits: "", outcome: "" };
    case "ringing":
      return state.phase === "connecting" ? { ...state, phase: "ringing" } : state;
    case "accept":
      if (!["connecting", "ringing", "incoming"].includes(state.phase)) return state;
      return { ...state, phase: "in-call", since: event.at };
    case "incoming":
      if (busy(state)) return state;
      return { ...state, phase: "incoming", peer: event.from, since: 0, muted: false, digits: "", outcome: "" };
    case "mute":
      return state.phase === "in-call" ? { ...state, muted: event.muted } : state;
    case "digit":
      return state.phase === "in-call" ? { ...state, digits: (state.digits + event.digit).slice(-24) } : state;
    case "ended":
      if (!busy(state)) return state;
      return { ...state, phase: "ended", muted: false, outcome: event.outcome ?? "Call ended." };
    case "explained":
      // c2c's account of how the call ended, which arrives just after the end.
      return state.phase === "ended" ? { ...state, outcome: event.outcome } : state;
    default:
      return state;
  }
}

/** A call's length for the timer: 0:07, 12:34, 1:02:03. */
export function duration(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

/** The status line for the call, for people and screen readers. */
export function callStatus(state) {
  switch (state.phase) {
    case "connecting":
      return `Calling ${state.peer}…`;
    case "ringing":
      return `Ringing ${state.peer}…`;
    case "in-call":
      return `In call with ${state.peer}`;
    case "incoming":
      return `Incoming call from ${state.peer}`;
    case "ended":
      return state.outcome;
    default:
      return state.device === "ready" ? "Ready to call." : "";
  }
}

/** The Device's state, as the badge at the top shows it. */
export function deviceLabel(device) {
  return {
    starting: "Starting…",
    registering: "Registering…",
    ready: "Ready",
    offline: "Offline",
    unreachable: "Cannot reach Twilio",
  }[device] ?? device;
}

/** Keys that send a DTMF tone during a call. */
export function isDtmfKey(key) {
  return typeof key === "string" && /^[0-9*#]$/.test(key);
}
