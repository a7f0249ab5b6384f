use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::error::Error;

pub fn run(args: &CompletionsArgs) -> Result<(), Error> {
    clap_complete::generate(
        args.shell,
        &mut Cli::command(),
        "c2c",
        &mut std::io::stdout(),
    );
    Ok(())
}
