use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::error::Error;

pub fn run(args: &CompletionsArgs) -> Result<(), Error> {
    // Into memory first: clap_complete panics when it cannot write.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "c2c", &mut script);
    crate::stdout::write(&script)
}
