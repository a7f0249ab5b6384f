// The number field's rules (assets/phone/number.js), with node's test runner.
import assert from "node:assert/strict";
import { test } from "node:test";

import { countryOf, formatAsTyped, formatInternational, hintFor, nameOf, readNumber } from "../../assets/phone/number.js";

test("the caller ID's country is the one its number is in", () => {
  assert.equal(countryOf("+14155550100"), "US");
  assert.equal(countryOf("+16135550100"), "CA", "+1 is more than the US");
  assert.equal(countryOf("+4915112345678"), "DE");
  assert.equal(countryOf("not a number"), "");
  assert.equal(nameOf("GB"), "United Kingdom");
  assert.equal(formatInternational("+14155552671"), "+1 415 555 2671");
});

test("international numbers become E.164 however they are written", () => {
  for (const typed of ["+1 (415) 555-0100", "+1.415.555.0100", "001 415 555 0100", " +14155550100 "]) {
    const read = readNumber(typed, "GB");
    assert.equal(read.kind, "number", typed);
    assert.equal(read.to, "+14155550100", typed);
    assert.equal(read.complete, true, typed);
    assert.equal(read.country, "US", "a 415 number is in the US, not 'the Caribbean'");
  }
});

test("numbers without + are read in the caller ID's country, trunk prefix dropped", () => {
  assert.equal(readNumber("(415) 555-0100", "US").to, "+14155550100");
  assert.equal(readNumber("1 415 555 0100", "US").to, "+14155550100");
  assert.equal(readNumber("020 7946 0958", "GB").to, "+442079460958");
  // Italy keeps its leading 0.
  assert.equal(readNumber("06 1234 5678", "IT").to, "+390612345678");
});

test("a number without + and no caller ID country asks for the country code", () => {
  const read = readNumber("4155550100", "");
  assert.equal(read.kind, "invalid");
  assert.match(read.problem, /Start with \+ and the country code/);
});

test("short, long and lettered numbers are explained", () => {
  assert.equal(readNumber("+1 415 555", "US").complete, false);
  assert.equal(readNumber("+44 20", "US").complete, false);
  assert.match(readNumber("+1234567890123456", "US").problem, /at most 15/);
  assert.match(readNumber("+1 800 FLOWERS", "US").problem, /digits only/);
  assert.match(readNumber("+999 123456", "US").problem, /\+999 is not a country calling code/);
  assert.equal(readNumber("", "US").kind, "empty");
  assert.equal(readNumber("   ", "US").kind, "empty");
});

test("client:NAME calls a browser, with the identity rules /token uses", () => {
  assert.deepEqual(readNumber("client:alice_2", "US"), { kind: "client", to: "client:alice_2", identity: "alice_2" });
  assert.equal(readNumber("client:a b", "US").kind, "invalid");
  assert.equal(readNumber("client:", "US").kind, "invalid");
});

test("the field is regrouped as the user types, as libphonenumber writes that country's numbers", () => {
  assert.equal(formatAsTyped("+", "US"), "+");
  assert.equal(formatAsTyped("+1", "US"), "+1");
  assert.equal(formatAsTyped("+14155550100", "US"), "+1 415 555 0100");
  assert.equal(formatAsTyped("+442079460958", "US"), "+44 20 7946 0958", "London's 20, not 207");
  assert.equal(formatAsTyped("4155550100", "US"), "(415) 555-0100");
  assert.equal(formatAsTyped("02079460958", "GB"), "020 7946 0958");
  assert.equal(formatAsTyped("+33612345678", "US"), "+33 6 12 34 56 78");
  // Not a number: left exactly as typed.
  assert.equal(formatAsTyped("client:bob", "US"), "client:bob");
  assert.equal(formatAsTyped("+1 800 FLOWERS", "US"), "+1 800 FLOWERS");
});

test("the hint names the country the number is in, and whether c2c would call it", () => {
  assert.equal(hintFor(readNumber("+14155550100", "US"), ["US"]), "United States (+1)");
  assert.equal(hintFor(readNumber("+16135550100", "US"), ["US"]).startsWith("Canada (+1): c2c's dial policy does not call it"), true);
  assert.equal(
    hintFor(readNumber("+442079460958", "US"), ["US"]),
    "United Kingdom (+44): c2c's dial policy does not call it (it calls US; add GB with --allow-country)",
  );
  assert.equal(hintFor(readNumber("+442079460958", "US"), ["US", "+44"]), "United Kingdom (+44)");
  // Until the number says which of its code's countries it is in (+44 is also Jersey, Guernsey…).
  assert.equal(hintFor(readNumber("+44 20", "US"), ["US"]), "Country code +44: keep typing");
  assert.equal(hintFor(readNumber("+1 4", "US"), ["US"]), "Country code +1: keep typing");
  assert.equal(hintFor(readNumber("+", "US")), "Type the country code after +.");
  assert.equal(hintFor(readNumber("client:bob", "US")), "Calls the browser signed in as bob.");
  assert.match(hintFor(readNumber("+1 800 FLOWERS", "US")), /digits only/);
  assert.equal(hintFor(readNumber("", "US")), "");
});
