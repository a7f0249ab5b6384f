//! `c2c serve`: the page, /token and the /voice webhook on a local address.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use clap::ArgMatches;

use crate::cli::ServeArgs;
use crate::config::{self, Files, Resolver};
use crate::dial;
use crate::error::Error;
use crate::secret::Secret;
use crate::server::{self, App, RateLimit, Server, Side};
use crate::token;

use super::bring_up::{self, Launch, Up};
use super::remote;
use super::shutdown::Shutdown;

/// How long requests in flight may take to finish once c2c is asked to stop.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

struct Settings {
    app: App,
    listen: SocketAddr,
    /// `--tunnel`: where to point, and how to open the tunnel.
    tunnel: Option<Launch>,
}

fn resolve(args: &ServeArgs, matches: &ArgMatches, files: &Files) -> Result<Settings, Error> {
    let mut r = Resolver::new(matches, files);
    let minter = super::resolve_minter(&mut r);
    let caller_id = r.require(&config::CALLER_ID, dial::e164_shape);
    // For the full check of the caller ID, which waits for the first call (see `App::policy`).
    let caller_id_origin = r.lookup(&config::CALLER_ID).map(|found| found.origin);
    let auth_token = r.optional_secret(&config::AUTH_TOKEN);
    let host = r.require(&config::HOST, |v| {
        v.parse::<IpAddr>()
            .map_err(|_| format!("{v:?} is not an IP address"))
    });
    let port = r.require(&config::PORT, |v| {
        v.parse::<u16>()
            .map_err(|_| format!("{v:?} is not a port number"))
    });
    let token_rate = r.require(&config::TOKEN_RATE, |v| {
        v.parse::<u32>()
            .map_err(|_| format!("{v:?} is not a whole number"))
    });
    let public_url = r.optional(&config::PUBLIC_URL, |v| {
        if v.starts_with("https://") || v.starts_with("http://") {
            Ok(v.to_owned())
        } else {
            Err(format!("{v:?} does not start with https://"))
        }
    });
    let allowed = r
        .optional(&config::ALLOW_COUNTRY, |v| {
            v.split(',')
                .filter(|c| !c.trim().is_empty())
                .map(dial::parse_allowed)
                .collect::<Result<Vec<_>, _>>()
        })
        .unwrap_or_default();
    let tunnel = args
        .tunnel
        .then(|| remote::resolve_tunnel(&mut r))
        .flatten();
    let (
        Some(minter),
        Some(caller_id),
        Some(caller_id_origin),
        Some(host),
        Some(port),
        Some(token_rate),
    ) = (minter, caller_id, caller_id_origin, host, port, token_rate)
    else {
        return Err(r.into_error().into());
    };
    r.finish()?;
    let tunnel = match tunnel {
        Some(settings) => Some(settings.launch(remote::Plan {
            force: args.force,
            voice_path: "/voice".to_owned(),
            status_path: Some("/status".to_owned()),
            // ngrok's edge can check Twilio's signatures too, but then nothing else gets
            // through, and --share means the page must.
            verify_twilio: auth_token.clone().filter(|_| !args.share),
            forwards_to: "c2c serve".to_owned(),
        })?),
        None => None,
    };

    // 20 characters of 5 bits: a password nobody guesses through the tunnel.
    let share_password = match args.share {
        true => Some(Secret::new(token::random_text(20).map_err(|err| {
            Error::Failed(format!(
                "cannot make a password for --share: no randomness ({err})"
            ))
        })?)),
        false => None,
    };
    let app = App::new(
        minter,
        token::DEFAULT_TTL_SECS,
        caller_id,
        caller_id_origin,
        allowed,
        auth_token,
        args.insecure_unsigned_webhooks,
        share_password,
        RateLimit::per_minute(token_rate),
        public_url,
    );
    Ok(Settings {
        app,
        listen: SocketAddr::new(host, port),
        tunnel,
    })
}

pub fn run(args: &ServeArgs, matches: &ArgMatches, files: &Files) -> Result<(), Error> {
    let settings = resolve(args, matches, files)?;
    super::runtime()?.block_on(serve(settings, args.open))
}

async fn serve(settings: Settings, open: bool) -> Result<(), Error> {
    let mut stop = Shutdown::listen()?;
    let listener = server::bind(settings.listen).await.map_err(Error::Failed)?;
    let local = listener
        .local_addr()
        .map_err(|err| Error::Failed(format!("cannot read the bound address: {err}")))?;
    let server = Server::new(Arc::new(settings.app));
    let page = format!("http://{}/", display_addr(local));
    let mut up = match settings.tunnel {
        Some(launch) => {
            let Some(up) = bring_up::bring_up(launch, &mut stop).await? else {
                return Ok(());
            };
            server.app().set_public_url(up.tunnel.url());
            Some(up)
        }
        None => None,
    };
    announce(server.app(), &page);
    if let Some(up) = &up {
        tracing::info!(
            "ready: the TwiML App {} sends calls to {}",
            up.target.app_sid,
            up.settings.voice_url
        );
    }
    if open {
        open_browser(&page);
    }
    let failure = tokio::select! {
        () = server.run(listener, Side::Local, std::future::pending()) => None,
        () = stop.requested() => None,
        failure = serve_tunnel(&server, up.as_mut()) => Some(failure),
    };
    tracing::info!("stopping: letting requests in flight finish");
    server.shutdown(SHUTDOWN_GRACE).await;
    let restored = match up {
        Some(up) => up.tear_down().await,
        None => Ok(()),
    };
    failure.map_or(restored, Err)
}

/// Serves what comes through the tunnel as public requests, keeping the signed URL in step
/// with the tunnel's address. Returns only if the tunnel closes for good.
async fn serve_tunnel(server: &Server, up: Option<&mut Up>) -> Error {
    match up {
        Some(up) => {
            up.run(
                |conn, peer| server.accept(conn, Side::Public, peer),
                |url| server.app().set_public_url(url),
            )
            .await
        }
        None => std::future::pending().await,
    }
}

fn display_addr(addr: SocketAddr) -> String {
    // The page must be opened under an address the local-host guard accepts.
    match addr.ip() {
        ip if ip.is_unspecified() => format!("127.0.0.1:{}", addr.port()),
        _ => addr.to_string(),
    }
}

fn announce(app: &App, page: &str) {
    tracing::info!("listening on {page}: open it in a browser to call");
    tracing::info!("calls come from {}", app.caller_id);
    match app.public_url() {
        Some(url) => tracing::info!("Twilio reaches the webhook at {url}/voice"),
        None => tracing::info!(
            "Twilio cannot reach this server yet: add --tunnel, or give it a public address with --public-url"
        ),
    }
    if let Some(password) = &app.share_password {
        tracing::info!(
            "shared: the page and /token answer from outside with the password {}",
            password.expose()
        );
    }
    if app.auth_token.is_none() {
        if app.insecure_unsigned {
            tracing::warn!(
                "--insecure-unsigned-webhooks: webhooks from outside are answered without checking their signature; anyone who finds the address can place calls on your account"
            );
        } else {
            tracing::warn!(
                "TWILIO_AUTH_TOKEN is not set, so webhooks from outside will be refused: their signatures cannot be checked. Set it (it is on the Twilio Console's home page)."
            );
        }
    }
}

fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        ("open", vec![url])
    } else if cfg!(windows) {
        ("cmd", vec!["/C", "start", "", url])
    } else {
        ("xdg-open", vec![url])
    };
    match std::process::Command::new(opener.0)
        .args(&opener.1)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        Ok(_) => tracing::info!("opened {url} in the default browser"),
        Err(err) => tracing::warn!(
            "could not open a browser ({}: {err}); open {url} yourself",
            opener.0
        ),
    }
}
