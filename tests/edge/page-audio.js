// What a page hears: the remote audio of its calls, measured in the page with Web Audio.

/** Before the page loads: keep each remote stream its peer connections receive. */
export async function keepRemoteAudio(page) {
  await page.addInitScript(() => {
    const Native = window.RTCPeerConnection;
    window.__remoteStreams = [];
    window.RTCPeerConnection = class extends Native {
      constructor(...args) {
        super(...args);
        this.addEventListener("track", (e) => window.__remoteStreams.push(e.streams[0] ?? new MediaStream([e.track])));
      }
    };
  });
}

/**
 * Listens to the page's latest remote stream for `ms`: resolves to { frequency, level }, the
 * loudest frequency (Hz) and the RMS level (fraction of full scale).
 */
export function pageHears(page, ms = 500) {
  return page.evaluate(async (ms) => {
    const stream = window.__remoteStreams.at(-1);
    if (!stream) return { frequency: 0, level: 0 };
    const context = new AudioContext();
    const analyser = context.createAnalyser();
    analyser.fftSize = 8192;
    context.createMediaStreamSource(stream).connect(analyser);
    await new Promise((resolve) => setTimeout(resolve, ms));
    const spectrum = new Float32Array(analyser.frequencyBinCount);
    analyser.getFloatFrequencyData(spectrum);
    const wave = new Float32Array(analyser.fftSize);
    analyser.getFloatTimeDomainData(wave);
    let peak = 1;
    for (let i = 2; i < spectrum.length; i += 1) if (spectrum[i] > spectrum[peak]) peak = i;
    const level = Math.sqrt(wave.reduce((sum, x) => sum + x * x, 0) / wave.length);
    await context.close();
    return { frequency: (peak * context.sampleRate) / analyser.fftSize, level };
  }, ms);
}
