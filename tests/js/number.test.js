// The number field's rules (assets/phone/number.js), with node's test runner.
import assert from "node:assert/strict";
import { test } from "node:test";

import { callingCodeOf, formatAsTyped, hintFor, readNumber, splitCallingCode } from "../../assets/phone/number.js";

test("calling codes are found by their 1-, 2- or 3-digit prefix", () => {
  assert.deepEqual(splitCallingCode("14155550100"), ["1", "4155550100"]);
  assert.deepEqual(splitCallingCode("442079460958"), ["44", "2079460958"]);
  assert.deepEqual(splitCallingCode("353861234567"), ["353", "861234567"]);
  assert.deepEqual(splitCallingCode("999"), ["", "999"]);
  assert.equal(callingCodeOf("+14155550100"), "1");
  assert.equal(callingCodeOf("+4915112345678"), "49");
  assert.equal(callingCodeOf("not a number"), "");
});

test("international numbers become E.164 however they are written", () => {
  for (const typed of ["+1 (415) 555-0100", "+1.415.555.0100", "001 415 555 0100", " +14155550100 "]) {
    const read = readNumber(typed, "44");
    assert.equal(read.kind, "number", typed);
    assert.equal(read.to, "+14155550100", typed);
    assert.equal(read.complete, true, typed);
    assert.equal(read.place, "US, Canada and the Caribbean");
  }
});

test("numbers without + are read in the caller ID's country, trunk prefix dropped", () => {
  assert.equal(readNumber("(415) 555-0100", "1").to, "+14155550100");
  assert.equal(readNumber("1 415 555 0100", "1").to, "+14155550100");
  assert.equal(readNumber("020 7946 0958", "44").to, "+442079460958");
  // Italy keeps its leading 0.
  assert.equal(readNumber("06 1234 5678", "39").to, "+390612345678");
});

test("a number without + and no caller ID country asks for the country code", () => {
  const read = readNumber("4155550100", "");
  assert.equal(read.kind, "invalid");
  assert.match(read.problem, /Start with \+ and the country code/);
});

test("short, long and lettered numbers are explained", () => {
  assert.equal(readNumber("+1 415 555", "1").complete, false);
  assert.equal(readNumber("+44 20", "1").complete, false);
  assert.match(readNumber("+1234567890123456", "1").problem, /at most 15/);
  assert.match(readNumber("+1 800 FLOWERS", "1").problem, /digits only/);
  assert.match(readNumber("+999 123456", "1").problem, /\+999 is not a country calling code/);
  assert.equal(readNumber("", "1").kind, "empty");
  assert.equal(readNumber("   ", "1").kind, "empty");
});

test("client:NAME calls a browser, with the identity rules /token uses", () => {
  assert.deepEqual(readNumber("client:alice_2", "1"), { kind: "client", to: "client:alice_2", identity: "alice_2" });
  assert.equal(readNumber("client:a b", "1").kind, "invalid");
  assert.equal(readNumber("client:", "1").kind, "invalid");
});

test("the field is regrouped as the user types", () => {
  assert.equal(formatAsTyped("+", "1"), "+");
  assert.equal(formatAsTyped("+1", "1"), "+1");
  assert.equal(formatAsTyped("+14", "1"), "+1 4");
  assert.equal(formatAsTyped("+1415555", "1"), "+1 415 555");
  assert.equal(formatAsTyped("+14155550100", "1"), "+1 415 555 0100");
  assert.equal(formatAsTyped("+442079460958", "1"), "+44 207 946 0958");
  assert.equal(formatAsTyped("415", "1"), "415");
  assert.equal(formatAsTyped("4155", "1"), "(415) 5");
  assert.equal(formatAsTyped("4155550100", "1"), "(415) 555-0100");
  assert.equal(formatAsTyped("02079460958", "44"), "020 794 60 958");
  // Not a number: left exactly as typed.
  assert.equal(formatAsTyped("client:bob", "1"), "client:bob");
  assert.equal(formatAsTyped("+1 800 FLOWERS", "1"), "+1 800 FLOWERS");
});

test("the hint names the country, or says what is wrong", () => {
  assert.equal(hintFor(readNumber("+14155550100", "1")), "US, Canada and the Caribbean (+1)");
  assert.equal(hintFor(readNumber("+44 20", "1")), "United Kingdom (+44): keep typing");
  assert.equal(hintFor(readNumber("+", "1")), "Type the country code after +.");
  assert.equal(hintFor(readNumber("client:bob", "1")), "Calls the browser signed in as bob.");
  assert.match(hintFor(readNumber("+1 800 FLOWERS", "1")), /digits only/);
  assert.equal(hintFor(readNumber("", "1")), "");
});
