// Runs the real `c2c serve` on port 0 and Debian's Chromium (never a downloaded browser), for the
// page's end-to-end tests.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { chromium } from "playwright-core";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const OUTPUT = path.join(ROOT, "tests/browser/output");
export const CALLER_ID = "+14155550100";
const C2C = process.env.C2C_BIN ?? path.join(ROOT, "target/debug/c2c");
const CHROMIUM = process.env.C2C_CHROMIUM ?? "/usr/bin/chromium";
const FAKE_SDK = readFileSync(path.join(ROOT, "tests/browser/fake-twilio.js"), "utf8");

/** The account the tests' c2c runs with (and a stand-in Twilio edge checks tokens against). */
export const ACCOUNT = {
  accountSid: "AC0123456789abcdef0123456789abcdef",
  apiKey: "SK0123456789abcdef0123456789abcdef",
  apiSecret: "browser-test-secret",
  appSid: "AP0123456789abcdef0123456789abcdef",
  authToken: "browser-test-auth-token",
};

/**
 * Starts c2c serve on a free port, with `args` and `env` added; resolves to { url, log(), stop() }.
 */
export function startC2c({ args = [], env = {} } = {}) {
  const home = mkdtempSync(path.join(tmpdir(), "c2c-browser-"));
  const child = spawn(C2C, ["serve", "--port", "0", ...args], {
    cwd: home,
    env: {
      PATH: process.env.PATH,
      HOME: home,
      XDG_CONFIG_HOME: home,
      TWILIO_ACCOUNT_SID: ACCOUNT.accountSid,
      TWILIO_API_KEY: ACCOUNT.apiKey,
      TWILIO_API_SECRET: ACCOUNT.apiSecret,
      TWILIO_TWIML_APP_SID: ACCOUNT.appSid,
      TWILIO_CALLER_ID: CALLER_ID,
      ...env,
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`c2c serve did not start:\n${log}`)), 20_000);
    child.on("exit", (code) => reject(new Error(`c2c serve exited ${code}:\n${log}`)));
    child.stderr.setEncoding("utf8").on("data", (chunk) => {
      log += chunk;
      const found = log.match(/listening on (http:\/\/127\.0\.0\.1:\d+\/)/);
      const key = log.match(/&autocall=([a-z0-9]+)/);
      if (found && key) {
        clearTimeout(timer);
        resolve({
          url: found[1],
          autocallKey: key[1],
          log: () => log,
          stop: () => new Promise((done) => { child.once("exit", done); child.kill("SIGTERM"); }),
        });
      }
    });
  });
}

/**
 * Debian's Chromium, headless, with a fresh profile and fake microphone and camera; the
 * microphone plays `microphone` (a WAV file) when given, and the page may play audio unprompted.
 */
export function launchChromium({ microphone } = {}) {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
      "--autoplay-policy=no-user-gesture-required",
      ...(microphone ? [`--use-file-for-fake-audio-capture=${microphone}`] : []),
    ],
  });
}

/**
 * A phone-sized page on `url`. With `fake: true` the SDK bundle is answered with the stand-in.
 * Uncaught errors are collected in page.errors, requests in page.requests ({ url, status or
 * failed }); page.firstToken is the /token response. `before(page)` runs before it loads.
 */
export async function openPage(browser, url, { fake = true, viewport = { width: 390, height: 844 }, before } = {}) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.errors = [];
  page.requests = [];
  // A request can finish just as its page closes at the end of a test: its response is then
  // gone, and asking for it must not become an unhandled rejection that fails the whole file.
  page.on("requestfinished", async (request) => {
    const response = await request.response().catch(() => null);
    page.requests.push({ url: request.url(), status: response?.status() });
  });
  page.on("requestfailed", (request) => page.requests.push({ url: request.url(), failed: request.failure()?.errorText }));
  page.on("pageerror", (error) => page.errors.push(`uncaught: ${error.message}`));
  if (fake) {
    await page.route("**/assets/vendor/twilio-voice-*.js", (route) =>
      route.fulfill({ contentType: "text/javascript", body: FAKE_SDK }));
  }
  // Whatever must be in place before the page loads (a stand-in edge's socket route, say).
  if (before) await before(page);
  // Listened for before loading: the page may fetch its token before goto() returns.
  page.firstToken = page.waitForResponse((r) => new URL(r.url()).pathname === "/token");
  page.firstToken.catch(() => {});
  await page.goto(url);
  return page;
}

export function screenshotPath(name) {
  mkdirSync(OUTPUT, { recursive: true });
  return path.join(OUTPUT, name);
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The text of the first element `selector` finds. */
export const text = (page, selector) => page.locator(selector).textContent();

/** Polls `done` for up to ten seconds; `why` says what was seen if it never comes true. */
export async function until(done, why) {
  const deadline = Date.now() + 10_000;
  while (!done()) {
    assert.ok(Date.now() < deadline, `timed out: ${why()}`);
    await sleep(50);
  }
}
