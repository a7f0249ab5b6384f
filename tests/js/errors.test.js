// Twilio's error codes as one line each (assets/phone/errors.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { DOCTOR, explain, TOKEN_EXPIRED, UNREACHABLE } from "../../assets/phone/errors.js";

// Each code the issue names, and a word its message must contain: what to do about it.
const EXPECTED = {
  20101: /TWILIO_API_KEY/,
  20104: /fresh one/,
  31000: /debugger/,
  31005: /Cannot reach Twilio/,
  31401: /allow it for this page/,
  31208: /allow it for this page/,
  13214: /TWILIO_CALLER_ID/,
  13227: /Geo permissions/,
  21210: /Verified Caller IDs/,
  21215: /Geo permissions/,
};

test("every named code has its own advice and names its code", () => {
  for (const [code, advice] of Object.entries(EXPECTED)) {
    const line = explain({ code: Number(code), message: "raw SDK text" });
    assert.match(line, advice, code);
    assert.match(line, new RegExp(`\\(error ${code}\\)$`), code);
    assert.doesNotMatch(line, /raw SDK text/, code);
    assert.doesNotMatch(line, /\n/, code);
  }
});

test("an unknown code falls back to Twilio's own description and its docs page", () => {
  const line = explain({ code: 31486, description: "Busy here", message: "BusyHere (31486)" });
  assert.equal(line, "Twilio error 31486: Busy here. See https://www.twilio.com/docs/api/errors/31486");
});

test("errors without a code still read as a sentence", () => {
  assert.equal(explain(new Error("socket closed")), "Something went wrong: socket closed");
  assert.match(explain({ name: "NotAllowedError", message: "Permission denied" }), /microphone is blocked/);
  assert.equal(explain(undefined), "Something went wrong: unknown error");
});

test("connection codes say Twilio is unreachable, token codes that a new token helps", () => {
  for (const code of UNREACHABLE) assert.match(explain({ code }), /Cannot reach Twilio/);
  assert.ok(TOKEN_EXPIRED.has(20104));
  assert.ok(!TOKEN_EXPIRED.has(20101), "an invalid token is not cured by another like it");
});

test("the account problems c2c doctor checks send the user to it, and only those", () => {
  for (const code of [20101, 13214, 13227, 21210, 21215]) {
    assert.ok(DOCTOR.has(code), code);
    assert.match(explain({ code }), /Run c2c doctor in a terminal/, code);
  }
  for (const code of [20104, 31005, 31401]) {
    assert.doesNotMatch(explain({ code }), /c2c doctor/, code);
  }
});
