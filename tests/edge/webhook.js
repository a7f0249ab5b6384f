// Twilio's requests to an app, as Twilio sends them: a form POST, through a proxy (Twilio reaches
// c2c through its tunnel, so c2c sees forwarding headers and the public host), signed with
// X-Twilio-Signature: HMAC-SHA1 with the Auth Token over the URL and then each parameter's name
// and value, sorted by name, in base64.
import { createHmac, randomUUID } from "node:crypto";
import http from "node:http";

/** The X-Twilio-Signature of a form POST to `url` with `params` (a plain object). */
export function sign(authToken, url, params) {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, key) => acc + key + params[key], url);
  return createHmac("sha1", authToken).update(data, "utf8").digest("base64");
}

/**
 * POSTs `params` to `url` (public) by way of `local` (where the proxy delivers it); `direct`:
 * straight to `url`, with no proxy between (a TwiML App pointed at c2c's own address). Resolves
 * to { status, body, url } whatever the status; rejects only when nothing answered.
 */
export function post({ url, local, params, authToken, direct = false }) {
  const body = new URLSearchParams(params).toString();
  const target = new URL(url);
  const via = new URL(direct ? url : local);
  const headers = {
    Host: target.host,
    "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
    "Content-Length": Buffer.byteLength(body),
    "User-Agent": "TwilioProxy/1.1",
    Accept: "*/*",
    "Cache-Control": "max-age=259200",
    "I-Twilio-Idempotency-Token": randomUUID(),
    "X-Twilio-Signature": sign(authToken, url, params),
    ...(direct ? {} : { "X-Forwarded-For": "54.172.60.1", "X-Forwarded-Proto": target.protocol.replace(":", "") }),
  };
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: via.hostname, port: via.port, method: "POST", path: target.pathname + target.search, headers },
      (response) => {
        let text = "";
        response.setEncoding("utf8").on("data", (chunk) => (text += chunk));
        response.on("end", () => resolve({ status: response.statusCode, body: text, url }));
      },
    );
    request.setTimeout(15_000, () => request.destroy(new Error(`${url} did not answer in 15 s`)));
    request.on("error", reject);
    request.end(body);
  });
}
