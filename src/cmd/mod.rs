//! One module per subcommand: its settings are resolved here, once, and the module runs them.

#[cfg(unix)]
mod call;
#[cfg(unix)]
mod call_lines;
mod completions;
mod configure;
mod configure_sip;
mod doctor;
mod serve;
#[cfg(unix)]
mod suite;
mod token;
mod tunnel;

use clap::ArgMatches;

use crate::cli::{Cli, Command};
use crate::error::Error;
use crate::settings::{self, Sources};

/// A runtime for the commands that wait on the network or serve.
fn runtime() -> Result<tokio::runtime::Runtime, Error> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|err| Error::Failed(format!("cannot start the async runtime: {err}")))
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
