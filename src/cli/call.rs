//! `c2c call`'s command line.

use std::path::PathBuf;

use clap::Args;

use super::{BringupArgs, DialArgs, PageArgs};

/// Where calls are placed from: c2c's server (in process, with its tunnel, or one already
/// running), the browser, and the speech model. `c2c call` and `c2c test` share them.
#[derive(Debug, Args)]
pub struct CallerArgs {
    /// Use this running c2c serve (its page, token and webhook) instead of starting one
    #[arg(long, value_name = "URL", conflicts_with = "tunnel")]
    pub server: Option<String>,

    /// Open an ngrok tunnel and point the TwiML App at it for the calls, as serve --tunnel does
    #[arg(long)]
    pub tunnel: bool,

    /// The public URL Twilio reaches the in-process server through, behind a tunnel of your own
    #[arg(
        long,
        env = "C2C_PUBLIC_URL",
        value_name = "URL",
        conflicts_with_all = ["tunnel", "server"]
    )]
    pub public_url: Option<String>,

    /// How c2c calls: browser (its page in headless Chromium, through the Voice SDK: the default,
    /// and the only leg that tests a WebRTC client) or sip (a SIP user agent into c2c's SIP
    /// Domain, with no browser: hundreds of calls a machine; set it up once with `c2c configure
    /// --sip`)
    #[arg(
        long,
        env = "C2C_LEG",
        value_name = "LEG",
        value_parser = ["browser", "sip"],
        help_heading = "Call leg"
    )]
    pub leg: Option<String>,

    /// Send the SIP leg's INVITEs to this address (IP:PORT) instead of the SIP Domain's own: a
    /// stand-in for tests, or a proxy of your own
    #[arg(
        long,
        env = "C2C_SIP_PROXY",
        value_name = "IP:PORT",
        help_heading = "Call leg"
    )]
    pub sip_proxy: Option<String>,

    /// What the SIP leg's signalling travels over: udp (the default), tcp (for a network that
    /// drops UDP) or tls (port 5061, the Domain's certificate checked against this machine's
    /// trusted authorities, or SSL_CERT_FILE's)
    #[arg(
        long,
        env = "C2C_SIP_TRANSPORT",
        value_name = "udp|tcp|tls",
        help_heading = "Call leg"
    )]
    pub sip_transport: Option<String>,

    /// The SIP leg's sound: rtp (the default) or srtp, which a SIP Domain with Secure Media on
    /// requires (it refuses everything else); srtp goes over TLS, chosen for it
    #[arg(
        long,
        env = "C2C_SIP_MEDIA",
        value_name = "rtp|srtp",
        help_heading = "Call leg"
    )]
    pub sip_media: Option<String>,

    /// Browser to run: Chromium, Chrome, Edge or Brave, version 112 or newer. Default: the first
    /// one found
    ///
    /// On macOS: Google Chrome, Chromium, Chrome Beta or Canary, Microsoft Edge or Brave in
    /// /Applications or ~/Applications, then PATH; on Linux: chromium, google-chrome,
    /// microsoft-edge or brave-browser on PATH, then where their packages install.
    #[arg(
        long,
        env = "CHROME_PATH",
        value_name = "PATH",
        help_heading = "Browser"
    )]
    pub chrome: Option<String>,

    /// One more flag for Chromium (a proxy, a certificate to trust); repeatable
    #[arg(
        long = "chrome-arg",
        value_name = "FLAG",
        allow_hyphen_values = true,
        help_heading = "Browser"
    )]
    pub chrome_args: Vec<String>,

    /// Folder of the speech model, for a machine that cannot download it (README: Speech).
    /// Default: c2c's cache, filled on first use
    #[arg(
        long,
        env = "C2C_SPEECH_MODEL",
        value_name = "DIR",
        help_heading = "Speech"
    )]
    pub speech_model: Option<String>,

    /// Which speech model recognises the far end: tiny (the default: quick) or base (reads fast
    /// and accented voices better, about six times slower; an 83 MB download, once). A
    /// scenario's `speech:` chooses for its own call. A --speech-model folder holds one model and
    /// is used whatever this says
    #[arg(
        long,
        env = "C2C_SPEECH",
        value_name = "MODEL",
        help_heading = "Speech"
    )]
    pub speech: Option<String>,

    #[command(flatten)]
    pub page: PageArgs,

    #[command(flatten)]
    pub dial: DialArgs,

    #[command(flatten)]
    pub bringup: BringupArgs,
}

/// Place a call from a headless browser, for scripts and CI
///
/// Places a real call to a number (or to client:NAME, a browser) with nobody at a browser: c2c starts
/// in process (or uses the c2c serve at --server), opens its page in headless Chromium and drives
/// it over the DevTools protocol, so the call goes through the same page, token and webhook as
/// with c2c serve. The page's microphone plays --play (or silence), --digits are pressed once the
/// far end answers, each --step runs in order, and --record keeps what the page heard.
///
/// c2c listens as a person would: a step can wait until a prompt has been spoken and has ended,
/// wait for a phrase or expect one (speech recognised on this machine: the model is downloaded
/// once, on first use), expect a tone of a given frequency, or audio, or silence; the run stops
/// at the first step that fails and says which and why. Twilio must reach the webhook, so use
/// --tunnel (or --server with a c2c serve that Twilio reaches). An answered call lasts at most
/// 10 minutes unless --hangup-after says otherwise. c2c call runs on Linux and macOS; on Windows
/// use WSL, or c2c serve with the page's autocall address in a headless browser.
#[derive(Debug, Args)]
// The steps' list comes first, from their table (`cli::command` adds it).
#[command(after_long_help = "\
Examples:
  c2c call +14155552671 --tunnel --hangup-after 10s --record call.wav
  c2c call +18005550199 --tunnel --step wait-for-silence --step 'press 2' \\
      --step 'expect-tone 1000 timeout=8s' --junit ivr.xml
  c2c call +18005550199 --tunnel --step 'wait-for-prompt \"for support, press two\"' \\
      --step 'press 2' --step 'expect-speech \"your ticket number\"' --json
  c2c call client:alice --server http://127.0.0.1:5000/ --play hello.wav
  c2c call +18005550123 --tunnel --step 'wait-for-prompt \"how can I help\"' \\
      --step 'say \"I want to check my balance\"' \\
      --step 'expect-speech \"your balance is\" within=1.5s' --json

Exit status: 0 answered and every step passed, 1 a step failed, 2 usage error, 3 settings
error (Chromium or the speech model missing, say), 4 Twilio or ngrok out of reach, 5 busy, 6 no
answer, 7 refused by the dial policy, 8 the call failed (Twilio's error code is printed), 9
nothing answers at --server, 10 inconclusive (c2c could not hear the call in time: this machine
was too busy; not the far end's failure), 130 interrupted (after hanging up).")]
pub struct CallArgs {
    /// The number to call (E.164, or as the page reads it), or client:NAME for a browser; may be
    /// left to the --scenario file's `call:`
    #[arg(value_name = "NUMBER|client:NAME")]
    pub target: Option<String>,

    /// WAV file the far end hears, as the page's microphone; default: silence
    #[arg(long, value_name = "FILE")]
    pub play: Option<PathBuf>,

    /// Words to say once the far end answers (after --play), in c2c's own voice, offline (the
    /// voice is downloaded once, on first use); a step can say more (`say`)
    #[arg(long, value_name = "TEXT")]
    pub say: Option<String>,

    /// Keys to press once the far end answers (0-9 * #; w waits half a second)
    #[arg(long, value_name = "DIGITS")]
    pub digits: Option<String>,

    /// Write what the page heard to this WAV file (16 kHz mono)
    #[arg(long, value_name = "FILE")]
    pub record: Option<PathBuf>,

    /// A step of the call's scenario, run in order once the far end answers; repeatable
    #[arg(long = "step", value_name = "STEP")]
    pub steps: Vec<String>,

    /// A scenario file (YAML, as c2c test runs them): its call, options and `steps:` (run before
    /// any --step); flags given here win over its options
    #[arg(long, value_name = "FILE")]
    pub scenario: Option<PathBuf>,

    /// Write a JUnit XML report: one test case per step, the recording attached
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,

    /// Give up when nobody answers within this long after the call is placed [default: 30s]
    #[arg(long, value_name = "DURATION")]
    pub timeout: Option<String>,

    /// Hang up this long after the answer, whatever the steps are doing; none: only when the
    /// steps or the far end end the call [default: 10m]
    #[arg(long, value_name = "DURATION|none")]
    pub hangup_after: Option<String>,

    /// Print the outcome as JSON on standard output
    #[arg(long)]
    pub json: bool,

    /// Write down what the far end says (in --json and --junit), with or without speech steps
    #[arg(long)]
    pub transcribe: bool,

    #[command(flatten)]
    pub caller: CallerArgs,
}
