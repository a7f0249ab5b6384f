//! One module per subcommand, each with a `run`.

mod bring_up;
mod completions;
mod configure;
mod remote;
mod serve;
mod shutdown;
mod token;
mod tunnel;

use clap::ArgMatches;

use crate::cli::{Cli, Command};
use crate::config::{self, Files, Resolver};
use crate::error::Error;
use crate::sid::SidKind;
use crate::token::Minter;

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
    let sub_matches = matches.subcommand().map_or(matches, |(_, m)| m);
    if let Command::Completions(args) = &cli.command {
        return completions::run(args);
    }
    let files = Files::load(cli.global.env_file.as_deref(), cli.global.config.as_deref())?;
    match cli.command {
        Command::Token(args) => token::run(&args, sub_matches, &files),
        Command::Serve(args) => serve::run(&args, sub_matches, &files),
        Command::Tunnel(args) => tunnel::run(&args, sub_matches, &files),
        Command::Configure(args) => configure::run(&args, sub_matches, &files),
        Command::Completions(_) => Ok(()),
    }
}

/// The settings every Access Token needs, made into a `Minter`; `None` when one is missing or
/// invalid (each such problem is recorded in `settings`, all of them, before giving up).
fn resolve_minter(settings: &mut Resolver) -> Option<Minter> {
    let account_sid = settings.require_sid(&config::ACCOUNT_SID, SidKind::Account);
    let api_key = settings.require_sid(&config::API_KEY, SidKind::ApiKey);
    let api_secret = settings.require_secret(&config::API_SECRET);
    let app_sid = settings.require_sid(&config::APP_SID, SidKind::Application);
    let region = settings.optional(&config::REGION, |v| Ok(v.to_owned()));
    Some(Minter::new(
        account_sid?,
        api_key?,
        &api_secret?,
        app_sid?,
        region.as_deref(),
    ))
}
