// A stand-in for the Twilio Voice SDK's browser bundle, served in its place by the browser tests
// whose states the real SDK reaches only through Twilio or hardware (page.test.js says which).
// It has the SDK's shape as the page uses it (Twilio.Device, Call, AudioHelper) and emits the SDK's
// documented events only when the test says so, through window.__twilio:
//   __twilio.devices / .calls     every Device and Call made
//   __twilio.device / .call       the latest of each
//   __twilio.holdRegistration     true: register() stays pending until the test emits "registered"
//   __twilio.connectError         set: the next connect() rejects with it
(() => {
  class Emitter {
    constructor() { this.handlers = {}; }
    on(name, handler) { (this.handlers[name] ??= []).push(handler); return this; }
    emit(name, ...args) { for (const handler of this.handlers[name] ?? []) handler(...args); }
  }

  const control = { devices: [], calls: [], holdRegistration: false, connectError: undefined };
  window.__twilio = control;

  const media = (kind, id, label) => ({ kind, deviceId: id, label, groupId: "g" });

  class Speakers {
    constructor() { this.ids = new Set(["default"]); this.sets = []; }
    get() { return new Set([...this.ids].map((id) => media("audiooutput", id, id))); }
    set(ids) { this.ids = new Set([ids].flat()); this.sets.push([ids].flat()); return Promise.resolve(); }
  }

  class AudioHelper extends Emitter {
    constructor() {
      super();
      this.availableInputDevices = new Map([
        ["default", media("audioinput", "default", "Default microphone")],
        ["usb-mic", media("audioinput", "usb-mic", "USB headset microphone")],
      ]);
      this.availableOutputDevices = new Map([
        ["default", media("audiooutput", "default", "Default speaker")],
        ["usb-out", media("audiooutput", "usb-out", "USB headset")],
      ]);
      this.isOutputSelectionSupported = true;
      this.speakerDevices = new Speakers();
      this.inputDevice = this.availableInputDevices.get("default");
      this.inputsSet = [];
    }
    setInputDevice(id) {
      this.inputDevice = this.availableInputDevices.get(id);
      this.inputsSet.push(id);
      return Promise.resolve();
    }
  }

  class Call extends Emitter {
    constructor(parameters, customParameters) {
      super();
      this.parameters = parameters;
      this.customParameters = customParameters;
      this.muted = false;
      this.state = "pending";
      control.calls.push(this);
      control.call = this;
    }
    mute(muted = true) { this.muted = muted; this.emit("mute", muted, this); }
    isMuted() { return this.muted; }
    sendDigits() {}
    accept() { this.state = "open"; this.emit("accept", this); }
    reject() { this.state = "closed"; this.emit("reject"); }
    disconnect() { this.state = "closed"; this.emit("disconnect", this); }
    status() { return this.state; }
  }

  class Device extends Emitter {
    constructor(token, options) {
      super();
      this.token = token;
      this.options = options;
      this.tokens = [token];
      this.registrations = 0;
      this.audio = new AudioHelper();
      this.state = "unregistered";
      control.devices.push(this);
      control.device = this;
    }
    register() {
      this.registrations += 1;
      this.emit("registering");
      if (control.holdRegistration) return new Promise(() => {});
      return Promise.resolve().then(() => {
        this.state = "registered";
        this.emit("registered");
      });
    }
    updateToken(token) { this.token = token; this.tokens.push(token); }
    connect({ params } = {}) {
      if (control.connectError) {
        const error = control.connectError;
        control.connectError = undefined;
        return Promise.reject(error);
      }
      return Promise.resolve(new Call({}, new Map(Object.entries(params ?? {}))));
    }
  }

  // The SDK's TwilioError carries code, name, description and message ("Name (code): ...").
  control.error = (code, description = "test error") =>
    Object.assign(new Error(`TestError (${code}): ${description}`), { code, description, name: "TestError" });

  window.Twilio = { Device, Call };
})();
