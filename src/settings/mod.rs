//! Settings: every one declared once (`catalog`), looked up once, and resolved into the typed
//! settings of the command that runs (`serve`, `tunnel`, `configure`, `token`). The rest of c2c
//! never sees a raw flag, variable or file.
//!
//! Each setting comes from the first of these that has it:
//! 1. its command-line flag,
//! 2. its environment variable,
//! 3. the same variable in `./.env` (or the file `--env-file` names),
//! 4. its key in the config file (`$XDG_CONFIG_HOME/c2c/config.toml`, or `--config`),
//! 5. its default.
//!
//! Every value remembers where it came from, so that an error can say which flag, variable or
//! file line to fix. All the problems found are reported together: a newcomer missing four
//! settings learns about all four at once.

mod catalog;
mod files;
pub mod keep;
mod problem;
mod resolver;

pub mod call;
pub mod configure;
pub mod doctor;
pub mod ngrok;
pub mod serve;
pub mod sip;
pub mod speech;
pub mod token;
pub mod tunnel;
pub mod twilio;

use clap::ArgMatches;

pub use catalog::*;
pub use files::{Files, default_config_path};
pub use problem::{Problem, SettingsError};
pub use resolver::{Found, Origin, Resolver};

use crate::cli::GlobalArgs;

/// Where settings come from for one run: the subcommand's parsed flags (with the variables clap
/// read for them) and the two settings files.
pub struct Sources<'a> {
    matches: &'a ArgMatches,
    files: Files,
}

impl<'a> Sources<'a> {
    /// `matches` are the subcommand's own, where its flags live.
    pub fn load(global: &GlobalArgs, matches: &'a ArgMatches) -> Result<Self, SettingsError> {
        let files = Files::load(global.env_file.as_deref(), global.config.as_deref())?;
        Ok(Sources { matches, files })
    }

    pub fn resolver(&self) -> Resolver<'_> {
        Resolver::new(self.matches, &self.files)
    }

    /// The config file read (`--config`, or the default one), or where the default one would be.
    pub fn config_path(&self) -> Option<std::path::PathBuf> {
        self.files.config_path.clone()
    }
}
