// Injected by `c2c call` into its page before the page's own scripts run
// (Page.addScriptToEvaluateOnNewDocument). The page's microphone becomes what c2c plays, and what
// the page hears goes back to c2c through the c2cAudio binding, 16 kHz mono 16-bit PCM in base64,
// after what the audio clock read as it was handed over and its first sample's number
// ("SECONDS POSITION BASE64"). The page marks its states on the same clock
// (window.c2cAudioClock), so c2c can tell what was heard before the answer (ringback played as
// early media) from what came after it.
(() => {
  // The page places the call as it opens: c2c drives it, which no link can ask for.
  window.c2cAutocall = true;
  const RATE = 16000;
  // An AudioContext that plays to the output device holds one of the 50 output streams Chromium
  // allows a whole browser on Linux: with a suite's many pages, the call audio of the last pages
  // found none left, and was never heard. The page's other AudioContexts (the SDK's) play
  // nothing c2c needs and run without an output device; c2c's own keeps its output, whose clock
  // times what is heard. Two streams a page (this one and the call's audio) leave room for 25.
  const Context = window.AudioContext;
  window.AudioContext = class extends Context {
    constructor(options = {}) {
      super({ ...options, sinkId: { type: "none" } });
    }
  };
  const context = new Context({ sampleRate: RATE });
  const microphone = context.createMediaStreamDestination();
  microphone.channelCount = 1;
  // A microphone with nothing connected sends nothing at all (no RTP, so no DTMF either): keep
  // a silent source playing into it.
  const floor = context.createConstantSource();
  floor.offset.value = 0;
  floor.connect(microphone);
  floor.start();

  const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    if (!constraints?.audio) return original(constraints);
    await context.resume();
    return new MediaStream(microphone.stream.getAudioTracks().map((track) => track.clone()));
  };

  // Plays 16-bit mono PCM (base64) at `rate` into the microphone, from now: the audio clock at its
  // first sample, the clock what the page hears is timed on (c2c measures turns from there).
  window.__c2cPlay = (base64, rate) => {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const samples = new Int16Array(bytes.buffer, 0, bytes.length >> 1);
    const buffer = context.createBuffer(1, Math.max(samples.length, 1), rate);
    const channel = buffer.getChannelData(0);
    for (let i = 0; i < samples.length; i += 1) channel[i] = samples[i] / 32768;
    const source = context.createBufferSource();
    source.buffer = buffer;
    source.connect(microphone);
    const at = context.currentTime;
    source.start(at);
    return at;
  };

  // What the far end sends now is heard later by the receiver's playout (jitter buffer) delay,
  // which WebRTC's statistics measure: kept up to date while audio flows.
  const connections = new Set();
  let playout = 0;
  const seen = new Map();
  setInterval(async () => {
    for (const pc of connections) {
      if (pc.connectionState === "closed") {
        connections.delete(pc);
        continue;
      }
      const stats = await pc.getStats().catch(() => null);
      stats?.forEach((report) => {
        if (report.type !== "inbound-rtp" || report.kind !== "audio") return;
        const before = seen.get(report.id) ?? { delay: 0, emitted: 0 };
        const emitted = report.jitterBufferEmittedCount - before.emitted;
        if (emitted > 0) playout = (report.jitterBufferDelay - before.delay) / emitted;
        seen.set(report.id, { delay: report.jitterBufferDelay, emitted: report.jitterBufferEmittedCount });
      });
    }
  }, 200);

  // A word every two seconds, whatever the call is doing: a page that stops saying anything has a
  // stuck script (an endless loop, a debugger's pause), and c2c gives its call up.
  setInterval(() => window.c2cReport?.(JSON.stringify({ type: "alive" })), 2000);

  // The audio clock at which what the far end sends from now on is captured.
  window.c2cAudioClock = () => context.currentTime + playout;

  const listen = (stream) => {
    const source = context.createMediaStreamSource(stream);
    // ScriptProcessor, not an AudioWorklet: a worklet's module would need a URL the page's
    // policy allows, and 128 ms of latency is nothing here.
    const tap = context.createScriptProcessor(2048, 1, 1);
    // The processor hands over every sample, in order. Each block goes with its first sample's
    // number and what the audio clock read as it was handed over: c2c works out from all of them
    // where sample 0 was captured (a block handed over late, the page busy, says little).
    let counted = 0;
    tap.onaudioprocess = (event) => {
      const input = event.inputBuffer.getChannelData(0);
      const handed = context.currentTime;
      const position = counted;
      counted += input.length;
      const pcm = new Int16Array(input.length);
      for (let i = 0; i < input.length; i += 1) {
        pcm[i] = Math.max(-32768, Math.min(32767, Math.round(input[i] * 32767)));
      }
      const bytes = new Uint8Array(pcm.buffer);
      let text = "";
      for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      window.c2cAudio?.(`${handed.toFixed(6)} ${position} ${btoa(text)}`);
    };
    // A processor runs only when connected onwards; through a muted gain, nothing is played.
    const silent = context.createGain();
    silent.gain.value = 0;
    source.connect(tap);
    tap.connect(silent);
    silent.connect(context.destination);
  };

  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(...args) {
      super(...args);
      connections.add(this);
      this.addEventListener("track", (event) => {
        if (event.track.kind === "audio") listen(event.streams[0] ?? new MediaStream([event.track]));
      });
    }
  };
})();
