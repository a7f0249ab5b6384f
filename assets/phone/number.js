// What the user typed in the number field, read as c2c's /voice will read it: an E.164 number
// (with the caller ID's country for numbers typed without +) or a browser identity (client:NAME).
// No DOM here, so node's test runner covers it.

// Country calling codes (ITU-T E.164 assignments) and the places they reach, as a hint under the
// field. Codes are prefix-free, so the first 1-, 2- or 3-digit prefix found is the code.
const PLACES = {
  1: "US, Canada and the Caribbean", 7: "Russia, Kazakhstan",
  20: "Egypt", 27: "South Africa", 30: "Greece", 31: "Netherlands", 32: "Belgium", 33: "France",
  34: "Spain", 36: "Hungary", 39: "Italy", 40: "Romania", 41: "Switzerland", 43: "Austria",
  44: "United Kingdom", 45: "Denmark", 46: "Sweden", 47: "Norway", 48: "Poland", 49: "Germany",
  51: "Peru", 52: "Mexico", 53: "Cuba", 54: "Argentina", 55: "Brazil", 56: "Chile",
  57: "Colombia", 58: "Venezuela", 60: "Malaysia", 61: "Australia", 62: "Indonesia",
  63: "Philippines", 64: "New Zealand", 65: "Singapore", 66: "Thailand", 81: "Japan",
  82: "South Korea", 84: "Vietnam", 86: "China", 90: "Türkiye", 91: "India", 92: "Pakistan",
  93: "Afghanistan", 94: "Sri Lanka", 95: "Myanmar", 98: "Iran",
  211: "South Sudan", 212: "Morocco", 213: "Algeria", 216: "Tunisia", 218: "Libya",
  220: "Gambia", 221: "Senegal", 222: "Mauritania", 223: "Mali", 224: "Guinea",
  225: "Côte d'Ivoire", 226: "Burkina Faso", 227: "Niger", 228: "Togo", 229: "Benin",
  230: "Mauritius", 231: "Liberia", 232: "Sierra Leone", 233: "Ghana", 234: "Nigeria",
  235: "Chad", 236: "Central African Republic", 237: "Cameroon", 238: "Cabo Verde",
  239: "São Tomé and Príncipe", 240: "Equatorial Guinea", 241: "Gabon", 242: "Congo",
  243: "DR Congo", 244: "Angola", 245: "Guinea-Bissau", 246: "Diego Garcia", 248: "Seychelles",
  249: "Sudan", 250: "Rwanda", 251: "Ethiopia", 252: "Somalia", 253: "Djibouti", 254: "Kenya",
  255: "Tanzania", 256: "Uganda", 257: "Burundi", 258: "Mozambique", 260: "Zambia",
  261: "Madagascar", 262: "Réunion, Mayotte", 263: "Zimbabwe", 264: "Namibia", 265: "Malawi",
  266: "Lesotho", 267: "Botswana", 268: "Eswatini", 269: "Comoros", 290: "Saint Helena",
  291: "Eritrea", 297: "Aruba", 298: "Faroe Islands", 299: "Greenland", 350: "Gibraltar",
  351: "Portugal", 352: "Luxembourg", 353: "Ireland", 354: "Iceland", 355: "Albania",
  356: "Malta", 357: "Cyprus", 358: "Finland", 359: "Bulgaria", 370: "Lithuania",
  371: "Latvia", 372: "Estonia", 373: "Moldova", 374: "Armenia", 375: "Belarus", 376: "Andorra",
  377: "Monaco", 378: "San Marino", 380: "Ukraine", 381: "Serbia", 382: "Montenegro",
  383: "Kosovo", 385: "Croatia", 386: "Slovenia", 387: "Bosnia and Herzegovina",
  389: "North Macedonia", 420: "Czechia", 421: "Slovakia", 423: "Liechtenstein",
  500: "Falkland Islands", 501: "Belize", 502: "Guatemala", 503: "El Salvador", 504: "Honduras",
  505: "Nicaragua", 506: "Costa Rica", 507: "Panama", 508: "Saint Pierre and Miquelon",
  509: "Haiti", 590: "Guadeloupe", 591: "Bolivia", 592: "Guyana", 593: "Ecuador",
  594: "French Guiana", 595: "Paraguay", 596: "Martinique", 597: "Suriname", 598: "Uruguay",
  599: "Curaçao, Caribbean Netherlands", 670: "Timor-Leste", 672: "Norfolk Island",
  673: "Brunei", 674: "Nauru", 675: "Papua New Guinea", 676: "Tonga", 677: "Solomon Islands",
  678: "Vanuatu", 679: "Fiji", 680: "Palau", 681: "Wallis and Futuna", 682: "Cook Islands",
  683: "Niue", 685: "Samoa", 686: "Kiribati", 687: "New Caledonia", 688: "Tuvalu",
  689: "French Polynesia", 690: "Tokelau", 691: "Micronesia", 692: "Marshall Islands",
  850: "North Korea", 852: "Hong Kong", 853: "Macao", 855: "Cambodia", 856: "Laos",
  880: "Bangladesh", 886: "Taiwan", 960: "Maldives", 961: "Lebanon", 962: "Jordan",
  963: "Syria", 964: "Iraq", 965: "Kuwait", 966: "Saudi Arabia", 967: "Yemen", 968: "Oman",
  970: "Palestine", 971: "United Arab Emirates", 972: "Israel", 973: "Bahrain", 974: "Qatar",
  975: "Bhutan", 976: "Mongolia", 977: "Nepal", 992: "Tajikistan", 993: "Turkmenistan",
  994: "Azerbaijan", 995: "Georgia", 996: "Kyrgyzstan", 998: "Uzbekistan",
};

// The longest number E.164 allows, country code included.
const MAX_DIGITS = 15;
// Twilio's limit on an identity, and the characters c2c's /token accepts in one.
const IDENTITY = /^[A-Za-z0-9_.-]{1,121}$/;
// Characters people type between digits, which carry no meaning.
const SEPARATORS = /[\s().\-\u00a0/]/g;

/** The place a country calling code reaches, or undefined. */
export function placeOf(code) {
  return PLACES[code];
}

/** Splits international digits (no +) into [callingCode, nationalDigits]; code "" if none fits. */
export function splitCallingCode(digits) {
  for (const length of [1, 2, 3]) {
    const code = digits.slice(0, length);
    if (code.length === length && PLACES[code]) return [code, digits.slice(length)];
  }
  return ["", digits];
}

/** The calling code of an E.164 number such as the caller ID; "" when it has none. */
export function callingCodeOf(e164) {
  if (typeof e164 !== "string" || !/^\+\d+$/.test(e164)) return "";
  return splitCallingCode(e164.slice(1))[0];
}

/**
 * Reads the field. Returns one of:
 *   { kind: "empty" }
 *   { kind: "client", to: "client:NAME", identity }
 *   { kind: "number", to: "+…", code, national, place, complete }   (complete: long enough to dial)
 *   { kind: "invalid", problem }                                      (problem: one sentence)
 * `defaultCode` is the calling code for numbers typed without + or 00 (the caller ID's).
 */
export function readNumber(input, defaultCode) {
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
  let code;
  let national;
  if (international !== undefined) {
    [code, national] = splitCallingCode(international);
    if (!code) {
      return international.length < 3
        ? { kind: "number", to: `+${international}`, code: "", national: "", place: undefined, complete: false }
        : { kind: "invalid", problem: `+${international.slice(0, 3)} is not a country calling code.` };
    }
  } else {
    if (!defaultCode) {
      return { kind: "invalid", problem: "Start with + and the country code, as in +44 20 7946 0958." };
    }
    code = defaultCode;
    national = dropTrunkPrefix(compact, code);
  }
  const total = code.length + national.length;
  if (total > MAX_DIGITS) {
    return { kind: "invalid", problem: `That is ${total} digits; a phone number has at most ${MAX_DIGITS}.` };
  }
  const complete = code === "1" ? national.length === 10 : national.length >= 4 && total >= 8;
  return { kind: "number", to: `+${code}${national}`, code, national, place: PLACES[code], complete };
}

// Numbers dialled at home carry a trunk prefix (1 in North America, 0 in most other places) that
// is not part of the international number. Italy keeps its 0.
function dropTrunkPrefix(digits, code) {
  if (code === "1" && digits.length === 11 && digits.startsWith("1")) return digits.slice(1);
  if (code !== "1" && code !== "39" && digits.startsWith("0")) return digits.slice(1);
  return digits;
}

/**
 * The field's text, regrouped as the user types: "+1 415 555 0100", "(415) 555-0100",
 * "+44 207 946 0958". Anything that is not a number is left as typed.
 */
export function formatAsTyped(input, defaultCode) {
  const text = String(input ?? "");
  const read = readNumber(text, defaultCode);
  if (read.kind !== "number") return text;
  const typedInternational = /^\s*(\+|00)/.test(text);
  if (!typedInternational) {
    const digits = text.replace(/\D/g, "");
    if (read.code === "1" && digits.length <= 10 && !digits.startsWith("1")) return nanpNational(digits);
    return groups(digits);
  }
  if (!read.code) return read.to;
  return `+${read.code}${read.national ? ` ${groups(read.national)}` : ""}`;
}

function nanpNational(digits) {
  if (digits.length <= 3) return digits;
  if (digits.length <= 6) return `(${digits.slice(0, 3)}) ${digits.slice(3)}`;
  return `(${digits.slice(0, 3)}) ${digits.slice(3, 6)}-${digits.slice(6)}`;
}

// Threes, with a last group of four rather than a lone digit: 415 555 0100, 20 7946 0958.
function groups(digits) {
  const out = [];
  let rest = digits;
  while (rest.length > 4) {
    const take = rest.length === 5 ? 2 : 3;
    out.push(rest.slice(0, take));
    rest = rest.slice(take);
  }
  if (rest) out.push(rest);
  return out.join(" ");
}

/** The hint under the field: the place a number reaches, or what is wrong with it. */
export function hintFor(read) {
  switch (read.kind) {
    case "empty":
      return "";
    case "client":
      return `Calls the browser signed in as ${read.identity}.`;
    case "invalid":
      return read.problem;
    default:
      if (!read.code) return "Type the country code after +.";
      return `${read.place ?? "Country code"} (+${read.code})${read.complete ? "" : ": keep typing"}`;
  }
}
