//! What a tunnel bring-up needs (shared by `serve --tunnel` and `tunnel`), and `c2c tunnel`'s
//! own settings.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use super::ngrok::{self, Ngrok};
use super::twilio::{self, Rest};
use super::{AUTH_TOKEN, Origin, PORT, Resolver, SettingsError, Sources};
use crate::cli::TunnelArgs;
use crate::secret::Secret;

/// Everything a bring-up needs: which app to point where, the REST client, the tunnel.
pub struct Bringup {
    pub target: Target,
    pub rest: Rest,
    pub ngrok: Ngrok,
}

/// The TwiML App to point at the tunnel, and how.
pub struct Target {
    pub app_sid: String,
    /// Where the record of what c2c replaced is kept.
    pub state_dir: PathBuf,
    /// `--force`: take an app that points somewhere c2c did not set.
    pub force: bool,
    /// Where on the tunnel's URL calls go (`/voice`).
    pub voice_path: String,
    /// Where call progress goes (`/status`); `None` leaves the app's status callback as it is.
    pub status_path: Option<String>,
    /// c2c's SIP Domain (`c2c configure --sip`), pointed at the tunnel beside the app.
    pub sip_domain: Option<String>,
}

/// What one command asks of a bring-up, on top of the settings it shares.
pub struct BringupAsk {
    pub force: bool,
    pub voice_path: String,
    pub status_path: Option<String>,
    pub verify_twilio: Option<Secret>,
    pub forwards_to: String,
}

/// `None` when something is missing (recorded in `r`).
pub fn bringup(r: &mut Resolver, plan: BringupAsk) -> Option<Bringup> {
    let rest = twilio::rest(r);
    let app_sid = twilio::app_sid(r);
    let state_dir = twilio::state_dir(r);
    let ngrok = ngrok::resolve(r, plan.verify_twilio, plan.forwards_to);
    let sip_domain = r.optional(&super::SIP_DOMAIN, super::sip::domain_name);
    Some(Bringup {
        target: Target {
            app_sid: app_sid?,
            state_dir: state_dir?,
            force: plan.force,
            voice_path: plan.voice_path,
            status_path: plan.status_path,
            sip_domain,
        },
        rest: rest?,
        ngrok: ngrok?,
    })
}

/// `c2c tunnel`.
pub struct Tunnel {
    pub bringup: Bringup,
    /// The server the tunnel forwards to.
    pub local: SocketAddr,
}

pub fn resolve(args: &TunnelArgs, sources: &Sources) -> Result<Tunnel, SettingsError> {
    let mut r = sources.resolver();
    let auth_token = r.optional_secret(&AUTH_TOKEN);
    let port = r.require(&PORT, |v| match v.parse::<u16>() {
        Ok(0) | Err(_) => Err(format!("{v:?} is not the port of a running server")),
        Ok(port) => Ok(port),
    });
    if !args.path.starts_with('/') {
        r.invalid(
            Origin::Flag("--path"),
            "webhook path",
            format!("{:?} does not start with /", args.path),
            "Use the path your server answers calls on, such as /voice.",
        );
    }
    let local = port.map(|port| SocketAddr::from((Ipv4Addr::LOCALHOST, port)));
    let bringup = bringup(
        &mut r,
        BringupAsk {
            force: args.bringup.force,
            voice_path: args.path.clone(),
            status_path: None,
            // Only requests Twilio signed reach the local server: it is usually a sample that
            // checks nothing itself.
            verify_twilio: auth_token,
            forwards_to: local.map_or_else(String::new, |local| format!("http://{local}")),
        },
    );
    r.finish(
        bringup
            .zip(local)
            .map(|(bringup, local)| Tunnel { bringup, local }),
    )
}
