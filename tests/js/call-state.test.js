// The phone's state machine (assets/phone/call-state.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { busy, callStatus, deviceLabel, duration, hangable, initial, isDtmfKey, next } from "../../assets/phone/call-state.js";

const run = (events, from = initial) => events.reduce(next, from);

test("an outgoing call goes connecting, ringing, in call, ended", () => {
  let s = run([{ type: "registered" }]);
  assert.equal(callStatus(s), "Ready to call.");
  s = next(s, { type: "dial", to: "+1 415 555 0100" });
  assert.equal(s.phase, "connecting");
  assert.equal(callStatus(s), "Calling +1 415 555 0100…");
  assert.ok(busy(s));
  s = next(s, { type: "ringing" });
  assert.equal(callStatus(s), "Ringing +1 415 555 0100…");
  s = next(s, { type: "accept", at: 1000 });
  assert.deepEqual([s.phase, s.since], ["in-call", 1000]);
  s = run([{ type: "mute", muted: true }, { type: "digit", digit: "1" }, { type: "digit", digit: "#" }], s);
  assert.deepEqual([s.muted, s.digits], [true, "1#"]);
  s = next(s, { type: "ended", outcome: "Call ended." });
  assert.deepEqual([s.phase, s.muted, callStatus(s)], ["ended", false, "Call ended."]);
  // c2c's word on how it ended replaces the line, but only while the call is the ended one.
  assert.equal(callStatus(next(s, { type: "explained", outcome: "Busy." })), "Busy.");
  assert.equal(next(initial, { type: "explained", outcome: "Busy." }), initial);
  assert.ok(!busy(s));
  // The next dial starts clean.
  s = next(s, { type: "dial", to: "+44 20" });
  assert.deepEqual([s.phase, s.digits, s.outcome], ["connecting", "", ""]);
});

test("an incoming call rings, then is accepted or rejected", () => {
  const ringing = run([{ type: "registered" }, { type: "incoming", from: "+14155550199" }]);
  assert.equal(callStatus(ringing), "Incoming call from +14155550199");
  assert.ok(busy(ringing) && !hangable(ringing), "Accept or Reject, not Hang up");
  assert.equal(next(ringing, { type: "accept", at: 5 }).phase, "in-call");
  assert.equal(next(ringing, { type: "ended", outcome: "Call rejected." }).outcome, "Call rejected.");
});

test("events that make no sense now change nothing", () => {
  const idle = run([{ type: "registered" }]);
  for (const event of [{ type: "ringing" }, { type: "accept", at: 1 }, { type: "mute", muted: true },
    { type: "digit", digit: "5" }, { type: "ended" }, { type: "nonsense" }]) {
    assert.equal(next(idle, event), idle, event.type);
  }
  const calling = next(idle, { type: "dial", to: "x" });
  assert.equal(next(calling, { type: "dial", to: "y" }), calling, "one call at a time");
  assert.equal(next(calling, { type: "incoming", from: "z" }), calling, "no second call rings in");
  assert.equal(next(calling, { type: "digit", digit: "1" }), calling, "no tones before the call is up");
});

test("the device goes registering, ready, offline; unreachable never hides ready", () => {
  let s = next(initial, { type: "registering" });
  assert.equal(deviceLabel(s.device), "Registering…");
  assert.equal(deviceLabel(next(s, { type: "unreachable" }).device), "Cannot reach Twilio");
  s = next(s, { type: "registered" });
  assert.equal(next(s, { type: "unreachable" }), s);
  assert.equal(deviceLabel(next(s, { type: "unregistered" }).device), "Offline");
});

test("the timer reads m:ss, then h:mm:ss", () => {
  assert.equal(duration(0), "0:00");
  assert.equal(duration(7_999), "0:07");
  assert.equal(duration(754_000), "12:34");
  assert.equal(duration(3_723_000), "1:02:03");
  assert.equal(duration(-5), "0:00");
});

test("only 0-9, * and # are tones", () => {
  for (const key of ["0", "5", "9", "*", "#"]) assert.ok(isDtmfKey(key), key);
  for (const key of ["a", "Enter", "10", "", undefined]) assert.ok(!isDtmfKey(key), String(key));
});

test("the tones shown are capped to the latest 24", () => {
  let s = run([{ type: "dial", to: "x" }, { type: "accept", at: 0 }]);
  for (let i = 0; i < 30; i++) s = next(s, { type: "digit", digit: String(i % 10) });
  assert.equal(s.digits.length, 24);
  assert.ok(s.digits.endsWith("9"));
});
