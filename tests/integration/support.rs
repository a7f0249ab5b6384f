//! Runs the real `c2c` binary in a scratch directory with a clean environment, so that nothing on
//! the developer's machine (a real .env, real Twilio variables) leaks into a test.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use std::io::Write;

pub use crate::fixtures::*;
use crate::twilio_mock::TwilioMock;

/// Held by a test whose calls take most of the machine (a speech model base, c2c's voice, two
/// legs' suites): two such at once starve each other's calls, which c2c then rightly calls
/// inconclusive. The other tests run beside them as before.
pub fn heavy() -> std::sync::MutexGuard<'static, ()> {
    static HEAVY: std::sync::Mutex<()> = std::sync::Mutex::new(());
    HEAVY
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

pub struct C2c {
    dir: tempfile::TempDir,
    command: Command,
    stdin: Option<String>,
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn assert_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "exit status\nstdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        self
    }
}

/// `c2c ARGS` in a fresh scratch directory, with no settings at all.
pub fn c2c(args: &[&str]) -> C2c {
    let dir = tempfile::tempdir().expect("a scratch directory");
    let work = dir.path().join("work");
    std::fs::create_dir_all(&work).expect("a working directory");
    let mut command = Command::new(env!("CARGO_BIN_EXE_c2c"));
    command
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", dir.path())
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .current_dir(&work);
    C2c {
        dir,
        command,
        stdin: None,
    }
}

impl C2c {
    pub fn arg(mut self, arg: &str) -> Self {
        self.command.arg(arg);
        self
    }

    pub fn env(mut self, name: &str, value: &str) -> Self {
        self.command.env(name, value);
        self
    }

    /// The four settings `c2c token` needs, in the environment.
    pub fn token_env(self) -> Self {
        self.env("TWILIO_ACCOUNT_SID", ACCOUNT_SID)
            .env("TWILIO_API_KEY", API_KEY)
            .env("TWILIO_API_SECRET", API_SECRET)
            .env("TWILIO_TWIML_APP_SID", APP_SID)
    }

    /// Every setting c2c reads, secrets included, in the environment.
    pub fn all_env(self) -> Self {
        self.token_env()
            .env("TWILIO_AUTH_TOKEN", AUTH_TOKEN)
            .env("TWILIO_CALLER_ID", "+15005550006")
            .env("NGROK_AUTHTOKEN", NGROK_AUTHTOKEN)
    }

    /// Every setting, with Twilio's REST API played by `mock`.
    pub fn against(self, mock: &TwilioMock) -> Self {
        self.all_env().env("C2C_TWILIO_API_BASE", &mock.base)
    }

    /// Keeps c2c's state in `home`, which outlives this run, so that runs can share it.
    pub fn state_in(self, home: &str) -> Self {
        self.env("HOME", home).env("XDG_STATE_HOME", home)
    }

    pub fn work_dir(&self) -> PathBuf {
        self.dir.path().join("work")
    }

    pub fn config_file(&self) -> PathBuf {
        self.dir.path().join("config/c2c/config.toml")
    }

    pub fn write(self, path: &Path, text: &str) -> Self {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("a folder for the file");
        }
        std::fs::write(path, text).expect("the file is written");
        self
    }

    pub fn dotenv(self, text: &str) -> Self {
        let path = self.work_dir().join(".env");
        self.write(&path, text)
    }

    pub fn stdin(mut self, text: &str) -> Self {
        self.stdin = Some(text.to_owned());
        self
    }

    pub fn run(mut self) -> Run {
        self.command.stdout(Stdio::piped()).stderr(Stdio::piped());
        self.command.stdin(if self.stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
        let mut child = self.command.spawn().expect("c2c starts");
        if let Some(text) = self.stdin.take() {
            let mut stdin = child.stdin.take().expect("a pipe to c2c");
            stdin
                .write_all(text.as_bytes())
                .expect("c2c reads its input");
        }
        finished(child.wait_with_output().expect("c2c ends"))
    }
}

impl C2c {
    /// Runs c2c in a pseudo-terminal of `cols` by `rows` (util-linux's `script`), as a person at
    /// a terminal would: the screen it left (what a terminal shows of what it wrote, escape
    /// sequences applied; tall enough that nothing scrolls off), one line a row, and its exit
    /// status.
    pub fn run_in_terminal(self, cols: u16, rows: u16) -> (String, i32) {
        let quote =
            |s: &std::ffi::OsStr| format!("'{}'", s.to_string_lossy().replace('\'', r"'\''"));
        let mut line = format!(
            "stty cols {cols} rows {rows}; exec {}",
            quote(self.command.get_program())
        );
        for arg in self.command.get_args() {
            line.push(' ');
            line.push_str(&quote(arg));
        }
        let mut script = Command::new("script");
        script.args(["-qefc", &line, "/dev/null"]).env_clear();
        for (name, value) in self.command.get_envs() {
            if let Some(value) = value {
                script.env(name, value);
            }
        }
        if let Some(dir) = self.command.get_current_dir() {
            script.current_dir(dir);
        }
        let out = script
            .stdin(Stdio::null())
            .output()
            .expect("util-linux's script runs c2c in a terminal");
        let size = |n: u16| std::num::NonZero::new(n).expect("a terminal has a size");
        let mut terminal = vt100::Parser::new(size(rows), size(cols), 0);
        terminal.process(&out.stdout);
        let screen: Vec<String> = terminal
            .screen()
            .rows(0, cols)
            .map(|row| row.trim_end().to_owned())
            .collect();
        (screen.join("\n"), out.status.code().unwrap_or(-1))
    }

    /// Runs c2c with its standard output already closed by the reader, as `| head -c 1` does
    /// once it has its byte: what c2c says on standard error, and its exit status.
    pub fn run_with_stdout_closed(mut self) -> Run {
        self.command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = self.command.spawn().expect("c2c starts");
        drop(child.stdout.take());
        finished(child.wait_with_output().expect("c2c ends"))
    }
}

/// What an ended c2c left: its exit status and output.
fn finished(output: Output) -> Run {
    Run {
        code: output
            .status
            .code()
            .expect("c2c exits, not killed by a signal"),
        stdout: String::from_utf8(output.stdout).expect("UTF-8 output"),
        stderr: String::from_utf8(output.stderr).expect("UTF-8 errors"),
    }
}

/// A c2c started in the background whose output is kept for when it ends.
pub struct Capturing {
    child: std::process::Child,
    _dir: tempfile::TempDir,
}

impl C2c {
    pub fn spawn_capturing(mut self) -> Capturing {
        self.command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        Capturing {
            child: self.command.spawn().expect("c2c starts"),
            _dir: self.dir,
        }
    }
}

impl Capturing {
    /// Waits for c2c to end: its output and exit status.
    pub fn wait(self) -> Run {
        finished(self.child.wait_with_output().expect("c2c ends"))
    }
}

/// A c2c that keeps running (`c2c tunnel`, say) until the test stops it.
pub struct Running {
    child: std::process::Child,
    _dir: tempfile::TempDir,
}

impl C2c {
    /// Starts c2c and leaves it running; its output is discarded.
    pub fn spawn(mut self) -> Running {
        self.command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        Running {
            child: self.command.spawn().expect("c2c starts"),
            _dir: self.dir,
        }
    }
}

impl Running {
    /// SIGTERM, as a service manager would send; the exit status.
    pub fn terminate(self) -> Option<i32> {
        self.stop_with("TERM")
    }

    /// Sends `signal` (TERM, INT, HUP); the exit status.
    pub fn stop_with(mut self, signal: &str) -> Option<i32> {
        send_signal(self.child.id(), signal);
        self.child.wait().expect("c2c ends").code()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The JSON inside a JWT part.
pub fn jwt_part(token: &str, index: usize) -> serde_json::Value {
    use base64::Engine;
    let part = token.trim().split('.').nth(index).expect("a JWT part");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part)
        .expect("base64url");
    serde_json::from_slice(&bytes).expect("JSON")
}

/// A server on loopback that answers one request with `body` and hands back the request's first
/// line: the ngrok agent's local API, a quickstart server.
pub fn answer_once(
    content_type: &str,
    body: &str,
) -> (std::net::SocketAddr, std::thread::JoinHandle<String>) {
    use std::io::BufRead;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let addr = listener.local_addr().expect("its address");
    let response = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let answering = std::thread::spawn(move || {
        let (conn, _) = listener.accept().expect("a request");
        let mut reader = std::io::BufReader::new(conn);
        let mut first = String::new();
        reader.read_line(&mut first).expect("a request line");
        // The rest of the head, so that the client is not cut off mid-request.
        let mut line = String::new();
        while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
            line.clear();
        }
        reader
            .get_mut()
            .write_all(response.as_bytes())
            .expect("the answer is sent");
        first
    });
    (addr, answering)
}

/// `kill -SIGNAL pid`.
pub fn send_signal(pid: u32, signal: &str) {
    let sent = Command::new("kill")
        .args([&format!("-{signal}"), &pid.to_string()])
        .status();
    assert!(sent.is_ok_and(|s| s.success()), "kill -{signal} works");
}
