//! `c2c call`'s settings: the server it calls through (its own, in process, or one already
//! running), the browser, and the tunnel with `--tunnel`.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};

use super::serve::{self, Server};
use super::tunnel::{self, Bringup, Plan};
use super::{CHROME, Resolver, SettingsError, Sources};
use crate::cli::CallArgs;

pub struct Call {
    /// Where the page and its webhook come from.
    pub serving: Serving,
    pub chrome: PathBuf,
}

pub enum Serving {
    /// c2c's own server, on a free loopback port, and the tunnel with `--tunnel`.
    InProcess {
        listen: SocketAddr,
        server: Box<Server>,
        bringup: Option<Box<Bringup>>,
    },
    /// `--server URL`: a c2c serve that already runs.
    Existing { page: String },
}

pub fn resolve(args: &CallArgs, sources: &Sources) -> Result<Call, SettingsError> {
    let mut r = sources.resolver();
    let chrome = chrome(&mut r);
    let serving = match &args.server {
        Some(url) => super::twilio::web_address(url)
            .map(|page| Serving::Existing {
                page: format!("{}/", page.trim_end_matches('/')),
            })
            .map_err(|why| {
                r.invalid(
                    super::Origin::Flag("--server"),
                    "c2c server address",
                    why,
                    "Use the address c2c serve prints, such as http://127.0.0.1:5000/.",
                );
            })
            .ok(),
        None => in_process(args, &mut r),
    };
    let call = match (serving, chrome) {
        (Some(serving), Some(chrome)) => Some(Call { serving, chrome }),
        _ => None,
    };
    r.finish(call)
}

/// `--chrome` or `CHROME_PATH` when set (it must be a program), else the first on PATH.
fn chrome(r: &mut Resolver) -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH").and_then(|path| find_chrome(&path));
    if r.lookup(&CHROME).is_some() {
        let same = |given: &PathBuf| {
            let real = |p: &Path| std::fs::canonicalize(p).ok();
            on_path
                .as_deref()
                .and_then(real)
                .is_some_and(|p| real(given) == Some(p))
        };
        return r.endpoint(
            &CHROME,
            |v| {
                let path = PathBuf::from(v);
                is_executable(&path)
                    .then_some(path)
                    .ok_or_else(|| format!("{v:?} is not a program this user can run"))
            },
            same,
            "not the browser c2c finds on PATH",
        );
    }
    let found = on_path;
    if found.is_none() {
        r.missing(
            "Chromium",
            format!(
                "c2c call runs the page in headless Chromium, and none was found on PATH (looked for {}). {}",
                CHROME_NAMES.join(", "),
                CHROME.hint
            ),
        );
    }
    found
}

fn in_process(args: &CallArgs, r: &mut Resolver) -> Option<Serving> {
    let server = serve::server(r, false, false);
    let bringup = if args.tunnel {
        let plan = Plan {
            force: args.bringup.force,
            voice_path: "/voice".to_owned(),
            status_path: Some("/status".to_owned()),
            verify_twilio: server.as_ref().and_then(|s| s.auth_token.clone()),
            forwards_to: "c2c call".to_owned(),
        };
        tunnel::bringup(r, plan).map(|b| Some(Box::new(b)))
    } else {
        Some(None)
    };
    Some(Serving::InProcess {
        listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
        server: Box::new(server?),
        bringup: bringup?,
    })
}

/// The names Chromium and Chrome install under, in the order they are tried.
const CHROME_NAMES: &[&str] = &[
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
];

/// Chromium on `path` (a PATH-style list), when `--chrome` and `CHROME_PATH` say nothing.
pub fn find_chrome(path: &std::ffi::OsStr) -> Option<PathBuf> {
    std::env::split_paths(path)
        .flat_map(|dir| CHROME_NAMES.iter().map(move |name| dir.join(name)))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        path.metadata()
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chromium_is_found_on_path_under_its_usual_names() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(find_chrome(dir.path().as_os_str()), None);
        let chrome = dir.path().join("google-chrome");
        std::fs::write(&chrome, "#!/bin/sh\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(find_chrome(dir.path().as_os_str()), None, "not executable");
            std::fs::set_permissions(&chrome, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        assert_eq!(find_chrome(dir.path().as_os_str()), Some(chrome));
    }
}
