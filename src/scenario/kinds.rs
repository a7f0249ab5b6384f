//! The kinds of step there are, one row each: how each is written, what value and options it
//! takes, and its line of `c2c call --help`. `Step::from_spec` matches on each row's `Id`.

/// One kind of step, as `--help` and the error messages describe it.
pub(super) struct Kind {
    /// Which step it is: `Step::from_spec` matches on it with no catch-all, so a row added
    /// without its action does not compile.
    pub(super) id: Id,
    pub(super) name: &'static str,
    /// How it is written, options and their defaults included.
    pub(super) usage: &'static str,
    /// What its value is (`None`: it takes none), and an example of one.
    pub(super) value: Option<(&'static str, &'static str)>,
    /// The options it takes besides `timeout`.
    pub(super) options: &'static [&'static str],
    pub(super) help: &'static str,
}

/// The steps there are, one a row of `KINDS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Id {
    WaitForSilence,
    WaitForPrompt,
    ExpectSpeech,
    Press,
    Play,
    Say,
    ExpectTone,
    ExpectAudio,
    ExpectSilence,
    Wait,
    HangUp,
}

pub(super) const KINDS: &[Kind] = &[
    Kind {
        id: Id::WaitForSilence,
        name: "wait-for-silence",
        usage: "wait-for-silence [quiet=1s] [timeout=30s]",
        value: None,
        options: &["quiet"],
        help: "The far end spoke, then stayed quiet this long",
    },
    Kind {
        id: Id::WaitForPrompt,
        name: "wait-for-prompt",
        usage: "wait-for-prompt PHRASE [similarity=0.65] [within=…] [timeout=30s]",
        value: Some(("a phrase", "\"for support, press two\"")),
        options: &["similarity", "within"],
        help: "The far end said all of PHRASE, then paused (speech, on this machine)",
    },
    Kind {
        id: Id::ExpectSpeech,
        name: "expect-speech",
        usage: "expect-speech PHRASE [similarity=0.65] [within=…] [timeout=10s]",
        value: Some(("a phrase", "\"your balance is\"")),
        options: &["similarity", "within"],
        help: "Hear PHRASE said, its numbers exactly; within=: the reply began that soon after c2c spoke",
    },
    Kind {
        id: Id::Press,
        name: "press",
        usage: "press DIGITS [timeout=10s]",
        value: Some(("the keys", "1w23#")),
        options: &[],
        help: "Press keys (0-9 * #; w waits half a second)",
    },
    Kind {
        id: Id::Play,
        name: "play",
        usage: "play FILE.wav [timeout=…]",
        value: Some(("a WAV file", "prompt.wav")),
        options: &[],
        help: "Play a file into the call, to its end",
    },
    Kind {
        id: Id::Say,
        name: "say",
        usage: "say TEXT [voice=am_michael] [speed=1] [barge-in=…] [yield=…] [timeout=…]",
        value: Some(("the words", "\"I want to check my balance\"")),
        options: &["voice", "speed", "barge-in", "yield"],
        help: "Speak TEXT into the call, offline (voice=am_michael, or system: the machine's own); barge-in=: over the far end, this far into its speech; yield=: it must stop that soon",
    },
    Kind {
        id: Id::ExpectTone,
        name: "expect-tone",
        usage: "expect-tone HZ [for=300ms] [timeout=5s]",
        value: Some(("a frequency in Hz", "1000")),
        options: &["for"],
        help: "Hear HZ (within 2%) for that long",
    },
    Kind {
        id: Id::ExpectAudio,
        name: "expect-audio",
        usage: "expect-audio DURATION [timeout=…]",
        value: Some(("a duration", "2s")),
        options: &[],
        help: "Hear sound for DURATION",
    },
    Kind {
        id: Id::ExpectSilence,
        name: "expect-silence",
        usage: "expect-silence DURATION [timeout=…]",
        value: Some(("a duration", "2s")),
        options: &[],
        help: "Hear nothing for DURATION",
    },
    Kind {
        id: Id::Wait,
        name: "wait",
        usage: "wait DURATION",
        value: Some(("a duration", "2s")),
        options: &[],
        help: "Let time pass",
    },
    Kind {
        id: Id::HangUp,
        name: "hangup",
        usage: "hangup",
        value: None,
        options: &[],
        help: "Hang up (after the last step c2c hangs up anyway)",
    },
];

/// The steps' names, for `c2c call -h`.
pub fn names() -> Vec<&'static str> {
    KINDS.iter().map(|kind| kind.name).collect()
}

/// The steps, one line each, for `c2c call --help`.
pub fn help() -> String {
    KINDS
        .iter()
        .map(|kind| match kind.usage.len() {
            // A long usage has its line to itself, the help under it in the column.
            n if n >= 43 => format!("  {}\n  {:<43}{}\n", kind.usage, "", kind.help),
            _ => format!("  {:<43}{}\n", kind.usage, kind.help),
        })
        .collect()
}
