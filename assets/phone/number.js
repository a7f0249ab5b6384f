// What the user typed in the number field, read as c2c's /voice will read it: an E.164 number
// (numbers typed without + in the caller ID's country) or a browser identity (client:NAME).
// Numbers are grouped and placed with libphonenumber's own rules and data (the same library c2c's
// dial policy uses, vendored by scripts/vendor-phone-js). No DOM here, so node's test runner
// covers it.
import { AsYouType, getCountryCallingCode, parsePhoneNumberFromString } from "../vendor/libphonenumber-1.13.16.min.js";

// The longest number E.164 allows, country code included.
const MAX_DIGITS = 15;
// Twilio's limit on an identity, and the characters c2c's /token accepts in one.
const IDENTITY = /^[A-Za-z0-9_.-]{1,121}$/;
// Characters people type between digits, which carry no meaning.
const SEPARATORS = /[\s().\-\u00a0/]/g;
const REGION_NAMES = new Intl.DisplayNames(["en"], { type: "region" });

/** The region (ISO 3166, such as "US") of an E.164 number such as the caller ID; "" if none. */
export function countryOf(e164) {
  if (typeof e164 !== "string") return "";
  return parsePhoneNumberFromString(e164)?.country ?? "";
}

function callingCodeOf(region) {
  try {
    return getCountryCallingCode(region);
  } catch {
    return "";
  }
}

/** A region's name in English: "United Kingdom" for "GB". */
export function nameOf(region) {
  try {
    return REGION_NAMES.of(region) ?? region;
  } catch {
    return region;
  }
}

/** An E.164 number as people write it across borders: "+1 415 555 2671". */
export function formatInternational(e164) {
  return parsePhoneNumberFromString(String(e164 ?? ""))?.formatInternational() ?? String(e164 ?? "");
}

/**
 * Reads the field. Returns one of:
 *   { kind: "empty" }
 *   { kind: "client", to: "client:NAME", identity }
 *   { kind: "number", to: "+…", code, country, complete }   (complete: long enough to dial;
 *                                                            country: "" until it is known)
 *   { kind: "invalid", problem }                             (problem: one sentence)
 * `defaultCountry` (the caller ID's region) is where numbers typed without + or 00 are.
 */
export function readNumber(input, defaultCountry) {
  const text = String(input ?? "").trim();
  if (text === "") return { kind: "empty" };
  if (/^client:/i.test(text)) {
    const identity = text.slice("client:".length);
    if (!IDENTITY.test(identity)) {
      return {
        kind: "invalid",
        problem: "A browser identity may use only letters, digits, _, - and . (up to 121).",
      };
    }
    return { kind: "client", to: `client:${identity}`, identity };
  }
  const compact = text.replace(SEPARATORS, "");
  let international;
  if (compact.startsWith("+")) international = compact.slice(1);
  else if (compact.startsWith("00")) international = compact.slice(2);
  if (!/^\d*$/.test(international ?? compact)) {
    return { kind: "invalid", problem: "Use digits only, with + and the country code in front." };
  }
  if (international === undefined && !defaultCountry) {
    return { kind: "invalid", problem: "Start with + and the country code, as in +44 20 7946 0958." };
  }
  const typer = new AsYouType(international === undefined ? defaultCountry : undefined);
  typer.input(international === undefined ? compact : `+${international}`);
  // A number typed without + is in the default country from its first digit.
  const code = typer.getCallingCode() ?? (international === undefined ? callingCodeOf(defaultCountry) : "");
  if (!code) {
    return international.length < 3
      ? { kind: "number", to: `+${international}`, code: "", country: "", complete: false }
      : { kind: "invalid", problem: `+${international.slice(0, 3)} is not a country calling code.` };
  }
  const national = typer.getNationalNumber();
  const total = code.length + national.length;
  if (total > MAX_DIGITS) {
    return { kind: "invalid", problem: `That is ${total} digits; a phone number has at most ${MAX_DIGITS}.` };
  }
  const number = typer.getNumber();
  return {
    kind: "number",
    to: number?.number ?? `+${code}${national}`,
    code,
    country: number?.country ?? typer.getCountry() ?? "",
    complete: Boolean(number?.isPossible()),
  };
}

/**
 * The field's text, regrouped as the user types, the way libphonenumber writes numbers of that
 * country: "+1 415 555 0100", "(415) 555-0100", "+44 20 7946 0958", "020 7946 0958". Anything
 * that is not a number is left as typed.
 */
export function formatAsTyped(input, defaultCountry) {
  const text = String(input ?? "");
  if (readNumber(text, defaultCountry).kind !== "number") return text;
  const compact = text.trim().replace(SEPARATORS, "");
  const international = compact.startsWith("00") ? `+${compact.slice(2)}` : compact;
  return new AsYouType(compact.startsWith("+") || compact.startsWith("00") ? undefined : defaultCountry).input(
    international,
  );
}

/**
 * The hint under the field: the country a number is in (and whether c2c's dial policy lets the
 * page call it: `allowed` is the policy's list, such as ["US", "+44"]), or what is wrong.
 */
export function hintFor(read, allowed = []) {
  switch (read.kind) {
    case "empty":
      return "";
    case "client":
      return `Calls the browser signed in as ${read.identity}.`;
    case "invalid":
      return read.problem;
    default: {
      if (!read.code) return "Type the country code after +.";
      const place = read.country ? `${nameOf(read.country)} (+${read.code})` : `Country code +${read.code}`;
      if (!read.complete) return `${place}: keep typing`;
      if (allowed.length > 0 && !allows(allowed, read)) {
        return `${place}: c2c's dial policy does not call it (it calls ${allowed.join(", ")}; add ${read.country || `+${read.code}`} with --allow-country)`;
      }
      return place;
    }
  }
}

function allows(allowed, read) {
  return allowed.some((entry) => entry === read.country || entry === `+${read.code}`);
}
