// The browser phone: fetches an Access Token from c2c, registers a Twilio.Device with it, and
// places calls through the TwiML App (c2c's /voice webhook).
const status = document.getElementById("status");
const form = document.getElementById("dial");
const number = document.getElementById("number");
const hangup = document.getElementById("hangup");
let device;
let call;

function show(text) {
  status.textContent = text;
}

async function fetchToken() {
  const response = await fetch("/token", { cache: "no-store" });
  if (!response.ok) throw new Error(`c2c refused a token (${response.status}): ${await response.text()}`);
  return response.json();
}

async function start() {
  if (!window.Twilio || !window.Twilio.Device) {
    show("The Twilio Voice SDK did not load.");
    return;
  }
  try {
    const { token, identity } = await fetchToken();
    device = new Twilio.Device(token, { logLevel: "warn" });
    device.on("registered", () => show(`Ready, as ${identity}.`));
    device.on("error", (error) => show(`Error ${error.code ?? ""}: ${error.message}`));
    device.on("tokenWillExpire", async () => device.updateToken((await fetchToken()).token));
    show(`Token for ${identity}; connecting to Twilio…`);
    await device.register();
  } catch (error) {
    show(`Cannot reach Twilio: ${error.message ?? error}`);
  }
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (!device) return;
  call = await device.connect({ params: { To: number.value.trim() } });
  hangup.hidden = false;
  call.on("disconnect", () => { hangup.hidden = true; show("Call ended."); });
  show("Calling…");
});
hangup.addEventListener("click", () => call?.disconnect());

window.addEventListener("DOMContentLoaded", start);
