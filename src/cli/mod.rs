//! The command line, and nothing else: clap definitions whose doc comments are the `--help` text.
//! Turning these raw values into checked settings is `settings`' job.

use std::path::PathBuf;

use clap::{Arg, ArgAction, Args, CommandFactory, Parser, Subcommand};

mod call;
mod groups;
mod serve;
mod suite;

pub use call::{CallArgs, CallerArgs};
use clap_complete::Shell;
pub use groups::*;
pub use serve::{ServeArgs, TunnelArgs};
pub use suite::{Jobs, TestArgs};

const EXAMPLES: &str = "\
Examples:
  c2c serve --tunnel          Serve the softphone, open a tunnel, point the TwiML App at it
  c2c token                   Print an Access Token for a quick test
  c2c token --decode < t.txt  Show what is inside a token
  c2c configure               Show where the TwiML App sends calls
  c2c doctor                  Check the Twilio account for everything a call needs
  c2c call +14155552671 --digits 1w2 --hangup-after 20s --record out.wav
                              A call from a headless browser, for scripts and CI

Settings come from, highest first: flags, environment variables, ./.env (or --env-file), the
config file ($XDG_CONFIG_HOME/c2c/config.toml, or --config), defaults.

Exit status: 0 success, 1 failure, 2 usage error (a flag or its value), 3 settings error (missing, or
invalid in the environment or a file), 4 Twilio or ngrok error.";

/// Browser-to-phone calling on Twilio with one command.
///
/// c2c serves a softphone page, the Access Tokens it needs and the TwiML webhook that places
/// its calls; it opens an ngrok tunnel in process so that Twilio can reach the webhook, and points
/// your TwiML App at that tunnel for as long as it runs.
#[derive(Debug, Parser)]
#[command(name = "c2c", version, after_long_help = EXAMPLES, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    #[command(flatten)]
    pub global: GlobalArgs,
}

/// The command line as `main` parses it: `Cli`'s definitions, with `completions --help` showing
/// only what applies to it. It reads no settings and logs nothing, so the global flags are
/// defined on it again, hidden (clap does not spread a global flag over a subcommand's own).
pub fn command() -> clap::Command {
    let mut command = Cli::command();
    // clap's own usage line lists every flag that has a value, from the environment too: with
    // the TWILIO_* variables set, `c2c call` without a number showed six settings (secrets
    // among them) as if they were required flags.
    let names: Vec<String> = command
        .get_subcommands()
        .map(|sub| sub.get_name().to_owned())
        .collect();
    for name in names {
        command = command.mut_subcommand(&name, |sub| {
            let positionals: String = sub
                .get_positionals()
                .map(|arg| {
                    let names: Vec<String> = arg
                        .get_value_names()
                        .unwrap_or_default()
                        .iter()
                        .map(ToString::to_string)
                        .collect();
                    let name = names.join(" ");
                    let many = match arg.get_num_args() {
                        Some(range) if range.max_values() > 1 => "...",
                        _ => "",
                    };
                    match arg.is_required_set() {
                        true => format!(" <{name}>{many}"),
                        false => format!(" [{name}]{many}"),
                    }
                })
                .collect();
            let usage = format!("c2c {name} [OPTIONS]{positionals}");
            let has_account = sub.get_arguments().any(|arg| arg.get_id() == "account_sid");
            let sub = sub.override_usage(usage);
            match has_account {
                true => sub.after_help(ACCOUNT_IN_SHORT),
                false => sub,
            }
        });
    }
    let command = with_steps(
        command,
        "test",
        "Steps (a list under `steps:` in each scenario file; a value with spaces in quotes):",
    );
    let command = with_steps(
        command,
        "call",
        "Steps (--step, repeatable, or a list under `steps:` in a --scenario YAML file; a value\nwith spaces in quotes):",
    );
    command.mut_subcommand("completions", |completions| {
        completions
            .arg(Arg::new("config").long("config").hide(true))
            .arg(Arg::new("env_file").long("env-file").hide(true))
            .arg(
                Arg::new("verbose")
                    .short('v')
                    .long("verbose")
                    .action(ArgAction::Count)
                    .hide(true),
            )
            .arg(
                Arg::new("quiet")
                    .short('q')
                    .long("quiet")
                    .action(ArgAction::Count)
                    .hide(true),
            )
    })
}

/// What `-h` says of the account's flags, which only `--help` lists.
const ACCOUNT_IN_SHORT: &str = "\
Twilio account: --account-sid, --api-key, --api-secret, --auth-token, --app-sid, --caller-id and
more, or the TWILIO_* variables (also from .env and the config file): --help lists them all.";

/// `serve`'s defaults for its token flags; `call`, which does not show them, takes them too.
pub const DEFAULT_TOKEN_RATE: &str = "60";
pub const DEFAULT_TOKEN_TTL: &str = "1h";

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Log more: -v for debug lines from c2c, -vv for its dependencies too
    // The global flags come last in every command's help, after the command's own.
    #[arg(short, long, action = ArgAction::Count, global = true, display_order = 900)]
    pub verbose: u8,

    /// Log less: -q for warnings and errors only, -qq for errors only
    #[arg(
        short,
        long,
        action = ArgAction::Count,
        global = true,
        conflicts_with = "verbose",
        display_order = 901
    )]
    pub quiet: u8,

    /// Read settings from this TOML file instead of $XDG_CONFIG_HOME/c2c/config.toml
    #[arg(
        long,
        global = true,
        env = "C2C_CONFIG",
        value_name = "FILE",
        display_order = 902
    )]
    pub config: Option<PathBuf>,

    /// Read settings from this dotenv file instead of ./.env
    #[arg(
        long,
        global = true,
        env = "C2C_ENV_FILE",
        value_name = "FILE",
        display_order = 903
    )]
    pub env_file: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Serve(ServeArgs),
    Tunnel(TunnelArgs),
    Configure(ConfigureArgs),
    Doctor(DoctorArgs),
    Call(Box<CallArgs>),
    Test(Box<TestArgs>),
    Token(TokenArgs),
    Completions(CompletionsArgs),
}

/// Show or change where the TwiML App sends calls
///
/// Without options, shows the TwiML App's voice settings. --url sets its Voice URL,
/// --from-ngrok-agent takes the URL from an ngrok agent running on this machine, --create makes
/// a new TwiML App, --number sends calls to one of your Twilio numbers to the app, and --restore
/// puts back a Voice URL that a c2c run replaced and could not restore.
///
/// --sip makes what calling through a SIP Domain needs, or finds what an earlier run made: a
/// Credential List named c2c with a credential for c2c (its password generated and kept in
/// c2c's config file, since Twilio never shows it again), a SIP Domain named
/// c2c-RANDOM.sip.twilio.com that sends its calls where the TwiML App does, and the mapping
/// that makes the Domain challenge calls against the list. Run it again at any time: it makes
/// only what is missing.
#[derive(Debug, Args)]
#[command(after_long_help = "\
Examples:
  c2c configure                          Show the app's Voice URL
  c2c configure --url https://x.example/voice
  c2c configure --create 'My softphone'  Make a TwiML App and print its SID
  c2c configure --restore                Undo what an interrupted c2c run changed
  c2c configure --sip --dry-run          Say what calling through SIP would need made")]
pub struct ConfigureArgs {
    /// Set the Voice URL to this address
    #[arg(long, value_name = "URL", group = "action")]
    pub url: Option<String>,

    /// Set the Voice URL from the tunnel of an ngrok agent running here (its API on port 4040)
    #[arg(long, group = "action")]
    pub from_ngrok_agent: bool,

    /// Create a TwiML App with this friendly name and print its SID
    #[arg(long, value_name = "NAME", group = "action")]
    pub create: Option<String>,

    /// Send calls to this Twilio number (E.164) to the TwiML App
    #[arg(long, value_name = "NUMBER")]
    pub number: Option<String>,

    /// Put back the Voice URL that an interrupted c2c run replaced
    #[arg(long, group = "action")]
    pub restore: bool,

    /// Make (or find) the SIP Domain, Credential List and credential c2c calls SIP with
    #[arg(long, group = "action", conflicts_with = "number")]
    pub sip: bool,

    /// Say what would change without changing it
    #[arg(long)]
    pub dry_run: bool,

    /// Print the result as JSON
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub account: AccountArgs,
}

/// Check the Twilio account for everything a call needs
///
/// Checks, against your Twilio account, what a call from the page needs: the credentials and
/// API Key, the account's status and type (a trial account calls verified numbers only), the
/// TwiML App and where it sends calls, the caller ID (one of your numbers or a verified one),
/// the voice dialing permissions of each country the dial policy allows (and of --to), this
/// machine's clock against Twilio's, the ngrok authtoken, and the errors Twilio recorded in the
/// last 24 hours. Each line says ok, warn or FAIL, what was found, and what to do.
///
/// Exit status 0 when nothing failed, 1 when a check failed.
#[derive(Debug, Args)]
#[command(after_long_help = "\
Examples:
  c2c doctor                       Check everything before the first call
  c2c doctor --to +442079460958    Also check that this number can be called
  c2c doctor --json | jq '.checks[] | select(.status != \"ok\")'")]
pub struct DoctorArgs {
    /// Also check that this number can be called: the dial policy and its country's permission
    #[arg(long, value_name = "NUMBER")]
    pub to: Option<String>,

    /// Print the report as JSON
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub dial: DialArgs,

    #[command(flatten)]
    pub account: AccountArgs,

    #[command(flatten)]
    pub ngrok: NgrokArgs,
}

/// Print an Access Token for the browser softphone
///
/// Mints a Twilio Access Token (a JWT signed with your API Key secret) with a Voice grant:
/// outgoing calls go through the TwiML App, and incoming calls to the identity are allowed.
/// By default standard output holds the token alone, so that $(c2c token) works.
///
/// --decode shows the header and claims of any token (yours or someone else's) as JSON; it needs
/// no settings, and checks the signature only when the API Key secret is available.
#[derive(Debug, Args)]
#[command(after_long_help = "\
Examples:
  c2c token                            A token for a fresh identity, valid one hour
  c2c token --identity alice --ttl 2h  For the identity alice, valid two hours
  c2c token --json | jq .expires_at
  c2c token --decode < token.txt       What is inside; the signature is checked when the API Key
                                       secret is set, and said to be unchecked when not")]
pub struct TokenArgs {
    /// Client identity the token is for (letters, digits, _ - .). Default: a fresh one per run
    #[arg(long, env = "C2C_IDENTITY", value_name = "NAME")]
    pub identity: Option<String>,

    /// How long the token stays valid: seconds (3600) or a duration (90m, 2h); at most 24h
    #[arg(long, value_name = "DURATION", default_value = "3600")]
    pub ttl: String,

    /// Leave out the grant to receive calls
    #[arg(long)]
    pub no_incoming: bool,

    /// Parameter Twilio passes to the TwiML App on outgoing calls; repeatable
    #[arg(long = "param", value_name = "KEY=VALUE")]
    pub params: Vec<String>,

    /// Print {token, identity, expires_at} as JSON
    #[arg(long, conflicts_with = "decode")]
    pub json: bool,

    /// Show the header and claims of TOKEN (or of the token on standard input) instead
    #[arg(long, value_name = "TOKEN", num_args = 0..=1)]
    pub decode: Option<Option<String>>,

    #[command(flatten)]
    pub credentials: CredentialArgs,

    #[command(flatten)]
    pub app: AppArgs,
}

/// Print shell completions
///
/// Writes the completion script for SHELL to standard output. Pre-generated scripts are also in
/// the completions/ folder of the source.
#[derive(Debug, Args)]
#[command(after_long_help = "\
Examples:
  c2c completions bash > ~/.local/share/bash-completion/completions/c2c
  c2c completions zsh > ~/.zfunc/_c2c      then in ~/.zshrc, before compinit: fpath+=~/.zfunc
  c2c completions fish > ~/.config/fish/completions/c2c.fish

Each folder must exist first: mkdir -p it.")]
pub struct CompletionsArgs {
    /// The shell to write completions for
    #[arg(value_enum)]
    pub shell: Shell,
}

/// `name`'s help with the steps' list (from their table) and its examples before the options,
/// which are many (the account's among them): what a reader of `c2c call --help` looks for
/// first. `-h` lists the steps' names.
fn with_steps(command: clap::Command, name: &str, heading: &str) -> clap::Command {
    command.mut_subcommand(name, |sub| {
        let rest = sub
            .get_after_long_help()
            .map(ToString::to_string)
            .unwrap_or_default();
        sub.after_long_help(format!("{heading}\n{}\n{rest}", crate::scenario::help()))
            .after_help(format!(
                "Steps: {} (--help for each step's options, and examples)",
                crate::scenario::names().join(", ")
            ))
            .help_template(
                "{about-with-newline}\n{usage-heading} {usage}{after-help}\n\n{all-args}",
            )
    })
}
