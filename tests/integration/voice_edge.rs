//! The stand-in for Twilio's voice edge (`tests/edge/server.js`, the same one the browser tests
//! use) as a process: `c2c call` reaches it with `--signalling`, and it reports each call it saw.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;

use crate::fixtures::{ACCOUNT_SID, API_KEY, API_SECRET, APP_SID, AUTH_TOKEN};

/// The stand-in's SIP Domain and the credential in its Credential List.
pub const SIP_DOMAIN: &str = "c2c-test.sip.twilio.com";
pub const SIP_USERNAME: &str = "c2c";
pub const SIP_PASSWORD: &str = "Stand1nPassword";
/// The CA of the stand-in Domain's TLS certificate, for `SSL_CERT_FILE`.
pub const SIP_CA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/sip-stand-in-ca.pem"
);
use crate::support::C2c;

pub struct VoiceEdge {
    child: Child,
    lines: mpsc::Receiver<Value>,
    pub signalling: String,
    /// Its SIP Domain's address (IP:PORT, UDP and TCP), when it plays one (`start_sip`).
    pub sip: Option<String>,
    /// Its SIP Domain's TLS address (IP:PORT), its certificate for `SIP_DOMAIN` from `SIP_CA`.
    pub sip_tls: Option<String>,
    /// The hash of its certificate's key, for Chromium's --ignore-certificate-errors-spki-list.
    pub spki: String,
}

impl VoiceEdge {
    /// Starts the stand-in; `phones` are `NUMBER=answer|busy|no-answer|failed|ivr`.
    pub fn start(phones: &[&str]) -> VoiceEdge {
        VoiceEdge::start_with(phones, None)
    }

    /// Starts the stand-in, writing what each far end heard to `record` (SID.ul, 8 kHz mu-law).
    pub fn start_with(phones: &[&str], record: Option<&std::path::Path>) -> VoiceEdge {
        VoiceEdge::launch(phones, record, &[])
    }

    /// Starts the stand-in with a SIP Domain as well: `SIP_DOMAIN`, whose Credential List holds
    /// `SIP_USERNAME` with `SIP_PASSWORD`, and whose Voice URL is `voice_url` (c2c's /voice).
    pub fn start_sip(phones: &[&str], voice_url: &str) -> VoiceEdge {
        VoiceEdge::start_sip_with(phones, voice_url, &[])
    }

    /// As `start_sip`, with the Domain's Secure Media on: TLS and SRTP only.
    pub fn start_sip_secure(phones: &[&str], voice_url: &str) -> VoiceEdge {
        VoiceEdge::start_sip_with(phones, voice_url, &["--sip-secure"])
    }

    fn start_sip_with(phones: &[&str], voice_url: &str, more: &[&str]) -> VoiceEdge {
        let credential = format!("{SIP_USERNAME}:{SIP_PASSWORD}");
        let mut args = vec![
            "--sip",
            SIP_DOMAIN,
            "--sip-credential",
            &credential,
            "--voice-url",
            voice_url,
        ];
        args.extend_from_slice(more);
        VoiceEdge::launch(phones, None, &args)
    }

    fn launch(phones: &[&str], record: Option<&std::path::Path>, more: &[&str]) -> VoiceEdge {
        let root = env!("CARGO_MANIFEST_DIR");
        assert!(
            std::path::Path::new(root)
                .join("node_modules/werift")
                .is_dir(),
            "the stand-in voice edge needs the npm test tools: run ./scripts/setup"
        );
        let mut command = Command::new("node");
        command.arg("tests/edge/server.js");
        for phone in phones {
            command.args(["--phone", phone]);
        }
        if let Some(dir) = record {
            command.arg("--record").arg(dir);
        }
        command.args(more);
        let mut child = command
            .current_dir(root)
            .env("TWILIO_ACCOUNT_SID", ACCOUNT_SID)
            .env("TWILIO_API_KEY", API_KEY)
            .env("TWILIO_API_SECRET", API_SECRET)
            .env("TWILIO_TWIML_APP_SID", APP_SID)
            .env("TWILIO_AUTH_TOKEN", AUTH_TOKEN)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("node runs the stand-in voice edge (is Node.js installed?)");
        let stdout = child.stdout.take().expect("the stand-in's output");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Ok(value) = serde_json::from_str::<Value>(&line) {
                    let _ = tx.send(value);
                }
            }
        });
        let ready = lines
            .recv_timeout(Duration::from_secs(20))
            .expect("the stand-in voice edge says it is ready");
        VoiceEdge {
            signalling: ready["ready"]["signalling"].as_str().unwrap().to_owned(),
            sip: ready["ready"]["sip"].as_str().map(str::to_owned),
            sip_tls: ready["ready"]["sipTls"].as_str().map(str::to_owned),
            spki: ready["ready"]["spki"].as_str().unwrap().to_owned(),
            child,
            lines,
        }
    }

    /// `c2c call ARGS` through this edge, with the test account's settings.
    pub fn call(&self, args: &[&str]) -> C2c {
        self.command("call", args)
    }

    /// `c2c call ARGS --leg sip` through this edge's SIP Domain, with c2c's SIP credential.
    pub fn call_sip(&self, args: &[&str]) -> C2c {
        self.sip_command("call", args)
    }

    /// `c2c test ARGS --leg sip` through this edge's SIP Domain, with c2c's SIP credential.
    pub fn test_sip(&self, args: &[&str]) -> C2c {
        self.sip_command("test", args)
    }

    /// `c2c call ARGS --leg sip` to this edge's SIP Domain's TLS port (trusting nothing more
    /// than the machine does: `SSL_CERT_FILE` as `SIP_CA` trusts the Domain's certificate).
    pub fn call_sip_tls(&self, args: &[&str]) -> C2c {
        let proxy = self
            .sip_tls
            .as_deref()
            .expect("the stand-in plays a SIP Domain (start_sip)");
        self.sip_command_to("call", proxy, args)
    }

    fn sip_command(&self, command: &str, args: &[&str]) -> C2c {
        let proxy = self
            .sip
            .as_deref()
            .expect("the stand-in plays a SIP Domain (start_sip)");
        self.sip_command_to(command, proxy, args)
    }

    fn sip_command_to(&self, command: &str, proxy: &str, args: &[&str]) -> C2c {
        let mut c2c = crate::support::c2c(&[command])
            .all_env()
            .env("TWILIO_SIP_DOMAIN", SIP_DOMAIN)
            .env("TWILIO_SIP_USERNAME", SIP_USERNAME)
            .env("TWILIO_SIP_PASSWORD", SIP_PASSWORD)
            .arg("--leg")
            .arg("sip")
            .arg("--sip-proxy")
            .arg(proxy);
        for arg in args {
            c2c = c2c.arg(arg);
        }
        c2c
    }

    /// `c2c test ARGS` through this edge, with the test account's settings.
    pub fn test(&self, args: &[&str]) -> C2c {
        self.command("test", args)
    }

    fn command(&self, command: &str, args: &[&str]) -> C2c {
        let mut c2c = crate::support::c2c(&[command])
            .all_env()
            .env("C2C_SIGNALLING", &self.signalling)
            .arg(&format!(
                "--chrome-arg=--ignore-certificate-errors-spki-list={}",
                self.spki
            ));
        for arg in args {
            c2c = c2c.arg(arg);
        }
        c2c
    }

    /// The next line the stand-in prints, whatever its kind.
    pub fn next_any(&self) -> Value {
        self.lines
            .recv_timeout(Duration::from_secs(30))
            .expect("the stand-in reported something within 30 s")
    }

    /// The next line of `kind` (`invite` or `call`) the stand-in prints.
    pub fn next(&self, kind: &str) -> Value {
        loop {
            let line = self
                .lines
                .recv_timeout(Duration::from_secs(30))
                .unwrap_or_else(|_| panic!("the stand-in reported no {kind} within 30 s"));
            if let Some(value) = line.get(kind) {
                return value.clone();
            }
        }
    }
}

impl Drop for VoiceEdge {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
