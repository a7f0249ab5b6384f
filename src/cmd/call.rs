//! `c2c call`: a call from headless Chromium, through c2c's own server (in process, or one
//! already running) and, with `--tunnel`, its tunnel.

use crate::bring_up;
use crate::call::{self, Plan};
use crate::cli::CallArgs;
use crate::dial::DialPolicy;
use crate::error::Error;
use crate::server::Side;
use crate::settings::call::{Call, Serving};
use crate::shutdown::Shutdown;

pub fn run(args: &CallArgs, settings: Call) -> Result<(), Error> {
    let plan = Plan::from_args(args)?;
    if let Some(refusal) = refused_by_policy(&settings, &plan) {
        return call::finish(&plan, &call::refused_up_front(&plan, refusal));
    }
    let report = super::runtime()?.block_on(place(args, settings, &plan))?;
    call::finish(&plan, &report)
}

/// What the in-process server would answer Twilio for this number, known at once (about 2 ms of
/// loading the allowed countries' data) rather than after Chromium and a round trip to Twilio.
/// A server given with --server has a policy of its own, and answers for itself.
fn refused_by_policy(settings: &Call, plan: &Plan) -> Option<String> {
    let Serving::InProcess { server, .. } = &settings.serving else {
        return None;
    };
    if plan.target.starts_with("client:") {
        return None;
    }
    // A caller ID libphonenumber rejects is reported by the server, with its fix.
    let policy = DialPolicy::load(&server.caller_id, server.allowed.clone()).ok()?;
    policy
        .check(&plan.target)
        .err()
        .map(|refusal| format!("c2c did not dial: {refusal}."))
}

/// Whether anything answers at the --server address: a refused connection is known at once and
/// is not a failed call.
async fn check_server(page: &str) -> Result<(), Error> {
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(5))
        .build()
        .map_err(|err| Error::Failed(format!("cannot start an HTTP client: {err}")))?;
    match client.get(page).send().await {
        Ok(_) => Ok(()),
        Err(err) => Err(Error::Server(format!(
            "nothing answers at {page} ({}): start c2c serve there, or give --server the address c2c serve printed",
            crate::twilio_api::root_cause(&err)
        ))),
    }
}

async fn place(args: &CallArgs, settings: Call, plan: &Plan) -> Result<call::Report, Error> {
    let mut stop = Shutdown::listen()?;
    if let Serving::Existing { page } = &settings.serving {
        check_server(page).await?;
    }
    // The browser takes longest to be ready, so it starts first.
    let browser = call::launch(&settings.chrome, &args.chrome_args)?;
    let (listen, server_settings, bringup) = match settings.serving {
        Serving::Existing { page } => {
            return call::place(browser, &settings.chrome, plan, &page, &mut stop).await;
        }
        Serving::InProcess {
            listen,
            server,
            bringup,
        } => (listen, server, bringup),
    };
    let (listener, server, page) = super::start_server(listen, *server_settings).await?;
    tracing::debug!("c2c's page for the call is at {page}");
    // Twilio asks the TwiML App's Voice URL what to do: without a tunnel or a public address
    // that is not this c2c (unless a stand-in edge, --signalling, plays Twilio).
    let app = server.app();
    if bringup.is_none() && app.public_url().is_none() && app.signalling.is_none() {
        tracing::warn!(
            "Twilio cannot reach this c2c's webhook, so the call follows the TwiML App's current Voice URL. Add --tunnel, or --server with a c2c serve that Twilio reaches."
        );
    }
    let mut up = match bringup {
        Some(bringup) => match bring_up::bring_up(*bringup, &mut stop).await? {
            Some(up) => {
                server.app().set_public_url(up.tunnel.url());
                Some(up)
            }
            None => return Err(interrupted()),
        },
        None => None,
    };
    let serve_local = server.run(listener, Side::Local, std::future::pending());
    let report = match &mut up {
        Some(up) => {
            // The tunnel serves until the call is over. It hears Ctrl-C on its own listener too,
            // and then stops taking requests; the call hangs up and ends by itself.
            let (over, call_over) = tokio::sync::oneshot::channel::<()>();
            let placed = async {
                let report = call::place(browser, &settings.chrome, plan, &page, &mut stop).await;
                let _ = over.send(());
                report
            };
            let mut tunnel_stop = Shutdown::listen()?;
            let alongside = async {
                tokio::select! {
                    () = serve_local => {},
                    _ = call_over => {},
                }
            };
            let serving = up.serve_until_stopped(
                &mut tunnel_stop,
                alongside,
                |conn, peer| server.accept(conn, Side::Public, peer),
                |url| server.app().set_public_url(url),
            );
            let (report, failure) = tokio::join!(placed, serving);
            match (report, failure) {
                (Err(err), _) | (Ok(_), Some(err)) => Err(err),
                (Ok(report), None) => Ok(report),
            }
        }
        None => tokio::select! {
            report = call::place(browser, &settings.chrome, plan, &page, &mut stop) => report,
            () = serve_local => Err(Error::Failed("c2c's server stopped during the call".to_owned())),
        },
    };
    server.shutdown(std::time::Duration::from_millis(500)).await;
    match up {
        Some(up) => match (report, up.tear_down(None).await) {
            (report, Ok(())) => report,
            (Err(err), Err(restore)) => {
                tracing::error!("{restore}");
                Err(err)
            }
            (Ok(_), Err(restore)) => Err(restore),
        },
        None => report,
    }
}

fn interrupted() -> Error {
    Error::Outcome {
        code: 130,
        message: "interrupted before the call was placed".to_owned(),
    }
}
