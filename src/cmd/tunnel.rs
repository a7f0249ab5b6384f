//! `c2c tunnel`: the tunnel alone, forwarding to a server that already runs on a local port.

use std::net::{Ipv4Addr, SocketAddr};

use clap::ArgMatches;

use crate::cli::TunnelArgs;
use crate::config::{self, Files, Origin, Resolver};
use crate::error::Error;
use crate::tunnel;

use super::bring_up;
use super::remote;
use super::shutdown::Shutdown;

pub fn run(args: &TunnelArgs, matches: &ArgMatches, files: &Files) -> Result<(), Error> {
    let mut r = Resolver::new(matches, files);
    let settings = remote::resolve_tunnel(&mut r);
    let auth_token = r.optional_secret(&config::AUTH_TOKEN);
    let port = r.require(&config::PORT, |v| match v.parse::<u16>() {
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
    let (Some(settings), Some(port)) = (settings, port) else {
        return Err(r.into_error().into());
    };
    r.finish()?;
    if auth_token.is_none() {
        tracing::warn!(
            "TWILIO_AUTH_TOKEN is not set, so ngrok's edge cannot check Twilio's signatures: anyone who finds the tunnel's address reaches your server. Set it (it is on the Twilio Console's home page)."
        );
    }
    let local = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let launch = settings.launch(remote::Plan {
        force: args.force,
        voice_path: args.path.clone(),
        status_path: None,
        // Only requests Twilio signed reach the local server: it is usually a sample that
        // checks nothing itself.
        verify_twilio: auth_token,
        forwards_to: format!("http://{local}"),
    })?;
    super::runtime()?.block_on(async move {
        let mut stop = Shutdown::listen()?;
        let Some(mut up) = bring_up::bring_up(launch, &mut stop).await? else {
            return Ok(());
        };
        tracing::info!(
            "ready: the TwiML App {} sends calls to {}, forwarded to {local}",
            up.target.app_sid,
            up.settings.voice_url
        );
        let failure = tokio::select! {
            () = stop.requested() => None,
            failure = up.run(|conn, peer| tunnel::forward(conn, peer, local), |_| {}) => Some(failure),
        };
        let restored = up.tear_down().await;
        failure.map_or(restored, Err)
    })
}
