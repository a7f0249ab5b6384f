// Real calls: c2c's page with the real Voice SDK in real Chromium, through a stand-in for
// Twilio's voice edge (tests/edge) that sends c2c's webhooks as Twilio does and puts a real
// WebRTC peer at the far end. What is asserted is what a person would notice: the words on the
// page, the tone each side hears, the digits that arrived.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";

import { VoiceEdge } from "../edge/index.js";
import { level, loudest, toneWav } from "../edge/media.js";
import { keepRemoteAudio, pageHears } from "../edge/page-audio.js";
import { ACCOUNT, CALLER_ID, launchChromium, openPage, screenshotPath, startC2c } from "./harness.js";

// What Twilio knows c2c by: webhooks are signed over this address.
const PUBLIC = "https://c2c-calls.example/";
const MICROPHONE_HZ = 440;
const CALLEE_HZ = 1000;
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
  await browser?.close();
  await c2c?.stop();
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const text = (page, selector) => page.locator(selector).textContent();

/** A fresh edge and a page registered through it; the page's call statuses are kept in order. */
async function phonePage(edge = newEdge()) {
  const page = await openPage(browser, c2c.url, {
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
  test("outgoing: connecting, ringing, in call, ended; each side hears the other's tone", async () => {
    const { page, edge } = await phonePage();
    edge.phone(NUMBER, { after: 800, tone: CALLEE_HZ });
    const call = await dial(page, edge, NUMBER);
    await page.locator("#call-status", { hasText: `In call with ${SHOWN}` }).waitFor();
    await sleep(1500);

    const far = farHears(call);
    assert.equal(far.frequency, MICROPHONE_HZ, `the callee hears the page's microphone: ${JSON.stringify(far)}`);
    assert.ok(far.level > 0.005, `and loud enough: ${JSON.stringify(far)}`);
    const near = await pageHears(page);
    assert.ok(Math.abs(near.frequency - CALLEE_HZ) < 15, `the page hears the callee: ${JSON.stringify(near)}`);

    await page.locator("#hangup").click();
    assert.equal(await call.ended.promise, "completed");
    assert.equal(await text(page, "#call-status"), "Call ended.");
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
    await page.close();
  });
});
