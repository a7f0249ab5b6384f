// A stand-in for Twilio's voice edge, speaking the signalling of the Voice SDK that c2c vendors
// (2.18.5: its lib/twilio/pstream.ts; ../shared/notes/voice-sdk-signalling.md summarises it).
// Reached through Playwright's routeWebSocket, so no TLS server is needed: the page's SDK opens
// wss://voice-js.*.twilio.com/signal and this answers it.
//
// So far it plays registration (listen -> connected, register -> ready or offline) and keeps
// the socket alive as Twilio does (a "\n" frame every few seconds; the SDK echoes it and drops a
// socket that stays silent for 15 s). Calls come next (issue: real calls with the real SDK).

const VERSION = "1.6";

/** The claims of an Access Token, as Twilio reads them. */
function claims(token) {
  const part = String(token).split(".")[1] ?? "";
  return JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
}

/**
 * Answers `page`'s signalling socket. Returns what was seen: `frames` (the types the SDK sent,
 * in order) and `identity` (the one its token named).
 */
export async function attachEdge(page) {
  const edge = { frames: [], identity: null };
  await page.routeWebSocket(/twilio\.com\/signal$/, (socket) => {
    const send = (type, payload) => socket.send(JSON.stringify({ type, version: VERSION, payload }));
    const heartbeat = setInterval(() => socket.send("\n"), 5_000);
    // Not a reason for the test process to stay: a page that closes may never say so.
    heartbeat.unref();
    socket.onClose(() => clearInterval(heartbeat));
    socket.onMessage((raw) => {
      if (raw === "\n") return;
      const { type, payload } = JSON.parse(raw);
      edge.frames.push(type);
      switch (type) {
        case "listen": {
          const token = claims(payload.token);
          edge.identity = token.grants?.identity ?? null;
          send("connected", {
            token: { identity: edge.identity, ttl: token.exp - token.nbf },
            region: "gll",
            edge: "roaming",
            home: "us1",
          });
          break;
        }
        case "register":
          send(payload?.media?.audio ? "ready" : "offline", {});
          break;
        default:
          break;
      }
    });
  });
  return edge;
}
