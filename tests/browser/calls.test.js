// Real calls: c2c's page with the real Voice SDK in real Chromium, through a stand-in for
// Twilio's voice edge (tests/edge) that sends c2c's webhooks as Twilio does and puts a real
// WebRTC peer at the far end. What is asserted is what a person would notice: the words on the
// page, the tone each side hears, the digits that arrived.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";

import { VoiceEdge } from "../edge/index.js";
import { level, loudest, Peer, toneWav } from "../edge/media.js";
import { keepRemoteAudio, pageHears } from "../edge/page-audio.js";
import {
  ACCOUNT,
  CALLER_ID,
  launchChromium,
  openPage,
  screenshotPath,
  sleep,
  startC2c,
  text,
  until,
} from "./harness.js";

// What Twilio knows c2c by: webhooks are signed over this address.
const PUBLIC = "https://c2c-calls.example/";
const MICROPHONE_HZ = 440;
const CALLEE_HZ = 1000;
const CALLER_HZ = 700;
const NUMBER = "+14155550123";
const SHOWN = "+1 415 555 0123";

let c2c;
let browser;

before(async () => {
  const microphone = screenshotPath("microphone-440hz.wav");
  writeFileSync(microphone, toneWav(MICROPHONE_HZ));
  c2c = await startC2c({ args: ["--public-url", PUBLIC], env: { TWILIO_AUTH_TOKEN: ACCOUNT.authToken } });
  browser = await launchChromium({ microphone });
});

after(async () => {
  await Peer.closeAll();
  await browser?.close();
  await c2c?.stop();
});


/**
 * A fresh edge and a page registered through it, closed when test `t` ends; the page's call
 * statuses are kept in order.
 */
async function phonePage(t, edge = newEdge(), url = c2c.url) {
  const page = await openPage(browser, url, {
    fake: false,
    before: async (p) => {
      await edge.route(p);
      await keepRemoteAudio(p);
      await p.addInitScript(() => {
        window.__statuses = [];
        new MutationObserver(() => {
          const now = document.querySelector("#call-status")?.textContent;
          if (now && window.__statuses.at(-1) !== now) window.__statuses.push(now);
        }).observe(document, { subtree: true, childList: true, characterData: true });
      });
    },
  });
  t.after(async () => {
    await page.close();
    edge.close();
  });
  await page.locator("#device[data-state=ready]").waitFor({ timeout: 15_000 });
  page.identity = (await text(page, "#identity")).match(/Signed in as (\S+);/)[1];
  return { page, edge };
}

function newEdge() {
  return new VoiceEdge({ c2c: { local: c2c.url, public: PUBLIC }, account: ACCOUNT });
}

/** Types `number` and presses Enter; resolves to the call the edge saw. */
async function dial(page, edge, number) {
  const placed = edge.nextCall();
  await page.locator("#number").fill(number);
  await page.keyboard.press("Enter");
  return placed;
}

/** What the far end heard in the last `ms`: the louder of the two test tones, and the level. */
function farHears(call, ms = 1000) {
  const samples = call.media.heardBetween(Date.now() - ms);
  return { ...loudest(samples, [MICROPHONE_HZ, CALLEE_HZ]), level: level(samples) };
}

describe("real calls through a stand-in Twilio edge", () => {
  test("outgoing: connecting, ringing, in call, ended; each side hears the other's tone", async (t) => {
    const { page, edge } = await phonePage(t);
    edge.phone(NUMBER, { after: 800, tone: CALLEE_HZ });
    assert.equal(await text(page, "#call-status"), "Ready to call.");
    // Typed as a person types it: formatted as it goes, with the country named.
    await page.locator("#number").pressSequentially("4155550123");
    assert.equal(await page.locator("#number").inputValue(), "(415) 555-0123");
    assert.equal(await text(page, "#number-hint"), "United States (+1)");
    const placed = edge.nextCall();
    await page.keyboard.press("Enter");
    const call = await placed;
    assert.ok(await page.locator("#number").isDisabled());
    await page.locator("#call-status", { hasText: `In call with ${SHOWN}` }).waitFor();
    await page.locator("#timer", { hasText: "0:01" }).waitFor({ timeout: 3_000 });
    await sleep(500);
    // The meters follow the real audio: the microphone's tone, the callee's.
    assert.ok(await page.locator("#input-level").evaluate((m) => m.value) > 0, "the input meter moves");
    assert.ok(await page.locator("#output-level").evaluate((m) => m.value) > 0, "the output meter moves");
    await page.screenshot({ path: screenshotPath("in-call.png"), fullPage: true });

    const far = farHears(call);
    assert.equal(far.frequency, MICROPHONE_HZ, `the callee hears the page's microphone: ${JSON.stringify(far)}`);
    assert.ok(far.level > 0.005, `and loud enough: ${JSON.stringify(far)}`);
    const near = await pageHears(page);
    assert.ok(Math.abs(near.frequency - CALLEE_HZ) < 15, `the page hears the callee: ${JSON.stringify(near)}`);

    await page.locator("#hangup").click();
    assert.equal(await call.ended.promise, "completed");
    assert.equal(await text(page, "#call-status"), "Call ended.");
    assert.ok(await page.locator("#call").isVisible(), "ready for the next call");
    assert.deepEqual(page.errors, []);
    assert.deepEqual(await page.evaluate(() => window.__statuses), [
      "Ready to call.",
      `Calling ${SHOWN}…`,
      `Ringing ${SHOWN}…`,
      `In call with ${SHOWN}`,
      "Call ended.",
    ]);
    // The webhook c2c answered, as Twilio sent it.
    const [voice] = call.webhooks;
    assert.equal(voice.status, 200);
    assert.equal(voice.url, `${PUBLIC}voice`);
    assert.equal(voice.params.From, `client:${page.identity}`);
    assert.equal(voice.params.To, NUMBER);
    assert.equal(voice.params.ApplicationSid, ACCOUNT.appSid);
    assert.match(voice.body, new RegExp(`<Number>\\${NUMBER}</Number>`));
    assert.deepEqual(call.dials.map((d) => [d.to, d.status]), [[NUMBER, "completed"]]);
  });

  test("digits from the keypad and the keyboard reach the callee as RFC 4733 events, in order", async (t) => {
    const { page, edge } = await phonePage(t);
    const call = await dial(page, edge, NUMBER);
    await page.locator("#call-status", { hasText: "In call with" }).waitFor();
    const answered = Date.now();
    // As a person does: keys are pressed once the other side is heard (a digit sent before the
    // media path is up is lost, with Twilio too).
    await until(() => call.media.heard.length > 0, () => "no audio reached the callee");
    await page.locator("#keypad button[data-digit='1']").click();
    await page.keyboard.press("2");
    await page.keyboard.press("3");
    await page.locator("#keypad button[data-digit='#']").click();
    await until(() => call.media.digits.length === 4, () => `the callee got ${JSON.stringify(call.media.digits)}`);
    assert.equal(call.media.digits, "123#");
    assert.equal(await text(page, "#digits"), "123#");
    assert.ok(call.media.digitTimes.every((t) => t >= answered), "every digit came after the answer");
    await page.locator("#hangup").click();
    await call.ended.promise;
  });

  test("mute silences what the callee hears; unmute brings the voice back", async (t) => {
    const { page, edge } = await phonePage(t);
    const call = await dial(page, edge, NUMBER);
    await page.locator("#call-status", { hasText: "In call with" }).waitFor();
    await sleep(1200);
    const before = farHears(call, 800);
    assert.equal(before.frequency, MICROPHONE_HZ, JSON.stringify(before));

    await page.locator("#mute").click();
    assert.equal(await page.locator("#mute").getAttribute("aria-pressed"), "true");
    await sleep(1200);
    const muted = farHears(call, 800);
    assert.ok(muted.level < before.level / 20, `muted, the callee hears (near) silence: ${JSON.stringify({ before, muted })}`);

    await page.locator("#mute").click();
    await sleep(1200);
    const unmuted = farHears(call, 800);
    assert.equal(unmuted.frequency, MICROPHONE_HZ, JSON.stringify(unmuted));
    // Chromium's gain control takes a moment to settle again, so not the same level at once.
    assert.ok(unmuted.level > before.level / 5, JSON.stringify({ before, unmuted }));
    await page.locator("#hangup").click();
    await call.ended.promise;
  });

  test("the callee hanging up ends the call on the page, and Twilio's dial status says so", async (t) => {
    const { page, edge } = await phonePage(t);
    const call = await dial(page, edge, NUMBER);
    await page.locator("#call-status", { hasText: "In call with" }).waitFor();
    await sleep(1200);
    call.hangUp();
    await page.locator("#call-status", { hasText: "Call ended." }).waitFor();
    assert.equal(await call.ended.promise, "completed");
    assert.ok(await page.locator("#call").isVisible(), "ready for the next call");
    const action = call.webhooks.find((w) => w.url.endsWith("/dial-status"));
    assert.equal(action?.status, 200, JSON.stringify(call.webhooks));
    assert.equal(action.params.DialCallStatus, "completed");
    assert.ok(Number(action.params.DialCallDuration) >= 1, JSON.stringify(action.params));
    assert.match(action.body, /<Hangup\/>/);
  });

  test("a busy line, no answer and a failed call each end with the page saying which", async (t) => {
    const { page, edge } = await phonePage(t);
    const cases = [
      ["+14155550124", { answer: "busy", after: 300 }, "+1 415 555 0124 is busy."],
      ["+14155550125", { answer: "no-answer" }, "No answer from +1 415 555 0125."],
      ["+14155550126", { answer: "failed" }, "The call to +1 415 555 0126 could not be connected."],
    ];
    for (const [number, behaviour, words] of cases) {
      edge.phone(number, behaviour);
      const call = await dial(page, edge, number);
      await page.locator("#call-status", { hasText: words }).waitFor();
      assert.equal(call.dials[0].status, behaviour.answer);
      assert.equal(call.webhooks.at(-1).params.DialCallStatus, behaviour.answer);
    }
    assert.match(await text(page, "#message"), /call log says why/);
  });

  test("incoming: the banner rings, Accept connects both ways, and Reject ends it for the caller", async (t) => {
    const { page, edge } = await phonePage(t);
    await until(() => page.requests.some((r) => new URL(r.url).pathname === "/registered" && r.status === 204), () => JSON.stringify(page.requests));

    const call = edge.ring({ from: "+14155550199", to: CALLER_ID, tone: CALLER_HZ });
    await page.locator("#incoming").waitFor();
    assert.equal(await text(page, "#incoming-from"), "+14155550199");
    assert.match(call.webhooks[0].body, new RegExp(`<Client>${page.identity}</Client>`));
    await page.locator("#accept").click();
    await page.locator("#call-status", { hasText: "In call with +14155550199" }).waitFor();
    await sleep(1500);
    const near = await pageHears(page);
    assert.ok(Math.abs(near.frequency - CALLER_HZ) < 15, `the page hears the caller: ${JSON.stringify(near)}`);
    const far = call.media.heardBetween(Date.now() - 1000);
    assert.equal(loudest(far, [MICROPHONE_HZ, CALLER_HZ]).frequency, MICROPHONE_HZ, "the caller hears the page");
    call.hangUp();
    await page.locator("#call-status", { hasText: "Call ended." }).waitFor();
    await call.ended.promise;
    assert.equal(call.dials[0].status, "completed");

    const second = edge.ring({ from: "+14155550198", to: CALLER_ID });
    await page.locator("#incoming").waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.id), "accept", "focus goes to Accept");
    await page.locator("#reject").click();
    assert.equal(await text(page, "#call-status"), "Call rejected.");
    await second.ended.promise;
    assert.equal(second.dials[0].status, "busy", "the caller hears the call refused");

    // A caller who gives up before the answer: Twilio withdraws the invite.
    const third = edge.ring({ from: "+14155550197", to: CALLER_ID });
    await page.locator("#incoming").waitFor();
    third.hangUp();
    await page.locator("#call-status", { hasText: "Missed call: the caller hung up." }).waitFor();
    assert.ok(await page.locator("#incoming").isHidden());
    assert.equal(await third.ended.promise, "completed");
    assert.equal(third.dials[0].status, "canceled");
    assert.deepEqual(page.errors, []);
  });

  test("a number the dial policy refuses: the page says why and how to allow it", async (t) => {
    const { page, edge } = await phonePage(t);
    const call = await dial(page, edge, "+442079460000");
    await page.locator("#call-status", { hasText: "Call not placed." }).waitFor();
    assert.equal(
      await text(page, "#message"),
      "c2c did not dial: +442079460000 is in GB, which the dial policy does not allow (add it with --allow-country).",
    );
    assert.deepEqual(call.dials, [], "nothing was dialled");
    assert.match(call.said[0], /not allowed to call that country/);
  });

  test("a webhook whose signature does not match: nothing is dialled and the page names the Auth Token", async (t) => {
    const edge = new VoiceEdge({ c2c: { local: c2c.url, public: PUBLIC }, account: { ...ACCOUNT, authToken: "another-accounts-token" } });
    const { page } = await phonePage(t, edge);
    const call = await dial(page, edge, NUMBER);
    await page.locator("#call-status", { hasText: "Call failed." }).waitFor();
    assert.match(await text(page, "#message"), /signature does not match c2c's Auth Token\. Set TWILIO_AUTH_TOKEN/);
    assert.equal(call.webhooks[0].status, 403);
    assert.equal(call.error.code, 11200, "Twilio's debugger would show an HTTP retrieval failure");
    assert.deepEqual(call.dials, []);
  });

  test("a token Twilio cannot verify: the page names the settings to check and c2c doctor", async (t) => {
    // An API Secret that is not the key's: Twilio's edge refuses the token at once.
    const edge = new VoiceEdge({ c2c: { local: c2c.url, public: PUBLIC }, account: { ...ACCOUNT, apiSecret: "not-the-keys-secret" } });
    const page = await openPage(browser, c2c.url, { fake: false, before: (p) => edge.route(p) });
    t.after(() => page.close());
    await page.locator("#message", { hasText: "Twilio rejected the access token" }).waitFor({ timeout: 15_000 });
    assert.match(
      await text(page, "#message"),
      /check TWILIO_ACCOUNT_SID, TWILIO_API_KEY and TWILIO_API_SECRET .* Run c2c doctor .*\(error 20101\)$/,
    );
    assert.notEqual(await page.locator("#device").getAttribute("data-state"), "ready");
  });

  test("browser to browser: <Dial><Client> rings the other page, and each hears the other", async (t) => {
    const edge = newEdge();
    const { page: caller } = await phonePage(t, edge);
    const { page: callee } = await phonePage(t, edge);
    const call = await dial(caller, edge, `client:${callee.identity}`);
    await callee.locator("#incoming").waitFor();
    assert.equal(await text(callee, "#incoming-from"), `client:${caller.identity}`);
    await callee.locator("#accept").click();
    await caller.locator("#call-status", { hasText: `In call with ${callee.identity}` }).waitFor();
    await sleep(1500);
    // Both pages' microphones play the test tone; once bridged the edge plays nothing of its
    // own, so a page hearing it hears the other page.
    for (const page of [caller, callee]) {
      const heard = await pageHears(page);
      assert.ok(Math.abs(heard.frequency - MICROPHONE_HZ) < 15, JSON.stringify(heard));
    }
    await callee.locator("#hangup").click();
    await caller.locator("#call-status", { hasText: "Call ended." }).waitFor();
    await call.ended.promise;
    assert.deepEqual(call.dials.map((d) => [d.to, d.status]), [[`client:${callee.identity}`, "completed"]]);
  });

  test("/?to=…&autocall=KEY places the call on load", async (t) => {
    const edge = newEdge();
    const placed = edge.nextCall();
    const { page } = await phonePage(t, edge, `${c2c.url}?to=%2B14155550123&autocall=${c2c.autocallKey}`);
    const call = await placed;
    assert.equal(call.params.To, NUMBER);
    assert.equal(await page.locator("#number").inputValue(), SHOWN);
    await page.locator("#call-status", { hasText: `In call with ${SHOWN}` }).waitFor();
    await page.locator("#hangup").click();
    await call.ended.promise;
  });

  test("a malformed number is explained and nothing is dialled", async (t) => {
    const { page, edge } = await phonePage(t);
    await page.locator("#number").fill("+1 800 FLOWERS");
    assert.match(await text(page, "#number-hint"), /digits only/);
    await page.locator("#call").click();
    assert.match(await text(page, "#message"), /digits only/);
    await page.locator("#number").fill("");
    await page.locator("#call").click();
    assert.match(await text(page, "#message"), /^Type a number to call/);
    await sleep(500);
    assert.deepEqual(edge.calls, [], "no invite reached Twilio");
  });

  test("works from the keyboard alone, and fits a phone's screen", async (t) => {
    const { page, edge } = await phonePage(t);
    // The number field has the cursor as the page opens: typing goes there at once.
    assert.equal(await page.evaluate(() => document.activeElement.id), "number", "the number comes first");
    const placed = edge.nextCall();
    await page.keyboard.type(NUMBER);
    await page.keyboard.press("Enter");
    const call = await placed;
    assert.equal(await page.evaluate(() => document.activeElement.id), "hangup");
    await page.locator("#call-status", { hasText: "In call with" }).waitFor();
    await page.keyboard.press("Escape");
    await page.locator("#call-status", { hasText: "Call ended." }).waitFor();
    assert.equal(await call.ended.promise, "completed");

    for (const id of ["number", "mic", "speaker", "input-level", "output-level"]) {
      assert.equal(await page.locator(`label[for=${id}]`).count(), 1, `#${id} has a label`);
    }
    assert.equal(await page.locator("#call-status").getAttribute("aria-live"), "polite");
    assert.equal(await page.locator("#message").getAttribute("role"), "alert");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than a phone`);
  });
});

describe("with tokens that live 20 seconds", () => {
  let shortLived;
  before(async () => {
    shortLived = await startC2c({
      args: ["--public-url", PUBLIC, "--token-ttl", "20s"],
      env: { TWILIO_AUTH_TOKEN: ACCOUNT.authToken },
    });
  });
  after(() => shortLived?.stop());

  test("the Device stays registered past its first token and still takes a call", async (t) => {
    const edge = new VoiceEdge({ c2c: { local: shortLived.url, public: PUBLIC }, account: ACCOUNT });
    const { page } = await phonePage(t, edge, shortLived.url);
    const first = await (await page.firstToken).json();
    const expires = Date.parse(first.expires_at);
    assert.ok(expires - Date.now() <= 20_000, `a 20-second token: ${first.expires_at}`);
    await sleep(expires - Date.now() + 1500);
    const [client] = edge.clients;
    assert.ok(client.frames.filter((f) => f === "listen").length >= 2, `the page renewed its token: ${client.frames}`);
    assert.ok(client.expires * 1000 > Date.now(), "the edge holds a live token for it");
    assert.equal(await page.locator("#device").getAttribute("data-state"), "ready");

    const call = edge.ring({ from: "+14155550197", to: CALLER_ID });
    await page.locator("#incoming").waitFor();
    await page.locator("#accept").click();
    await page.locator("#call-status", { hasText: "In call with +14155550197" }).waitFor();
    call.hangUp();
    await page.locator("#call-status", { hasText: "Call ended." }).waitFor();
    assert.deepEqual(page.errors, []);
  });
});
