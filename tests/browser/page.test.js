// The page in real headless Chromium against the real `c2c serve`: with the real Voice SDK, which
// cannot reach Twilio from here, then through the stand-in voice edge (calls are in
// calls.test.js), then with a hand-written SDK stand-in for the states only Twilio can cause.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";

import { VoiceEdge } from "../edge/index.js";
import { ACCOUNT, launchChromium, openPage, startC2c, text, until } from "./harness.js";

let c2c;
let browser;

before(async () => {
  c2c = await startC2c();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await c2c?.stop();
});

const emit = (page, target, name, ...args) =>
  page.evaluate(([t, n, a]) => window.__twilio[t].emit(n, ...a), [target, name, args]);
/** The Device reports Twilio's error `code`, as the SDK's TwilioError. */
const deviceError = (page, code) =>
  page.evaluate((c) => window.__twilio.device.emit("error", window.__twilio.error(c)), code);

async function readyPage(query = "") {
  const page = await openPage(browser, `${c2c.url}${query}`);
  await page.locator("#device[data-state=ready]").waitFor();
  return page;
}

describe("with the real Voice SDK", () => {
  test("loads, fetches a token, creates the Device and says Twilio cannot be reached", async () => {
    const page = await openPage(browser, c2c.url, { fake: false });
    const token = await page.firstToken;
    assert.equal(token.status(), 200);
    const body = await token.json();
    assert.equal(body.token.split(".").length, 3);
    await page.locator("#device[data-state=unreachable]").waitFor({ timeout: 30_000 });
    assert.match(await text(page, "#message"), /^Cannot reach Twilio: check this computer's internet connection/);
    // The caller ID as people write it (CALLER_ID is +14155550100).
    // Kept on one line: no-break spaces between the groups.
    assert.equal(await text(page, "#identity"), `Signed in as ${body.identity}; calls show +1\u00a0415\u00a0555\u00a00100.`);
    // Out of reach, Call would only sit at "Calling…": it waits until Twilio answers again.
    assert.ok(await page.locator("#call").isDisabled(), "Call is disabled while Twilio is out of reach");
    // The number field is where the cursor is on load; and what the dial policy calls came too.
    assert.equal(await page.evaluate(() => document.activeElement?.id), "number");
    assert.deepEqual(body.allowed, ["US"]);
    await page.locator("#number").pressSequentially("+442079460958");
    assert.equal(await page.locator("#number").inputValue(), "+44 20 7946 0958");
    assert.equal(
      await text(page, "#number-hint"),
      "United Kingdom (+44): c2c's dial policy does not call it (it calls US; add GB with --allow-country)",
    );
    // The event log's lines are whole: no list numbers hanging off the left edge.
    assert.equal(await page.locator("#log").evaluate((log) => getComputedStyle(log).listStyleType), "none");
    const log = await text(page, "#log");
    assert.match(log, /access token for browser-/);
    assert.match(log, /registering with Twilio|no registration yet/);
    assert.equal(await page.evaluate(() => typeof window.Twilio.Device), "function");
    assert.deepEqual(page.errors, []);
    // No CDN: the SDK's sounds come from c2c too, and nothing but Twilio's signalling WebSocket
    // (not a request here) leaves this machine.
    const sounds = () => page.requests.filter((r) => new URL(r.url).pathname.startsWith("/assets/sounds/"));
    await until(() => sounds().length === 15, () => JSON.stringify(page.requests));
    assert.ok(sounds().every((r) => r.status === 200), JSON.stringify(sounds()));
    // And they are sounds the browser can play, of the length scripts/make-sounds gives them.
    const lengths = await page.evaluate(async () => {
      const context = new AudioContext();
      const seconds = {};
      for (const name of ["incoming", "outgoing", "disconnect", "dtmf0", "dtmfh"]) {
        const data = await (await fetch(`/assets/sounds/${name}.wav`)).arrayBuffer();
        seconds[name] = (await context.decodeAudioData(data)).duration;
      }
      return seconds;
    });
    assert.deepEqual(
      Object.fromEntries(Object.entries(lengths).map(([k, v]) => [k, Math.round(v * 100) / 100])),
      { incoming: 3, outgoing: 0.32, disconnect: 0.44, dtmf0: 0.15, dtmfh: 0.15 },
    );
    const outside = page.requests.filter((r) => new URL(r.url).hostname !== "127.0.0.1");
    assert.deepEqual(outside, []);
    await page.close();
  });
});

describe("with the real Voice SDK, through a stand-in for Twilio's voice edge", () => {
  test("registers with c2c's token: the page is ready, and tells c2c so", async () => {
    const edge = new VoiceEdge({ c2c: { local: c2c.url, public: c2c.url }, account: ACCOUNT });
    const page = await openPage(browser, c2c.url, { fake: false, before: (p) => edge.route(p) });
    await page.locator("#device[data-state=ready]").waitFor({ timeout: 15_000 });
    const token = await (await page.firstToken).json();
    const [client] = edge.clients;
    assert.equal(client.identity, token.identity, "the SDK presented c2c's token, and the edge verified it");
    assert.deepEqual(client.frames.slice(0, 2), ["listen", "register"]);
    assert.match(await text(page, "#log"), /registered: calls to this tab ring here/);
    const registered = () => page.requests.filter((r) => new URL(r.url).pathname === "/registered");
    await until(() => registered().some((r) => r.status === 204), () => JSON.stringify(page.requests));
    assert.deepEqual(page.errors, []);
    await page.close();
  });
});

// The rest of the page's behaviour runs with the real SDK in calls.test.js. What stays here needs
// a state the real SDK reaches only through Twilio or hardware this machine does not have; each
// test says which.
describe("with the SDK's stand-in", () => {
  // Each code comes from a misconfigured Twilio account (a refused caller ID, a blocked country,
  // a revoked key...): what is checked is the page's words for every one of them.
  test("each Twilio error code shows the line that says what to do", async () => {
    const page = await readyPage();
    const expected = {
      20101: "Twilio rejected the access token: check TWILIO_ACCOUNT_SID, TWILIO_API_KEY and TWILIO_API_SECRET",
      31000: "Twilio reported an unexpected error",
      31401: "The microphone is blocked: allow it for this page",
      31208: "The microphone is blocked: allow it for this page",
      13214: "Twilio refused the caller ID: set TWILIO_CALLER_ID",
      13227: "Your Twilio account may not call this country",
      21210: "The caller ID is not verified on your Twilio account",
      21215: "Your Twilio account's geographic permissions block this number",
    };
    for (const [code, line] of Object.entries(expected)) {
      await deviceError(page, Number(code));
      const shown = await text(page, "#message");
      assert.ok(shown.startsWith(line), `${code}: ${shown}`);
      assert.ok(shown.endsWith(`(error ${code})`), `${code}: ${shown}`);
    }

    // A call Twilio refuses mid-way: the call's error, then its end.
    await page.locator("#number").fill("+44 20 7946 0958");
    await page.locator("#call").click();
    await page.waitForFunction(() => window.__twilio.call);
    await page.evaluate(() => {
      window.__twilio.call.emit("error", window.__twilio.error(13227));
      window.__twilio.call.emit("disconnect", window.__twilio.call);
    });
    assert.equal(await text(page, "#call-status"), "Call failed.");
    assert.match(await text(page, "#message"), /Geo permissions.*\(error 13227\)$/);

    // The microphone refused when the call starts: connect() rejects.
    await page.evaluate(() => { window.__twilio.connectError = window.__twilio.error(31401); });
    await page.locator("#call").click();
    await page.locator("#message", { hasText: "microphone is blocked" }).waitFor();
    assert.match(await text(page, "#message"), /\(error 31401\)$/);
    assert.equal(await text(page, "#call-status"), "Call failed.");
    assert.ok(await page.locator("#call").isEnabled(), "the next call can start");

    // Lost connection to Twilio while idle: the badge and the message say so; registering clears it.
    await emit(page, "device", "unregistered");
    await deviceError(page, 31005);
    assert.equal(await text(page, "#device"), "Cannot reach Twilio");
    assert.match(await text(page, "#message"), /^Cannot reach Twilio/);
    await emit(page, "device", "registered");
    assert.equal(await text(page, "#device"), "Ready");
    assert.ok(await page.locator("#message").isHidden());
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  // Renewal before expiry runs for real in calls.test.js. 20104 comes only when Twilio is shown
  // a token that has already expired (a laptop waking from sleep), which c2c's page never sends
  // while awake.
  test("tokens are refreshed before they expire, and after 20104 the Device registers again", async () => {
    const page = await readyPage();
    const first = await page.evaluate(() => window.__twilio.device.token);
    const refreshed = page.waitForResponse((r) => new URL(r.url()).pathname === "/token");
    await emit(page, "device", "tokenWillExpire");
    // The renewed token keeps the tab's identity, and with it its place among those that ring.
    const identity = new URL((await refreshed).url()).searchParams.get("identity");
    assert.match(await text(page, "#identity"), new RegExp(`Signed in as ${identity};`));
    await page.waitForFunction(() => window.__twilio.device.tokens.length === 2);
    const second = await page.evaluate(() => window.__twilio.device.token);
    const identityOf = (token) => JSON.parse(Buffer.from(token.split(".")[1], "base64url")).grants.identity;
    assert.equal(identityOf(second), identityOf(first), "a renewed token keeps the identity");
    assert.match(await text(page, "#log"), /access token refreshed/);

    await deviceError(page, 20104);
    await page.waitForFunction(() => window.__twilio.device.tokens.length === 3 && window.__twilio.device.registrations === 2);
    await page.locator("#device[data-state=ready]").waitFor();
    assert.ok(await page.locator("#message").isHidden(), "the expiry message goes once a new token works");
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  // The browser's own offline and online events: a page cannot make Chromium lose its network.
  test("when the network comes back, the Device registers again by itself", async () => {
    const page = await readyPage();
    await page.evaluate(() => {
      window.__twilio.holdRegistration = true;
      window.__twilio.device.emit("unregistered");
      window.__twilio.device.emit("error", window.__twilio.error(31005));
      window.dispatchEvent(new Event("offline"));
    });
    assert.equal(await text(page, "#device"), "Cannot reach Twilio");
    await page.evaluate(() => {
      window.__twilio.holdRegistration = false;
      window.dispatchEvent(new Event("online"));
    });
    await page.locator("#device[data-state=ready]").waitFor();
    assert.equal(await page.evaluate(() => window.__twilio.device.registrations), 2);
    assert.ok(await page.locator("#message").isHidden());
    assert.match(await text(page, "#log"), /network back[\s\S]*network lost/);
    await page.close();
  });

  // Headless Chromium has one fake microphone and cannot choose a speaker: the choice among
  // several devices needs the stand-in's list.
  test("microphone and speaker can be chosen, and the input meter moves", async () => {
    const page = await readyPage();
    await page.locator("#audio summary").click();
    assert.deepEqual(await page.locator("#mic option").allTextContents(), ["Default microphone", "USB headset microphone"]);
    await page.locator("#mic").selectOption("usb-mic");
    await page.waitForFunction(() => window.__twilio.device.audio.inputsSet.includes("usb-mic"));
    await page.locator("#speaker").selectOption("usb-out");
    await page.waitForFunction(() => window.__twilio.device.audio.speakerDevices.sets.some((s) => s.includes("usb-out")));
    await page.evaluate(() => window.__twilio.device.audio.emit("inputVolume", 0.4));
    assert.equal(await page.locator("#input-level").evaluate((m) => m.value), 0.4);
    // A browser that cannot choose the speaker says so instead.
    await page.evaluate(() => {
      window.__twilio.device.audio.isOutputSelectionSupported = false;
      window.__twilio.device.audio.emit("deviceChange");
    });
    assert.ok(await page.locator("#speaker").isDisabled());
    assert.ok(await page.locator("#speaker-note").isVisible());
    await page.close();
  });

});

describe("accessibility", () => {
  // axe-core (Deque's rules for WCAG 2.1 AA and best practice), run in the page at phone size,
  // in both colour schemes the page supports: not one violation.
  const axe = readFileSync(new URL("../../node_modules/axe-core/axe.min.js", import.meta.url), "utf8");
  for (const colorScheme of ["light", "dark"]) {
    test(`the ready page passes axe-core's WCAG 2.1 AA and best-practice rules (${colorScheme})`, async () => {
      const page = await readyPage();
      await page.emulateMedia({ colorScheme });
      await page.locator("#identity").filter({ hasText: "Signed in as" }).waitFor();
      await page.addScriptTag({ content: axe });
      const violations = await page.evaluate(async () => {
        const result = await window.axe.run(document, {
          runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
        });
        return result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => `${n.target.join(" ")} ${n.failureSummary}`).join(", ")}`);
      });
      assert.deepEqual(violations, []);
      await page.context().close();
    });
  }
});
