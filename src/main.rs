use std::process::ExitCode;

use clap::FromArgMatches;

use c2c::cli::Cli;

fn main() -> ExitCode {
    // clap prints usage errors and exits with status 2, and prints --help and --version.
    let matches = c2c::cli::command().get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|err| err.exit());
    c2c::logging::init(cli.global.verbose, cli.global.quiet);
    // A panic is a bug in c2c: one line that says where, and no backtrace. Where it is caught (a
    // call, a run), the run still tears down and says what it did.
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|at| format!(" at {}:{}", at.file(), at.line()))
            .unwrap_or_default();
        let what = c2c::error::panic_message(info.payload());
        anstream::eprintln!("c2c: internal error{at}: {what}");
    }));
    c2c::crypto::install();
    match c2c::cmd::run(cli, &matches) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            let style = anstyle::Style::new()
                .bold()
                .fg_color(Some(anstyle::AnsiColor::Red.into()));
            anstream::eprintln!("{style}error:{style:#} {err}");
            ExitCode::from(err.exit_code())
        }
    }
}
