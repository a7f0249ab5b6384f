//! One module per subcommand, each with a `run`.

mod completions;
mod serve;
mod token;

use clap::ArgMatches;

use crate::cli::{Cli, Command};
use crate::config::Files;
use crate::error::Error;

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
        Command::Tunnel(_) => Err(not_yet("tunnel")),
        Command::Configure(_) => Err(not_yet("configure")),
        Command::Completions(_) => Ok(()),
    }
}

fn not_yet(command: &str) -> Error {
    Error::Failed(format!(
        "`c2c {command}` is not available in this version yet. `c2c token` works today; see the CHANGELOG for what is coming."
    ))
}
