// Does to one tab of a running Chromium what a real fault would: crashes its renderer or
// freezes its script. The tests start c2c's Chromium with --remote-debugging-port so that this
// second DevTools client can reach the tab whose address holds MATCH (c2c's own client is its
// pipe, untouched).
//
//   node tests/edge/devtools.js crash PORT MATCH
//   node tests/edge/devtools.js freeze PORT MATCH   (for good: its script loops for ever)
import WebSocket from "ws";

const [how, port, match] = process.argv.slice(2);

const deadline = Date.now() + 20_000;
let tab;
while (!tab) {
  const list = await fetch(`http://127.0.0.1:${port}/json/list`).then((r) => r.json()).catch(() => []);
  tab = list.find((t) => t.type === "page" && t.url.includes(match));
  if (!tab) {
    if (Date.now() > deadline) {
      console.error(`no tab at an address holding ${match}: ${list.map((t) => t.url).join(", ")}`);
      process.exit(1);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const socket = new WebSocket(tab.webSocketDebuggerUrl);
let id = 0;
const send = (method, params = {}) => socket.send(JSON.stringify({ id: ++id, method, params }));
socket.on("open", () => {
  if (how === "crash") {
    send("Page.crash");
    // The renderer is gone before any answer comes; the socket closes with it.
    setTimeout(() => process.exit(0), 500);
  } else if (how === "freeze") {
    // A script that never returns: the page's main thread is stuck, as a page starved of CPU or
    // caught in an endless loop is. (Pausing it through the debugger from this second client
    // landed seconds late, or not at all, on a busy machine.)
    send("Runtime.evaluate", { expression: "for (;;) {}" });
    console.log("frozen");
  } else {
    console.error(`crash or freeze, not ${how}`);
    process.exit(2);
  }
});
socket.on("error", (err) => {
  console.error(`DevTools: ${err.message}`);
  process.exit(1);
});
