//! One module per subcommand: its settings are resolved here, once, and the module runs them.

#[cfg(unix)]
mod call;
mod completions;
mod configure;
mod doctor;
mod serve;
#[cfg(unix)]
mod suite;
mod token;
mod tunnel;

use std::net::SocketAddr;
use std::sync::Arc;

use clap::ArgMatches;
use tokio::net::TcpListener;

use crate::cli::{Cli, Command};
use crate::error::Error;
use crate::server::{self, App, Server};
use crate::settings::{self, Sources};

/// A runtime for the commands that wait on the network or serve.
fn runtime() -> Result<tokio::runtime::Runtime, Error> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|err| Error::Failed(format!("cannot start the async runtime: {err}")))
}

/// c2c's server on `listen` (`serve`'s, and `call`'s own), with the dial policy's data loading
/// beside it: the bound listener, the server, and the page's address.
async fn start_server(
    listen: SocketAddr,
    settings: settings::serve::Server,
) -> Result<(TcpListener, Server, String), Error> {
    let listener = server::bind(listen).await.map_err(Error::Failed)?;
    let local = listener
        .local_addr()
        .map_err(|err| Error::Failed(format!("cannot read the bound address: {err}")))?;
    let server = Server::new(Arc::new(App::new(settings)));
    let app = Arc::clone(server.app());
    tokio::spawn(async move { app.load_policy().await });
    Ok((listener, server, format!("http://{}/", display_addr(local))))
}

fn display_addr(addr: SocketAddr) -> String {
    // The page must be opened under an address the local-host guard accepts.
    match addr.ip() {
        ip if ip.is_unspecified() => format!("127.0.0.1:{}", addr.port()),
        _ => addr.to_string(),
    }
}

/// Runs the command `cli` names. `matches` are the raw matches `cli` was built from: they tell a
/// flag from an environment variable.
pub fn run(cli: Cli, matches: &ArgMatches) -> Result<(), Error> {
    if let Command::Completions(args) = &cli.command {
        return completions::run(args);
    }
    let sub_matches = matches.subcommand().map_or(matches, |(_, m)| m);
    let sources = Sources::load(&cli.global, sub_matches)?;
    match cli.command {
        Command::Token(args) => token::run(settings::token::resolve(&args, &sources)?),
        Command::Serve(args) => serve::run(settings::serve::resolve(&args, &sources)?),
        Command::Tunnel(args) => tunnel::run(settings::tunnel::resolve(&args, &sources)?),
        Command::Configure(args) => configure::run(settings::configure::resolve(&args, &sources)?),
        Command::Doctor(args) => doctor::run(settings::doctor::resolve(&args, &sources)?),
        #[cfg(unix)]
        Command::Call(args) => call::run(&args, settings::call::resolve(&args.caller, &sources)?),
        #[cfg(unix)]
        Command::Test(args) => suite::run(&args, settings::call::resolve(&args.caller, &sources)?),
        #[cfg(not(unix))]
        Command::Call(_) | Command::Test(_) => Err(Error::Failed(
            "c2c call and c2c test run on Linux and macOS (they hand the browser its DevTools pipe as Unix file descriptors). On Windows, run them in WSL, or run c2c serve and open the address it prints for calling without a person (…?to=NUMBER&autocall=KEY) in a headless browser.".to_owned(),
        )),
        Command::Completions(_) => Ok(()),
    }
}
