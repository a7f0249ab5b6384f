//! c2c: browser-to-phone calling on Twilio with one command.
//!
//! Dependencies point one way, down this list:
//!
//! - commands: `cmd` (one module per subcommand; `main.rs` parses `cli` and dispatches to it;
//!   `cmd::call` and `cmd::suite` read their flags and files into calls, show their events and
//!   write their reports)
//! - services: `caller` (the run harness under both: browser, server, tunnel, models, rigged up
//!   and torn down), `server` (the page, /token, /voice), `call` (one call on a call leg, its
//!   steps and report; Chromium's page the leg it has: one browser, a page per call, one
//!   cancellation token), `doctor` (the account's preflight),
//!   `bring_up` (tunnel + TwiML App for a run, one tear-down), `tunnel` (the in-process ngrok
//!   session), `repoint` (point the app, put it back), `shutdown` (Ctrl-C and SIGTERM), `progress`
//! - settings: `settings` (every setting declared once, resolved once into each command's typed
//!   settings)
//! - domain: `token` (Access Tokens), `identity`, `twiml`, `dial` (the dial policy), `signature`
//!   (X-Twilio-Signature), `twilio_api` (REST client), `ngrok_agent`, `state_file`, `outcome`
//!   (how a call ended: one type for the server, c2c call and the page), `scenario` (c2c call's
//!   steps: one `StepSpec` for `--step` text and YAML), `browsers` (where c2c call finds one),
//!   `speech` (the far end's words, recognised on this machine), `phrase` (whether a phrase was
//!   said, as a person would judge it), `wav` (16 kHz WAV files read and written: the calls'
//!   sounds and recordings, and c2c's voice cache)
//! - primitives: `secret`, `sid`, `clock`, `crypto` (ring for TLS, tokens and signatures),
//!   `error`, `logging`, `stdout` (output a closed pipe ends quietly), `printable` (untrusted text
//!   shown on one line)

pub mod cli;
pub mod cmd;
pub mod settings;

pub mod bring_up;
#[cfg(unix)]
pub mod call;
#[cfg(unix)]
pub mod caller;
pub mod doctor;
pub mod progress;
pub mod repoint;
pub mod server;
pub mod shutdown;
pub mod tunnel;

pub mod browsers;
pub mod dial;
pub mod identity;
pub mod ngrok_agent;
pub mod outcome;
pub mod phrase;
pub mod scenario;
pub mod signature;
pub mod speech;
pub mod state_file;
pub mod token;
pub mod twilio_api;
pub mod twiml;
pub mod voice;
pub mod wav;

pub mod clock;
pub mod crypto;
pub mod error;
pub mod logging;
pub mod printable;
pub mod secret;
pub mod sid;
pub mod stdout;
