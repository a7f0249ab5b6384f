import assert from "node:assert/strict";
import { test } from "node:test";

import { describeOutcome } from "../../assets/phone/outcome.js";

test("each way a call can end has its words; an ordinary end has none", () => {
  const peer = "+1 415 555 0123";
  assert.deepEqual(describeOutcome({ outcome: "busy" }, peer), { status: "+1 415 555 0123 is busy.", message: "" });
  assert.deepEqual(describeOutcome({ outcome: "no-answer" }, peer), { status: "No answer from +1 415 555 0123.", message: "" });
  assert.match(describeOutcome({ outcome: "failed" }, peer).message, /call log says why/);
  assert.deepEqual(describeOutcome({ outcome: "refused", message: "c2c did not dial: x." }, peer), {
    status: "Call not placed.",
    message: "c2c did not dial: x.",
  });
  assert.equal(describeOutcome({ outcome: "rejected-webhook", message: "m" }, peer).status, "Call failed.");
  assert.equal(describeOutcome({ outcome: "completed", duration: 4 }, peer), null);
  assert.equal(describeOutcome({ outcome: "canceled" }, peer), null);
  assert.equal(describeOutcome(undefined, peer), null);
});
