//! What a separately installed ngrok agent tells c2c: the authtoken in its config file, and the
//! public URL of a tunnel it runs (from its local API).

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::secret::Secret;

/// Where the ngrok agent keeps its config file, in the order it looks: v3's per-platform place,
/// then v2's `~/.ngrok2/ngrok.yml`.
pub fn config_paths() -> Vec<PathBuf> {
    let Some(base) = directories::BaseDirs::new() else {
        return Vec::new();
    };
    // ngrok v3 uses AppData\Local on Windows, the usual config folder elsewhere.
    let v3_dir = if cfg!(windows) {
        base.data_local_dir()
    } else {
        base.config_dir()
    };
    vec![
        v3_dir.join("ngrok").join("ngrok.yml"),
        base.home_dir().join(".ngrok2").join("ngrok.yml"),
    ]
}

/// The authtoken from the first agent config file that has one, and that file.
pub fn authtoken(paths: &[PathBuf]) -> Result<Option<(Secret, PathBuf)>, String> {
    for path in paths {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => continue,
            Err(err) => return Err(format!("cannot read {}: {err}", path.display())),
        };
        if let Some(token) = authtoken_in(&text, path)? {
            return Ok(Some((token, path.clone())));
        }
    }
    Ok(None)
}

/// `agent.authtoken` (v3) or a top-level `authtoken` (v2).
fn authtoken_in(yaml: &str, path: &Path) -> Result<Option<Secret>, String> {
    let docs = yaml_rust2::YamlLoader::load_from_str(yaml).map_err(|err| {
        format!(
            "{} is not valid YAML ({err}); fix it, or pass --authtoken",
            path.display()
        )
    })?;
    let Some(doc) = docs.first() else {
        return Ok(None);
    };
    Ok(doc["agent"]["authtoken"]
        .as_str()
        .or_else(|| doc["authtoken"].as_str())
        .map(str::trim)
        .filter(|token| !token.is_empty())
        .map(Secret::new))
}

/// The agent's local API, where `ngrok http 5000` lists its tunnels.
pub const LOCAL_API: &str = "http://127.0.0.1:4040/api/tunnels";

#[derive(serde::Deserialize)]
struct Tunnels {
    tunnels: Vec<AgentTunnel>,
}

#[derive(serde::Deserialize)]
struct AgentTunnel {
    public_url: String,
}

/// The https public URL of the running agent's first tunnel.
pub async fn public_url(api: &str) -> Result<String, String> {
    let not_running = |why: String| {
        format!(
            "no ngrok agent answers at {api} ({why}). Start one (`ngrok http 5000`), or pass the address with --url."
        )
    };
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(3))
        .build()
        .map_err(|err| not_running(err.to_string()))?;
    let tunnels: Tunnels = client
        .get(api)
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .map_err(|err| not_running(err.to_string()))?
        .json()
        .await
        .map_err(|err| {
            format!("the ngrok agent at {api} answered something c2c cannot read: {err}")
        })?;
    tunnels
        .tunnels
        .into_iter()
        .map(|tunnel| tunnel.public_url)
        .find(|url| url.starts_with("https://"))
        .ok_or_else(|| {
            format!(
                "the ngrok agent at {api} has no https tunnel. Start one with `ngrok http 5000`."
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_v3_then_v2_layouts_and_skips_files_without_a_token() {
        let dir = tempfile::tempdir().unwrap();
        let v3 = dir.path().join("v3.yml");
        let v2 = dir.path().join("v2.yml");
        let empty = dir.path().join("empty.yml");
        std::fs::write(&v3, "version: \"3\"\nagent:\n  authtoken: tok_v3\n").unwrap();
        std::fs::write(&v2, "authtoken: tok_v2\nregion: eu\n").unwrap();
        std::fs::write(&empty, "version: \"3\"\nagent:\n  region: eu\n").unwrap();
        let missing = dir.path().join("missing.yml");

        let (token, from) = authtoken(&[missing.clone(), empty.clone(), v3.clone()])
            .unwrap()
            .unwrap();
        assert_eq!((token.expose(), from), ("tok_v3", v3));
        let (token, _) = authtoken(&[empty.clone(), v2]).unwrap().unwrap();
        assert_eq!(token.expose(), "tok_v2");
        assert!(authtoken(&[missing, empty]).unwrap().is_none());
    }

    #[test]
    fn a_broken_file_says_which() {
        let dir = tempfile::tempdir().unwrap();
        let bad = dir.path().join("ngrok.yml");
        std::fs::write(&bad, "agent: [unclosed\n").unwrap();
        let err = authtoken(&[bad]).unwrap_err();
        assert!(err.contains("ngrok.yml is not valid YAML"), "{err}");
    }
}
