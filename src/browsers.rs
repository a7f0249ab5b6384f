//! Where the browsers `c2c call` can drive live: Chromium and the browsers built on it (Chrome,
//! Edge, Brave), which all speak the DevTools protocol over a pipe. Looked for in the order a
//! user would expect, per platform; the machine itself is only read through `Layout`, so the
//! search can be tested against made-up folders.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// The oldest major version `c2c call` drives: the first whose plain `--headless` is the new
/// headless mode, the whole browser (the old one lacked parts of WebRTC and media that a call's
/// page needs).
pub const OLDEST_MAJOR: u32 = 112;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    Linux,
    Mac,
    Other,
}

impl Platform {
    pub fn this_one() -> Platform {
        if cfg!(target_os = "macos") {
            Platform::Mac
        } else if cfg!(target_os = "linux") {
            Platform::Linux
        } else {
            Platform::Other
        }
    }

    /// How to get a browser c2c finds.
    pub fn install_hint(self) -> &'static str {
        match self {
            Platform::Mac => {
                "Install Google Chrome (google.com/chrome) or Chromium (brew install --cask chromium), or give a browser's path with --chrome."
            }
            Platform::Linux => {
                "Install Chromium (Debian and Ubuntu: sudo apt install chromium; Fedora: sudo dnf install chromium) or Google Chrome, or give a browser's path with --chrome."
            }
            Platform::Other => {
                "Install Chromium or Google Chrome, or give a browser's path with --chrome."
            }
        }
    }
}

/// What the search reads of a machine.
pub struct Layout {
    pub platform: Platform,
    /// `PATH`, as the environment has it.
    pub path: Option<OsString>,
    pub home: Option<PathBuf>,
    /// Where absolute paths such as `/Applications` start: `/`, or a test's folder.
    pub root: PathBuf,
}

impl Layout {
    pub fn this_machine() -> Layout {
        Layout {
            platform: Platform::this_one(),
            path: std::env::var_os("PATH"),
            home: std::env::var_os("HOME").map(PathBuf::from),
            root: PathBuf::from("/"),
        }
    }
}

/// The names on PATH, in the order they are tried.
const PATH_NAMES: &[&str] = &[
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "google-chrome-beta",
    "google-chrome-unstable",
    "microsoft-edge",
    "microsoft-edge-stable",
    "brave-browser",
];

/// Where Linux packages put them when PATH does not say (a desktop session's PATH, a snap).
const LINUX_PATHS: &[&str] = &[
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/snap/bin/chromium",
    "/usr/bin/google-chrome",
    "/usr/bin/google-chrome-stable",
    "/opt/google/chrome/chrome",
    "/opt/google/chrome-beta/chrome",
    "/usr/bin/microsoft-edge",
    "/opt/microsoft/msedge/msedge",
    "/usr/bin/brave-browser",
    "/opt/brave.com/brave/brave",
];

/// macOS app bundles, by their name, and the program inside each.
const MAC_APPS: &[(&str, &str)] = &[
    ("Google Chrome", "Google Chrome"),
    ("Chromium", "Chromium"),
    ("Google Chrome Beta", "Google Chrome Beta"),
    ("Google Chrome Canary", "Google Chrome Canary"),
    ("Microsoft Edge", "Microsoft Edge"),
    ("Brave Browser", "Brave Browser"),
];

/// Every place looked at, in order.
pub fn candidates(layout: &Layout) -> Vec<PathBuf> {
    let on_path: Vec<PathBuf> = layout
        .path
        .iter()
        .flat_map(std::env::split_paths)
        .flat_map(|dir| PATH_NAMES.iter().map(move |name| dir.join(name)))
        .collect();
    let under_root = |absolute: &str| layout.root.join(absolute.trim_start_matches('/'));
    match layout.platform {
        Platform::Mac => {
            let folders = [
                Some(under_root("/Applications")),
                layout.home.as_ref().map(|h| h.join("Applications")),
            ];
            let apps = folders.into_iter().flatten().flat_map(|folder| {
                MAC_APPS.iter().map(move |(app, program)| {
                    folder
                        .join(format!("{app}.app"))
                        .join("Contents/MacOS")
                        .join(program)
                })
            });
            apps.chain(on_path).collect()
        }
        Platform::Linux => on_path
            .into_iter()
            .chain(LINUX_PATHS.iter().map(|p| under_root(p)))
            .collect(),
        Platform::Other => on_path,
    }
}

/// The first browser found, if any.
pub fn find(layout: &Layout) -> Option<PathBuf> {
    candidates(layout).into_iter().find(|p| is_executable(p))
}

/// Where the search looked, in words, for the message when nothing was found.
pub fn looked(layout: &Layout) -> String {
    let names = PATH_NAMES.join(", ");
    match layout.platform {
        Platform::Mac => {
            let apps: Vec<&str> = MAC_APPS.iter().map(|(app, _)| *app).collect();
            format!(
                "looked in /Applications and ~/Applications for {}, and on PATH for {names}",
                apps.join(", ")
            )
        }
        Platform::Linux => format!(
            "looked on PATH for {names}, and at {}",
            LINUX_PATHS.join(", ")
        ),
        Platform::Other => format!("looked on PATH for {names}"),
    }
}

/// The major version in a browser's own words: `HeadlessChrome/156.0.8078.73` (DevTools'
/// `Browser.getVersion`), or `Chromium 156.0.8078.73 built on Debian` and `Google Chrome
/// 120.0.6099.109` (`--version`).
pub fn major_version(text: &str) -> Option<u32> {
    text.split(['/', ' ']).find_map(|word| {
        word.split('.')
            .next()?
            .parse::<u32>()
            .ok()
            .filter(|_| word.contains('.'))
    })
}

pub fn is_executable(path: &Path) -> bool {
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

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn program(path: &Path) {
        use std::os::unix::fs::PermissionsExt;
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    fn layout(platform: Platform, root: &Path, path: Option<&Path>) -> Layout {
        Layout {
            platform,
            path: path.map(|p| p.as_os_str().to_owned()),
            home: Some(root.join("Users/me")),
            root: root.to_owned(),
        }
    }

    #[test]
    fn on_a_mac_the_app_bundles_are_found_chrome_first_then_the_users_own() {
        let root = tempfile::tempdir().unwrap();
        let root = root.path();
        let mac = layout(Platform::Mac, root, None);
        assert_eq!(find(&mac), None, "nothing installed");
        let edge =
            root.join("Users/me/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge");
        program(&edge);
        assert_eq!(find(&mac), Some(edge), "Edge in ~/Applications");
        let chromium = root.join("Applications/Chromium.app/Contents/MacOS/Chromium");
        program(&chromium);
        assert_eq!(find(&mac), Some(chromium), "brew install --cask chromium");
        let chrome = root.join("Applications/Google Chrome.app/Contents/MacOS/Google Chrome");
        program(&chrome);
        assert_eq!(find(&mac), Some(chrome));
        // A bundle whose program is not executable is not a browser.
        let root2 = tempfile::tempdir().unwrap();
        let brave = root2
            .path()
            .join("Applications/Brave Browser.app/Contents/MacOS/Brave Browser");
        program(&brave);
        std::fs::write(&brave, "").unwrap();
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&brave, std::fs::Permissions::from_mode(0o644)).unwrap();
        }
        assert_eq!(find(&layout(Platform::Mac, root2.path(), None)), None);
    }

    #[test]
    fn on_linux_path_comes_first_then_the_usual_install_paths() {
        let root = tempfile::tempdir().unwrap();
        let root = root.path();
        let bin = root.join("home/me/bin");
        std::fs::create_dir_all(&bin).unwrap();
        let linux = layout(Platform::Linux, root, Some(&bin));
        assert_eq!(find(&linux), None);
        let snap = root.join("snap/bin/chromium");
        program(&snap);
        assert_eq!(find(&linux), Some(snap.clone()), "a snap, not on PATH");
        let brave = root.join("opt/brave.com/brave/brave");
        program(&brave);
        assert_eq!(find(&linux), Some(snap), "chromium before brave");
        let mine = bin.join("google-chrome");
        program(&mine);
        assert_eq!(find(&linux), Some(mine), "PATH first");
    }

    #[test]
    fn the_message_names_where_it_looked() {
        let root = tempfile::tempdir().unwrap();
        let mac = looked(&layout(Platform::Mac, root.path(), None));
        assert!(
            mac.contains("/Applications and ~/Applications for Google Chrome, Chromium"),
            "{mac}"
        );
        let linux = looked(&layout(Platform::Linux, root.path(), None));
        assert!(linux.contains("/snap/bin/chromium"), "{linux}");
        assert!(
            Platform::Mac
                .install_hint()
                .contains("brew install --cask chromium")
        );
    }

    #[test]
    fn versions_are_read_from_devtools_and_from_version_output() {
        for (text, major) in [
            ("HeadlessChrome/156.0.8078.73", Some(156)),
            ("Chrome/99.0.4844.51", Some(99)),
            (
                "Chromium 156.0.8078.73 built on Debian GNU/Linux 12 (bookworm)",
                Some(156),
            ),
            ("Google Chrome 120.0.6099.109 ", Some(120)),
            ("Microsoft Edge 120.0.2210.91", Some(120)),
            ("Brave Browser 131.1.73.97", Some(131)),
            ("Mozilla Firefox 128.0", Some(128)),
            ("no version here", None),
        ] {
            assert_eq!(major_version(text), major, "{text}");
        }
    }
}
