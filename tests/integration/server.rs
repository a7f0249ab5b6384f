//! Runs the real `c2c serve` on port 0 and talks HTTP/1.1 to it over a plain socket.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::support::{ACCOUNT_SID, API_KEY, API_SECRET, APP_SID};

pub const CALLER_ID: &str = "+14155550100";

pub struct Serve {
    child: Child,
    pub port: u16,
    log: Arc<Mutex<String>>,
    _dir: tempfile::TempDir,
}

#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Starts `c2c serve --port 0 ARGS` with the Twilio settings (plus `env`) and waits until it
/// says where it listens.
pub fn serve(args: &[&str], env: &[(&str, &str)]) -> Serve {
    let dir = tempfile::tempdir().expect("a scratch directory");
    let mut command = Command::new(env!("CARGO_BIN_EXE_c2c"));
    command
        .arg("serve")
        // A test that needs the port before c2c starts gives its own.
        .args(match args.contains(&"--port") {
            true => &[][..],
            false => &["--port", "0"][..],
        })
        .args(args)
        .env_clear()
        .env("HOME", dir.path())
        .env("XDG_CONFIG_HOME", dir.path())
        .env("TWILIO_ACCOUNT_SID", ACCOUNT_SID)
        .env("TWILIO_API_KEY", API_KEY)
        .env("TWILIO_API_SECRET", API_SECRET)
        .env("TWILIO_TWIML_APP_SID", APP_SID)
        .env("TWILIO_CALLER_ID", CALLER_ID)
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for (name, value) in env {
        command.env(name, value);
    }
    let mut child = command.spawn().expect("c2c serve starts");
    let stderr = child.stderr.take().expect("c2c's standard error");
    let log = Arc::new(Mutex::new(String::new()));
    let (port_tx, port_rx) = std::sync::mpsc::channel();
    let sink = Arc::clone(&log);
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(rest) = line.split("listening on http://127.0.0.1:").nth(1) {
                let port: String = rest.chars().take_while(char::is_ascii_digit).collect();
                let _ = port_tx.send(port.parse::<u16>().ok());
            }
            sink.lock().unwrap().push_str(&(line + "\n"));
        }
        let _ = port_tx.send(None);
    });
    let port = port_rx.recv_timeout(Duration::from_secs(20)).ok().flatten();
    let port = port.unwrap_or_else(|| panic!("c2c serve did not start:\n{}", log.lock().unwrap()));
    Serve {
        child,
        port,
        log,
        _dir: dir,
    }
}

impl Serve {
    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Waits until the log contains `text` (log lines are written after the response), and
    /// fails the test if it never does.
    pub fn wait_for_log(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let log = self.log();
            if log.contains(text) {
                return log;
            }
            assert!(
                Instant::now() < deadline,
                "the log never said {text:?}:\n{log}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Sends one request; `headers` are extra lines like `("X-Forwarded-For", "1.2.3.4")`.
    pub fn request(
        &self,
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Reply {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("a connection to c2c");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut head = format!("{method} {target} HTTP/1.1\r\nConnection: close\r\n");
        if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
            head.push_str(&format!("Host: 127.0.0.1:{}\r\n", self.port));
        }
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        if !body.is_empty() || method == "POST" {
            head.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(body).unwrap();
        let mut raw = Vec::new();
        let _ = stream.read_to_end(&mut raw);
        parse_reply(&raw)
    }

    pub fn get(&self, target: &str, headers: &[(&str, &str)]) -> Reply {
        self.request("GET", target, headers, b"")
    }

    /// POSTs a form, encoding `params` as Twilio does.
    pub fn post_form(
        &self,
        target: &str,
        headers: &[(&str, &str)],
        params: &[(&str, &str)],
    ) -> Reply {
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(params)
            .finish();
        let mut all = vec![("Content-Type", "application/x-www-form-urlencoded")];
        all.extend_from_slice(headers);
        self.request("POST", target, &all, body.as_bytes())
    }

    pub fn terminate(&mut self) -> (Option<i32>, Duration) {
        self.stop_with("TERM")
    }

    /// Sends `signal` (TERM, INT, HUP) and waits up to 30 s for c2c to end (a restore that
    /// Twilio fails retries with backoff, which a busy CI machine stretches); how long it took is
    /// returned for the tests that bound it.
    pub fn stop_with(&mut self, signal: &str) -> (Option<i32>, Duration) {
        let started = Instant::now();
        self.signal(signal);
        let deadline = started + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return (status.code(), started.elapsed());
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        (None, started.elapsed())
    }
}

impl Serve {
    /// Sends `signal` and returns at once.
    pub fn signal(&self, signal: &str) {
        crate::support::send_signal(self.child.id(), signal);
    }

    /// SIGKILL: c2c gets no chance to clean up.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn parse_reply(raw: &[u8]) -> Reply {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete HTTP response");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    if headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"))
    {
        body = dechunk(&body);
    }
    Reply {
        status,
        headers,
        body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(end) = data.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size = usize::from_str_radix(std::str::from_utf8(&data[..end]).unwrap().trim(), 16)
            .unwrap_or(0);
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[end + 2..end + 2 + size]);
        data = &data[end + 2 + size + 2..];
    }
}
