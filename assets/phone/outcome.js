// How a call ended, in words, from what c2c learnt (GET /calls/CA…): the SDK only sees its own
// call end, while c2c hears why from Twilio (the dial's status) or decided it (a refused number).

/**
 * The status line and message for `outcome` ({ outcome, message?, duration? } from c2c) of a
 * call with `peer` (the number or name as the page shows it); null when "Call ended." says it all.
 */
export function describeOutcome(outcome, peer) {
  switch (outcome?.outcome) {
    case "refused":
      return { status: "Call not placed.", message: outcome.message ?? "" };
    case "rejected-webhook":
      return { status: "Call failed.", message: outcome.message ?? "" };
    case "busy":
      return { status: `${peer} is busy.`, message: "" };
    case "no-answer":
      return { status: `No answer from ${peer}.`, message: "" };
    case "failed":
      return {
        status: `The call to ${peer} could not be connected.`,
        message:
          "Twilio could not connect it: the Twilio Console's call log says why (Monitor → Logs → Calls); c2c doctor checks the account.",
      };
    default:
      return null;
  }
}
