// Twilio's error codes, as one line that says what happened and what to do. The codes come from
// the Voice SDK (310xx-314xx, 20xxx token errors) and from Twilio's side of a call (13xxx <Dial>
// errors, 21xxx number errors), which reach the page as the call's error.

const MESSAGES = {
  20101:
    "Twilio rejected the access token: check TWILIO_ACCOUNT_SID, TWILIO_API_KEY and TWILIO_API_SECRET in c2c's settings, restart c2c and reload.",
  20104: "The access token expired: fetching a fresh one; reload the page if this repeats.",
  31000:
    "Twilio reported an unexpected error: try again; if it repeats, the Twilio Console's debugger has the details.",
  31005:
    "Cannot reach Twilio: check this computer's internet connection (or firewall); the page keeps retrying.",
  31009: "Cannot reach Twilio: no connection is open; check the internet connection.",
  31208:
    "The microphone is blocked: allow it for this page (the icon in the address bar) and call again.",
  31401:
    "The microphone is blocked: allow it for this page (the icon in the address bar) and call again.",
  31402:
    "The microphone could not be opened: check that one is plugged in and not used by another app, or pick another under Audio.",
  13214:
    "Twilio refused the caller ID: set TWILIO_CALLER_ID to a number you own or have verified on Twilio, and restart c2c.",
  13227:
    "Your Twilio account may not call this country: enable it under Voice → Settings → Geo permissions in the Twilio Console.",
  21210:
    "The caller ID is not verified on your Twilio account: verify it in the Console (Phone Numbers → Verified Caller IDs) or use a Twilio number.",
  21215:
    "Your Twilio account's geographic permissions block this number: enable its country under Voice → Settings → Geo permissions.",
};

/** The codes `c2c doctor` checks for before a call: the message sends the user there. */
export const DOCTOR = new Set([20101, 13214, 13227, 21210, 21215]);

/** The codes that mean Twilio cannot be reached from here (as opposed to refusing something). */
export const UNREACHABLE = new Set([31005, 31009, 53000, 53001]);

/** The codes a fresh access token cures. */
export const TOKEN_EXPIRED = new Set([20104, 31205]);

/** One line for `error` (a TwilioError or anything thrown): the known message, else Twilio's. */
export function explain(error) {
  const code = Number(error?.code);
  if (DOCTOR.has(code)) return `${MESSAGES[code]} Run c2c doctor in a terminal to check the whole account. (error ${code})`;
  if (MESSAGES[code]) return `${MESSAGES[code]} (error ${code})`;
  if (UNREACHABLE.has(code)) return `${MESSAGES[31005]} (error ${code})`;
  if (error?.name === "NotAllowedError") return MESSAGES[31401];
  const detail = error?.description || error?.message || String(error ?? "unknown error");
  return Number.isFinite(code) && code > 0
    ? `Twilio error ${code}: ${detail}. See https://www.twilio.com/docs/api/errors/${code}`
    : `Something went wrong: ${detail}`;
}
