//! `voice=system`: the machine's own synthesiser, run as a program of its own (as Chromium is), so
//! that nothing of it is linked into c2c and its licence stays its own: macOS's `say`; on Linux
//! flite, Festival's text2wave or espeak-ng, the first installed. The text goes in a file, never
//! on the command line, where a phrase from a scenario could pass for an option.

use std::path::Path;
use std::process::Command;

/// The synthesisers c2c knows, in the order it tries them: the program, and its arguments for
/// reading the text from IN and writing a WAV to OUT.
const PROGRAMS: &[(&str, &[&str])] = &[
    (
        "say",
        &["-f", "IN", "-o", "OUT", "--data-format=LEI16@16000"],
    ),
    ("flite", &["-f", "IN", "-o", "OUT"]),
    ("text2wave", &["IN", "-o", "OUT"]),
    ("espeak-ng", &["-f", "IN", "-w", "OUT"]),
];

/// The first synthesiser on the PATH, by name.
pub fn found() -> Option<&'static str> {
    PROGRAMS
        .iter()
        .map(|(name, _)| *name)
        .find(|name| on_path(name))
}

fn on_path(name: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(name).is_file()))
}

/// `text` said by the system's synthesiser, as 16 kHz samples.
pub fn say(text: &str) -> Result<Vec<i16>, String> {
    let Some((program, args)) = PROGRAMS.iter().find(|(name, _)| on_path(name)) else {
        return Err(
            "voice=system: this machine has no speech synthesiser c2c knows (say, flite, text2wave or espeak-ng): install one (Debian: apt-get install flite), or use c2c's own voice"
                .to_owned(),
        );
    };
    let dir = tempfile_dir()?;
    let input = dir.join("text.txt");
    let output = dir.join("said.wav");
    let result = run(program, args, text, &input, &output);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn run(
    program: &str,
    args: &[&str],
    text: &str,
    input: &Path,
    output: &Path,
) -> Result<Vec<i16>, String> {
    std::fs::write(input, format!("{text}\n")).map_err(|e| e.to_string())?;
    let args: Vec<&std::ffi::OsStr> = args
        .iter()
        .map(|a| match *a {
            "IN" => input.as_os_str(),
            "OUT" => output.as_os_str(),
            other => std::ffi::OsStr::new(other),
        })
        .collect();
    let ran = Command::new(program)
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| format!("voice=system: cannot run {program}: {e}"))?;
    if !ran.status.success() {
        let said = String::from_utf8_lossy(&ran.stderr);
        return Err(format!(
            "voice=system: {program} failed ({}): {}",
            ran.status,
            said.lines().next().unwrap_or("").trim()
        ));
    }
    mend_byte_rate(output).map_err(|e| format!("voice=system: {program}'s WAV: {e}"))?;
    let samples = crate::wav::read_wav(output)
        .map_err(|e| format!("voice=system: {program} wrote no usable WAV: {e}"))?;
    Ok(super::kokoro::trim(samples))
}

/// Sets a plain WAV header's byte rate to what its rate and block size make it: flite 2.2 writes
/// twice the true figure, which a strict reader refuses. Nothing else of the file is touched.
fn mend_byte_rate(path: &Path) -> std::io::Result<()> {
    let mut bytes = std::fs::read(path)?;
    let plain = bytes.len() >= 44 && &bytes[0..4] == b"RIFF" && &bytes[8..16] == b"WAVEfmt ";
    if plain {
        let rate = u32::from_le_bytes([bytes[24], bytes[25], bytes[26], bytes[27]]);
        let block = u32::from(u16::from_le_bytes([bytes[32], bytes[33]]));
        let right = rate.saturating_mul(block).to_le_bytes();
        if bytes[28..32] != right {
            bytes[28..32].copy_from_slice(&right);
            std::fs::write(path, bytes)?;
        }
    }
    Ok(())
}

/// A folder of c2c's own for one synthesis, removed after.
fn tempfile_dir() -> Result<std::path::PathBuf, String> {
    static COUNT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("c2c-say-{}-{n}", std::process::id()));
    // Made new, never reused: a folder of that name already there is not c2c's.
    std::fs::create_dir(&dir).map_err(|e| format!("voice=system: {}: {e}", dir.display()))?;
    Ok(dir)
}
