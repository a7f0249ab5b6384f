//! `c2c call`'s settings: the server it calls through (its own, in process, or one already
//! running), the browser, and the tunnel with `--tunnel`.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};

use super::serve::{self, Server};
use super::tunnel::{self, Bringup, BringupAsk};
use super::{CHROME, LEG, Resolver, SIP_MEDIA, SIP_PROXY, SIP_TRANSPORT, SettingsError, Sources};
use crate::browsers::{self, Layout};
use crate::cli::CallerArgs;

pub struct Call {
    /// Where the page and its webhook come from.
    pub serving: Serving,
    /// How the calls are placed unless a scenario says (`--leg`).
    pub leg: crate::call::LegKind,
    /// c2c's SIP Domain and credential: required with `--leg sip`, else kept when all are set,
    /// for a scenario's `leg: sip`.
    pub sip: Option<crate::call::SipAccount>,
    /// The browser: required unless `--leg sip`, else kept when one is found, for a scenario's
    /// `leg: browser`.
    pub chrome: Option<PathBuf>,
    /// Where the speech model is, for a step that listens for words or `--transcribe`.
    pub speech: crate::speech::ModelSource,
    /// `--speech`: which model, unless a scenario says.
    pub speech_size: crate::speech::Size,
}

pub enum Serving {
    /// c2c's own server, on a free loopback port, and the tunnel with `--tunnel`.
    InProcess(InProcess),
    /// `--server URL`: a c2c serve that already runs.
    Existing { page: String },
}

pub struct InProcess {
    pub listen: SocketAddr,
    pub server: Box<Server>,
    pub bringup: Option<Box<Bringup>>,
}

pub fn resolve(args: &CallerArgs, sources: &Sources) -> Result<Call, SettingsError> {
    let mut r = sources.resolver();
    let leg = r
        .optional(&LEG, crate::call::LegKind::parse)
        .unwrap_or_default();
    let sip = sip(&mut r, leg);
    // The SIP leg needs no browser: a machine without one still calls through SIP.
    let chrome = match leg {
        crate::call::LegKind::Sip => Some(browsers::find(&Layout::this_machine())),
        crate::call::LegKind::Browser => chrome(&mut r).map(Some),
    };
    // Found now (a few path checks), used only by a call that listens for words.
    let speech = super::speech::source(&mut r);
    let speech_size = super::speech::size(&mut r);
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
    let call = match (serving, chrome, speech, sip) {
        (Some(serving), Some(chrome), Some(speech), Some(sip)) => Some(Call {
            serving,
            leg,
            sip,
            chrome,
            speech,
            speech_size,
        }),
        _ => None,
    };
    r.finish(call)
}

/// c2c's SIP Domain, credential and `--sip-proxy`: each required with `--leg sip` (a problem
/// for each one missing), else the account when all three are set. `None` on a problem.
fn sip(r: &mut Resolver, leg: crate::call::LegKind) -> Option<Option<crate::call::SipAccount>> {
    let proxy = r.endpoint(
        &SIP_PROXY,
        |v| {
            v.trim()
                .parse::<std::net::SocketAddr>()
                .map_err(|_| "it is not an IP address and a port".to_owned())
        },
        |_| false,
        "not the SIP Domain's own address",
    );
    let (transport, media) = sip_media(r);
    let account = |(domain, username, password)| crate::call::SipAccount {
        domain,
        username,
        password,
        proxy,
        transport,
        media,
    };
    match leg {
        crate::call::LegKind::Sip => super::sip::required(r).map(account).map(Some),
        crate::call::LegKind::Browser => {
            let kept = super::sip::account(r);
            Some(match (kept.domain, kept.username, kept.password) {
                (Some(domain), Some(username), Some(password)) => {
                    Some(account((domain, username, password)))
                }
                _ => None,
            })
        }
    }
}

/// `--sip-transport` and `--sip-media`: SRTP goes over TLS (its keys are in the SDP, and a Domain
/// with Secure Media takes nothing else), so `srtp` chooses TLS when the transport is unset and
/// is a problem beside an explicit udp or tcp.
fn sip_media(r: &mut Resolver) -> (crate::call::SipTransport, crate::call::SipMedia) {
    use crate::call::{SipMedia, SipTransport};
    let chosen = r.optional(&SIP_TRANSPORT, SipTransport::parse);
    let media = r.optional(&SIP_MEDIA, SipMedia::parse).unwrap_or_default();
    let transport = match (media, chosen) {
        (SipMedia::Srtp, Some(SipTransport::Udp | SipTransport::Tcp)) => {
            if let Some(found) = r.lookup(&SIP_TRANSPORT) {
                r.invalid(
                    found.origin,
                    "SIP transport",
                    "SRTP's keys travel in the SIP messages, which only TLS keeps secret"
                        .to_owned(),
                    "Use --sip-transport tls with --sip-media srtp (or leave the transport unset).",
                );
            }
            SipTransport::Tls
        }
        (SipMedia::Srtp, _) => SipTransport::Tls,
        (SipMedia::Rtp, chosen) => chosen.unwrap_or_default(),
    };
    (transport, media)
}

/// `--chrome` or `CHROME_PATH` when set (it must be a program), else the first browser found
/// where this platform's browsers live (`browsers`).
pub fn chrome(r: &mut Resolver) -> Option<PathBuf> {
    chrome_in(r, &Layout::this_machine())
}

fn chrome_in(r: &mut Resolver, layout: &Layout) -> Option<PathBuf> {
    let found = browsers::find(layout);
    if r.lookup(&CHROME).is_some() {
        let same = |given: &PathBuf| {
            let real = |p: &Path| std::fs::canonicalize(p).ok();
            found
                .as_deref()
                .and_then(real)
                .is_some_and(|p| real(given) == Some(p))
        };
        return r.endpoint(
            &CHROME,
            |v| {
                let path = PathBuf::from(v);
                browsers::is_executable(&path)
                    .then_some(path)
                    .ok_or_else(|| format!("{v:?} is not a program this user can run"))
            },
            same,
            "not the browser c2c finds by itself",
        );
    }
    if found.is_none() {
        r.not_found(
            "Chromium",
            format!(
                "c2c call runs the page in a headless Chromium-based browser (Chromium, Chrome, Edge or Brave), and {}. {}",
                browsers::looked(layout),
                layout.platform.install_hint()
            ),
        );
    }
    found
}

fn in_process(args: &CallerArgs, r: &mut Resolver) -> Option<Serving> {
    let server = serve::server(r, false, false);
    let bringup = if args.tunnel {
        let plan = BringupAsk {
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
    Some(Serving::InProcess(InProcess {
        listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
        server: Box::new(server?),
        bringup: bringup?,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::browsers::Platform;
    use crate::settings::Files;

    #[test]
    fn no_browser_anywhere_says_where_c2c_looked_and_how_to_install_one() {
        let root = tempfile::tempdir().unwrap();
        let matches = clap::Command::new("t").get_matches_from(["t"]);
        let files = Files::default();
        for (platform, install) in [
            (Platform::Linux, "sudo apt install chromium"),
            (Platform::Mac, "brew install --cask chromium"),
        ] {
            let mut r = Resolver::new(&matches, &files);
            let layout = Layout {
                platform,
                path: Some(root.path().as_os_str().to_owned()),
                home: Some(root.path().to_owned()),
                root: root.path().to_owned(),
            };
            assert_eq!(chrome_in(&mut r, &layout), None);
            let err = r.finish(Some(())).unwrap_err().to_string();
            assert!(err.starts_with("Chromium was not found."), "{err}");
            assert!(err.contains("looked "), "{err}");
            assert!(err.contains(install), "{err}");
        }
    }
}
