//! `c2c serve`: the page, /token and the /voice webhook on a local address.

use std::time::Duration;

use crate::bring_up;
use crate::error::Error;
use crate::server::{self, App, Side};
use crate::settings::serve::Serve;
use crate::shutdown::Shutdown;
use crate::state_file;

/// How long requests in flight may take to finish once c2c is asked to stop.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

pub fn run(settings: Serve) -> Result<(), Error> {
    super::runtime()?.block_on(serve(settings))
}

async fn serve(settings: Serve) -> Result<(), Error> {
    let mut stop = Shutdown::listen()?;
    if let Some(files) = server::raise_open_files() {
        tracing::debug!("up to {files} open files");
    }
    let (listener, server, page) = crate::server::start(settings.listen, settings.server)
        .await
        .map_err(Error::Failed)?;
    let up = match settings.bringup {
        Some(bringup) => {
            let Some(up) = bring_up::bring_up(bringup, &mut stop).await? else {
                return Ok(());
            };
            server.app().set_public_url(up.tunnel.url());
            Some(up)
        }
        None => None,
    };
    let public = up.is_some() || server.app().public_url().is_some();
    announce(server.app(), &page, reach(&settings.listen, public));
    if up.is_none() {
        check_app_record(server.app().minter.app_sid());
    }
    if let Some(up) = &up {
        tracing::info!(
            "ready: the TwiML App {} sends calls to {}",
            up.app_sid(),
            up.voice_url()
        );
    }
    if settings.open {
        open_browser(&page);
    }
    let serve_local = async { match server.run(listener, Side::Local).await {} };
    let (up, failure) = match up {
        Some(mut up) => {
            let failure = up
                .serve_until_stopped(
                    stop.requested(),
                    serve_local,
                    |conn, peer| server.accept(conn, Side::Public, peer),
                    |url| server.app().set_public_url(url),
                )
                .await;
            (Some(up), failure)
        }
        None => {
            tokio::select! {
                () = serve_local => {},
                () = stop.requested() => {},
            }
            (None, None)
        }
    };
    tracing::info!("stopping: letting requests in flight finish");
    server.shutdown(SHUTDOWN_GRACE).await;
    match up {
        Some(up) => up.tear_down(failure).await,
        None => Ok(()),
    }
}

/// Who, besides this machine, can reach the page: `--share`'s password is only worth printing
/// to someone who can. `public`: a tunnel, c2c's own or one `--public-url` names.
fn reach(listen: &std::net::SocketAddr, public: bool) -> Option<&'static str> {
    match (public, listen.ip().is_loopback()) {
        (true, _) => Some("through the tunnel"),
        (false, false) => Some("from your network"),
        (false, true) => None,
    }
}

fn announce(app: &App, page: &str, reach: Option<&str>) {
    tracing::info!("listening on {page} (open it in a browser to call)");
    tracing::info!("calls come from {}", app.caller_id);
    // Not a credential of the account: it lets this machine's headless browsers place a call as
    // the page opens, and changes each run.
    tracing::info!(
        "to call as the page opens, without a person: {page}?to=NUMBER&autocall={}",
        app.autocall_key.expose()
    );
    match app.public_url() {
        Some(url) => tracing::info!("Twilio reaches the webhook at {url}/voice"),
        None => tracing::info!(
            "Twilio cannot reach this server yet: add --tunnel, or give it a public address with --public-url"
        ),
    }
    match (&app.share_password, reach) {
        (Some(password), Some(reach)) => tracing::info!(
            "shared: the page and /token answer {reach} with the password {}",
            password.expose()
        ),
        (Some(_), None) => tracing::warn!(
            "--share: nothing outside this machine can reach {page}, so there is nothing to share yet: add --tunnel (or --host 0.0.0.0 for your network)"
        ),
        (None, _) => {}
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

/// The local part of `c2c doctor`, at start: what a record of c2c's says about the app. One line
/// each, never a reason not to start.
fn check_app_record(app_sid: &str) {
    let Some(record) =
        state_file::dir().and_then(|dir| state_file::load(&dir, app_sid).ok().flatten())
    else {
        return;
    };
    if record.owner_is_running() {
        tracing::warn!(
            "another c2c (process {}) points the TwiML App at its tunnel: calls from this page go through it",
            record.pid
        );
    } else {
        tracing::warn!(
            "a c2c run left the TwiML App pointing at a tunnel that is gone ({}): calls will fail. Run c2c configure --restore, or c2c serve --tunnel.",
            record.ours
        );
    }
}

/// Opens `url` in the default browser, on a thread of its own: an opener may wait until the
/// browser has started (or, for some, closed), and serving must not. Says so when it failed.
fn open_browser(url: &str) {
    let url = url.to_owned();
    std::thread::spawn(move || match open::that(&url) {
        Ok(()) => tracing::info!("opened {url} in the default browser"),
        Err(err) => {
            tracing::debug!("opening {url}: {err}");
            let why = match err.kind() {
                std::io::ErrorKind::NotFound => "no opener is installed (xdg-open on Linux)",
                _ => "the desktop's opener failed (is there a display?)",
            };
            tracing::warn!("could not open a browser: {why}; open {url} yourself");
        }
    });
}
